import CivicSealApp
import CivicSealIdentity
import CivicSealRecords
import CivicSealWorkflow
import Foundation
import Testing

@testable import CivicSealCasework

/// Submit, supplement, cancel and the citizen's own views, called in-process.
@Suite("Casework: intake")
struct IntakeTests {
    @Test func submittingTwiceWithOneIdempotencyKeyGivesOneRequest() async throws {
        let fixture = try CaseworkFixture()
        let first = try await fixture.submitted(1, key: "key-0001-abcdef")
        let again = try await fixture.submitted(1, key: "key-0001-abcdef")
        #expect(again.id == first.id)
        #expect(first.state == .submitted && first.departmentID == "justice-hanoi")
        let own = try await fixture.casework.ownRequests(of: CaseworkFixture.citizen(1))
        #expect(own.map(\.id) == [first.id])
    }

    @Test func anInvalidSubmissionIsRefusedFieldByFieldAndNothingIsStored() async throws {
        let fixture = try CaseworkFixture()
        var submission = SyntheticRequests.criminalRecord()
        submission.copies = 0
        await #expect(throws: ValidationFailure.self) {
            _ = try await fixture.casework.submit(submission, idempotencyKey: nil, by: CaseworkFixture.citizen(1))
        }
        #expect(try await fixture.casework.ownRequests(of: CaseworkFixture.citizen(1)).isEmpty)
    }

    @Test func aSupplementAnswersARequestForInformationAndRequeuesIt() async throws {
        let fixture = try CaseworkFixture()
        let id = try await fixture.submitted().id
        _ = try await fixture.casework.claim(id, by: CaseworkFixture.officer)
        let asked = try await fixture.casework.decide(
            id, .requestInfo(reason: "Thiếu nơi cư trú"), by: CaseworkFixture.officer)
        #expect(asked.state == .needsInfo)
        let supplemented = try await fixture.casework.supplement(id, by: CaseworkFixture.citizen(1)) {
            SyntheticRequests.criminalRecord()
        }
        #expect(supplemented.state == .submitted && supplemented.assigneeID == nil)
    }

    @Test func someoneElsesRequestIsNotFoundBeforeTheSupplementIsRead() async throws {
        let fixture = try CaseworkFixture()
        let id = try await fixture.submitted(1).id
        var read = false
        await #expect(throws: RecordsError(.notFound, "")) {
            _ = try await fixture.casework.supplement(id, by: CaseworkFixture.citizen(2)) {
                read = true
                return SyntheticRequests.criminalRecord()
            }
        }
        #expect(!read, "the body of a refused caller is never read")
    }

    @Test func cancellingAnotherCitizensRequestIsRefusedAndItStaysSubmitted() async throws {
        let fixture = try CaseworkFixture()
        let id = try await fixture.submitted(1).id
        await #expect(throws: RecordsError(.notFound, "")) {
            _ = try await fixture.casework.cancel(id, by: CaseworkFixture.citizen(2))
        }
        let detail = try fixture.casework.detail(id, by: .citizen(CaseworkFixture.citizen(1)))
        #expect(detail.stored.summary.state == .submitted && !detail.forStaff)
        let cancelled = try await fixture.casework.cancel(id, by: CaseworkFixture.citizen(1))
        #expect(cancelled.state == .cancelled)
    }

    @Test func staffReadARequestOfTheirDepartmentOnlyAndOnlyOfKindsTheirRolesCover() async throws {
        let fixture = try CaseworkFixture()
        let id = try await fixture.submitted().id
        let detail = try fixture.casework.detail(id, by: .staff(CaseworkFixture.officer))
        #expect(detail.forStaff && detail.stored.summary.id == id)
        let elsewhere = CaseworkFixture.staff([.justiceOfficer], department: "justice-hcm")
        #expect(isNotFound { _ = try fixture.casework.detail(id, by: .staff(elsewhere)) })
        let healthOfficer = CaseworkFixture.staff([.healthOfficer])
        #expect(throws: IdentityError.self) { _ = try fixture.casework.detail(id, by: .staff(healthOfficer)) }
    }
}

/// Whether `work` fails as "not found" (the request's or document's existence is not revealed): the store's
/// ``RecordsError/Code/notFound`` or the casework's ``CaseworkError/Code/notFound``.
func isNotFound(_ work: () throws -> Void) -> Bool {
    do { try work() } catch let error as RecordsError { return error.code == .notFound } catch let error
        as CaseworkError
    { return error.code == .notFound } catch { return false }
    return false
}

/// ``isNotFound(_:)`` for async work.
func isNotFoundAsync(_ work: () async throws -> Void) async -> Bool {
    do { try await work() } catch let error as RecordsError { return error.code == .notFound } catch let error
        as CaseworkError
    { return error.code == .notFound } catch { return false }
    return false
}

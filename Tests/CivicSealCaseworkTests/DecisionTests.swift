import CivicSealApp
import CivicSealIdentity
import CivicSealJSON
import CivicSealRecords
import CivicSealVerification
import CivicSealWorkflow
import Foundation
import Testing

@testable import CivicSealCasework

/// Queue, claim, decide (approve → issue in one call), complexity, revocation, in-process.
@Suite("Casework: decisions and issuance")
struct DecisionTests {
    @Test func approvingIssuesASealedRegisteredDocumentTheOwnerCanDownload() async throws {
        let fixture = try CaseworkFixture()
        let issued = try await fixture.issued()
        #expect(issued.state == .issued)
        let (documentID, pdf) = try fixture.casework.ownDocument(ofRequest: issued.id, by: CaseworkFixture.citizen(1))
        #expect(pdf.starts(with: Array("%PDF-".utf8)))
        let status = try fixture.casework.documentStatus(documentID)
        #expect(status.entry.status == .valid && status.entry.requestID == issued.id)
        #expect(status.department?.id == "justice-hanoi")
        // The sealed bytes verify against the trust anchors and the registry. The fixture issues as `serve` does
        // (officer, locked seal, timestamps, DSS, document timestamp): valid, every check passed.
        let verdict = try await fixture.casework.verifyDocument(pdf)
        #expect(verdict.outcome == .valid, "\(verdict.checks.filter { !$0.passed }.map(\.name))")
        #expect(verdict.failedChecks.isEmpty)
        #expect(verdict.documentID == documentID)
        // The approval's findings are stored as their canonical JSON.
        let detail = try fixture.casework.detail(issued.id, by: .staff(CaseworkFixture.officer))
        #expect(detail.stored.findingsJSON == #"{"bans":[],"convictions":[]}"#)
    }

    @Test func anotherCitizenCannotDownloadTheDocument() async throws {
        let fixture = try CaseworkFixture()
        let issued = try await fixture.issued(1)
        #expect(
            isNotFound { _ = try fixture.casework.ownDocument(ofRequest: issued.id, by: CaseworkFixture.citizen(2)) })
    }

    @Test func approvingAnUnclaimedRequestIsRefusedAndNothingIsIssued() async throws {
        let fixture = try CaseworkFixture()
        let id = try await fixture.submitted().id
        await #expect(throws: RecordsError(.transitionRefused, "")) {
            _ = try await fixture.casework.decide(id, .approve(findings: CaseworkFixture.cleanRecord), by: .officer)
        }
        let detail = try fixture.casework.detail(id, by: .staff(CaseworkFixture.officer))
        #expect(detail.stored.summary.state == .submitted && detail.stored.findingsJSON == nil)
    }

    @Test func anotherDepartmentsRequestIsNotFoundToItsOfficers() async throws {
        let fixture = try CaseworkFixture()
        let id = try await fixture.submitted().id
        let elsewhere = CaseworkFixture.staff([.justiceOfficer], department: "justice-hcm")
        #expect(await isNotFoundAsync { _ = try await fixture.casework.claim(id, by: elsewhere) })
        await #expect(throws: CaseworkError.notFound) {
            _ = try await fixture.casework.queue("justice-hanoi", by: elsewhere) { QueueQuery() }
        }
        let queue = try await fixture.casework.queue("justice-hanoi", by: .officer) { QueueQuery() }
        #expect(queue.items.map(\.id) == [id])
    }

    @Test func anOfficerWhoseRolesDoNotCoverTheKindIsForbidden() async throws {
        let fixture = try CaseworkFixture()
        let id = try await fixture.submitted().id
        let clinician = CaseworkFixture.staff([.healthClinician], department: "justice-hanoi")
        await #expect(throws: IdentityError.self) { _ = try await fixture.casework.claim(id, by: clinician) }
    }

    @Test func anApprovalStatesItsFindingsAndTheyMustFitTheKind() async throws {
        let fixture = try CaseworkFixture()
        let id = try await fixture.submitted().id
        _ = try await fixture.casework.claim(id, by: .officer)
        await #expect(throws: CaseworkError(.findingsRequired, "approval states the findings the document will carry"))
        {
            _ = try await fixture.casework.decide(id, .approve(findings: nil), by: .officer)
        }
        let wrong: JSONValue = .object(["convictions": .array([]), "bans": .array([]), "conviction": .null])
        let failure = await #expect(throws: ValidationFailure.self) {
            _ = try await fixture.casework.decide(id, .approve(findings: wrong), by: .officer)
        }
        #expect(failure?.issues.contains { $0.field.contains("conviction") } == true)
        let detail = try fixture.casework.detail(id, by: .staff(CaseworkFixture.officer))
        #expect(detail.stored.summary.state == .inReview)
    }

    @Test func aRejectionNeedsAReason() async throws {
        let fixture = try CaseworkFixture()
        let id = try await fixture.submitted().id
        _ = try await fixture.casework.claim(id, by: .officer)
        let refused = await #expect(throws: RecordsError.self) {
            _ = try await fixture.casework.decide(id, .reject(reason: ""), by: .officer)
        }
        #expect(refused?.code == .transitionRefused && refused?.lifecycle?.code.rawValue.contains("reason") == true)
        let rejected = try await fixture.casework.decide(id, .reject(reason: "Không đủ hồ sơ"), by: .officer)
        #expect(rejected.state == .rejected)
    }

    @Test func settingTheComplexityRecomputesTheDueDate() async throws {
        let fixture = try CaseworkFixture()
        let submitted = try await fixture.submitted()
        let complex = try await fixture.casework.setComplexity(
            submitted.id, CaseComplexity(reasons: [.livedAbroad]), reason: "Đã sống ở nước ngoài", by: .officer)
        #expect(complex.dueDate > submitted.dueDate)
    }

    @Test func onlyARevokerOfTheIssuingDepartmentRevokesAndStatesTheGrounds() async throws {
        let fixture = try CaseworkFixture()
        let issued = try await fixture.issued()
        let (documentID, _) = try fixture.casework.ownDocument(ofRequest: issued.id, by: CaseworkFixture.citizen(1))
        let input = RevocationInput(code: .issuedInError, grounds: "Cấp nhầm hồ sơ")
        await #expect(throws: IdentityError.self) {
            _ = try await fixture.casework.revoke(documentID, by: .officer) { input }
        }
        let elsewhere = CaseworkFixture.staff([.justiceRevoker], department: "justice-hcm")
        #expect(await isNotFoundAsync { _ = try await fixture.casework.revoke(documentID, by: elsewhere) { input } })
        await #expect(throws: CaseworkError(.groundsRequired, "a revocation states its grounds")) {
            _ = try await fixture.casework.revoke(documentID, by: .revoker) {
                RevocationInput(code: .issuedInError, grounds: "  ")
            }
        }
        #expect(try fixture.casework.documentStatus(documentID).entry.status == .valid)
        let revoked = try await fixture.casework.revoke(documentID, by: .revoker) { input }
        guard case .revoked(_, let code, _) = revoked.entry.status else {
            Issue.record("not revoked: \(revoked.entry.status)")
            return
        }
        #expect(code == .issuedInError)
    }
}

extension StaffPrincipal {
    static var officer: StaffPrincipal { CaseworkFixture.officer }
    static var revoker: StaffPrincipal { CaseworkFixture.revoker }
}

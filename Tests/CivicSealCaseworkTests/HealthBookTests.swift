import CivicSealApp
import CivicSealIdentity
import CivicSealRecords
import CivicSealWorkflow
import Foundation
import Testing

@testable import CivicSealCasework

/// Health-book entries: recorded by a clinician, read by their owner.
@Suite("Casework: health books")
struct HealthBookTests {
    static let vaccination = HealthBookEntry.vaccination(
        Vaccination(
            facilityId: "01001", administeredOn: CalendarDate(year: 2025, month: 3, day: 2)!, vaccine: "Vaxigrip",
            antigen: "Cúm", dose: 1))

    @Test func aClinicianRecordsAnEntryAndItsOwnerReadsIt() async throws {
        let fixture = try CaseworkFixture()
        let clinician = CaseworkFixture.staff([.healthClinician], department: "health-hanoi", subject: "clinician-1")
        let person = CaseworkFixture.citizen(3)
        let number = try await fixture.casework.recordHealthEntry(by: clinician) {
            HealthEntryInput(personalID: person.personalID, entry: Self.vaccination)
        }
        #expect(number > 0)
        let book = try await fixture.casework.ownHealthBook(of: person)
        #expect(book.entries == [Self.vaccination])
        #expect(try await fixture.casework.ownHealthBook(of: CaseworkFixture.citizen(4)).entries.isEmpty)
    }

    @Test func aClinicianIsAuditedAsAClinicianBesideOfficersAndTheChainStillVerifies() async throws {
        let fixture = try CaseworkFixture()
        _ = try await fixture.issued(5)
        let clinician = CaseworkFixture.staff([.healthClinician], department: "health-hanoi", subject: "clinician-2")
        _ = try await fixture.casework.recordHealthEntry(by: clinician) {
            HealthEntryInput(personalID: CaseworkFixture.citizen(5).personalID, entry: Self.vaccination)
        }
        let audit = try await fixture.store.auditEntries()
        let entry = try #require(audit.last)
        #expect(
            entry.action == "health-book.record" && entry.actorRole == "clinician" && entry.actorID == "clinician-2")
        #expect(audit.contains { $0.action == "approve" && $0.actorRole == "officer" })
        #expect(try await fixture.store.verifyAudit().isIntact)
    }

    @Test func anOfficerWhoIsNotAClinicianRecordsNothingAndTheEntryIsNotRead() async throws {
        let fixture = try CaseworkFixture()
        var read = false
        await #expect(throws: IdentityError.self) {
            _ = try await fixture.casework.recordHealthEntry(by: CaseworkFixture.staff([.healthOfficer])) {
                read = true
                return HealthEntryInput(personalID: CaseworkFixture.citizen(3).personalID, entry: Self.vaccination)
            }
        }
        #expect(!read)
        #expect(try await fixture.casework.ownHealthBook(of: CaseworkFixture.citizen(3)).entries.isEmpty)
    }
}

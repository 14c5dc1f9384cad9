import CivicSealIdentity
import CivicSealRecords
import CivicSealWorkflow
import Foundation

/// A health-book entry to record, as typed input: whose book, and the entry.
package struct HealthEntryInput: Sendable {
    package let personalID: PersonalIDNumber
    package let entry: HealthBookEntry

    package init(personalID: PersonalIDNumber, entry: HealthBookEntry) {
        self.personalID = personalID
        self.entry = entry
    }
}

extension Casework {
    /// A health facility's clinician (`health.clinician`) records an entry in a person's health book; `input` is
    /// read once the role is known to allow it. Returns the entry's number.
    package func recordHealthEntry(by staff: StaffPrincipal, input: () throws -> HealthEntryInput) async throws
        -> Int64
    {
        try policy.requireAny(staff, .recordHealthEntry)
        let input = try input()
        let clinician = Participant.clinician(staff.token.subject, facility: staff.department, name: staff.name)
        return try await store.recordHealthEntry(input.entry, for: input.personalID, by: clinician, now: clock())
    }
}

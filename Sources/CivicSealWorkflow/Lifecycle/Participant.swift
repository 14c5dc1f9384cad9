/// Who takes part in a request's story: the authenticated party performing a step (a citizen, an officer, a
/// clinician, or the system), as histories and the audit trail record them. (Named so as not to shadow
/// `Swift.Participant`.)
package struct Participant: Codable, Sendable, Hashable {
    package var role: ParticipantRole
    /// Citizen: the personal ID number; officer and clinician: the staff id; system: a component name.
    package var id: String
    /// The officer's department or the clinician's facility; `nil` for citizens and the system.
    package var departmentID: String?
    /// The officer's name as their staff token gives it at the time of the step (kept beside the audit entry, so
    /// histories and queues show a name rather than a staff id); `nil` when unknown.
    package var name: String?

    package init(role: ParticipantRole, id: String, departmentID: String? = nil, name: String? = nil) {
        self.role = role
        self.id = id
        self.departmentID = departmentID
        self.name = name
    }

    package static func citizen(_ personalID: PersonalIDNumber) -> Participant {
        Participant(role: .citizen, id: personalID.digits)
    }

    package static func officer(_ id: String, department: String, name: String? = nil) -> Participant {
        Participant(role: .officer, id: id, departmentID: department, name: name)
    }

    /// A clinician of the health facility `facility` (their staff token's department).
    package static func clinician(_ id: String, facility: String, name: String? = nil) -> Participant {
        Participant(role: .clinician, id: id, departmentID: facility, name: name)
    }

    package static func system(_ id: String = "signer") -> Participant { Participant(role: .system, id: id) }
}

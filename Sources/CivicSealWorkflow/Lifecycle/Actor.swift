/// The authenticated party performing an action.
package struct Actor: Codable, Sendable, Hashable {
    package var role: ActorRole
    /// Citizen: the personal ID number; officer: the staff id; system: a component name.
    package var id: String
    /// The officer's department; `nil` for citizens and the system.
    package var departmentID: String?
    /// The officer's name as their staff token gives it at the time of the step (kept beside the audit entry, so
    /// histories and queues show a name rather than a staff id); `nil` when unknown.
    package var name: String?

    package init(role: ActorRole, id: String, departmentID: String? = nil, name: String? = nil) {
        self.role = role
        self.id = id
        self.departmentID = departmentID
        self.name = name
    }

    package static func citizen(_ personalID: PersonalIDNumber) -> Actor {
        Actor(role: .citizen, id: personalID.digits)
    }

    package static func officer(_ id: String, department: String, name: String? = nil) -> Actor {
        Actor(role: .officer, id: id, departmentID: department, name: name)
    }

    /// A clinician of the health facility `facility` (their staff token's department).
    package static func clinician(_ id: String, facility: String, name: String? = nil) -> Actor {
        Actor(role: .clinician, id: id, departmentID: facility, name: name)
    }

    package static func system(_ id: String = "signer") -> Actor { Actor(role: .system, id: id) }
}

/// The authenticated party performing an action.
public struct Actor: Codable, Sendable, Hashable {
    public var role: ActorRole
    /// Citizen: the personal ID number; officer: the staff id; system: a component name.
    public var id: String
    /// The officer's department; `nil` for citizens and the system.
    public var departmentID: String?
    /// The officer's name as their staff token gives it at the time of the step (kept beside the audit entry, so
    /// histories and queues show a name rather than a staff id); `nil` when unknown.
    public var name: String?

    public init(role: ActorRole, id: String, departmentID: String? = nil, name: String? = nil) {
        self.role = role
        self.id = id
        self.departmentID = departmentID
        self.name = name
    }

    public static func citizen(_ personalID: PersonalIDNumber) -> Actor {
        Actor(role: .citizen, id: personalID.digits)
    }

    public static func officer(_ id: String, department: String, name: String? = nil) -> Actor {
        Actor(role: .officer, id: id, departmentID: department, name: name)
    }

    public static func system(_ id: String = "signer") -> Actor { Actor(role: .system, id: id) }
}

/// The authenticated party performing an action.
public struct Actor: Codable, Sendable, Hashable {
    public var role: ActorRole
    /// Citizen: the personal ID number; officer: the staff id; system: a component name.
    public var id: String
    /// The officer's department; `nil` for citizens and the system.
    public var departmentID: String?

    public init(role: ActorRole, id: String, departmentID: String? = nil) {
        self.role = role
        self.id = id
        self.departmentID = departmentID
    }

    public static func citizen(_ personalID: PersonalIDNumber) -> Actor {
        Actor(role: .citizen, id: personalID.digits)
    }

    public static func officer(_ id: String, department: String) -> Actor {
        Actor(role: .officer, id: id, departmentID: department)
    }

    public static func system(_ id: String = "signer") -> Actor { Actor(role: .system, id: id) }
}

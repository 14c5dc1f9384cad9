/// Who may perform an action: the citizen who owns the request, an officer of the department it is routed to,
/// or the system (issuing the signed document after approval).
package enum ActorRole: String, Codable, Sendable, CaseIterable {
    case citizen
    case officer
    case system
}

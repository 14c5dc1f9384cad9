/// What someone does to a request. Raw values are stable (stored in the audit trail).
public enum LifecycleAction: String, Codable, Sendable, CaseIterable {
    case claim
    case approve
    case requestInfo = "request-info"
    case supplement
    case reject
    case cancel
    case issue
    case revoke
}

/// What someone does to a request. Raw values are stable (stored in the audit trail).
package enum LifecycleAction: String, Codable, Sendable, CaseIterable {
    case claim
    case approve
    case requestInfo = "request-info"
    case supplement
    case reject
    case cancel
    case issue
    case revoke
    /// An officer sets or corrects the Art. 48 complexity (and so the statutory deadline); the state is unchanged.
    case setComplexity = "set-complexity"
}

/// The record of one performed transition, for the audit trail (storage adds time and hashes).
public struct LifecycleEvent: Codable, Sendable, Hashable {
    public let from: RequestState
    public let action: LifecycleAction
    public let to: RequestState
    public let actor: Actor
    /// NFC, trimmed; `nil` when none was given.
    public let reason: String?

    public init(from: RequestState, action: LifecycleAction, to: RequestState, actor: Actor, reason: String?) {
        self.from = from
        self.action = action
        self.to = to
        self.actor = actor
        self.reason = reason
    }
}

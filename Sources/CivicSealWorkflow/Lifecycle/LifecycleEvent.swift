/// The record of one performed transition, for the audit trail (storage adds time and hashes).
package struct LifecycleEvent: Codable, Sendable, Hashable {
    package let from: RequestState
    package let action: LifecycleAction
    package let to: RequestState
    package let actor: Participant
    /// NFC, trimmed; `nil` when none was given.
    package let reason: String?

    package init(from: RequestState, action: LifecycleAction, to: RequestState, actor: Participant, reason: String?) {
        self.from = from
        self.action = action
        self.to = to
        self.actor = actor
        self.reason = reason
    }
}

/// One allowed edge of the lifecycle: from a state, an action by a role leads to a state.
public struct LifecycleTransition: Codable, Sendable, Hashable {
    public let from: RequestState
    public let action: LifecycleAction
    public let to: RequestState
    public let performer: ActorRole
    /// The action must carry a non-empty reason (it is shown to the citizen and kept in the audit trail).
    public let requiresReason: Bool

    public init(
        from: RequestState, action: LifecycleAction, to: RequestState, performer: ActorRole, requiresReason: Bool
    ) {
        self.from = from
        self.action = action
        self.to = to
        self.performer = performer
        self.requiresReason = requiresReason
    }
}

/// One allowed edge of the lifecycle: from a state, an action by a role leads to a state.
package struct LifecycleTransition: Codable, Sendable, Hashable {
    package let from: RequestState
    package let action: LifecycleAction
    package let to: RequestState
    package let performer: ParticipantRole
    /// The action must carry a non-empty reason (it is shown to the citizen and kept in the audit trail).
    package let requiresReason: Bool

    package init(
        from: RequestState, action: LifecycleAction, to: RequestState, performer: ParticipantRole, requiresReason: Bool
    ) {
        self.from = from
        self.action = action
        self.to = to
        self.performer = performer
        self.requiresReason = requiresReason
    }
}

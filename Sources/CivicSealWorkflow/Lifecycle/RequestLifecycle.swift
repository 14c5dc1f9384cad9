/// The one state machine of a request. Every allowed transition is listed in ``transitions``; anything else is a
/// ``LifecycleError`` and leaves the value unchanged.
///
/// | from         | action         | to          | by      |
/// |--------------|----------------|-------------|---------|
/// | `submitted`  | `claim`        | `in_review` | officer |
/// | `in_review`  | `approve`      | `approved`  | officer |
/// | `in_review`  | `request-info`*| `needs_info`| officer |
/// | `in_review`  | `reject`*      | `rejected`  | officer |
/// | `needs_info` | `supplement`   | `submitted` | citizen |
/// | `submitted`  | `cancel`       | `cancelled` | citizen |
/// | `needs_info` | `cancel`       | `cancelled` | citizen |
/// | `approved`   | `issue`        | `issued`    | system  |
/// | `issued`     | `revoke`*      | `revoked`   | officer |
/// | `submitted`, `in_review`, `needs_info` | `set-complexity`* | (same) | officer |
///
/// `*` needs a reason: a refusal must state its reasons (Circular 03/2025/TT-VPCP, refusal form), a revocation
/// its grounds (Art. 50, Law on Judicial Records), and a request to supplement must say what is missing; setting the
/// Art. 48 complexity (which moves the statutory deadline) says why.
package struct RequestLifecycle: Codable, Sendable, Hashable {
    /// Every allowed transition, in one place.
    package static let transitions: [LifecycleTransition] = [
        .init(from: .submitted, action: .claim, to: .inReview, performer: .officer, requiresReason: false),
        .init(from: .inReview, action: .approve, to: .approved, performer: .officer, requiresReason: false),
        .init(from: .inReview, action: .requestInfo, to: .needsInfo, performer: .officer, requiresReason: true),
        .init(from: .inReview, action: .reject, to: .rejected, performer: .officer, requiresReason: true),
        .init(from: .needsInfo, action: .supplement, to: .submitted, performer: .citizen, requiresReason: false),
        .init(from: .submitted, action: .cancel, to: .cancelled, performer: .citizen, requiresReason: false),
        .init(from: .needsInfo, action: .cancel, to: .cancelled, performer: .citizen, requiresReason: false),
        .init(from: .approved, action: .issue, to: .issued, performer: .system, requiresReason: false),
        .init(from: .issued, action: .revoke, to: .revoked, performer: .officer, requiresReason: true),
        .init(from: .submitted, action: .setComplexity, to: .submitted, performer: .officer, requiresReason: true),
        .init(from: .inReview, action: .setComplexity, to: .inReview, performer: .officer, requiresReason: true),
        .init(from: .needsInfo, action: .setComplexity, to: .needsInfo, performer: .officer, requiresReason: true),
    ]

    /// The allowed transition for `action` from `state`, if any.
    package static func transition(from state: RequestState, action: LifecycleAction) -> LifecycleTransition? {
        transitions.first { $0.from == state && $0.action == action }
    }

    package static let maximumReasonLength = 2000

    package private(set) var state: RequestState
    /// The citizen who submitted it (their personal ID number).
    package let ownerID: String
    /// The department it is routed to.
    package let departmentID: String
    /// The officer who claimed it; cleared when it goes back to `submitted`.
    package private(set) var assigneeID: String?

    package init(ownerID: String, departmentID: String, state: RequestState = .submitted, assigneeID: String? = nil) {
        self.ownerID = ownerID
        self.departmentID = departmentID
        self.state = state
        self.assigneeID = assigneeID
    }

    /// Performs `action` or throws without changing anything.
    ///
    /// Checks, in order: the transition exists; the actor has its role; a citizen owns the request; an officer
    /// belongs to its department and, after a claim, is the assignee (revocation may be done by any officer of the
    /// department); a required reason is present and valid.
    @discardableResult
    package mutating func perform(
        _ action: LifecycleAction, by actor: Participant, reason: String? = nil
    ) throws(LifecycleError) -> LifecycleEvent {
        let event = try check(action, by: actor, reason: reason)
        state = event.to
        switch action {
        case .claim: assigneeID = actor.id
        case .supplement: assigneeID = nil
        default: break
        }
        return event
    }

    /// What ``perform(_:by:reason:)`` would do, without doing it.
    package func check(_ action: LifecycleAction, by actor: Participant, reason: String? = nil) throws(LifecycleError)
        -> LifecycleEvent
    {
        func fail(_ code: LifecycleError.Code, _ message: String) -> LifecycleError {
            LifecycleError(code, from: state, action: action, message: message)
        }
        guard let transition = Self.transition(from: state, action: action) else {
            throw fail(.transitionNotAllowed, "cannot \(action.rawValue) a request that is \(state.rawValue)")
        }
        guard actor.role == transition.performer else {
            throw fail(
                .roleNotAllowed,
                "\(action.rawValue) is done by \(transition.performer.rawValue), not \(actor.role.rawValue)")
        }
        switch actor.role {
        case .citizen:
            guard actor.id == ownerID else { throw fail(.notOwner, "only the citizen who submitted it may act") }
        case .officer:
            guard actor.departmentID == departmentID else {
                throw fail(.wrongDepartment, "the request belongs to \(departmentID)")
            }
            if action != .claim && action != .revoke, let assigneeID, assigneeID != actor.id {
                throw fail(.notAssignee, "the request is claimed by another officer")
            }
        case .system, .clinician:
            break
        }
        var cleanReason: String?
        if let reason {
            if TextNormalization.containsControlCharacters(reason) {
                throw fail(.reasonInvalid, "the reason contains control characters")
            }
            let text = TextNormalization.normalise(reason)
            if text.count > Self.maximumReasonLength {
                throw fail(.reasonInvalid, "the reason exceeds \(Self.maximumReasonLength) characters")
            }
            cleanReason = text.isEmpty ? nil : text
        }
        if transition.requiresReason && cleanReason == nil {
            throw fail(.reasonRequired, "\(action.rawValue) requires a reason")
        }
        return LifecycleEvent(from: state, action: action, to: transition.to, actor: actor, reason: cleanReason)
    }
}

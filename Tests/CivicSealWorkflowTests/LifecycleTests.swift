import Testing

@testable import CivicSealWorkflow

@Suite("Request lifecycle")
struct LifecycleTests {
    static let owner = Fixtures.tuyet.personalID
    static let citizen = Participant.citizen(owner)
    static let officer = Participant.officer("officer-17", department: "justice-hanoi")
    static let system = Participant.system()
    static let clinician = Participant.clinician("clinician-1", facility: "health-hanoi")

    static func lifecycle(_ state: RequestState) -> RequestLifecycle {
        RequestLifecycle(
            ownerID: owner.digits, departmentID: "justice-hanoi", state: state,
            assigneeID: [.inReview, .approved, .issued].contains(state) ? officer.id : nil)
    }

    static func actor(for role: ParticipantRole) -> Participant {
        switch role {
        case .citizen: citizen
        case .officer: officer
        case .system: system
        case .clinician: clinician
        }
    }

    struct Edge: Sendable, Hashable, CustomTestStringConvertible {
        let from: RequestState
        let action: LifecycleAction
        let to: RequestState
        var testDescription: String { "\(from.rawValue) --\(action.rawValue)--> \(to.rawValue)" }
    }

    /// The lifecycle of issue 3, written out independently of the implementation's table.
    static let allowed: [Edge] = [
        Edge(from: .submitted, action: .claim, to: .inReview),
        Edge(from: .inReview, action: .approve, to: .approved),
        Edge(from: .approved, action: .issue, to: .issued),
        Edge(from: .inReview, action: .requestInfo, to: .needsInfo),
        Edge(from: .needsInfo, action: .supplement, to: .submitted),
        Edge(from: .inReview, action: .reject, to: .rejected),
        Edge(from: .submitted, action: .cancel, to: .cancelled),
        Edge(from: .needsInfo, action: .cancel, to: .cancelled),
        Edge(from: .issued, action: .revoke, to: .revoked),
        // Issue 13 finding 3: an officer sets or corrects the Art. 48 complexity of an open request, state unchanged.
        Edge(from: .submitted, action: .setComplexity, to: .submitted),
        Edge(from: .inReview, action: .setComplexity, to: .inReview),
        Edge(from: .needsInfo, action: .setComplexity, to: .needsInfo),
    ]

    struct Pair: Sendable, CustomTestStringConvertible {
        let state: RequestState
        let action: LifecycleAction
        var testDescription: String { "\(action.rawValue) from \(state.rawValue)" }
    }

    static let forbidden: [Pair] = RequestState.allCases.flatMap { state in
        LifecycleAction.allCases.compactMap { action in
            allowed.contains { $0.from == state && $0.action == action } ? nil : Pair(state: state, action: action)
        }
    }

    @Test("the implementation's table is exactly the issue's lifecycle")
    func tableMatchesSpecification() {
        let table = Set(RequestLifecycle.transitions.map { Edge(from: $0.from, action: $0.action, to: $0.to) })
        #expect(table == Set(Self.allowed))
        #expect(RequestLifecycle.transitions.count == Self.allowed.count)
        #expect(
            Self.forbidden.count == RequestState.allCases.count * LifecycleAction.allCases.count - Self.allowed.count)
    }

    @Test("stable raw values of states and actions")
    func rawValues() {
        #expect(
            RequestState.allCases.map(\.rawValue) == [
                "submitted", "in_review", "needs_info", "approved", "issued", "rejected", "cancelled", "revoked",
            ])
        #expect(
            LifecycleAction.allCases.map(\.rawValue) == [
                "claim", "approve", "request-info", "supplement", "reject", "cancel", "issue", "revoke",
                "set-complexity",
            ])
        #expect(RequestState.allCases.filter(\.isFinal) == [.rejected, .cancelled, .revoked])
    }

    @Test("every allowed transition, by its role, with a reason where required", arguments: allowed)
    func allowedTransition(_ edge: Edge) throws {
        var lifecycle = Self.lifecycle(edge.from)
        let transition = try #require(RequestLifecycle.transition(from: edge.from, action: edge.action))
        let reason = transition.requiresReason ? "  Thiếu giấy tờ chứng minh nơi cư trú  " : nil
        let event = try lifecycle.perform(edge.action, by: Self.actor(for: transition.performer), reason: reason)
        #expect(lifecycle.state == edge.to)
        #expect(event.from == edge.from && event.to == edge.to && event.action == edge.action)
        #expect(event.reason == reason.map { _ in "Thiếu giấy tờ chứng minh nơi cư trú" })
    }

    @Test("every other state × action is a typed error and changes nothing", arguments: forbidden)
    func forbiddenTransition(_ pair: Pair) {
        for role in ParticipantRole.allCases {
            var lifecycle = Self.lifecycle(pair.state)
            let before = lifecycle
            #expect(throws: LifecycleError(.transitionNotAllowed, from: pair.state, action: pair.action, message: "")) {
                try lifecycle.perform(pair.action, by: Self.actor(for: role), reason: "lý do")
            }
            #expect(lifecycle == before)
        }
    }

    @Test("a clinician performs no step of a request's lifecycle", arguments: allowed)
    func clinicianPerformsNoStep(_ edge: Edge) {
        var lifecycle = Self.lifecycle(edge.from)
        let before = lifecycle
        #expect(throws: LifecycleError(.roleNotAllowed, from: edge.from, action: edge.action, message: "")) {
            try lifecycle.perform(edge.action, by: Self.clinician, reason: "lý do")
        }
        #expect(lifecycle == before)
    }

    @Test("reject, revoke and request-info need a reason; blank or missing is refused and changes nothing")
    func reasonRequired() {
        let cases: [(RequestState, LifecycleAction)] = [
            (.inReview, .reject), (.issued, .revoke), (.inReview, .requestInfo), (.submitted, .setComplexity),
            (.inReview, .setComplexity),
        ]
        for (state, action) in cases {
            for reason in [nil, "", "   ", "\u{3000}"] as [String?] {
                var lifecycle = Self.lifecycle(state)
                #expect(throws: LifecycleError(.reasonRequired, from: state, action: action, message: "")) {
                    try lifecycle.perform(action, by: Self.officer, reason: reason)
                }
                #expect(lifecycle.state == state)
            }
        }
    }

    @Test("a reason with control characters is refused")
    func reasonWithControlCharacters() {
        var lifecycle = Self.lifecycle(.inReview)
        #expect(throws: LifecycleError(.reasonInvalid, from: .inReview, action: .reject, message: "")) {
            try lifecycle.perform(.reject, by: Self.officer, reason: "Hồ sơ\u{0000}giả")
        }
        #expect(lifecycle.state == .inReview)
    }

    @Test("the wrong role is refused: a citizen cannot approve, an officer cannot cancel, only the system issues")
    func wrongRole() {
        var inReview = Self.lifecycle(.inReview)
        #expect(throws: LifecycleError(.roleNotAllowed, from: .inReview, action: .approve, message: "")) {
            try inReview.perform(.approve, by: Self.citizen)
        }
        var submitted = Self.lifecycle(.submitted)
        #expect(throws: LifecycleError(.roleNotAllowed, from: .submitted, action: .cancel, message: "")) {
            try submitted.perform(.cancel, by: Self.officer)
        }
        var approved = Self.lifecycle(.approved)
        #expect(throws: LifecycleError(.roleNotAllowed, from: .approved, action: .issue, message: "")) {
            try approved.perform(.issue, by: Self.officer)
        }
    }

    @Test("another citizen, another department's officer, or a colleague of the assignee are refused")
    func wrongActor() {
        var submitted = Self.lifecycle(.submitted)
        #expect(throws: LifecycleError(.notOwner, from: .submitted, action: .cancel, message: "")) {
            try submitted.perform(.cancel, by: .citizen(Fixtures.minh.personalID))
        }
        #expect(throws: LifecycleError(.wrongDepartment, from: .submitted, action: .claim, message: "")) {
            try submitted.perform(.claim, by: .officer("officer-9", department: "health-hanoi"))
        }
        var inReview = Self.lifecycle(.inReview)
        #expect(throws: LifecycleError(.notAssignee, from: .inReview, action: .approve, message: "")) {
            try inReview.perform(.approve, by: .officer("officer-18", department: "justice-hanoi"))
        }
        #expect(submitted.state == .submitted && inReview.state == .inReview)
    }

    @Test("a full path: claim, request info, supplement, re-claim by another officer, approve, issue, revoke")
    func fullPath() throws {
        var lifecycle = RequestLifecycle(ownerID: Self.owner.digits, departmentID: "justice-hanoi")
        try lifecycle.perform(.claim, by: Self.officer)
        #expect(lifecycle.assigneeID == Self.officer.id)
        try lifecycle.perform(.requestInfo, by: Self.officer, reason: "Bổ sung nơi cư trú 2008–2012")
        try lifecycle.perform(.supplement, by: Self.citizen)
        #expect(lifecycle.state == .submitted && lifecycle.assigneeID == nil)
        let colleague = Participant.officer("officer-18", department: "justice-hanoi")
        try lifecycle.perform(.claim, by: colleague)
        try lifecycle.perform(.approve, by: colleague)
        try lifecycle.perform(.issue, by: Self.system)
        try lifecycle.perform(.revoke, by: Self.officer, reason: "Phiếu cấp sai thông tin (Điều 50)")
        #expect(lifecycle.state == .revoked)
    }
}

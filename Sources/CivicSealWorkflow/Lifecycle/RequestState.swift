/// Where a request stands. Raw values are stable (stored, audited, shown in APIs).
package enum RequestState: String, Codable, Sendable, CaseIterable {
    /// Received (tiếp nhận); the statutory clock runs from here.
    case submitted
    /// An officer of the department has claimed it.
    case inReview = "in_review"
    /// The citizen was asked to supplement the dossier (yêu cầu bổ sung, Circular 03/2025/TT-VPCP).
    case needsInfo = "needs_info"
    /// Decided positively; waiting for the signed document.
    case approved
    /// The signed document was delivered.
    case issued
    /// Refused with reasons (từ chối).
    case rejected
    /// Withdrawn by the citizen before review.
    case cancelled
    /// An issued certificate was revoked (Art. 50, Law on Judicial Records).
    case revoked

    /// Still being processed: blocks a second request of the same form (``OpenRequestRule``).
    package var isOpen: Bool {
        switch self {
        case .submitted, .inReview, .needsInfo, .approved: true
        case .issued, .rejected, .cancelled, .revoked: false
        }
    }

    /// No action leads anywhere from here.
    package var isFinal: Bool { RequestLifecycle.transitions.allSatisfy { $0.from != self } }
}

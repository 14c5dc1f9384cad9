import Foundation

/// One run of the key-compromise playbook (`civicseal keys compromise`) for one seal certificate, as recorded in
/// `compromise_runs`: the run-level steps done so far, so a rerun resumes it.
package struct CompromiseRun: Sendable, Hashable {
    package let id: Int64
    /// SHA-256 of the compromised seal certificate, lowercase hex.
    package let sealFingerprint: String
    package let departmentID: String
    /// Only documents issued at or after this instant are affected; nil: every document the seal ever sealed.
    package let since: Date?
    package let startedAt: Date
    package let startedBy: String
    /// Step 1 done: when the seal certificate was revoked (reason keyCompromise).
    package let certificateRevokedAt: Date?
    /// Step 2 done: the fresh seal active for the department.
    package let newSealFingerprint: String?
    package let finishedAt: Date?
}

/// One affected document of a ``CompromiseRun`` and how far the playbook took it.
package struct CompromiseItem: Sendable, Hashable {
    /// Each state implies the ones before it: the old document was revoked, re-issued, its holder notified.
    /// `skipped`: the document was no longer valid and current when the playbook came to revoke it (an officer
    /// revoked it meanwhile): a withdrawn document is not re-issued. It ends the item like `notified`.
    package enum State: String, Sendable, Hashable, CaseIterable, Comparable {
        case found
        case revoked
        case reissued
        case notified
        case skipped

        var rank: Int { Self.allCases.firstIndex(of: self)! }
        package static func < (lhs: State, rhs: State) -> Bool { lhs.rank < rhs.rank }

        /// Nothing is left to do for the item.
        package var isFinal: Bool { self == .notified || self == .skipped }
    }

    package let runID: Int64
    /// 1-based, in the order the documents were issued.
    package let position: Int
    package let documentID: String
    package let state: State
    package let newDocumentID: String?
    /// Why the last attempt at the next step failed (kept until it succeeds).
    package let lastError: String?
}

/// A notice waiting in the `outbox` for the notification service.
package struct OutboxNotice: Sendable, Hashable {
    package let id: Int64
    /// The request owner's subject (opaque to the outbox: no name, no document content).
    package let recipient: String
    /// `document-reissued`.
    package let kind: String
    /// JSON: `{"kind", "requestId", "oldDocumentId", "newDocumentId", "reason"}`.
    package let payload: String
    package let createdAt: Date
    package let deliveredAt: Date?
}

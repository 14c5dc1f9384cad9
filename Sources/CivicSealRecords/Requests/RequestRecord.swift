import CivicSealWorkflow

/// One request in full: summary, the stored (validated, normalised) submission, the officer's findings and the
/// history, oldest first.
public struct RequestRecord: Sendable, Hashable {
    public let summary: RequestSummary
    public let submission: RequestSubmission
    /// The JSON object an officer attached when approving; `nil` before.
    public let findingsJSON: String?
    public let history: [RequestHistoryEvent]
    /// The identity of the person the document is about, as stated at submission (from the identity token, or the
    /// validated `subject`); `nil` for requests stored before migration 2.
    public var subject: PersonIdentity? = nil
    /// The Art. 48 complexity an officer set (``RequestStore/setComplexity(_:_:reason:by:expectedVersion:now:)``); nil
    /// when none did and the complexity derived from the submission applies.
    public var complexityOverride: CaseComplexity? = nil
    /// How many working days the statutory deadline counts (from ``RequestSummary/receivedOn`` to the due date).
    public var workingDays: Int? = nil
    /// The name of the officer who claimed it, from their staff token at the claim; nil when unassigned or unknown.
    public var assigneeName: String? = nil
}

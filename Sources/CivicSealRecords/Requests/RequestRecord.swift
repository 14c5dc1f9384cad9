import CivicSealWorkflow

/// One request in full: summary, the stored (validated, normalised) submission, the officer's findings and the
/// history, oldest first.
package struct RequestRecord: Sendable, Hashable {
    package let summary: RequestSummary
    package let submission: RequestSubmission
    /// The JSON object an officer attached when approving; `nil` before.
    package let findingsJSON: String?
    package let history: [RequestHistoryEvent]
    /// The identity of the person the document is about, as stated at submission (from the identity token, or the
    /// validated `subject`); `nil` for requests stored before migration 2.
    package var subject: PersonIdentity? = nil
    /// The Art. 48 complexity an officer set (``RequestStore/setComplexity(_:_:reason:by:expectedVersion:now:)``); nil
    /// when none did and the complexity derived from the submission applies.
    package var complexityOverride: CaseComplexity? = nil
    /// How many working days the statutory deadline counts (from ``RequestSummary/receivedOn`` to the due date).
    package var workingDays: Int? = nil
    /// The name of the officer who claimed it, from their staff token at the claim; nil when unassigned or unknown.
    package var assigneeName: String? = nil
}

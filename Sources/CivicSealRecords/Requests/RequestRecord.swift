import CivicSealWorkflow

/// One request in full: summary, the stored (validated, normalised) submission, the officer's findings and the
/// history, oldest first.
public struct RequestRecord: Sendable, Hashable {
    public let summary: RequestSummary
    public let submission: RequestSubmission
    /// The JSON object an officer attached when approving; `nil` before.
    public let findingsJSON: String?
    public let history: [RequestHistoryEvent]
}

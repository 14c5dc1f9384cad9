import CivicSealWorkflow

/// One page of a department queue, oldest due date first (then id).
public struct QueuePage: Sendable, Hashable {
    public let items: [RequestSummary]
    /// Pass to the next call to continue after the last item; `nil` when this page is the last one.
    public let nextCursor: String?
}

/// Narrows a department queue: one request kind, and/or only requests past their statutory due date.
public struct QueueFilter: Sendable, Hashable {
    public var kind: RequestKind?
    public var overdueOnly: Bool

    public init(kind: RequestKind? = nil, overdueOnly: Bool = false) {
        self.kind = kind
        self.overdueOnly = overdueOnly
    }
}

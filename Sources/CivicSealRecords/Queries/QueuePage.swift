/// One page of a department queue, oldest due date first (then id).
public struct QueuePage: Sendable, Hashable {
    public let items: [RequestSummary]
    /// Pass to the next call to continue after the last item; `nil` when this page is the last one.
    public let nextCursor: String?
}

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

/// The size of a (filtered) department queue as the queue page states it. Counts stop at
/// ``RequestStore/queueCountLimit``; past it the `…IsAtLeast` flag is set ("10,000+").
public struct QueueCounts: Sendable, Hashable {
    public let total: Int
    public let overdue: Int
    public let totalIsAtLeast: Bool
    public let overdueIsAtLeast: Bool

    public init(total: Int, overdue: Int, totalIsAtLeast: Bool, overdueIsAtLeast: Bool) {
        self.total = total
        self.overdue = overdue
        self.totalIsAtLeast = totalIsAtLeast
        self.overdueIsAtLeast = overdueIsAtLeast
    }
}

/// The names a queue row shows (``RequestStore/queueNames(_:for:)``).
public struct QueueNames: Sendable, Hashable {
    /// The person the document is about; nil for a row stored without an identity block.
    public let subjectName: String?
    /// The claiming officer's name at the claim; nil when unassigned or claimed before names were kept.
    public let assigneeName: String?

    public init(subjectName: String?, assigneeName: String?) {
        self.subjectName = subjectName
        self.assigneeName = assigneeName
    }
}

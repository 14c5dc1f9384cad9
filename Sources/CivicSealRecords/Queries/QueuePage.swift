import CivicSealWorkflow

/// One page of a department queue, oldest due date first (then id).
package struct QueuePage: Sendable, Hashable {
    package let items: [RequestSummary]
    /// Pass to the next call to continue after the last item; `nil` when this page is the last one.
    package let nextCursor: String?
}

/// Narrows a department queue: one request kind, and/or only requests past their statutory due date.
package struct QueueFilter: Sendable, Hashable {
    package var kind: RequestKind?
    package var overdueOnly: Bool

    package init(kind: RequestKind? = nil, overdueOnly: Bool = false) {
        self.kind = kind
        self.overdueOnly = overdueOnly
    }
}

/// The size of a (filtered) department queue as the queue page states it. Counts stop at
/// ``RequestStore/queueCountLimit``; past it the `…IsAtLeast` flag is set ("10,000+").
package struct QueueCounts: Sendable, Hashable {
    package let total: Int
    package let overdue: Int
    package let totalIsAtLeast: Bool
    package let overdueIsAtLeast: Bool

    package init(total: Int, overdue: Int, totalIsAtLeast: Bool, overdueIsAtLeast: Bool) {
        self.total = total
        self.overdue = overdue
        self.totalIsAtLeast = totalIsAtLeast
        self.overdueIsAtLeast = overdueIsAtLeast
    }
}

/// The names a queue row shows (``RequestStore/queueNames(_:for:)``).
package struct QueueNames: Sendable, Hashable {
    /// The person the document is about; nil for a row stored without an identity block.
    package let subjectName: String?
    /// The claiming officer's name at the claim; nil when unassigned or claimed before names were kept.
    package let assigneeName: String?

    package init(subjectName: String?, assigneeName: String?) {
        self.subjectName = subjectName
        self.assigneeName = assigneeName
    }
}

import CivicSealWorkflow
import Foundation

/// What the HTTP layer shows about one request: identity, status, routing, deadline and fee.
public struct RequestSummary: Sendable, Hashable, Codable {
    /// 128-bit random identifier, 32 lowercase hex digits.
    public let id: String
    public let state: RequestState
    public let kind: RequestKind
    public let form: CriminalRecordForm?
    public let departmentID: String
    public let assigneeID: String?
    /// The day the statutory clock started (receipt, or the last supplement).
    public let receivedOn: CalendarDate
    /// Inclusive statutory due date (working days, see ``CivicSealWorkflow/StatutoryDeadline``).
    public let dueDate: CalendarDate
    public let feeVND: Int
    public let feeCategory: FeeCategory
    /// Increases on every change; the optimistic-concurrency token (`ETag`).
    public let version: Int
    public let createdAt: Date
    public let updatedAt: Date
    /// Still open and past its due date on the day the summary was read (Việt Nam time).
    public let isOverdue: Bool
}

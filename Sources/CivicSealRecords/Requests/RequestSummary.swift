import CivicSealWorkflow
import Foundation

/// What the HTTP layer shows about one request: identity, status, routing, deadline and fee.
package struct RequestSummary: Sendable, Hashable, Codable {
    /// 128-bit random identifier, 32 lowercase hex digits.
    package let id: String
    package let state: RequestState
    package let kind: RequestKind
    package let form: CriminalRecordForm?
    package let departmentID: String
    package let assigneeID: String?
    /// The day the statutory clock started (receipt, or the last supplement).
    package let receivedOn: CalendarDate
    /// Inclusive statutory due date (working days, see ``CivicSealWorkflow/StatutoryDeadline``).
    package let dueDate: CalendarDate
    package let feeVND: Int
    package let feeCategory: FeeCategory
    /// Increases on every change; the optimistic-concurrency token (`ETag`).
    package let version: Int
    package let createdAt: Date
    package let updatedAt: Date
    /// Still open and past its due date on the day the summary was read (Việt Nam time).
    package let isOverdue: Bool
}

import CivicSealStorage
import CivicSealWorkflow
import Foundation

/// Column lists and row decoding shared by the store's statements.
enum RequestRow {
    /// What a statement selects to learn a request's public id: the legacy id (TEXT) when the row has one, else its
    /// row number (INTEGER), which ``RequestIDs/publicID(_:at:)`` turns into the derived id.
    static let idColumn = "coalesce(legacy_id, CAST(seq AS TEXT))"

    /// The columns of a ``RequestSummary``, in the order ``summary(from:offset:today:ids:)`` reads them.
    static let summaryColumns =
        "\(idColumn), state, kind, form, department_id, assignee_id, received_on, due_date, fee_vnd, fee_category, "
        + "version, created_at, updated_at"

    static func summary(from statement: any SQLCursor, offset: Int = 0, today: CalendarDate, ids: RequestIDs) throws
        -> RequestSummary
    {
        func text(_ column: Int) throws -> String {
            guard let value = statement.string(at: offset + column) else { throw corrupt }
            return value
        }
        guard let state = RequestState(rawValue: try text(1)), let kind = RequestKind(rawValue: try text(2)),
            let received = CalendarDate(try text(6)), let due = CalendarDate(try text(7)),
            let category = FeeCategory(rawValue: try text(9))
        else { throw corrupt }
        let form =
            statement.isNull(at: offset + 3) ? nil : CriminalRecordForm(rawValue: Int(statement.int64(at: offset + 3)))
        return RequestSummary(
            id: ids.publicID(statement, at: offset), state: state, kind: kind, form: form, departmentID: try text(4),
            assigneeID: statement.string(at: offset + 5), receivedOn: received, dueDate: due,
            feeVND: Int(statement.int64(at: offset + 8)), feeCategory: category,
            version: Int(statement.int64(at: offset + 10)),
            createdAt: date(milliseconds: statement.int64(at: offset + 11)),
            updatedAt: date(milliseconds: statement.int64(at: offset + 12)),
            isOverdue: state.isOpen && today > due)
    }

    static let corrupt = RecordsError(.storage, "a stored request row does not decode")

    static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded(.down)) }

    static func date(milliseconds: Int64) -> Date { Date(timeIntervalSince1970: Double(milliseconds) / 1000) }
}

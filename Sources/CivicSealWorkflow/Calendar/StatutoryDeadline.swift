import Foundation

/// The day by which a request must be decided, counted in working days from its receipt.
///
/// The due date is inclusive: a request is overdue from the day after ``dueDate`` (Việt Nam time).
package struct StatutoryDeadline: Codable, Sendable, Hashable {
    package let receivedOn: CalendarDate
    package let workingDays: Int
    package let dueDate: CalendarDate

    package init(receivedOn: CalendarDate, workingDays: Int, calendar: WorkingDayCalendar) {
        self.receivedOn = receivedOn
        self.workingDays = workingDays
        self.dueDate = calendar.adding(workingDays: workingDays, to: receivedOn)
    }

    package func isOverdue(today: CalendarDate) -> Bool { today > dueDate }

    /// Whether the deadline has passed at `now`, read as a date at `utcOffsetSeconds` (UTC+7 by default).
    package func isOverdue(now: Date, utcOffsetSeconds: Int = CalendarDate.vietnamUTCOffsetSeconds) -> Bool {
        isOverdue(today: CalendarDate(now, utcOffsetSeconds: utcOffsetSeconds))
    }
}

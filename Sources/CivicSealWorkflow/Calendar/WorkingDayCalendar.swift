/// Counts working days of state agencies: weekends and configured public holidays are skipped.
///
/// Statutory deadlines such as Art. 48 of the Law on Judicial Records ("10 working days from the date a valid
/// request is received") are counted with ``adding(workingDays:to:)``: the day of receipt is day zero, and each
/// following working day counts one.
package struct WorkingDayCalendar: Codable, Sendable, Equatable {
    package var weekendDays: Set<Weekday>
    package var holidays: [PublicHoliday]

    package init(
        weekendDays: Set<Weekday> = [.saturday, .sunday],
        holidays: [PublicHoliday] = PublicHoliday.vietnam2026
    ) {
        self.weekendDays = weekendDays
        self.holidays = holidays
    }

    package func isWorkingDay(_ date: CalendarDate) -> Bool {
        !weekendDays.contains(date.weekday) && !holidays.contains { $0.date == date }
    }

    /// The date `workingDays` working days after `date`. A request received on a Saturday and given one working
    /// day is due on Monday; zero working days returns `date` itself.
    package func adding(workingDays: Int, to date: CalendarDate) -> CalendarDate {
        precondition(workingDays >= 0, "working days must not be negative")
        precondition(weekendDays.count < 7, "a calendar needs at least one working weekday")
        let holidayDates = Set(holidays.map(\.date))
        var current = date
        var remaining = workingDays
        while remaining > 0 {
            current = current.adding(days: 1)
            if !weekendDays.contains(current.weekday) && !holidayDates.contains(current) { remaining -= 1 }
        }
        return current
    }
}

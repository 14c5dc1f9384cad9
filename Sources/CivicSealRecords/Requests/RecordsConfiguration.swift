import CivicSealWorkflow

/// The configuration the store applies when it accepts a request: who decides, what it costs, when it is due.
package struct RecordsConfiguration: Sendable {
    package var authority: AuthorityConfiguration
    package var fees: FeeSchedule
    package var deadlines: DeadlinePolicy
    package var calendar: WorkingDayCalendar
    /// Offset of the legal calendar from UTC (Việt Nam: +7 h, no daylight saving).
    package var utcOffsetSeconds: Int
    /// The largest queue page a caller may ask for.
    package var maximumPageSize: Int

    package init(
        authority: AuthorityConfiguration = AuthorityConfiguration(), fees: FeeSchedule = FeeSchedule(),
        deadlines: DeadlinePolicy = DeadlinePolicy(), calendar: WorkingDayCalendar = WorkingDayCalendar(),
        utcOffsetSeconds: Int = CalendarDate.vietnamUTCOffsetSeconds, maximumPageSize: Int = 200
    ) {
        self.authority = authority
        self.fees = fees
        self.deadlines = deadlines
        self.calendar = calendar
        self.utcOffsetSeconds = utcOffsetSeconds
        self.maximumPageSize = maximumPageSize
    }
}

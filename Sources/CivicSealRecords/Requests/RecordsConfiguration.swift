import CivicSealWorkflow

/// The configuration the store applies when it accepts a request: who decides, what it costs, when it is due.
public struct RecordsConfiguration: Sendable {
    public var authority: AuthorityConfiguration
    public var fees: FeeSchedule
    public var deadlines: DeadlinePolicy
    public var calendar: WorkingDayCalendar
    /// Offset of the legal calendar from UTC (Việt Nam: +7 h, no daylight saving).
    public var utcOffsetSeconds: Int
    /// The largest queue page a caller may ask for.
    public var maximumPageSize: Int

    public init(
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

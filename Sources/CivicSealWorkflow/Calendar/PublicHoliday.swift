/// A day on which state agencies do not work, with its name for display.
///
/// Public holidays follow Art. 112 of the Labour Code 45/2019/QH14; the exact Tết days, bridge days and
/// compensatory days are fixed each year by government decision, so the list is **configuration**, never code.
package struct PublicHoliday: Codable, Sendable, Hashable {
    package var date: CalendarDate
    package var name: String

    package init(date: CalendarDate, name: String) {
        self.date = date
        self.name = name
    }

    /// Default list for 2026 (configurable; check it against the year's official announcement).
    ///
    /// Tết Nguyên đán falls on 17 February 2026; the working days of the break are 16–20 February.
    /// Hùng Kings' day (10th of the 3rd lunar month) is Sunday 26 April 2026, compensated on Monday 27 April.
    /// National Day is 2 September plus the adjacent 1 September.
    package static let vietnam2026: [PublicHoliday] = [
        day(2026, 1, 1, "Tết Dương lịch (New Year's Day)"),
        day(2026, 2, 16, "Tết Nguyên đán (Lunar New Year)"),
        day(2026, 2, 17, "Tết Nguyên đán (Lunar New Year)"),
        day(2026, 2, 18, "Tết Nguyên đán (Lunar New Year)"),
        day(2026, 2, 19, "Tết Nguyên đán (Lunar New Year)"),
        day(2026, 2, 20, "Tết Nguyên đán (Lunar New Year)"),
        day(2026, 4, 26, "Giỗ Tổ Hùng Vương (Hùng Kings' Commemoration)"),
        day(2026, 4, 27, "Nghỉ bù Giỗ Tổ Hùng Vương (compensatory day)"),
        day(2026, 4, 30, "Ngày Giải phóng miền Nam (Reunification Day)"),
        day(2026, 5, 1, "Ngày Quốc tế Lao động (Labour Day)"),
        day(2026, 9, 1, "Quốc khánh (National Day)"),
        day(2026, 9, 2, "Quốc khánh (National Day)"),
    ]

    private static func day(_ year: Int, _ month: Int, _ day: Int, _ name: String) -> PublicHoliday {
        PublicHoliday(date: CalendarDate(year: year, month: month, day: day)!, name: name)
    }
}

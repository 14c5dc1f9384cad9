import Foundation
import Testing

@testable import CivicSealWorkflow

/// Property tests of the one Hà Nội time formatter: every instant is read once at UTC+7, so the day never
/// jumps ahead after 17:00 Hà Nội time (10:00 UTC), and month, year and leap-day boundaries fall at Hà Nội midnight.
@Suite("Hà Nội time")
struct HanoiTimeTests {
    /// The instant of a Hà Nội wall-clock reading, computed independently of the formatter (UTC = Hà Nội − 7 h).
    static func instant(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int, _ second: Int = 0) -> Date {
        let days = CalendarDate(year: year, month: month, day: day)!.daysSinceEpoch
        return Date(timeIntervalSince1970: TimeInterval(days * 86_400 + hour * 3600 + minute * 60 + second - 7 * 3600))
    }

    static func text(_ value: Int, _ width: Int = 2) -> String {
        String(repeating: "0", count: max(0, width - String(value).count)) + String(value)
    }

    @Test("the issue's example: 10:58 UTC on 4 December is 04/12/2026 17:58, never 05/12")
    func afternoonStaysOnTheSameDay() {
        let signed = Date(timeIntervalSince1970: 1_796_381_880)  // 2026-12-04T10:58:00Z
        #expect(HanoiTime.dateTime(signed) == "04/12/2026 17:58")
        #expect(HanoiTime.dateTimeWithSeconds(signed.addingTimeInterval(12)) == "04/12/2026 17:58:12")
        #expect(HanoiTime.date(signed) == "04/12/2026")
        #expect(HanoiTime.day(of: signed) == CalendarDate("2026-12-04"))
    }

    @Test("00:00, 07:00, 17:00 and 23:59 Hà Nội time on every day around month ends, year ends and 29 February")
    func boundaries() {
        var days: [CalendarDate] = []
        for year in [1999, 2000, 2023, 2024, 2025, 2026, 2027, 2100] {
            for month in 1...12 {
                let last = CalendarDate.daysInMonth(month, year: year)
                for day in [1, 2, last - 1, last] { days.append(CalendarDate(year: year, month: month, day: day)!) }
            }
        }
        for day in days {
            for (hour, minute, second) in [
                (0, 0, 0), (0, 0, 1), (6, 59, 59), (7, 0, 0), (16, 59, 59), (17, 0, 0), (17, 58, 12), (23, 59, 0),
                (23, 59, 59),
            ] {
                let instant = Self.instant(day.year, day.month, day.day, hour, minute, second)
                let expectedDate = "\(Self.text(day.day))/\(Self.text(day.month))/\(Self.text(day.year, 4))"
                #expect(HanoiTime.day(of: instant) == day)
                #expect(CalendarDate(instant) == day, "CalendarDate(_:) and HanoiTime disagree")
                #expect(HanoiTime.date(instant) == expectedDate)
                #expect(HanoiTime.dateTime(instant) == "\(expectedDate) \(Self.text(hour)):\(Self.text(minute))")
                #expect(
                    HanoiTime.dateTimeWithSeconds(instant)
                        == "\(expectedDate) \(Self.text(hour)):\(Self.text(minute)):\(Self.text(second))")
            }
            // One second before Hà Nội midnight is the previous day; midnight itself is this day.
            let midnight = Self.instant(day.year, day.month, day.day, 0, 0)
            #expect(HanoiTime.day(of: midnight.addingTimeInterval(-1)) == day.adding(days: -1))
            #expect(HanoiTime.dateTime(midnight.addingTimeInterval(-1)).hasSuffix(" 23:59"))
        }
    }

    @Test("New Year and leap day in UTC and Hà Nội time: 31/12 17:00 UTC is already 01/01 00:00 in Hà Nội")
    func yearAndLeapDay() {
        let utcNewYearsEve = Date(
            timeIntervalSince1970: TimeInterval(CalendarDate("2026-12-31")!.daysSinceEpoch * 86_400 + 17 * 3600))
        #expect(HanoiTime.dateTime(utcNewYearsEve) == "01/01/2027 00:00")
        #expect(HanoiTime.dateTime(utcNewYearsEve.addingTimeInterval(-60)) == "31/12/2026 23:59")
        let leap = Date(
            timeIntervalSince1970: TimeInterval(CalendarDate("2028-02-28")!.daysSinceEpoch * 86_400 + 17 * 3600))
        #expect(HanoiTime.dateTime(leap) == "29/02/2028 00:00")
        #expect(HanoiTime.dateTime(leap.addingTimeInterval(86_400)) == "01/03/2028 00:00")
        let common = Date(
            timeIntervalSince1970: TimeInterval(CalendarDate("2027-02-28")!.daysSinceEpoch * 86_400 + 17 * 3600))
        #expect(HanoiTime.dateTime(common) == "01/03/2027 00:00")
    }

    @Test("a sweep of instants: the reading is the UTC reading plus exactly seven hours, fractions rounded down")
    func sweep() {
        for step in stride(from: -86_400 * 400, through: 86_400 * 40_000, by: 7_919) {
            let instant = Date(timeIntervalSince1970: TimeInterval(step) + 0.999)
            let reading = HanoiTime.reading(instant)
            let local = step + 7 * 3600
            let days = Int((Double(local) / 86_400).rounded(.down))
            let secondOfDay = local - days * 86_400
            #expect(reading.day == CalendarDate(daysSinceEpoch: days))
            #expect(reading.hour * 3600 + reading.minute * 60 + reading.second == secondOfDay)
        }
    }

    @Test("the zone is named once per language")
    func zoneNames() {
        #expect(HanoiTime.zone(language: "vi") == "giờ Hà Nội (UTC+7)")
        #expect(HanoiTime.zone(language: "en") == "Hà Nội time (UTC+7)")
    }
}

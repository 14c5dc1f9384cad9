import Foundation

/// The one formatter for times shown to people: Hà Nội time, UTC+7 all year (Việt Nam has no daylight saving).
///
/// Pages, PDFs (the signature box, the issue date), history lists and verdicts all format through here, so an
/// instant has one day and one clock reading everywhere. The zone is named once, beside the time, as
/// ``zoneVietnamese`` / ``zoneEnglish``. Instants are stored in UTC; only this type shifts them.
package enum HanoiTime {
    /// Seconds east of UTC: 7 hours.
    package static let utcOffsetSeconds = 7 * 3600
    /// The zone as named beside a time on Vietnamese pages and documents.
    package static let zoneVietnamese = "giờ Hà Nội (UTC+7)"
    /// The zone as named beside a time on English pages and documents.
    package static let zoneEnglish = "Hà Nội time (UTC+7)"

    /// A Hà Nội wall-clock reading of an instant.
    package struct Reading: Sendable, Hashable {
        /// The Hà Nội calendar day.
        package let day: CalendarDate
        package let hour: Int
        package let minute: Int
        package let second: Int
    }

    /// The Hà Nội day and clock of `instant` (whole seconds, rounded down, also before 1970).
    package static func reading(_ instant: Date) -> Reading {
        let seconds = Int((instant.timeIntervalSince1970).rounded(.down)) + utcOffsetSeconds
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        return Reading(
            day: CalendarDate(daysSinceEpoch: days), hour: secondOfDay / 3600, minute: secondOfDay % 3600 / 60,
            second: secondOfDay % 60)
    }

    /// The Hà Nội calendar day of `instant` (what "today" means for deadlines and dates of events).
    package static func day(of instant: Date) -> CalendarDate { reading(instant).day }

    /// `dd/MM/yyyy`, as dates are written on Vietnamese administrative documents.
    package static func date(_ day: CalendarDate) -> String {
        "\(two(day.day))/\(two(day.month))/\(four(day.year))"
    }

    /// The Hà Nội date of `instant`, `dd/MM/yyyy`.
    package static func date(_ instant: Date) -> String { date(day(of: instant)) }

    /// The Hà Nội date and time of `instant`, `dd/MM/yyyy HH:mm` (the zone is not appended; name it once nearby).
    package static func dateTime(_ instant: Date) -> String {
        let reading = reading(instant)
        return "\(date(reading.day)) \(two(reading.hour)):\(two(reading.minute))"
    }

    /// `dd/MM/yyyy HH:mm:ss`, as the PDF signature box prints it.
    package static func dateTimeWithSeconds(_ instant: Date) -> String {
        let reading = reading(instant)
        return "\(date(reading.day)) \(two(reading.hour)):\(two(reading.minute)):\(two(reading.second))"
    }

    /// The zone's name in `language` ("vi" or anything else for English).
    package static func zone(language: String) -> String { language == "vi" ? zoneVietnamese : zoneEnglish }

    private static func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

    private static func four(_ value: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}

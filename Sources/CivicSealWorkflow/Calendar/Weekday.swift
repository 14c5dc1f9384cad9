/// ISO 8601 weekday numbering: Monday is 1, Sunday is 7.
package enum Weekday: Int, Codable, Sendable, CaseIterable, Comparable {
    case monday = 1
    case tuesday, wednesday, thursday, friday, saturday, sunday

    package static func < (lhs: Weekday, rhs: Weekday) -> Bool { lhs.rawValue < rhs.rawValue }
}

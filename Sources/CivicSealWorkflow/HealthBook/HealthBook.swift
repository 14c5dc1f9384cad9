/// A person's electronic health book: entries recorded by facilities, keyed by the personal ID number, which is
/// the health ID (Decree 102/2025/NĐ-CP). Facilities write; the citizen reads and may request extracts.
public struct HealthBook: Codable, Sendable, Hashable {
    public var personalId: PersonalIDNumber
    public var entries: [HealthBookEntry]

    public init(personalId: PersonalIDNumber, entries: [HealthBookEntry] = []) {
        self.personalId = personalId
        self.entries = entries
    }

    /// Every problem in every entry, with paths like `entries[3].dose`.
    public func validationIssues() -> [ValidationIssue] {
        entries.enumerated().flatMap { index, entry in entry.issues(at: "entries[\(index)]") }
    }

    /// The entries of `sections` dated within `from...to` (either bound optional), in recorded order.
    public func extract(sections: Set<HealthBookSection>, from: CalendarDate? = nil, to: CalendarDate? = nil) -> HealthBook {
        HealthBook(personalId: personalId, entries: entries.filter { entry in
            sections.contains(entry.section) && (from.map { entry.date >= $0 } ?? true)
                && (to.map { entry.date <= $0 } ?? true)
        })
    }
}

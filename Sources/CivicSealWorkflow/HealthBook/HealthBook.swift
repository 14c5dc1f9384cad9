/// A person's electronic health book: entries recorded by facilities, keyed by the personal ID number, which is
/// the health ID (Decree 102/2025/NĐ-CP). Facilities write; the citizen reads and may request extracts.
package struct HealthBook: Codable, Sendable, Hashable {
    package var personalId: PersonalIDNumber
    package var entries: [HealthBookEntry]

    package init(personalId: PersonalIDNumber, entries: [HealthBookEntry] = []) {
        self.personalId = personalId
        self.entries = entries
    }

    /// Every problem in every entry, with paths like `entries[3].dose`.
    package func validationIssues() -> [ValidationIssue] {
        entries.enumerated().flatMap { index, entry in entry.issues(at: "entries[\(index)]") }
    }

    /// The entries of `sections` dated within `from...to` (either bound optional), in recorded order.
    package func extract(sections: Set<HealthBookSection>, from: CalendarDate? = nil, to: CalendarDate? = nil)
        -> HealthBook
    {
        HealthBook(
            personalId: personalId,
            entries: entries.filter { entry in
                sections.contains(entry.section) && (from.map { entry.date >= $0 } ?? true)
                    && (to.map { entry.date <= $0 } ?? true)
            })
    }
}

/// An allergy in the health history: type, agent, reaction.
package struct Allergy: Codable, Sendable, Hashable {
    package enum Kind: String, Codable, Sendable, CaseIterable {
        case drug, food, environmental, other
    }

    package var facilityId: String
    package var recordedOn: CalendarDate
    package var type: Kind
    /// What causes it, e.g. "Penicillin".
    package var agent: String
    /// What happens, e.g. "Mày đay" (hives).
    package var reaction: String

    package init(facilityId: String, recordedOn: CalendarDate, type: Kind, agent: String, reaction: String) {
        self.facilityId = facilityId
        self.recordedOn = recordedOn
        self.type = type
        self.agent = agent
        self.reaction = reaction
    }

    func issues(at path: String, today: CalendarDate?) -> [ValidationIssue] {
        var issues = IssueCollector()
        issues.past(recordedOn, at: path + ".recordedOn", today: today)
        _ = issues.text(facilityId, at: path + ".facilityId", limit: 50)
        _ = issues.text(agent, at: path + ".agent", limit: 200)
        _ = issues.text(reaction, at: path + ".reaction", limit: 500)
        return issues.issues
    }
}

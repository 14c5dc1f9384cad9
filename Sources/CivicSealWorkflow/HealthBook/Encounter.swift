import Foundation

/// One visit or stay at a health facility, as recorded in the electronic health book (Decree 102/2025/NĐ-CP;
/// data groups of the health book: facility, time, type, reason, outcome, ICD-10 diagnoses with the first main).
package struct Encounter: Codable, Sendable, Hashable {
    package enum Kind: String, Codable, Sendable, CaseIterable {
        case outpatient, inpatient, emergency
        case dayCare = "day-care"
        case telemedicine
        case checkup
    }

    package enum Outcome: String, Codable, Sendable, CaseIterable {
        case recovered, improved, unchanged, worsened, transferred, deceased
        case ongoing
    }

    /// The facility's code in the national registry of health facilities.
    package var facilityId: String
    package var facilityName: String
    package var startedAt: Date
    package var endedAt: Date?
    package var type: Kind
    package var reason: String
    package var outcome: Outcome
    /// ICD-10 diagnoses; the first is the main diagnosis.
    package var diagnoses: [ICD10Code]

    package init(
        facilityId: String, facilityName: String, startedAt: Date, endedAt: Date? = nil, type: Kind, reason: String,
        outcome: Outcome, diagnoses: [ICD10Code]
    ) {
        self.facilityId = facilityId
        self.facilityName = facilityName
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.type = type
        self.reason = reason
        self.outcome = outcome
        self.diagnoses = diagnoses
    }

    package var mainDiagnosis: ICD10Code? { diagnoses.first }

    func issues(at path: String, today: CalendarDate?) -> [ValidationIssue] {
        var issues = IssueCollector()
        issues.past(CalendarDate(startedAt), at: path + ".startedAt", today: today)
        _ = issues.text(facilityId, at: path + ".facilityId", limit: 50)
        _ = issues.text(facilityName, at: path + ".facilityName", limit: 300)
        _ = issues.text(reason, at: path + ".reason", limit: 500)
        if let endedAt, endedAt < startedAt {
            issues.add(path + ".endedAt", .encounterEndsBeforeStart, "the encounter ends before it starts")
        }
        if diagnoses.count > 20 { issues.add(path + ".diagnoses", .listTooLong, "at most 20 diagnoses") }
        if Set(diagnoses).count != diagnoses.count {
            issues.add(path + ".diagnoses", .listDuplicate, "a diagnosis is listed twice")
        }
        return issues.issues
    }
}

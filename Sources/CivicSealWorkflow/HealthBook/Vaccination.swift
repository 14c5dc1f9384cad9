/// A vaccination recorded in the health book: vaccine (product), antigen (what it protects against), dose number.
package struct Vaccination: Codable, Sendable, Hashable {
    package var facilityId: String
    package var administeredOn: CalendarDate
    package var vaccine: String
    package var antigen: String
    /// 1 for the first dose; boosters continue the count.
    package var dose: Int

    package init(facilityId: String, administeredOn: CalendarDate, vaccine: String, antigen: String, dose: Int) {
        self.facilityId = facilityId
        self.administeredOn = administeredOn
        self.vaccine = vaccine
        self.antigen = antigen
        self.dose = dose
    }

    func issues(at path: String, today: CalendarDate?) -> [ValidationIssue] {
        var issues = IssueCollector()
        issues.past(administeredOn, at: path + ".administeredOn", today: today)
        _ = issues.text(facilityId, at: path + ".facilityId", limit: 50)
        _ = issues.text(vaccine, at: path + ".vaccine", limit: 200)
        _ = issues.text(antigen, at: path + ".antigen", limit: 200)
        if !(1...20).contains(dose) { issues.add(path + ".dose", .doseOutOfRange, "dose must be 1 to 20") }
        return issues.issues
    }
}

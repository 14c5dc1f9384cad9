/// The identity block of a person: the fields printed on a certificate and checked by third parties.
package struct PersonIdentity: Codable, Sendable, Hashable {
    package var personalID: PersonalIDNumber
    /// NFC, trimmed, single spaces.
    package var fullName: String
    package var birthDate: CalendarDate
    package var sex: Sex

    package init(personalID: PersonalIDNumber, fullName: String, birthDate: CalendarDate, sex: Sex) {
        self.personalID = personalID
        self.fullName = fullName
        self.birthDate = birthDate
        self.sex = sex
    }

    enum CodingKeys: String, CodingKey {
        case personalID = "personalId"
        case fullName, birthDate, sex
    }

    /// Validates raw text fields into an identity, collecting every problem under `prefix` (e.g. `subject.`).
    static func validate(
        personalId: String, fullName: String, birthDate: String, sex: Sex?,
        prefix: String, today: CalendarDate, policy: ValidationPolicy, into issues: inout IssueCollector
    ) -> PersonIdentity? {
        var id: PersonalIDNumber?
        do { id = try PersonalIDNumber(personalId, field: prefix + "personalId") } catch { issues.append(error) }
        let name = issues.name(fullName, at: prefix + "fullName", limit: policy.maximumNameLength)
        var birth: CalendarDate?
        if let date = CalendarDate(birthDate) {
            if date > today {
                issues.add(prefix + "birthDate", .birthDateInFuture, "birth date \(date) is after \(today)")
            } else {
                birth = date
            }
        } else {
            issues.add(prefix + "birthDate", .birthDateInvalid, "birth date must be a real date as YYYY-MM-DD")
        }
        if sex == nil { issues.add(prefix + "sex", .sexInvalid, "sex must be \"male\" or \"female\"") }
        if let id, let birth, let sex {
            issues.append(contentsOf: id.issues(sex: sex, birthDate: birth, field: prefix + "personalId"))
        }
        guard let id, let name, let birth, let sex, issues.isEmpty(under: prefix + "personalId") else { return nil }
        return PersonIdentity(personalID: id, fullName: name, birthDate: birth, sex: sex)
    }
}

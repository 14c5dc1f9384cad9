/// The person the document is about, when that is not the applicant. Raw text until validated.
package struct SubjectDetails: Codable, Sendable, Hashable {
    package var personalId: String
    package var fullName: String
    /// `YYYY-MM-DD`.
    package var birthDate: String
    package var sex: Sex

    package init(personalId: String, fullName: String, birthDate: String, sex: Sex) {
        self.personalId = personalId
        self.fullName = fullName
        self.birthDate = birthDate
        self.sex = sex
    }
}

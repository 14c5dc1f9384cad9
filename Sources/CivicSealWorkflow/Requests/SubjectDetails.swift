/// The person the document is about, when that is not the applicant. Raw text until validated.
public struct SubjectDetails: Codable, Sendable, Hashable {
    public var personalId: String
    public var fullName: String
    /// `YYYY-MM-DD`.
    public var birthDate: String
    public var sex: Sex

    public init(personalId: String, fullName: String, birthDate: String, sex: Sex) {
        self.personalId = personalId
        self.fullName = fullName
        self.birthDate = birthDate
        self.sex = sex
    }
}

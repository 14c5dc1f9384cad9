/// The raw claims of a verified identity token, before validation.
///
/// The national identity provider publishes no claim specification; the token verifier maps its configured
/// claim names onto these fields. Everything stays text until ``Applicant/validated(from:today:policy:)``.
public struct IdentityClaims: Codable, Sendable, Hashable {
    public var subject: String
    public var personalId: String
    public var fullName: String
    public var birthDate: String
    public var sex: String
    public var assuranceLevel: String
    /// ISO 3166-1 alpha-2 nationality when the token states one (VNeID citizens: `VN`).
    public var nationality: String?

    public init(
        subject: String, personalId: String, fullName: String, birthDate: String, sex: String, assuranceLevel: String,
        nationality: String? = nil
    ) {
        self.subject = subject
        self.personalId = personalId
        self.fullName = fullName
        self.birthDate = birthDate
        self.sex = sex
        self.assuranceLevel = assuranceLevel
        self.nationality = nationality
    }
}

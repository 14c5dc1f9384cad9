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

    public init(
        subject: String, personalId: String, fullName: String, birthDate: String, sex: String, assuranceLevel: String
    ) {
        self.subject = subject
        self.personalId = personalId
        self.fullName = fullName
        self.birthDate = birthDate
        self.sex = sex
        self.assuranceLevel = assuranceLevel
    }
}

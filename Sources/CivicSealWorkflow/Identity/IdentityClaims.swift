/// The raw claims of a verified identity token, before validation.
///
/// The national identity provider publishes no claim specification; the token verifier maps its configured
/// claim names onto these fields. Everything stays text until ``Applicant/validated(from:today:policy:)``.
package struct IdentityClaims: Codable, Sendable, Hashable {
    package var subject: String
    package var personalId: String
    package var fullName: String
    package var birthDate: String
    package var sex: String
    package var assuranceLevel: String
    /// ISO 3166-1 alpha-2 nationality when the token states one (VNeID citizens: `VN`).
    package var nationality: String?

    package init(
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

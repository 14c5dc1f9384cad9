/// The signed-in citizen who submits a request, as established by the identity token.
///
/// The applicant is not always the person the document is about: a parent may ask for a minor child and,
/// for criminal-record form 1, anyone the person authorises (Art. 45–46, Law on Judicial Records).
package struct Applicant: Codable, Sendable, Hashable {
    package var identity: PersonIdentity
    package var assuranceLevel: AssuranceLevel
    /// The nationality the identity token states (ISO 3166-1 alpha-2, one of ``Country/all``), or nil when it
    /// states none; the pages pre-select it and the citizen's own request cannot silently change it.
    package var nationality: String?

    package init(identity: PersonIdentity, assuranceLevel: AssuranceLevel, nationality: String? = nil) {
        self.identity = identity
        self.assuranceLevel = assuranceLevel
        self.nationality = nationality
    }

    package var personalID: PersonalIDNumber { identity.personalID }

    /// Validates token claims: ID structure and agreement with sex and birth date, name text rules, real dates.
    /// Field paths are the claim names (`personalId`, `fullName`, `birthDate`, `sex`, `assuranceLevel`,
    /// `nationality`); a nationality must be a known ISO 3166-1 code.
    package static func validated(
        from claims: IdentityClaims, today: CalendarDate, policy: ValidationPolicy = ValidationPolicy()
    ) -> Result<Applicant, ValidationFailure> {
        var issues = IssueCollector()
        let identity = PersonIdentity.validate(
            personalId: claims.personalId, fullName: claims.fullName, birthDate: claims.birthDate,
            sex: Sex(rawValue: claims.sex), prefix: "", today: today, policy: policy, into: &issues)
        let level = AssuranceLevel(rawValue: claims.assuranceLevel)
        if level == nil {
            issues.add("assuranceLevel", .assuranceUnknown, "assurance level must be \"level1\" or \"level2\"")
        }
        if let nationality = claims.nationality, !Country.isKnown(nationality) {
            issues.add("nationality", .countryUnknown, "nationality must be an ISO 3166-1 alpha-2 code such as VN")
        }
        guard let identity, let level, issues.issues.isEmpty else { return .failure(issues.failure) }
        return .success(Applicant(identity: identity, assuranceLevel: level, nationality: claims.nationality))
    }
}

import CivicSealJSON
import CivicSealWorkflow
import Foundation

/// The citizen claims of an ID token and their validation.
///
/// | claim | rule |
/// |---|---|
/// | `personal_id` | 12 ASCII digits, known province, century/sex digit and year agree with `birthdate` and `gender` |
/// | `name` | NFC, trimmed, single spaces, no control characters, at most ``ValidationPolicy/maximumNameLength`` |
/// | `birthdate` | `YYYY-MM-DD`, a real date not after today (Việt Nam time); OIDC Core §5.1 names it `birthdate` |
/// | `gender` | `male` or `female` (OIDC Core §5.1 values) |
/// | `acr` | `level1` or `level2`, the account's assurance level (OIDC Core §2: Authentication Context Class Reference)
/// |
/// | `nationality` | optional; an ISO 3166-1 alpha-2 code of ``Country/all`` (VNeID citizens: `VN`) |
///
/// The checks are the workflow's own (``Applicant/validated(from:today:policy:)``), so the identity that
/// reaches a request is exactly what the submission validator would accept.
package enum CitizenClaims {
    /// Claim names in the token, by the workflow field they fill.
    static let claimNames: [String: String] = [
        "personalId": "personal_id", "fullName": "name", "birthDate": "birthdate", "sex": "gender",
        "assuranceLevel": "acr",
        "nationality": "nationality",
    ]

    static func principal(
        _ claims: [String: JSONValue], facts: TokenFacts, policy: TokenPolicy, now: Date
    ) throws(IdentityError) -> CitizenPrincipal {
        let raw = IdentityClaims(
            subject: facts.subject,
            personalId: try ClaimReader.requiredString(claims, "personal_id"),
            fullName: try ClaimReader.requiredString(claims, "name"),
            birthDate: try ClaimReader.requiredString(claims, "birthdate"),
            sex: try ClaimReader.requiredString(claims, "gender"),
            assuranceLevel: try ClaimReader.requiredString(claims, "acr"),
            nationality: try ClaimReader.optionalString(claims, "nationality"))
        switch Applicant.validated(from: raw, today: CalendarDate(now), policy: policy.validation) {
        case .success(let applicant):
            return CitizenPrincipal(token: facts, applicant: applicant)
        case .failure(let failure):
            // Codes and claim names only: the validation messages quote digits and years.
            let reasons = failure.issues.map { "\(claimNames[$0.field] ?? $0.field): \($0.code.rawValue)" }
            let first = failure.issues.first.map { claimNames[$0.field] ?? $0.field }
            throw IdentityError(.invalidClaim, "the citizen claims are not valid", claim: first, reasons: reasons)
        }
    }
}

/// The staff claims of an ID token and their validation: `name` (as for citizens), `roles` (an array of
/// strings; unknown roles ignored, at least one ``StaffRole`` required) and `department` (a department id).
package enum StaffClaims {
    static func principal(_ claims: [String: JSONValue], facts: TokenFacts, policy: TokenPolicy) throws(IdentityError)
        -> StaffPrincipal
    {
        let rawName = try ClaimReader.requiredString(claims, "name")
        guard !TextNormalization.containsControlCharacters(rawName) else {
            throw IdentityError(.invalidClaim, "\"name\" contains control characters", claim: "name")
        }
        let name = TextNormalization.normalise(rawName, collapsingSpaces: true)
        guard !name.isEmpty, name.count <= policy.validation.maximumNameLength else {
            throw IdentityError(
                .invalidClaim, "\"name\" must be 1–\(policy.validation.maximumNameLength) characters", claim: "name")
        }

        guard let list = claims["roles"]?.arrayValue, case let names = list.compactMap(\.stringValue),
            names.count == list.count,
            names.count <= 64
        else { throw IdentityError(.invalidClaim, "\"roles\" must be an array of at most 64 strings", claim: "roles") }
        let roles = Set(names.compactMap(StaffRole.init(rawValue:)))
        guard !roles.isEmpty else {
            throw IdentityError(
                .invalidClaim,
                "\"roles\" holds no role CivicSeal knows "
                    + "(\(StaffRole.allCases.map(\.rawValue).joined(separator: ", ")))",
                claim: "roles")
        }

        let department = try ClaimReader.requiredString(claims, "department")
        guard StaffPrincipal.isValidDepartmentID(department) else {
            throw IdentityError(
                .invalidClaim, "\"department\" must be a department id such as justice-hanoi", claim: "department")
        }
        return StaffPrincipal(token: facts, name: name, roles: roles, department: department)
    }
}

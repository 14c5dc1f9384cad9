import CivicSealWorkflow
import Foundation

/// Who a verified identity token says the caller is: a citizen or a staff member.
///
/// Which one is decided from the claims (`personal_id` → citizen, `roles` → staff; both or neither is refused)
/// and allowed only if the issuer may vouch for that kind. Routes ask for the kind they serve with
/// ``requireCitizen()`` or ``requireStaff(role:)``, which fail with a 403 ``IdentityError``.
package enum Principal: Sendable, Hashable {
    case citizen(CitizenPrincipal)
    case staff(StaffPrincipal)

    package var kind: PrincipalKind {
        switch self {
        case .citizen: .citizen
        case .staff: .staff
        }
    }

    /// The verified token's facts common to both kinds.
    package var token: TokenFacts {
        switch self {
        case .citizen(let citizen): citizen.token
        case .staff(let staff): staff.token
        }
    }

    /// The citizen, or ``IdentityError/Code/wrongPrincipal`` (403) for a staff token on a citizen route.
    package func requireCitizen() throws(IdentityError) -> CitizenPrincipal {
        guard case .citizen(let citizen) = self else {
            throw IdentityError(.wrongPrincipal, "this route serves citizens; the token is a staff token")
        }
        return citizen
    }

    /// The staff member, or ``IdentityError/Code/wrongPrincipal`` (403) for a citizen token, or
    /// ``IdentityError/Code/missingRole`` (403) when `role` is given and not held.
    package func requireStaff(role: StaffRole? = nil) throws(IdentityError) -> StaffPrincipal {
        guard case .staff(let staff) = self else {
            throw IdentityError(.wrongPrincipal, "this route serves staff; the token is a citizen token")
        }
        if let role { try staff.require(role) }
        return staff
    }

    /// The staff member holding any of `roles` (e.g. a queue open to justice and health officers).
    package func requireStaff(anyOf roles: Set<StaffRole>) throws(IdentityError) -> StaffPrincipal {
        let staff = try requireStaff()
        guard !staff.roles.isDisjoint(with: roles) else {
            throw IdentityError(
                .missingRole,
                "this route needs one of the roles \(roles.map(\.rawValue).sorted().joined(separator: ", "))")
        }
        return staff
    }
}

/// Facts of a verified token that are not about the person: who issued it, for whom, and until when.
package struct TokenFacts: Sendable, Hashable {
    /// `iss`, exactly as configured.
    package let issuer: String
    /// `sub` (OIDC Core §2: "A locally unique and never reassigned identifier within the Issuer for the End-User").
    package let subject: String
    /// `exp` (RFC 7519 §4.1.4).
    package let expiresAt: Date
    /// `iat` (RFC 7519 §4.1.6).
    package let issuedAt: Date

    /// Facts already verified (the token verifier's, or a shared session's copy of them).
    package init(issuer: String, subject: String, expiresAt: Date, issuedAt: Date) {
        self.issuer = issuer
        self.subject = subject
        self.expiresAt = expiresAt
        self.issuedAt = issuedAt
    }
}

/// A citizen established by a verified token, already validated as a workflow ``Applicant``.
package struct CitizenPrincipal: Sendable, Hashable {
    package let token: TokenFacts
    /// Identity (CCCD number consistent with sex and birth date, NFC name) and assurance level.
    package let applicant: Applicant

    package init(token: TokenFacts, applicant: Applicant) {
        self.token = token
        self.applicant = applicant
    }

    package var subject: String { token.subject }
    package var personalID: PersonalIDNumber { applicant.personalID }
    package var identity: PersonIdentity { applicant.identity }
    /// The account's assurance level, from `acr`.
    package var assuranceLevel: AssuranceLevel { applicant.assuranceLevel }

    /// Whether this account may submit a request of `kind`: criminal records need `level2`
    /// (the VNeID online service; ``ValidationPolicy/criminalRecordAssurance``).
    package func meetsAssurance(for kind: RequestKind, policy: ValidationPolicy = ValidationPolicy()) -> Bool {
        assuranceLevel >= policy.requiredAssurance(for: kind)
    }

    /// Throws ``IdentityError/Code/insufficientAssurance`` (403) when ``meetsAssurance(for:policy:)`` is false.
    /// The submission validator applies the same rule; this lets a route refuse before reading the body.
    package func requireAssurance(for kind: RequestKind, policy: ValidationPolicy = ValidationPolicy())
        throws(IdentityError)
    {
        guard meetsAssurance(for: kind, policy: policy) else {
            throw IdentityError(
                .insufficientAssurance,
                "\(kind.rawValue) requests need a \(policy.requiredAssurance(for: kind).rawValue) account", claim: "acr"
            )
        }
    }
}

/// A staff member established by a verified token.
package struct StaffPrincipal: Sendable, Hashable {
    package let token: TokenFacts
    /// NFC, trimmed, single spaces.
    package let name: String
    /// The known roles the token carries (unknown role names were ignored).
    package let roles: Set<StaffRole>
    /// The department or facility id, e.g. `justice-hanoi`.
    package let department: String

    package init(token: TokenFacts, name: String, roles: Set<StaffRole>, department: String) {
        self.token = token
        self.name = name
        self.roles = roles
        self.department = department
    }

    package var subject: String { token.subject }

    package func has(_ role: StaffRole) -> Bool { roles.contains(role) }

    /// Throws ``IdentityError/Code/missingRole`` (403) unless the token carries `role`.
    package func require(_ role: StaffRole) throws(IdentityError) {
        guard roles.contains(role) else {
            throw IdentityError(.missingRole, "this route needs the role \(role.rawValue)")
        }
    }

    /// Whether `id` is a well-formed department id: 1–64 of `a-z`, `0-9`, `-`, not starting or ending with `-`.
    package static func isValidDepartmentID(_ id: String) -> Bool {
        let bytes = Array(id.utf8)
        guard (1...64).contains(bytes.count), bytes.first != UInt8(ascii: "-"), bytes.last != UInt8(ascii: "-") else {
            return false
        }
        return bytes.allSatisfy {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
                || $0 == UInt8(ascii: "-")
        }
    }
}

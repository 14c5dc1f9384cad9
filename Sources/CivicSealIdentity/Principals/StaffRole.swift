/// The roles a staff token can carry in its `roles` claim. What each may do is ``AuthorizationPolicy``'s table.
///
/// Unknown role names are **ignored**, not rejected: an identity provider serves many relying parties and may
/// list roles meant for others (OIDC Core §5.3.2: "Claims that are not understood by the Client MUST be
/// ignored" applies in spirit to values too). A staff token must still carry at least one role known here,
/// otherwise it vouches for nothing CivicSeal can use and is refused as ``IdentityError/Code/invalidClaim``.
package enum StaffRole: String, Sendable, Hashable, CaseIterable, Codable, Comparable {
    /// Decides criminal-record requests in a justice department's queue.
    case justiceOfficer = "justice.officer"
    /// Decides health-certificate and health-book requests in a health department's queue.
    case healthOfficer = "health.officer"
    /// Records health-book entries at a health facility.
    case healthClinician = "health.clinician"
    /// Revokes criminal-record certificates issued by a justice department (the head of the department or the
    /// signer; deciding requests is a different role).
    case justiceRevoker = "justice.revoker"
    /// Revokes health certificates and health-book extracts issued by a health department.
    case healthRevoker = "health.revoker"

    package static func < (lhs: StaffRole, rhs: StaffRole) -> Bool { lhs.rawValue < rhs.rawValue }
}

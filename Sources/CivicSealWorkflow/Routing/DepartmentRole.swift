/// The roles a department's staff play: receiving dossiers, deciding them, signing the certificate.
package enum DepartmentRole: String, Codable, Sendable, CaseIterable {
    case receiver
    case officer
    case signer
}

/// The roles a department's staff play: receiving dossiers, deciding them, signing the certificate.
public enum DepartmentRole: String, Codable, Sendable, CaseIterable {
    case receiver
    case officer
    case signer
}

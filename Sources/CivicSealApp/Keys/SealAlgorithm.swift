import CivicSealCrypto

/// The key and signature scheme of a department seal. ECDSA P-256 is the default; RSA-PSS 3072 is selectable.
package enum SealAlgorithm: String, Sendable, CaseIterable {
    case ecdsaP256 = "ecdsa-p256-sha256"
    case ecdsaP384 = "ecdsa-p384-sha384"
    case rsaPSS3072 = "rsa-pss-sha256"
    case rsaPKCS1 = "rsa-pkcs1-sha256"

    package var keyKind: KeyKind {
        switch self {
        case .ecdsaP256: .ecP256
        case .ecdsaP384: .ecP384
        case .rsaPSS3072, .rsaPKCS1: .rsa(bits: 3072)
        }
    }

    package var signatureAlgorithm: SignatureAlgorithm {
        switch self {
        case .ecdsaP256: .ecdsa(.sha256)
        case .ecdsaP384: .ecdsa(.sha384)
        case .rsaPSS3072: .rsaPSS(.sha256)
        case .rsaPKCS1: .rsaPKCS1(.sha256)
        }
    }

    /// Accepts the manifest names and the short command-line names `ecdsa-p256`, `ecdsa-p384`, `rsa-pss-3072`.
    package init?(argument: String) {
        switch argument {
        case "ecdsa-p256", Self.ecdsaP256.rawValue: self = .ecdsaP256
        case "ecdsa-p384", Self.ecdsaP384.rawValue: self = .ecdsaP384
        case "rsa-pss-3072", "rsa-pss", Self.rsaPSS3072.rawValue: self = .rsaPSS3072
        case "rsa-pkcs1-3072", Self.rsaPKCS1.rawValue: self = .rsaPKCS1
        default: return nil
        }
    }
}

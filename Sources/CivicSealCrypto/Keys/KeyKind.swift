/// The key types CivicSeal generates, loads and signs with.
package enum KeyKind: Sendable, Hashable, CustomStringConvertible {
    case ecP256
    case ecP384
    case ed25519
    /// RSA with a modulus of 2048–4096 bits.
    case rsa(bits: Int)

    package var description: String {
        switch self {
        case .ecP256: "ECDSA P-256"
        case .ecP384: "ECDSA P-384"
        case .ed25519: "Ed25519"
        case .rsa(let bits): "RSA-\(bits)"
        }
    }

    /// The JOSE curve name of an EC or OKP key.
    var joseCurve: String? {
        switch self {
        case .ecP256: "P-256"
        case .ecP384: "P-384"
        case .ed25519: "Ed25519"
        case .rsa: nil
        }
    }

    /// Byte length of one ECDSA signature component (r or s) for raw r‖s encoding.
    var ecdsaComponentLength: Int? {
        switch self {
        case .ecP256: 32
        case .ecP384: 48
        default: nil
        }
    }

    static let rsaBitRange = 2048...4096
}

/// A signature scheme: the key family, its padding and its hash.
package enum SignatureAlgorithm: Sendable, Hashable, CustomStringConvertible {
    /// ECDSA; signatures are DER `ECDSA-Sig-Value` (use ``ECDSASignature`` for raw r‖s).
    case ecdsa(DigestAlgorithm)
    /// Pure Ed25519 (no pre-hash).
    case ed25519
    /// RSASSA-PKCS1-v1_5.
    case rsaPKCS1(DigestAlgorithm)
    /// RSASSA-PSS with MGF1 over the same hash and a salt as long as the hash (RFC 7518 §3.5, RFC 4055).
    case rsaPSS(DigestAlgorithm)

    package var description: String {
        switch self {
        case .ecdsa(let d): "ECDSA-\(d.rawValue)"
        case .ed25519: "Ed25519"
        case .rsaPKCS1(let d): "RSA-PKCS1-\(d.rawValue)"
        case .rsaPSS(let d): "RSA-PSS-\(d.rawValue)"
        }
    }

    var digest: DigestAlgorithm? {
        switch self {
        case .ecdsa(let d), .rsaPKCS1(let d), .rsaPSS(let d): d
        case .ed25519: nil
        }
    }

    /// Whether a key of `kind` can produce or check this signature.
    func fits(_ kind: KeyKind) -> Bool {
        switch (self, kind) {
        case (.ecdsa, .ecP256), (.ecdsa, .ecP384), (.ed25519, .ed25519), (.rsaPKCS1, .rsa), (.rsaPSS, .rsa): true
        default: false
        }
    }

    /// The customary algorithm for a key: ECDSA with the curve's hash, Ed25519, RSA-PSS SHA-256.
    package static func preferred(for kind: KeyKind) -> SignatureAlgorithm {
        switch kind {
        case .ecP256: .ecdsa(.sha256)
        case .ecP384: .ecdsa(.sha384)
        case .ed25519: .ed25519
        case .rsa: .rsaPSS(.sha256)
        }
    }
}

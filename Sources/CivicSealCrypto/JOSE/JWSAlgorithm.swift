/// The JWS `alg` values CivicSeal signs and verifies (RFC 7518 §3.1, RFC 8037 §3.1, RFC 9864 §2.2).
///
/// Deliberately absent: `none` (RFC 7518 §3.6, an unsecured JWS), the HMAC family (a shared secret
/// cannot prove which party signed), and ES512 (P-521 is outside the crypto core's curves).
package enum JWSAlgorithm: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// ECDSA P-256 with SHA-256.
    case es256 = "ES256"
    /// ECDSA P-384 with SHA-384.
    case es384 = "ES384"
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    case rs256 = "RS256"
    case rs384 = "RS384"
    case rs512 = "RS512"
    /// RSASSA-PSS with SHA-256, MGF1 with SHA-256 and a 32-byte salt.
    case ps256 = "PS256"
    case ps384 = "PS384"
    case ps512 = "PS512"
    /// EdDSA as RFC 8037 defines it; with the crypto core's keys that always means Ed25519.
    case edDSA = "EdDSA"
    /// The fully specified Ed25519 identifier of RFC 9864, which deprecates the polymorphic `EdDSA`.
    case ed25519 = "Ed25519"

    package var description: String { rawValue }

    /// The crypto core's signature scheme for this algorithm.
    package var signatureAlgorithm: SignatureAlgorithm {
        switch self {
        case .es256: .ecdsa(.sha256)
        case .es384: .ecdsa(.sha384)
        case .rs256: .rsaPKCS1(.sha256)
        case .rs384: .rsaPKCS1(.sha384)
        case .rs512: .rsaPKCS1(.sha512)
        case .ps256: .rsaPSS(.sha256)
        case .ps384: .rsaPSS(.sha384)
        case .ps512: .rsaPSS(.sha512)
        case .edDSA, .ed25519: .ed25519
        }
    }

    /// Whether a key of `kind` may make or check this signature. Unlike the crypto core, ECDSA is
    /// bound to one curve: RFC 7518 §3.4 defines ES256 as "ECDSA using P-256 and SHA-256".
    package func fits(_ kind: KeyKind) -> Bool {
        switch (self, kind) {
        case (.es256, .ecP256), (.es384, .ecP384), (.edDSA, .ed25519), (.ed25519, .ed25519): true
        case (.rs256, .rsa), (.rs384, .rsa), (.rs512, .rsa), (.ps256, .rsa), (.ps384, .rsa), (.ps512, .rsa): true
        default: false
        }
    }

    /// The exact signature length, where the algorithm fixes one: 2 × coordinate size for ECDSA
    /// (RFC 7518 §3.4, "the JWS Signature value ... MUST be a 64-octet sequence" for ES256), 64 for Ed25519.
    var fixedSignatureLength: Int? {
        switch self {
        case .es256: 64
        case .es384: 96
        case .edDSA, .ed25519: 64
        default: nil
        }
    }

    /// The algorithm CivicSeal signs with for a key: ES256/ES384 by curve, EdDSA, PS256 for RSA.
    package static func preferred(for kind: KeyKind) -> JWSAlgorithm {
        switch kind {
        case .ecP256: .es256
        case .ecP384: .es384
        case .ed25519: .edDSA
        case .rsa: .ps256
        }
    }

    /// Classifies a header's `alg` value, refusing with the most telling code.
    static func fromHeader(_ value: String) throws(JOSEError) -> JWSAlgorithm {
        if let algorithm = JWSAlgorithm(rawValue: value) { return algorithm }
        // Any capitalization of "none" is the unsecured-JWS attack; name it as such.
        if value.lowercased() == "none" {
            throw JOSEError(.algorithmNone, "\"alg\": \"\(value)\" (unsecured JWS) is never accepted")
        }
        if ["HS256", "HS384", "HS512"].contains(value.uppercased()) {
            throw JOSEError(.symmetricAlgorithm, "HMAC algorithm \(value) is never accepted")
        }
        throw JOSEError(.unsupportedAlgorithm, "algorithm \(value) is not supported")
    }
}

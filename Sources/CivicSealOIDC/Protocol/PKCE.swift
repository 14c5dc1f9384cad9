import CivicSealCrypto
import Foundation

/// Proof Key for Code Exchange (RFC 7636) and the other random values of an authorization request.
package enum PKCE {
    /// RFC 7636 §4.1: "a high-entropy cryptographic random STRING ... with a minimum length of 43 characters
    /// and a maximum length of 128 characters"; 32 random bytes give 43 base64url characters (256 bits).
    package static func makeVerifier() -> String { randomToken() }

    /// 32 random bytes, base64url without padding (for `state` and `nonce`).
    package static func randomToken(byteCount: Int = 32) -> String { Base64URL.encode(SecureRandom.bytes(byteCount)) }

    /// RFC 7636 §4.2: `code_challenge = BASE64URL-ENCODE(SHA256(ASCII(code_verifier)))` (method `S256`).
    package static func challenge(for verifier: String) -> String {
        Base64URL.encode(Digest.sha256(Array(verifier.utf8)))
    }

    /// Whether `verifier` has the shape RFC 7636 §4.1 requires: 43–128 of `[A-Z] / [a-z] / [0-9] / "-" / "." /
    /// "_" / "~"`.
    package static func isValidVerifier(_ verifier: String) -> Bool {
        (43...128).contains(verifier.utf8.count) && verifier.utf8.allSatisfy(isUnreserved)
    }

    static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
            UInt8(ascii: "~"):
            true
        default: false
        }
    }
}

/// OIDC Core §3.1.3.6 `at_hash`: "the base64url encoding of the left-most half of the hash of the octets of the
/// ASCII representation of the access_token value, where the hash algorithm used is the hash algorithm used in
/// the alg Header Parameter of the ID Token's JOSE Header."
package enum AccessTokenHash {
    /// The `at_hash` for `accessToken` under `algorithm` (SHA-256 for *256, SHA-384 for *384, SHA-512 for *512
    /// and EdDSA).
    package static func value(accessToken: String, algorithm: JWSAlgorithm) -> String {
        let digest = Digest.hash(Array(accessToken.utf8), algorithm: hashAlgorithm(for: algorithm))
        return Base64URL.encode(Array(digest.prefix(digest.count / 2)))
    }

    static func hashAlgorithm(for algorithm: JWSAlgorithm) -> DigestAlgorithm {
        let name = algorithm.rawValue
        if name.hasSuffix("384") { return .sha384 }
        if name.hasSuffix("512") || name == "EdDSA" || name == "Ed25519" { return .sha512 }
        return .sha256
    }
}

/// `application/x-www-form-urlencoded` (and query strings) for requests we send: everything but RFC 3986
/// unreserved characters is percent-encoded (a space as `%20`, which every decoder reads back as a space).
package enum FormURLEncoding {
    package static func encode(_ pairs: [(String, String)]) -> String {
        pairs.map { "\(escape($0.0))=\(escape($0.1))" }.joined(separator: "&")
    }

    package static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if PKCE.isUnreserved(byte) {
                result.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                result += String(format: "%%%02X", byte)
            }
        }
        return result
    }
}

/// The one error type of the JOSE layer (JWS, JWK, JWK Set): a stable ``Code``, a human message and,
/// when the crypto core refused something, the ``CryptoError`` underneath.
///
/// Errors compare by code only, like ``CryptoError``: callers and tests match on what went wrong,
/// never on the wording.
package struct JOSEError: Error, Sendable, CustomStringConvertible, Equatable {
    /// A stable, machine-readable reason.
    package struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        package let rawValue: String
        package init(rawValue: String) { self.rawValue = rawValue }
        package var description: String { rawValue }

        // MARK: Token structure

        /// Not exactly three dot-separated parts, or longer than the verifier accepts.
        package static let malformedCompactSerialization = Code(rawValue: "malformed-compact-serialization")
        /// A part is not strict, unpadded base64url (RFC 7515 §2: padding omitted, URL-safe alphabet).
        package static let malformedBase64URL = Code(rawValue: "malformed-base64url")
        /// The JOSE header is not a UTF-8 JSON object, or a member has the wrong type.
        package static let malformedHeader = Code(rawValue: "malformed-header")
        /// The payload is not the JSON object the caller asked for.
        package static let malformedPayload = Code(rawValue: "malformed-payload")
        /// Text that is not strict JSON (outside a header, payload or key).
        package static let malformedJSON = Code(rawValue: "malformed-json")
        /// A JSON object names the same member twice (RFC 7515 §5.2 step 4, RFC 8259 §4).
        package static let duplicateMember = Code(rawValue: "duplicate-member")
        /// The signature has the wrong length for its algorithm (e.g. ECDSA r‖s not 2 × curve size).
        package static let malformedSignature = Code(rawValue: "malformed-signature")

        // MARK: Algorithms and header parameters

        /// `"alg": "none"`: an unsecured JWS is never accepted.
        package static let algorithmNone = Code(rawValue: "alg-none")
        /// An HMAC algorithm (HS256/384/512): shared-secret tokens are never accepted.
        package static let symmetricAlgorithm = Code(rawValue: "symmetric-algorithm")
        /// An algorithm CivicSeal does not implement or the verifier does not allow (e.g. ES512).
        package static let unsupportedAlgorithm = Code(rawValue: "unsupported-algorithm")
        /// A `crit` header that is empty, malformed, names a registered or absent member, or one not understood.
        package static let invalidCriticalHeader = Code(rawValue: "invalid-crit")
        /// `"b64": false` (RFC 7797 unencoded payload) is not supported.
        package static let unencodedPayload = Code(rawValue: "unencoded-payload")

        // MARK: Keys

        /// The header's `kid` names no key in the set.
        package static let unknownKeyID = Code(rawValue: "unknown-kid")
        /// The header has no `kid` and no key in the set can check this algorithm.
        package static let noSuitableKey = Code(rawValue: "no-suitable-key")
        /// The key's type, curve or `alg` member does not fit the token's `alg`.
        package static let keyAlgorithmMismatch = Code(rawValue: "key-algorithm-mismatch")
        /// The key's `use` is not `sig`, or its `key_ops` do not include `verify`.
        package static let keyUseMismatch = Code(rawValue: "key-use-mismatch")
        /// A JWK with missing or malformed members, a point off its curve, or private members.
        package static let malformedKey = Code(rawValue: "malformed-key")
        /// A JWK of a type, curve or size CivicSeal refuses (oct, P-521, RSA under 2048 bits...).
        package static let unsupportedKey = Code(rawValue: "unsupported-key")
        /// A JWK Set that is not an object with a `keys` array.
        package static let malformedKeySet = Code(rawValue: "malformed-key-set")

        // MARK: Outcome

        /// Well formed, a fitting key was found, and the signature does not verify.
        package static let invalidSignature = Code(rawValue: "invalid-signature")
        /// An argument outside its documented range (e.g. a reserved header member passed to the signer).
        package static let invalidArgument = Code(rawValue: "invalid-argument")
        /// The private key could not produce a signature.
        package static let signingFailed = Code(rawValue: "signing-failed")
    }

    package let code: Code
    package let message: String
    /// The crypto core's error when it was the one that refused (e.g. an RSA key under 2048 bits).
    package let underlying: CryptoError?

    package init(_ code: Code, _ message: String, underlying: CryptoError? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    package var description: String {
        if let underlying { return "\(code): \(message) (\(underlying))" }
        return "\(code): \(message)"
    }

    package static func == (lhs: JOSEError, rhs: JOSEError) -> Bool { lhs.code == rhs.code }
}

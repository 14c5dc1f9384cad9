/// Why a request's identity was refused: a stable ``Code``, a message safe to show and log, and the
/// HTTP answer the edge should give (RFC 6750 §3).
///
/// Messages never contain the token, a claim value or any personal data: only codes, claim *names* and
/// validation codes. Errors compare by code only, like the rest of CivicSeal's errors.
package struct IdentityError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable, machine-readable reason. Each code fixes its HTTP status.
    package struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        package let rawValue: String
        package init(rawValue: String) { self.rawValue = rawValue }
        package var description: String { rawValue }

        // MARK: 401 — no credentials (RFC 6750 §3.1: no error code in the challenge)

        /// No `Authorization` header, or an empty one.
        package static let missingToken = Code(rawValue: "missing-token")
        /// An `Authorization` header with another scheme (e.g. `Basic`).
        package static let unsupportedScheme = Code(rawValue: "unsupported-scheme")

        // MARK: 401 — invalid_token

        /// Not `Bearer <one token>`: several credentials, several `Authorization` fields, stray spaces or characters.
        package static let malformedAuthorization = Code(rawValue: "malformed-authorization")
        /// Longer than ``TokenPolicy/maximumTokenLength``.
        package static let tokenTooLarge = Code(rawValue: "token-too-large")
        /// Not a well-formed compact JWS with a JSON object payload (structure, base64url, JSON, duplicate members).
        package static let malformedToken = Code(rawValue: "malformed-token")
        /// A `typ` header other than `JWT` (e.g. `at+jwt`: an access token is not an ID token).
        package static let unexpectedTokenType = Code(rawValue: "unexpected-token-type")
        /// `"alg": "none"` (any capitalisation).
        package static let algorithmNone = Code(rawValue: "alg-none")
        /// HS256/384/512: e.g. the classic attack of signing with the issuer's *public* key as the HMAC secret.
        package static let symmetricAlgorithm = Code(rawValue: "symmetric-algorithm")
        /// An algorithm the issuer is not configured for.
        package static let unsupportedAlgorithm = Code(rawValue: "unsupported-algorithm")
        /// `crit` names an extension CivicSeal does not understand, or is malformed.
        package static let invalidCriticalHeader = Code(rawValue: "invalid-crit")
        /// The header's `kid` names no key of the issuer's JWK set.
        package static let unknownKeyID = Code(rawValue: "unknown-kid")
        /// The selected key cannot check this algorithm (type, curve, `alg`, `use`).
        package static let unusableKey = Code(rawValue: "unusable-key")
        /// The signature does not verify.
        package static let invalidSignature = Code(rawValue: "invalid-signature")
        /// `iss` is missing or names no trusted issuer.
        package static let unknownIssuer = Code(rawValue: "unknown-issuer")
        /// `aud` does not contain the configured audience, or `azp` names another client.
        package static let wrongAudience = Code(rawValue: "wrong-audience")
        /// `exp` (plus leeway) has passed.
        package static let expired = Code(rawValue: "expired")
        /// `nbf` (minus leeway) is still in the future.
        package static let notYetValid = Code(rawValue: "not-yet-valid")
        /// `iat` is in the future beyond the leeway.
        package static let issuedInFuture = Code(rawValue: "issued-in-future")
        /// `iat` is older than ``TokenPolicy/maximumAge``.
        package static let tooOld = Code(rawValue: "too-old")
        /// A required claim is absent.
        package static let missingClaim = Code(rawValue: "missing-claim")
        /// A claim has the wrong JSON type or a value that fails validation (see ``IdentityError/reasons``).
        package static let invalidClaim = Code(rawValue: "invalid-claim")
        /// Both or neither of `personal_id` and `roles`: the token is not clearly a citizen or a staff token.
        package static let ambiguousPrincipal = Code(rawValue: "ambiguous-principal")
        /// The issuer is not configured to vouch for this kind of principal (e.g. staff from a citizen-only issuer).
        package static let principalNotAllowed = Code(rawValue: "principal-not-allowed")

        // MARK: 403 — authenticated, but not for this

        /// A valid token of the wrong kind for the route (a staff token on a citizen route, or the reverse).
        package static let wrongPrincipal = Code(rawValue: "wrong-principal")
        /// A staff token without the role the route requires.
        package static let missingRole = Code(rawValue: "missing-role")
        /// A citizen account below the assurance level the request needs (criminal records need `level2`).
        package static let insufficientAssurance = Code(rawValue: "insufficient-assurance")
    }

    package let code: Code
    /// Safe for logs and problem details: no token, no claim values.
    package let message: String
    /// The claim concerned, by its token name (`personal_id`, `exp`…), when one is.
    package let claim: String?
    /// Validation codes behind an ``Code/invalidClaim`` (e.g. `personal-id.year-mismatch`), without values.
    package let reasons: [String]

    package init(_ code: Code, _ message: String, claim: String? = nil, reasons: [String] = []) {
        self.code = code
        self.message = message
        self.claim = claim
        self.reasons = reasons
    }

    package var description: String {
        var text = "\(code): \(message)"
        if let claim { text += " [claim \(claim)]" }
        if !reasons.isEmpty { text += " (\(reasons.joined(separator: ", ")))" }
        return text
    }

    /// 401 when the caller is not (validly) authenticated, 403 when authenticated but not allowed.
    package var httpStatus: Int {
        switch code {
        case .wrongPrincipal, .missingRole, .insufficientAssurance: 403
        default: 401
        }
    }

    /// The `WWW-Authenticate` value to send with the answer (RFC 6750 §3).
    ///
    /// RFC 6750 §3.1: "If the request lacks any authentication information (e.g., the client was unaware
    /// that authentication is necessary or attempted using an unsupported authentication method), the
    /// resource server SHOULD NOT include an error code or other error information." Otherwise 401 carries
    /// `invalid_token` and 403 carries `insufficient_scope`. Values are fixed strings: nothing from the request.
    package var wwwAuthenticate: String {
        switch code {
        case .missingToken, .unsupportedScheme: #"Bearer realm="civicseal""#
        case .wrongPrincipal, .missingRole, .insufficientAssurance:
            #"Bearer realm="civicseal", error="insufficient_scope""#
        default: #"Bearer realm="civicseal", error="invalid_token""#
        }
    }

    package static func == (lhs: IdentityError, rhs: IdentityError) -> Bool { lhs.code == rhs.code }
}

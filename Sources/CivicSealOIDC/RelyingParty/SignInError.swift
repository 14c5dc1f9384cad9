/// Why a sign-in failed: a stable ``Code`` the pages turn into a bilingual explanation, and a message safe to log.
///
/// Messages never carry a token, a code, a `state`, a `nonce`, a secret or a provider's free-text description;
/// the provider's `error` code is kept only when it is a plain RFC 6749 §4.1.2.1 code.
package struct SignInError: Error, Sendable, Equatable, CustomStringConvertible {
    package struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        package let rawValue: String
        package init(rawValue: String) { self.rawValue = rawValue }
        package var description: String { rawValue }

        /// The callback's `state` is missing or not the one of this browser's pending sign-in.
        package static let stateMismatch = Code(rawValue: "state-mismatch")
        /// The provider answered the authorization request with `error` (e.g. `access_denied`).
        package static let providerError = Code(rawValue: "provider-error")
        /// The callback carries no usable `code`.
        package static let invalidCallback = Code(rawValue: "invalid-callback")
        /// The token endpoint refused the code (replayed, expired, or issued to another client: `invalid_grant`).
        package static let codeRejected = Code(rawValue: "code-rejected")
        /// The ID token's `nonce` is not the one of this sign-in.
        package static let nonceMismatch = Code(rawValue: "nonce-mismatch")
        /// The ID token's `aud` does not contain our client id, or `azp` names another client.
        package static let wrongAudience = Code(rawValue: "wrong-audience")
        /// The discovery document's or the ID token's `iss` is not exactly the configured issuer.
        package static let issuerMismatch = Code(rawValue: "issuer-mismatch")
        /// The provider could not be reached or did not answer in time.
        package static let providerUnreachable = Code(rawValue: "provider-unreachable")
        /// The provider's TLS certificate is untrusted, expired or for another host.
        package static let tlsFailure = Code(rawValue: "tls-failure")
        /// The provider answered with something that is not what the protocol says (metadata, token response).
        package static let invalidResponse = Code(rawValue: "invalid-response")
        /// The account's `acr` is below the level asked for (e.g. criminal records need level 2).
        package static let insufficientAssurance = Code(rawValue: "insufficient-assurance")
        /// The pre-sign-in state is older than its lifetime (10 minutes).
        package static let expiredPending = Code(rawValue: "expired-pending")
        /// The ID token fails validation (signature, times, `at_hash`, the principal's claims).
        package static let invalidToken = Code(rawValue: "invalid-token")
        /// The provider is not configured for sign-in (no client id), or CivicSeal is misconfigured.
        package static let notConfigured = Code(rawValue: "not-configured")
    }

    package let code: Code
    package let message: String
    /// For ``Code/providerError`` and ``Code/codeRejected``: the provider's `error` code when it is a plain one.
    package let providerCode: String?

    package init(_ code: Code, _ message: String, providerCode: String? = nil) {
        self.code = code
        self.message = message
        self.providerCode = providerCode.flatMap(Self.plainErrorCode)
    }

    package var description: String {
        if let providerCode { return "\(code): \(message) (\(providerCode))" }
        return "\(code): \(message)"
    }

    package static func == (lhs: SignInError, rhs: SignInError) -> Bool { lhs.code == rhs.code }

    /// An RFC 6749 error code is `%x20-21 / %x23-5B / %x5D-7E`; we keep only short `[a-z0-9_]` codes so that
    /// nothing the provider (or an attacker in the query) wrote reaches a page or a log verbatim.
    static func plainErrorCode(_ text: String) -> String? {
        guard (1...64).contains(text.utf8.count),
            text.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F })
        else { return nil }
        return text
    }
}

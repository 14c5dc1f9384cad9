import CivicSealIdentity
import CivicSealWorkflow

// A local stand-in for helper B's `CivicSealOIDC` API (issue #15, common.md), so the pages build before B's
// milestone lands; deleted on merge.

/// Stand-in for `CivicSealOIDC.RelyingParty`.
package final class RelyingParty: Sendable {
    package init() {}
    package func begin(acr: AssuranceLevel?, redirectURI: String) async throws(SignInError) -> (
        authorizationURL: String, pending: PendingSignIn
    ) { throw SignInError(code: .providerUnreachable) }
    package func complete(query: [String: String], pending: PendingSignIn, redirectURI: String)
        async throws(SignInError)
        -> SignedIn
    { throw SignInError(code: .providerUnreachable) }
    package func endSessionURL(idTokenHint: String, postLogoutRedirectURI: String) async -> String? { nil }
}

/// Stand-in for `CivicSealOIDC.PendingSignIn`.
package struct PendingSignIn: Sendable, Codable, Equatable {
    package var state: String
    package var nonce: String
    package var codeVerifier: String
    package var issuer: String
    package var acr: String?
    package var createdAt: Int64
}

/// Stand-in for `CivicSealOIDC.SignedIn`.
package struct SignedIn: Sendable {
    package let principal: Principal
    package let idToken: String
}

/// Stand-in for `CivicSealOIDC.SignInError`.
package struct SignInError: Error, Sendable {
    package enum Code: String, Sendable {
        case stateMismatch = "state-mismatch"
        case providerError = "provider-error"
        case codeRejected = "code-rejected"
        case nonceMismatch = "nonce-mismatch"
        case wrongAudience = "wrong-audience"
        case issuerMismatch = "issuer-mismatch"
        case providerUnreachable = "provider-unreachable"
        case tlsFailure = "tls-failure"
        case insufficientAssurance = "insufficient-assurance"
        case expiredPending = "expired-pending"
        case invalidToken = "invalid-token"
    }
    package let code: Code
}

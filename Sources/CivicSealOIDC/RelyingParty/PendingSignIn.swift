import CivicSealIdentity
import CivicSealWorkflow
import Foundation

/// What the browser keeps between the redirect to the provider and the callback (the pre-sign-in state, OIDC
/// Core §3.1.2.1 and RFC 7636): `state` binds the callback to this browser, `nonce` binds the ID token to this
/// request, and the PKCE `code_verifier` binds the code to us. The pages keep it in a short-lived, HttpOnly,
/// server-side bound place; it holds no personal data.
package struct PendingSignIn: Sendable, Codable, Equatable {
    /// 32 random bytes, base64url: sent as `state`, compared in constant time on the callback.
    package let state: String
    /// 32 random bytes, base64url: sent as `nonce`, compared in constant time with the ID token's.
    package let nonce: String
    /// RFC 7636 §4.1: 43 characters (32 random bytes, base64url).
    package let codeVerifier: String
    /// The issuer this sign-in went to (a callback is completed by that provider's relying party only).
    package let issuer: String
    /// The assurance level asked for (`acr_values`), if any.
    package let acr: AssuranceLevel?
    /// When the sign-in began, in seconds since 1970.
    package let createdAt: Int64

    package init(
        state: String, nonce: String, codeVerifier: String, issuer: String, acr: AssuranceLevel?, createdAt: Int64
    ) {
        self.state = state
        self.nonce = nonce
        self.codeVerifier = codeVerifier
        self.issuer = issuer
        self.acr = acr
        self.createdAt = createdAt
    }
}

/// A completed sign-in: who signed in, and the ID token (kept for `id_token_hint` at RP-initiated logout).
package struct SignedIn: Sendable {
    package let principal: Principal
    package let idToken: String
    /// When the ID token expires; a session should not outlive it by much.
    package let expiresAt: Date
    /// The level the provider asserted (`acr`), when it said.
    package let assuranceLevel: AssuranceLevel?

    package init(principal: Principal, idToken: String, expiresAt: Date, assuranceLevel: AssuranceLevel?) {
        self.principal = principal
        self.idToken = idToken
        self.expiresAt = expiresAt
        self.assuranceLevel = assuranceLevel
    }
}

import CivicSealCrypto
import CivicSealHTTPClient
import CivicSealIdentity
import CivicSealJSON
import CivicSealWorkflow
import Foundation

/// CivicSeal as an OpenID Connect relying party of one provider (the citizens' or the staff's): the authorization
/// code flow of OIDC Core §3.1 with PKCE (RFC 7636, S256), `state`, `nonce` and `acr_values`; the code exchanged
/// with `private_key_jwt` (RFC 7523) or `client_secret_basic` (RFC 6749 §2.3.1); the ID token validated as OIDC
/// Core §3.1.3.7 says; the principal made by the same claim rules as API bearer tokens.
///
/// The pages call ``begin(acr:redirectURI:)``, keep the ``PendingSignIn`` in the browser's pre-sign-in state,
/// and hand it back with the callback's query to ``complete(query:pending:redirectURI:)``.
package final class RelyingParty: Sendable {
    package let provider: OpenIDProvider
    package let settings: RelyingPartySettings
    let verifier: TokenVerifier
    var issuer: TrustedIssuer { provider.issuer }
    var policy: RelyingPartyPolicy { provider.policy }
    var clock: @Sendable () -> Date { provider.clock }

    /// A relying party for `provider`, whose issuer must be configured with a client (`clientID`); `verifier`
    /// supplies the token policy and the principal rules.
    package init(provider: OpenIDProvider, verifier: TokenVerifier) throws(SignInError) {
        guard let settings = provider.issuer.relyingParty else {
            throw SignInError(.notConfigured, "the issuer has no clientID: it is not a sign-in provider")
        }
        self.provider = provider
        self.settings = settings
        self.verifier = verifier
    }

    /// A relying party for `issuer` reached through `transport`.
    package convenience init(
        issuer: TrustedIssuer, transport: any OutboundHTTPTransport, verifier: TokenVerifier,
        policy: RelyingPartyPolicy = RelyingPartyPolicy(), clock: @escaping @Sendable () -> Date = { Date() }
    ) throws(SignInError) {
        try self.init(
            provider: OpenIDProvider(issuer: issuer, transport: transport, policy: policy, clock: clock),
            verifier: verifier)
    }

    /// Where to send the browser, and what to keep in the browser's pre-sign-in state.
    ///
    /// OIDC Core §3.1.2.1: `response_type=code`, `client_id`, `redirect_uri`, `scope` with `openid`, `state`,
    /// `nonce`, and `acr_values` (the provider's value for `acr`, when a level is asked); RFC 7636 §4.3:
    /// `code_challenge` and `code_challenge_method=S256`.
    package func begin(acr: AssuranceLevel?, redirectURI: String) async throws(SignInError)
        -> (authorizationURL: String, pending: PendingSignIn)
    {
        let metadata = try await provider.metadata()
        if let methods = metadata.tokenEndpointAuthMethods,
            !methods.contains(settings.clientAuthentication.method)
        {
            throw SignInError(
                .notConfigured,
                "the provider does not accept \(settings.clientAuthentication.method) at its token endpoint")
        }
        let pending = PendingSignIn(
            state: PKCE.randomToken(), nonce: PKCE.randomToken(), codeVerifier: PKCE.makeVerifier(),
            issuer: issuer.issuer, acr: acr, createdAt: Int64(clock().timeIntervalSince1970))
        var parameters: [(String, String)] = [
            ("response_type", "code"), ("client_id", settings.clientID), ("redirect_uri", redirectURI),
            ("scope", (["openid"] + settings.scopes.filter { $0 != "openid" }).joined(separator: " ")),
            ("state", pending.state), ("nonce", pending.nonce),
            ("code_challenge", PKCE.challenge(for: pending.codeVerifier)), ("code_challenge_method", "S256"),
        ]
        if let acr, let value = issuer.claimMapping.acrValues[acr] { parameters.append(("acr_values", value)) }
        let endpoint = metadata.authorizationEndpoint.absoluteString
        let separator = endpoint.contains("?") ? "&" : "?"
        return (endpoint + separator + FormURLEncoding.encode(parameters), pending)
    }

    /// The callback: the query's `code`/`state`/`error` and the pending state from the browser.
    package func complete(query: [String: String], pending: PendingSignIn, redirectURI: String)
        async throws(SignInError)
        -> SignedIn
    {
        try checkCallback(query: query, pending: pending)
        guard let code = query["code"], !code.isEmpty, code.utf8.count <= 4096 else {
            throw SignInError(.invalidCallback, "the callback carries no authorization code")
        }
        let metadata = try await provider.metadata()
        let tokens = try await exchange(code: code, pending: pending, redirectURI: redirectURI, metadata: metadata)
        return try await validate(tokens: tokens, pending: pending)
    }

    /// `error`, `state` and the pending state's age and issuer.
    func checkCallback(query: [String: String], pending: PendingSignIn) throws(SignInError) {
        // RFC 6749 §4.1.2.1: an error response still carries our `state`; a mismatching one is not ours at all.
        guard let state = query["state"], state.utf8.count <= 512,
            ConstantTime.equals(Array(state.utf8), Array(pending.state.utf8))
        else {
            throw SignInError(.stateMismatch, "the callback's state is not the one of this browser's sign-in")
        }
        guard pending.issuer == issuer.issuer else {
            throw SignInError(.stateMismatch, "the pending sign-in went to another provider")
        }
        let now = clock().timeIntervalSince1970
        let age = now - Double(pending.createdAt)
        guard age <= policy.pendingLifetime, age >= -60 else {
            throw SignInError(.expiredPending, "the sign-in was started more than \(Int(policy.pendingLifetime)) s ago")
        }
        if let error = query["error"] {
            throw SignInError(.providerError, "the provider refused the sign-in", providerCode: error)
        }
    }

    /// RP-initiated logout (RP-Initiated Logout 1.0 §2): the `end_session_endpoint` with `id_token_hint`,
    /// `post_logout_redirect_uri` and `client_id`; nil when the provider has none or cannot be reached.
    package func endSessionURL(idTokenHint: String, postLogoutRedirectURI: String) async -> String? {
        guard let metadata = try? await provider.metadata(), let endpoint = metadata.endSessionEndpoint else {
            return nil
        }
        let text = endpoint.absoluteString
        let parameters = [
            ("id_token_hint", idTokenHint), ("post_logout_redirect_uri", postLogoutRedirectURI),
            ("client_id", settings.clientID),
        ]
        return text + (text.contains("?") ? "&" : "?") + FormURLEncoding.encode(parameters)
    }
}

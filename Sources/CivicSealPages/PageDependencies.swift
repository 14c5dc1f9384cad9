import CivicSealCasework
import CivicSealIdentity
import CivicSealOIDC

/// What the pages need from the rest of the service: the casework use cases (the same ones the API calls), the
/// token verifier (a trusted proxy's bearer), and the relying parties the sign-in pages send visitors to. The pages
/// never hold the API.
package struct PageDependencies: Sendable {
    /// Every use case; the pages call them and render what they answer.
    package var casework: Casework
    /// Verifies the bearer token a trusted reverse proxy adds for officers (``WebConfiguration/trustProxyBearer``).
    package var verifier: TokenVerifier
    /// The identity providers of the sign-in pages.
    package var signIn: SignInProviders

    package init(casework: Casework, verifier: TokenVerifier, signIn: SignInProviders = SignInProviders()) {
        self.casework = casework
        self.verifier = verifier
        self.signIn = signIn
    }
}

/// The OpenID Connect relying parties of the sign-in pages: one for citizens (the national identity provider), one
/// for officers (the staff provider; the same provider may serve both), and the public origin the providers send the
/// browser back to.
package struct SignInProviders: Sendable {
    /// Citizens sign in here; nil: the citizen sign-in page says sign-in is unavailable.
    package var citizen: RelyingParty?
    /// Officers sign in here; nil: the officer sign-in page says sign-in is unavailable.
    package var staff: RelyingParty?
    /// The public origin of the pages (`https://civicseal.example.vn`, no trailing slash), asked at each sign-in
    /// (a test server's port is known only once it listens). The callback is `<origin>/sign-in/callback`, the
    /// address after a provider's sign-out `<origin>/`; both are registered at the providers.
    package var origin: @Sendable () -> String

    package init(
        citizen: RelyingParty? = nil, staff: RelyingParty? = nil,
        origin: @escaping @Sendable () -> String = { "http://127.0.0.1" }
    ) {
        self.citizen = citizen
        self.staff = staff
        self.origin = origin
    }

    /// `<origin>/sign-in/callback`.
    var redirectURI: String { origin() + WebPages.callbackPath }
    /// `<origin>/`.
    var postLogoutRedirectURI: String { origin() + "/" }
}

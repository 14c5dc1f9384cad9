import CivicSealCrypto
import CivicSealHTTP
import CivicSealJSON
import Foundation

/// The OpenID provider `serve` runs in development mode, so that the two-command start gives the whole sign-in story
/// with no external system: discovery, JWKS, an authorize page where a newcomer picks a synthetic citizen or officer
/// (or types one in), a token endpoint with PKCE and private_key_jwt, and RP-initiated logout.
///
/// Its issuer is ``DevelopmentProviderConfiguration/issuer`` (`https://idp.civicseal.invalid/dev`), which no network
/// can reach: the relying party talks to discovery, JWKS and the token endpoint through
/// ``DevelopmentProviderTransport`` in this process, and only the browser-facing endpoints (`/dev-idp/authorize`,
/// `/dev-idp/end-session`) are routes of the server itself. It signs with the development identity-provider key,
/// so `civicseal token …` tokens and the ID tokens it issues verify against the same JWK set.
package final class DevelopmentProvider: Sendable {
    package let configuration: DevelopmentProviderConfiguration
    let codes: AuthorizationCodeTable
    let assertions: ClientAssertionReplayCache
    let signer: JWSSigner
    let clientVerifier: JWSVerifier
    let ownVerifier: JWSVerifier

    /// The browser-facing paths, on the server's own origin.
    package static let authorizePath = "/dev-idp/authorize"
    package static let endSessionPath = "/dev-idp/end-session"

    package init(configuration: DevelopmentProviderConfiguration) throws(JOSEError) {
        self.configuration = configuration
        codes = AuthorizationCodeTable(capacity: configuration.codeCapacity, lifetime: configuration.codeLifetime)
        assertions = ClientAssertionReplayCache(capacity: configuration.assertionCapacity)
        signer = try JWSSigner(
            privateKey: configuration.signingKey, keyID: configuration.signingKeyID, algorithm: .es256)
        let clientKey = try JSONWebKey(
            publicKey: configuration.clientKey, keyID: configuration.clientKeyID, algorithm: .es256)
        clientVerifier = JWSVerifier(keySet: JSONWebKeySet(keys: [clientKey]), algorithms: [.es256])
        ownVerifier = JWSVerifier(keySet: JSONWebKeySet(keys: [try signer.publicJWK()]), algorithms: [.es256])
    }

    /// The browser-facing routes, registered on the server's router.
    package func register(_ routes: inout HTTPRouter.Builder) {
        routes.get(Self.authorizePath) { request, _ in self.authorizePage(request) }
        routes.post(Self.authorizePath) { request, _ in self.authorizeSubmission(request) }
        routes.get(Self.endSessionPath) { request, _ in self.endSession(request) }
    }

    /// Answers a back-channel request for a URL under the issuer (discovery, JWKS, token), as the network would.
    package func respond(to request: HTTPRequest) -> HTTPResponse {
        switch (request.method, String(request.path)) {
        case (.get, "/.well-known/openid-configuration"): discovery()
        case (.get, "/jwks"): keySet()
        case (.post, "/token"): token(request)
        default: .json(Array(#"{"error":"not_found"}"#.utf8), status: .notFound)
        }
    }

    /// The issuer's path prefix (`/dev` of `https://idp.civicseal.invalid/dev`).
    var issuerPath: String { URLComponents(string: configuration.issuer)?.path ?? "" }

    /// `/.well-known/openid-configuration` (OpenID Connect Discovery 1.0 §3).
    func discovery() -> HTTPResponse {
        let issuer = configuration.issuer
        let origin = configuration.browserOrigin()
        let document: JSONValue = [
            "issuer": .string(issuer),
            "authorization_endpoint": .string(origin + Self.authorizePath),
            "token_endpoint": .string(issuer + "/token"),
            "jwks_uri": .string(issuer + "/jwks"),
            "end_session_endpoint": .string(origin + Self.endSessionPath),
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["ES256"],
            "token_endpoint_auth_methods_supported": ["private_key_jwt"],
            "token_endpoint_auth_signing_alg_values_supported": ["ES256"],
            "code_challenge_methods_supported": ["S256"],
            "scopes_supported": ["openid"],
            "acr_values_supported": ["level1", "level2"],
            "ui_locales_supported": ["vi", "en"],
            "claims_supported": [
                "sub", "name", "personal_id", "birthdate", "gender", "nationality", "acr", "roles", "department",
            ],
        ]
        var response = HTTPResponse.json(Array(document.serialized().utf8))
        response.headers.replaceOrAdd(name: "Cache-Control", value: "public, max-age=300")
        return response
    }

    /// The published JWK set (`Keys/idp/jwks.json`, the one `civicseal token` tokens verify against).
    func keySet() -> HTTPResponse {
        var response = HTTPResponse.json(configuration.publishedKeySet)
        response.headers.replaceOrAdd(name: "Cache-Control", value: "public, max-age=300")
        return response
    }

    /// The registered redirect URIs, on the server's origin as it is now (the port is known once it listens).
    var redirectURIs: [String] { configuration.redirectPaths.map { configuration.browserOrigin() + $0 } }
    var postLogoutRedirectURIs: [String] {
        configuration.postLogoutRedirectPaths.map { configuration.browserOrigin() + $0 }
    }
}

/// What the development provider is made of; the app builds it from the keys directory.
package struct DevelopmentProviderConfiguration: Sendable {
    /// `https://idp.civicseal.invalid/dev` (``DevelopmentPKI/developmentIssuer`` in the app).
    package var issuer: String
    /// The development client (`civicseal`, the audience `civicseal token` uses too).
    package var clientID: String
    /// The development identity-provider key and its `kid` (as in `Keys/keyring.json`).
    package var signingKey: PrivateKey
    package var signingKeyID: String
    /// The bytes served as the JWK set (`Keys/idp/jwks.json`).
    package var publishedKeySet: [UInt8]
    /// The development client's public key (private_key_jwt, RFC 7523) and its `kid`.
    package var clientKey: PublicKey
    package var clientKeyID: String
    /// `http://127.0.0.1:8080`: the server's own origin, asked each time (with port 0 it is known after binding).
    package var browserOrigin: @Sendable () -> String
    /// Paths on that origin the browser may be sent back to with a code (exact match).
    package var redirectPaths: [String]
    /// Paths on that origin RP-initiated logout may return to.
    package var postLogoutRedirectPaths: [String]
    /// Codes held at most; seconds a code lives (RFC 6749 §4.1.2 recommends at most 10 minutes; 60 s here).
    package var codeCapacity = 1_000
    package var codeLifetime: TimeInterval = 60
    /// Client-assertion `jti`s remembered at most (each until its assertion expires).
    package var assertionCapacity = 10_000
    /// Seconds an ID token is valid.
    package var idTokenLifetime = 3600
    package var clock: @Sendable () -> Date = { Date() }

    package init(
        issuer: String, clientID: String, signingKey: PrivateKey, signingKeyID: String, publishedKeySet: [UInt8],
        clientKey: PublicKey, clientKeyID: String, browserOrigin: @escaping @Sendable () -> String,
        redirectPaths: [String], postLogoutRedirectPaths: [String]
    ) {
        self.issuer = issuer
        self.clientID = clientID
        self.signingKey = signingKey
        self.signingKeyID = signingKeyID
        self.publishedKeySet = publishedKeySet
        self.clientKey = clientKey
        self.clientKeyID = clientKeyID
        self.browserOrigin = browserOrigin
        self.redirectPaths = redirectPaths
        self.postLogoutRedirectPaths = postLogoutRedirectPaths
    }
}

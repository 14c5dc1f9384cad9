import CivicSealCrypto
import CivicSealDevelopmentProvider
import CivicSealHTTP
import CivicSealHTTPClient
import CivicSealIdentity
import CivicSealJSON
import CivicSealServiceTestSupport
import CivicSealTestSupport
import Foundation
import Synchronization
import Testing

@testable import CivicSealOIDC

/// The people the relying-party tests sign in as, whatever the provider.
enum TestUser: Sendable {
    case citizenLevel2, citizenLevel1, justiceOfficer
}

/// A provider the relying-party tests run against, with our relying party configured for it.
protocol ProviderHarness: Sendable {
    var issuer: TrustedIssuer { get }
    var party: RelyingParty { get }
    var verifier: TokenVerifier { get }
    var redirectURI: String { get }
    /// The user at the provider's login page: the callback query the browser would bring back.
    func signIn(_ user: TestUser, authorizationURL: String) async throws -> [String: String]
    /// JWK-set fetches the provider has answered.
    func jwksFetches() async throws -> Int
}

/// The providers of the parameterised tests.
enum ProviderKind: String, Sendable, CaseIterable, CustomTestStringConvertible {
    case independent, development
    var testDescription: String { rawValue }

    func start() async throws -> any ProviderHarness {
        switch self {
        case .independent: try await IndependentHarness.start()
        case .development: try DevelopmentHarness()
        }
    }
}

/// Authlib's provider on 127.0.0.1 under a test CA, reached with CivicSeal's own HTTPS client, configured through
/// a real `trusted-issuers.json` (private_key_jwt or client_secret_basic, CA bundle, claim and acr mapping).
struct IndependentHarness: ProviderHarness {
    static let redirectURI = "http://127.0.0.1:9/auth/callback"
    let provider: IndependentProvider
    let issuer: TrustedIssuer
    let party: RelyingParty
    let verifier: TokenVerifier
    var redirectURI: String { Self.redirectURI }

    static func start(
        secret: Bool = false, certificate: IndependentProvider.ServerCertificate = .valid,
        keysPolicy: IssuerKeysPolicy = IssuerKeysPolicy()
    ) async throws -> IndependentHarness {
        var options = IndependentProvider.Options()
        options.issuerPath = "/realms/citizens"
        options.redirectURIs = [redirectURI]
        options.acrLevel1 = "urn:test:loa:substantial"
        options.acrLevel2 = "urn:test:loa:high"
        options.roleClaim = "groups"
        options.departmentClaim = "org"
        options.certificate = certificate
        let provider = try await IndependentProvider.start(options)
        let authentication =
            secret
            ? #"{"method":"client_secret_basic","secretFile":"\#(provider.clientSecretPath)"}"#
            : #"{"method":"private_key_jwt","key":"\#(provider.clientKeyPath)","kid":"\#(provider.clientKeyID)"}"#
        let clientID = secret ? IndependentProvider.secretClientID : IndependentProvider.privateKeyJWTClientID
        let text = """
            {"issuers":[{"issuer":"\(provider.issuer)","discovery":true,"clientID":"\(clientID)",
            "clientAuthentication":\(authentication),"caBundle":"\(provider.caBundlePath)",
            "claims":{"roles":"groups","department":"org"},
            "acr":{"level1":"urn:test:loa:substantial","level2":"urn:test:loa:high"},"scopes":["profile"],
            "principals":["citizen","staff"],"algorithms":["ES256","RS256"]}]}
            """
        let file = try provider.folder.write("trusted-issuers.json", text: text)
        let issuers = try TrustedIssuers.load(file: file, keysPolicy: keysPolicy)
        let issuer = issuers.issuers[0]
        let verifier = TokenVerifier(issuers: issuers)
        let party = try RelyingParty(
            issuer: issuer, transport: try OpenIDProvider.httpsTransport(for: issuer), verifier: verifier)
        return IndependentHarness(provider: provider, issuer: issuer, party: party, verifier: verifier)
    }

    func signIn(_ user: TestUser, authorizationURL: String) async throws -> [String: String] {
        let person: IndependentProvider.User =
            switch user {
            case .citizenLevel2: .citizenLevel2
            case .citizenLevel1: .citizenLevel1
            case .justiceOfficer: .justiceOfficer
            }
        return try await provider.signIn(person, authorizationURL: authorizationURL)
    }

    func jwksFetches() async throws -> Int { try await provider.jwksFetches() }
}

/// CivicSeal's built-in development provider: its authorize page driven through its routes as a browser would,
/// its back channel through ``DevelopmentProviderTransport`` (counted), keys fetched from its `jwks_uri`.
struct DevelopmentHarness: ProviderHarness {
    static let issuerIdentifier = "https://idp.civicseal.invalid/dev"
    static let origin = "http://127.0.0.1:8080"
    let provider: DevelopmentProvider
    let router: HTTPRouter
    let counter: CountingTransport
    let issuer: TrustedIssuer
    let party: RelyingParty
    let verifier: TokenVerifier
    var redirectURI: String { Self.origin + "/sign-in/callback" }

    init(keysPolicy: IssuerKeysPolicy = IssuerKeysPolicy()) throws {
        let signingKey = try PrivateKey.generate(.ecP256)
        let clientKey = try PrivateKey.generate(.ecP256)
        let published = JSONWebKeySet(keys: [
            try JSONWebKey(publicKey: signingKey.publicKey, keyID: "dev-signing", algorithm: .es256)
        ]).json()
        let configuration = DevelopmentProviderConfiguration(
            issuer: Self.issuerIdentifier, clientID: "civicseal", signingKey: signingKey, signingKeyID: "dev-signing",
            publishedKeySet: Array(published.utf8), clientKey: clientKey.publicKey, clientKeyID: "dev-client",
            browserOrigin: { Self.origin }, redirectPaths: ["/sign-in/callback"], postLogoutRedirectPaths: ["/"])
        provider = try DevelopmentProvider(configuration: configuration)
        var routes = HTTPRouter.Builder()
        provider.register(&routes)
        router = try routes.build()
        counter = CountingTransport(DevelopmentProviderTransport(provider: provider))
        issuer = TrustedIssuer(
            issuer: Self.issuerIdentifier, audience: "civicseal", keys: IssuerKeys(policy: keysPolicy),
            algorithms: [.es256], principals: [.citizen, .staff], isDevelopment: true, usesDiscovery: true,
            relyingParty: RelyingPartySettings(
                clientID: "civicseal", clientAuthentication: .privateKeyJWT(key: clientKey, keyID: "dev-client"),
                caBundle: nil, scopes: []))
        verifier = TokenVerifier(issuers: TrustedIssuers([issuer]))
        party = try RelyingParty(
            issuer: issuer, transport: counter, verifier: verifier,
            policy: RelyingPartyPolicy(allowLoopbackHTTP: true))
    }

    func signIn(_ user: TestUser, authorizationURL: String) async throws -> [String: String] {
        let preset =
            switch user {
            case .citizenLevel2: "citizen-tuyet"
            case .citizenLevel1: "citizen-hung-level1"
            case .justiceOfficer: "justice-officer"
            }
        let components = try #require(URLComponents(string: authorizationURL))
        #expect(components.path == DevelopmentProvider.authorizePath)
        let form = (components.queryItems ?? []).map { ($0.name, $0.value ?? "") } + [("preset", preset)]
        var headers: HTTPHeaders = ["Host": "127.0.0.1:8080"]
        headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        let request = HTTPRequest(
            method: .post, target: DevelopmentProvider.authorizePath, headers: headers,
            body: Array(FormURLEncoding.encode(form).utf8))
        let response = await router.respond(
            to: request, context: RequestContext(startTime: MonotonicInstant(nanoseconds: 0)))
        #expect(response.status.code == 302, "\(String(decoding: response.body, as: UTF8.self))")
        let location = try #require(response.headers["Location"])
        var query: [String: String] = [:]
        for item in URLComponents(string: location)?.queryItems ?? [] { query[item.name] = item.value ?? "" }
        return query
    }

    func jwksFetches() async throws -> Int { counter.count(pathSuffix: "/jwks") }
}

/// Passes requests on and counts them by URL.
final class CountingTransport: OutboundHTTPTransport, Sendable {
    let inner: any OutboundHTTPTransport
    private let urls = Mutex<[String]>([])

    init(_ inner: any OutboundHTTPTransport) { self.inner = inner }

    func count(pathSuffix: String) -> Int { urls.withLock { $0.filter { $0.hasSuffix(pathSuffix) }.count } }

    func send(_ request: OutboundRequest) async throws(OutboundHTTPError) -> OutboundResponse {
        urls.withLock { $0.append(request.url.absoluteString) }
        return try await inner.send(request)
    }
}

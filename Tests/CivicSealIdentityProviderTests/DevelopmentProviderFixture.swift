import CivicSealCrypto
import CivicSealDevelopmentProvider
import CivicSealHTTP
import CivicSealHTTPClient
import CivicSealJSON
import Foundation
import Synchronization
import Testing

/// A development provider on fresh keys with a clock the test moves, driven as the browser and the relying party
/// would: the pages through its routes, the back channel through ``DevelopmentProviderTransport``.
final class DevelopmentProviderFixture: Sendable {
    static let issuer = "https://idp.civicseal.invalid/dev"
    static let origin = "http://127.0.0.1:8080"
    static let redirectURI = origin + "/sign-in/callback"

    let signingKey: PrivateKey
    let clientKey: PrivateKey
    let provider: DevelopmentProvider
    let transport: DevelopmentProviderTransport
    let router: HTTPRouter
    let clock = TestClock()
    let publishedKeySet: String

    init(codeCapacity: Int = 1_000) throws {
        signingKey = try PrivateKey.generate(.ecP256)
        clientKey = try PrivateKey.generate(.ecP256)
        publishedKeySet = JSONWebKeySet(keys: [
            try JSONWebKey(publicKey: signingKey.publicKey, keyID: "dev-signing", algorithm: .es256)
        ]).json()
        var configuration = DevelopmentProviderConfiguration(
            issuer: Self.issuer, clientID: "civicseal", signingKey: signingKey, signingKeyID: "dev-signing",
            publishedKeySet: Array(publishedKeySet.utf8), clientKey: clientKey.publicKey, clientKeyID: "dev-client",
            browserOrigin: { Self.origin }, redirectPaths: ["/sign-in/callback"], postLogoutRedirectPaths: ["/"])
        configuration.codeCapacity = codeCapacity
        let clock = clock
        configuration.clock = { clock.now }
        provider = try DevelopmentProvider(configuration: configuration)
        transport = DevelopmentProviderTransport(provider: provider)
        var routes = HTTPRouter.Builder()
        provider.register(&routes)
        router = try routes.build()
    }

    func advance(seconds: TimeInterval) { clock.advance(seconds: seconds) }

    /// One browser request to the provider's pages.
    func browser(_ method: HTTPMethod, _ target: String, form: [(String, String)]? = nil) async -> HTTPResponse {
        var headers: HTTPHeaders = ["Host": "127.0.0.1:8080"]
        var body: [UInt8] = []
        if let form {
            headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            body = Array(Self.encode(form).utf8)
        }
        let request = HTTPRequest(method: method, target: target, headers: headers, body: body)
        return await router.respond(to: request, context: RequestContext(startTime: MonotonicInstant(nanoseconds: 0)))
    }

    /// A fresh authorization request's parameters (PKCE S256), and its verifier.
    struct Authorization {
        var parameters: [(String, String)]
        let verifier: String
        let state: String
        let nonce: String

        func replacing(_ name: String, with value: String?) -> Authorization {
            var copy = self
            copy.parameters.removeAll { $0.0 == name }
            if let value { copy.parameters.append((name, value)) }
            return copy
        }
    }

    static func authorization(acr: String? = nil) -> Authorization {
        let verifier = Base64URL.encode(SecureRandom.bytes(32))
        let state = Base64URL.encode(SecureRandom.bytes(12))
        let nonce = Base64URL.encode(SecureRandom.bytes(12))
        var parameters = [
            ("response_type", "code"), ("scope", "openid"), ("client_id", "civicseal"),
            ("redirect_uri", redirectURI), ("state", state), ("nonce", nonce),
            ("code_challenge", Base64URL.encode(Digest.sha256(Array(verifier.utf8)))),
            ("code_challenge_method", "S256"),
        ]
        if let acr { parameters.append(("acr_values", acr)) }
        return Authorization(parameters: parameters, verifier: verifier, state: state, nonce: nonce)
    }

    /// Posts the authorize form with `identity` (`preset` or `claims`) and returns the callback query.
    func authorize(_ authorization: Authorization, _ identity: (String, String)) async throws -> [String: String] {
        let response = await browser(.post, "/dev-idp/authorize", form: authorization.parameters + [identity])
        #expect(response.status.code == 302, "\(String(decoding: response.body, as: UTF8.self))")
        return Self.query(of: try #require(response.headers["Location"]))
    }

    /// A private_key_jwt client assertion (RFC 7523), by `key` (the client's unless given).
    func assertion(
        key: PrivateKey? = nil, audience: String = issuer + "/token", jti: String = UUID().uuidString,
        lifetime: Int64 = 60
    ) throws -> String {
        let issuedAt = Int64(clock.now.timeIntervalSince1970)
        return try JWSSigner(privateKey: key ?? clientKey, keyID: "dev-client", algorithm: .es256).sign(claims: [
            "iss": "civicseal", "sub": "civicseal", "aud": .string(audience), "jti": .string(jti),
            "iat": .number(String(issuedAt)), "exp": .number(String(issuedAt + lifetime)),
        ])
    }

    /// `POST <issuer>/token` through the in-process transport.
    func exchange(code: String?, verifier: String, assertion: String? = nil) async throws -> OutboundResponse {
        var form = [
            ("grant_type", "authorization_code"), ("redirect_uri", Self.redirectURI), ("code_verifier", verifier),
            ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
            ("client_assertion", try assertion ?? self.assertion()),
        ]
        if let code { form.append(("code", code)) }
        return try await transport.send(
            OutboundRequest(
                method: "POST", url: URL(string: Self.issuer + "/token")!,
                headers: [("Content-Type", "application/x-www-form-urlencoded")], body: Array(Self.encode(form).utf8)))
    }

    func get(_ url: String) async throws -> OutboundResponse {
        try await transport.send(OutboundRequest(url: URL(string: url)!))
    }

    static func json(_ response: OutboundResponse) -> [String: JSONValue] {
        (try? JSONValue(parsing: response.body).objectValue) ?? [:]
    }

    /// The verified claims of `idToken`, against the JWK set the provider publishes.
    func verifiedClaims(_ idToken: String) throws -> [String: JSONValue] {
        let keys = try JSONWebKeySet(json: publishedKeySet)
        return try JWSVerifier(keySet: keys, algorithms: [.es256]).verify(idToken).payloadJSONObject()
    }

    static func encode(_ pairs: [(String, String)]) -> String {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        return pairs.map {
            "\($0.0.addingPercentEncoding(withAllowedCharacters: allowed)!)="
                + $0.1.addingPercentEncoding(withAllowedCharacters: allowed)!
        }.joined(separator: "&")
    }

    static func query(of url: String) -> [String: String] {
        var result: [String: String] = [:]
        for item in URLComponents(string: url)?.queryItems ?? [] { result[item.name] = item.value ?? "" }
        return result
    }
}

/// A clock the test moves by hand (no sleeping to expire a code).
final class TestClock: Sendable {
    private let date = Mutex(Date(timeIntervalSince1970: 1_796_000_000))
    var now: Date { date.withLock { $0 } }
    func advance(seconds: TimeInterval) { date.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

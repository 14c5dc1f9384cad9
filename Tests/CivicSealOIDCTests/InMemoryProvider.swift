import CivicSealCrypto
import CivicSealHTTPClient
import CivicSealIdentity
import CivicSealJSON
import Foundation
import Synchronization

@testable import CivicSealOIDC

/// A small OpenID Provider answering in process (no socket): discovery, JWKS, the authorization step (driven
/// by the test, as a user would submit the provider's form) and a token endpoint with PKCE S256, single-use
/// codes and client authentication (private_key_jwt or client_secret_basic). Misbehaviours can be switched on to
/// check that the relying party refuses them.
final class InMemoryProvider: OutboundHTTPTransport, Sendable {
    struct Misbehaviour: Sendable {
        var nonce: String?
        var audience: String?
        var discoveryIssuer: String?
        var acr: String?
        var atHash: String?
        var status: Int?
        var discoveryStatus: Int?
    }

    struct Grant: Sendable {
        let clientID: String
        let redirectURI: String
        let challenge: String
        let nonce: String
        let claims: [String: JSONValue]
        let issuedAt: Date
    }

    struct State: Sendable {
        var signers: [JWSSigner]
        var grants: [String: Grant] = [:]
        var jwksFetches = 0
        var discoveryFetches = 0
        var tokenRequests = 0
        var misbehaviour = Misbehaviour()
        var lastAssertion: [String: JSONValue]?
        var lastBasic: String?
    }

    let issuer: String
    let clientID: String
    let clientKey: PrivateKey?
    let clientSecret: String?
    let state: Mutex<State>

    init(
        issuer: String = "https://op.test/realm", clientID: String = "civicseal", clientKey: PrivateKey?,
        secret: String?
    ) {
        self.issuer = issuer
        self.clientID = clientID
        self.clientKey = clientKey
        clientSecret = secret
        state = Mutex(State(signers: [Self.newSigner()]))
    }

    static func newSigner() -> JWSSigner {
        try! JWSSigner(
            privateKey: try! PrivateKey.generate(.ecP256), keyID: "k-" + PKCE.randomToken(byteCount: 6),
            algorithm: .es256)
    }

    /// A new signing key first; the old one stays published (as providers rotate).
    func rotate() { state.withLock { $0.signers.insert(Self.newSigner(), at: 0) } }

    func misbehave(_ change: (inout Misbehaviour) -> Void) { state.withLock { change(&$0.misbehaviour) } }

    var jwksFetches: Int { state.withLock { $0.jwksFetches } }

    /// The trusted-issuers entry our relying party uses for this provider.
    func trustedIssuer(keysPolicy: IssuerKeysPolicy = IssuerKeysPolicy()) -> TrustedIssuer {
        let authentication: RelyingPartySettings.ClientAuthentication =
            clientKey.map { .privateKeyJWT(key: $0, keyID: "client-1") } ?? .clientSecretBasic(secret: clientSecret!)
        return TrustedIssuer(
            issuer: issuer, audience: clientID, keys: IssuerKeys(policy: keysPolicy), algorithms: [.es256],
            principals: [.citizen, .staff], usesDiscovery: true,
            relyingParty: RelyingPartySettings(
                clientID: clientID, clientAuthentication: authentication, caBundle: nil, scopes: ["profile"]),
            claimMapping: ClaimMapping(
                acrValues: [.level1: "urn:test:loa:1", .level2: "urn:test:loa:2"], rolesClaim: "groups",
                departmentClaim: "org"))
    }

    // MARK: The user at the authorization endpoint

    /// The callback query after the user signs in with `claims` at `authorizationURL` (the provider's `acr` is
    /// the first `acr_values` entry unless a misbehaviour says otherwise).
    func authorize(_ authorizationURL: String, claims: [String: JSONValue]) throws -> [String: String] {
        let components = URLComponents(string: authorizationURL)!
        let query = Dictionary(
            (components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { first, _ in first })
        guard query["response_type"] == "code", query["code_challenge_method"] == "S256",
            let challenge = query["code_challenge"], let redirect = query["redirect_uri"],
            let nonce = query["nonce"], let state = query["state"], query["scope"]?.contains("openid") == true
        else { return ["error": "invalid_request", "state": query["state"] ?? ""] }
        var granted = claims
        // The account's level: what was asked, else the lowest.
        granted["acr"] = .string(query["acr_values"]?.split(separator: " ").first.map(String.init) ?? "urn:test:loa:1")
        let code = PKCE.randomToken()
        self.state.withLock {
            $0.grants[code] = Grant(
                clientID: query["client_id"] ?? "", redirectURI: redirect, challenge: challenge, nonce: nonce,
                claims: granted, issuedAt: Date())
        }
        return ["code": code, "state": state]
    }

    // MARK: HTTP

    func send(_ request: OutboundRequest) async throws(OutboundHTTPError) -> OutboundResponse {
        let path = request.url.absoluteString
        switch path {
        case issuer + "/.well-known/openid-configuration": return discovery()
        case issuer + "/jwks": return jwks()
        case issuer + "/token": return token(request)
        default: return OutboundResponse(status: 404, headers: [], body: [])
        }
    }

    static func json(_ value: JSONValue, status: Int = 200, headers: [(String, String)] = []) -> OutboundResponse {
        OutboundResponse(
            status: status, headers: [("Content-Type", "application/json")] + headers,
            body: Array(value.serialized().utf8))
    }

    func discovery() -> OutboundResponse {
        let (claimed, status) = state.withLock { state in
            state.discoveryFetches += 1
            return (state.misbehaviour.discoveryIssuer, state.misbehaviour.discoveryStatus)
        }
        if let status { return OutboundResponse(status: status, headers: [], body: []) }
        return Self.json([
            "issuer": .string(claimed ?? issuer), "authorization_endpoint": .string(issuer + "/authorize"),
            "token_endpoint": .string(issuer + "/token"), "jwks_uri": .string(issuer + "/jwks"),
            "end_session_endpoint": .string(issuer + "/logout"), "response_types_supported": ["code"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["private_key_jwt", "client_secret_basic"],
        ])
    }

    func jwks() -> OutboundResponse {
        let signers = state.withLock { state in
            state.jwksFetches += 1
            return state.signers
        }
        let set = JSONWebKeySet(keys: signers.map { try! $0.publicJWK() })
        return OutboundResponse(
            status: 200, headers: [("Cache-Control", "max-age=3600")], body: Array(set.json().utf8))
    }

    func token(_ request: OutboundRequest) -> OutboundResponse {
        let form = Self.form(request.body)
        let error = { (code: String) in Self.json(["error": .string(code)], status: 400) }
        guard form["grant_type"] == "authorization_code", let code = form["code"] else {
            return error("invalid_request")
        }
        guard authenticated(request, form: form) else { return error("invalid_client") }
        let (grant, misbehaviour, signer) = state.withLock { state in
            state.tokenRequests += 1
            return (state.grants.removeValue(forKey: code), state.misbehaviour, state.signers[0])
        }
        if let status = misbehaviour.status { return Self.json(["error": "server_error"], status: status) }
        guard let grant, grant.clientID == clientID, grant.redirectURI == form["redirect_uri"],
            let verifier = form["code_verifier"], PKCE.challenge(for: verifier) == grant.challenge,
            Date().timeIntervalSince(grant.issuedAt) < 60
        else { return error("invalid_grant") }
        let now = Int64(Date().timeIntervalSince1970)
        let accessToken = PKCE.randomToken()
        var claims = grant.claims
        claims["iss"] = .string(issuer)
        claims["aud"] = .string(misbehaviour.audience ?? clientID)
        claims["nonce"] = .string(misbehaviour.nonce ?? grant.nonce)
        claims["iat"] = .number(String(now))
        claims["exp"] = .number(String(now + 300))
        claims["at_hash"] = .string(
            misbehaviour.atHash ?? AccessTokenHash.value(accessToken: accessToken, algorithm: .es256))
        if let acr = misbehaviour.acr { claims["acr"] = .string(acr) }
        let idToken = try! signer.sign(claims: claims)
        return Self.json([
            "access_token": .string(accessToken), "token_type": "Bearer", "id_token": .string(idToken),
            "expires_in": 300,
        ])
    }

    /// RFC 7523 §3 assertion checks, or Basic with the registered secret.
    func authenticated(_ request: OutboundRequest, form: [String: String]) -> Bool {
        if let clientKey {
            guard form["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                let assertion = form["client_assertion"]
            else { return false }
            let keySet = JSONWebKeySet(keys: [try! JSONWebKey(publicKey: clientKey.publicKey, keyID: "client-1")])
            guard let verified = try? JWSVerifier(keySet: keySet, algorithms: [.es256]).verify(assertion),
                let claims = try? verified.payloadJSONObject()
            else { return false }
            state.withLock { $0.lastAssertion = claims }
            let now = Date().timeIntervalSince1970
            return claims["iss"]?.stringValue == clientID && claims["sub"]?.stringValue == clientID
                && claims["aud"]?.stringValue == issuer + "/token" && claims["jti"]?.stringValue != nil
                && (claims["exp"]?.doubleValue ?? 0) > now
        }
        let header = request.headers.first { $0.0.lowercased() == "authorization" }?.1
        state.withLock { $0.lastBasic = header }
        // RFC 6749 §2.3.1: base64 of the form-urlencoded id and secret, joined by a colon.
        guard let header, header.hasPrefix("Basic "), let decoded = Data(base64Encoded: String(header.dropFirst(6))),
            case let parts = String(decoding: decoded, as: UTF8.self).split(separator: ":", maxSplits: 1),
            parts.count == 2
        else { return false }
        return parts[0].removingPercentEncoding == clientID && parts[1].removingPercentEncoding == clientSecret
    }

    static func form(_ body: [UInt8]) -> [String: String] {
        var result: [String: String] = [:]
        for pair in String(decoding: body, as: UTF8.self).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? "" }
            result[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        return result
    }
}

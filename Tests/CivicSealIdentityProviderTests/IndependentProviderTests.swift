import CivicSealCrypto
import CivicSealJSON
import CivicSealServiceTestSupport
import CivicSealTestSupport
import Foundation
import Testing

/// The independent provider (Authlib) as the relying-party tests use it, checked with `curl --cacert` alone: what
/// its discovery and JWK set say, a whole code flow with PKCE and client_secret_basic, key rotation, the test-only
/// switches and the refused certificates.
@Suite(.enabled(if: IndependentProvider.isUsable), .serialized)
struct IndependentProviderTests {
    static let redirectURI = "http://127.0.0.1:9/auth/callback"

    static func options(_ configure: (inout IndependentProvider.Options) -> Void = { _ in })
        -> IndependentProvider.Options
    {
        var options = IndependentProvider.Options()
        options.redirectURIs = [redirectURI]
        configure(&options)
        return options
    }

    @Test("Discovery states the issuer and the endpoints; the JWK set holds two signing keys")
    func discoveryAndKeys() async throws {
        let provider = try await IndependentProvider.start(Self.options { $0.issuerPath = "/realms/citizens" })
        let discovery = try object(try await provider.curl([provider.discoveryURL]))
        #expect(discovery["issuer"]?.stringValue == provider.issuer)
        #expect(provider.issuer == "https://127.0.0.1:\(provider.port)/realms/citizens")
        #expect(discovery["token_endpoint"]?.stringValue == provider.issuer + "/token")
        #expect(discovery["code_challenge_methods_supported"] == ["S256"])
        #expect(discovery["end_session_endpoint"]?.stringValue == provider.issuer + "/end-session")
        let methods = discovery["token_endpoint_auth_methods_supported"]?.arrayValue ?? []
        #expect(methods.contains("private_key_jwt") && methods.contains("client_secret_basic"))

        let jwks = try await provider.curl([try #require(discovery["jwks_uri"]?.stringValue)])
        #expect(jwks.status == 200)
        let keySet = try JSONWebKeySet(json: Array(jwks.body.utf8))
        #expect(keySet.keys.count == 2)
        #expect(Set(keySet.keys.compactMap(\.algorithm)) == ["ES256", "RS256"])
        #expect(try await provider.jwksFetches() == 1)
    }

    @Test("A code flow signs in with PKCE and a client secret; the code works once")
    func codeFlow() async throws {
        let provider = try await IndependentProvider.start(Self.options())
        let flow = try await CodeFlow.run(provider, user: .citizenLevel2, acr: "level2")
        #expect(flow.callback["state"] == flow.state)
        let claims = flow.claims
        #expect(claims["iss"]?.stringValue == provider.issuer)
        #expect(claims["aud"]?.stringValue == IndependentProvider.secretClientID)
        #expect(claims["nonce"]?.stringValue == flow.nonce)
        #expect(claims["acr"]?.stringValue == "level2")
        #expect(claims["personal_id"]?.stringValue == "001190012345")
        #expect(claims["at_hash"]?.stringValue != nil)

        let replay = try await flow.exchange(provider)
        #expect(replay.status == 400)
        #expect(replay.body.contains("invalid_grant"))
    }

    @Test("An officer's roles and department come under the claim names asked for")
    func officerClaims() async throws {
        let provider = try await IndependentProvider.start(
            Self.options {
                $0.roleClaim = "civicseal_roles"
                $0.departmentClaim = "org_unit"
            })
        let flow = try await CodeFlow.run(provider, user: .justiceOfficer, acr: nil)
        #expect(flow.claims["civicseal_roles"] == ["justice.officer"])
        #expect(flow.claims["org_unit"]?.stringValue == "justice-hanoi")
        #expect(flow.claims["personal_id"] == nil)
    }

    @Test("Rotation makes a new key sign; the old one stays published unless dropped")
    func rotation() async throws {
        let provider = try await IndependentProvider.start(Self.options())
        let before = try await CodeFlow.run(provider, user: .citizenLevel1, acr: nil)
        let kid = try await provider.rotate()
        #expect(kid != before.keyID)
        let after = try await CodeFlow.run(provider, user: .citizenLevel1, acr: nil)
        #expect(after.keyID == kid)
        #expect(after.claims["acr"]?.stringValue == "level1")
        var kids = try await publishedKeyIDs(provider)
        #expect(kids.contains(kid) && kids.contains(before.keyID) && kids.count == 3)

        let newest = try await provider.rotate(dropPrevious: true)
        kids = try await publishedKeyIDs(provider)
        #expect(kids.contains(newest) && !kids.contains(kid) && kids.count == 3)
    }

    @Test("The switches change the next ID token, the discovery issuer and expire the codes")
    func misbehaviour() async throws {
        let provider = try await IndependentProvider.start(Self.options())
        try await provider.setMisbehaviour(.init(wrongNonce: true, wrongAudience: true))
        let wrong = try await CodeFlow.run(provider, user: .citizenLevel2, acr: nil)
        #expect(wrong.claims["nonce"]?.stringValue != wrong.nonce)
        #expect(wrong.claims["aud"]?.stringValue != IndependentProvider.secretClientID)
        let next = try await CodeFlow.run(provider, user: .citizenLevel2, acr: nil)
        #expect(next.claims["nonce"]?.stringValue == next.nonce)
        #expect(next.claims["aud"]?.stringValue == IndependentProvider.secretClientID)

        try await provider.setMisbehaviour(.init(discoveryIssuer: "https://elsewhere.invalid"))
        #expect(try object(try await provider.curl([provider.discoveryURL]))["issuer"] == "https://elsewhere.invalid")
        try await provider.setMisbehaviour(.init(discoveryIssuer: .some(nil)))
        #expect(
            try object(try await provider.curl([provider.discoveryURL]))["issuer"]?.stringValue == provider.issuer)

        let pending = try await CodeFlow.authorize(provider, user: .citizenLevel2, acr: nil)
        try await provider.expireCodes()
        let expired = try await pending.exchange(provider)
        #expect(expired.status == 400)
        #expect(expired.body.contains("invalid_grant"))
    }

    @Test("Without a PKCE challenge the browser comes back with an error, not a code")
    func pkceRequired() async throws {
        let provider = try await IndependentProvider.start(Self.options())
        let url =
            provider.issuer + "/authorize?response_type=code&scope=openid&client_id="
            + "\(IndependentProvider.secretClientID)&state=s1&nonce=n1&redirect_uri=" + Self.redirectURI
        let callback = try await provider.signIn(.citizenLevel2, authorizationURL: url)
        #expect(callback["error"] == "invalid_request")
        #expect(callback["code"] == nil)
    }

    @Test("curl refuses the certificate for another host and the expired one")
    func refusedCertificates() async throws {
        for (certificate, reason) in [
            (IndependentProvider.ServerCertificate.otherHost, "no alternative certificate subject name matches"),
            (.expired, "expired"),
        ] {
            let provider = try await IndependentProvider.start(Self.options { $0.certificate = certificate })
            let error = await #expect(throws: ClientError.self) { _ = try await provider.curl([provider.discoveryURL]) }
            #expect(error?.description.contains(reason) == true, "\(String(describing: error))")
        }
    }

    func publishedKeyIDs(_ provider: IndependentProvider) async throws -> Set<String> {
        let jwks = try await provider.curl([provider.issuer + "/jwks"])
        return Set(try JSONWebKeySet(json: Array(jwks.body.utf8)).keys.compactMap(\.keyID))
    }
}

func object(_ response: CurlResponse) throws -> [String: JSONValue] {
    try #require(try JSONValue(parsing: Array(response.body.utf8)).objectValue)
}

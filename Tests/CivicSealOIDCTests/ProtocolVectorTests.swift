import CivicSealCrypto
import CivicSealIdentity
import Foundation
import Testing

@testable import CivicSealOIDC

@Suite struct ProtocolVectorTests {
    /// RFC 7636 Appendix B.
    @Test func pkceChallengeMatchesRFC7636AppendixB() {
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
        #expect(PKCE.challenge(for: verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
        #expect(PKCE.isValidVerifier(verifier))
    }

    @Test func generatedVerifiersStateAndNonceAreLongAndDistinct() {
        let values = (0..<64).map { _ in PKCE.makeVerifier() }
        #expect(values.allSatisfy { PKCE.isValidVerifier($0) && $0.count == 43 })
        #expect(Set(values).count == values.count)
        #expect(!PKCE.isValidVerifier(String(repeating: "a", count: 42)))
        #expect(!PKCE.isValidVerifier(String(repeating: "a", count: 129)))
        #expect(!PKCE.isValidVerifier(String(repeating: "a", count: 42) + "+"))
    }

    /// OIDC Core Appendix A.3/A.4: the access token `jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y` has
    /// `at_hash` `77QmUPtjPfzWtF2AnpK9RQ` under RS256.
    @Test func atHashMatchesOIDCCoreExample() {
        let token = "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y"
        #expect(AccessTokenHash.value(accessToken: token, algorithm: .rs256) == "77QmUPtjPfzWtF2AnpK9RQ")
        #expect(AccessTokenHash.value(accessToken: token, algorithm: .es256) == "77QmUPtjPfzWtF2AnpK9RQ")
        #expect(AccessTokenHash.value(accessToken: token, algorithm: .es384).count == 32)
    }

    @Test func formEncodingEscapesAllButUnreserved() {
        #expect(FormURLEncoding.encode([("a b", "x&y=z"), ("é", "~-._")]) == "a%20b=x%26y%3Dz&%C3%A9=~-._")
    }

    /// RFC 6749 §2.3.1: id and secret form-urlencoded, then `id:secret` in base64.
    @Test func basicAuthorizationEncodesIDAndSecret() {
        let header = RelyingParty.basicAuthorization(clientID: "civic seal", secret: "p:ss/w+rd")
        #expect(header == "Basic " + Data("civic%20seal:p%3Ass%2Fw%2Brd".utf8).base64EncodedString())
    }

    @Test(arguments: [
        ("max-age=3600", 3600.0 as Double?), ("public, max-age=120", 120), ("no-store", 0), ("no-cache, max-age=50", 0),
        ("private", nil), ("max-age=abc", nil), ("max-age=99999999999999", nil),
    ])
    func cacheControlMaxAge(header: String, expected: Double?) {
        #expect(IssuerKeysPolicy.maximumAge(cacheControl: header) == expected)
    }

    @Test func keyLifetimeIsClampedToOneMinuteAndOneDay() {
        let policy = IssuerKeysPolicy()
        #expect(policy.lifetime(maximumAge: nil) == 300)
        #expect(policy.lifetime(maximumAge: 0) == 60)
        #expect(policy.lifetime(maximumAge: 600) == 600)
        #expect(policy.lifetime(maximumAge: 10 * 86_400) == 86_400)
    }

    @Test func providerErrorCodesAreKeptOnlyWhenPlain() {
        #expect(SignInError(.providerError, "x", providerCode: "access_denied").providerCode == "access_denied")
        #expect(SignInError(.providerError, "x", providerCode: "<script>").providerCode == nil)
        #expect(SignInError(.providerError, "x", providerCode: String(repeating: "a", count: 65)).providerCode == nil)
    }

    @Test func discoveryDocumentIsCheckedStrictly() throws {
        func document(_ changes: [String: String?]) -> [UInt8] {
            var members: [String: String] = [
                "issuer": #""https://op.example""#, "authorization_endpoint": #""https://op.example/authorize""#,
                "token_endpoint": #""https://op.example/token""#, "jwks_uri": #""https://op.example/jwks""#,
                "response_types_supported": #"["code"]"#, "code_challenge_methods_supported": #"["S256"]"#,
            ]
            for (name, value) in changes { members[name] = value }
            return Array(("{" + members.map { "\"\($0.key)\":\($0.value)" }.joined(separator: ",") + "}").utf8)
        }
        func parse(_ changes: [String: String?], loopback: Bool = false) throws(SignInError) -> ProviderMetadata {
            try ProviderMetadata.parse(
                document(changes), expectedIssuer: "https://op.example", allowLoopbackHTTP: loopback)
        }
        let metadata = try parse([:])
        #expect(
            metadata.tokenEndpoint.absoluteString == "https://op.example/token" && metadata.endSessionEndpoint == nil)
        #expect(throws: SignInError(.issuerMismatch, "")) { try parse(["issuer": #""https://op.example/""#]) }
        #expect(throws: SignInError(.invalidResponse, "")) { try parse(["jwks_uri": nil]) }
        #expect(throws: SignInError(.invalidResponse, "")) { try parse(["token_endpoint": #""http://op.example/t""#]) }
        #expect(throws: SignInError(.invalidResponse, "")) { try parse(["response_types_supported": #"["id_token"]"#]) }
        #expect(throws: SignInError(.invalidResponse, "")) {
            try parse(["code_challenge_methods_supported": #"["plain"]"#])
        }
        #expect(throws: SignInError(.invalidResponse, "")) {
            try parse(["authorization_endpoint": #""http://127.0.0.1:8080/dev-idp/authorize""#])
        }
        let development = try parse(
            ["authorization_endpoint": #""http://127.0.0.1:8080/dev-idp/authorize""#], loopback: true)
        #expect(development.authorizationEndpoint.port == 8080)
        #expect(throws: SignInError(.invalidResponse, "")) {
            try parse(["authorization_endpoint": #""http://evil.example/authorize""#], loopback: true)
        }
    }
}

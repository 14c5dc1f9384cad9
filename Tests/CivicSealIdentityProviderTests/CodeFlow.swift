import CivicSealCrypto
import CivicSealJSON
import CivicSealServiceTestSupport
import CivicSealTestSupport
import Foundation
import Testing

/// One authorization code flow against the independent provider, driven with curl as the client_secret_basic client.
struct CodeFlow {
    let state: String
    let nonce: String
    let verifier: String
    let callback: [String: String]
    var idToken = ""

    /// The ID token's payload and its header's `kid`.
    var claims: [String: JSONValue] {
        let parts = idToken.split(separator: ".")
        guard parts.count == 3, let payload = try? Base64URL.decode(String(parts[1])) else { return [:] }
        return (try? JSONValue(parsing: payload).objectValue) ?? [:]
    }
    var keyID: String {
        let parts = idToken.split(separator: ".")
        guard let header = parts.first.flatMap({ try? Base64URL.decode(String($0)) }) else { return "" }
        return (try? JSONValue(parsing: header).objectValue?["kid"]?.stringValue) ?? ""
    }

    /// Authorizes (picking `user` on the login page) without exchanging the code.
    static func authorize(_ provider: IndependentProvider, user: IndependentProvider.User, acr: String?)
        async throws -> CodeFlow
    {
        let state = Base64URL.encode(SecureRandom.bytes(16))
        let nonce = Base64URL.encode(SecureRandom.bytes(16))
        let verifier = Base64URL.encode(SecureRandom.bytes(32))
        let challenge = Base64URL.encode(Digest.sha256(Array(verifier.utf8)))
        var components = URLComponents(string: provider.issuer + "/authorize")!
        components.queryItems =
            [
                .init(name: "response_type", value: "code"), .init(name: "scope", value: "openid"),
                .init(name: "client_id", value: IndependentProvider.secretClientID),
                .init(name: "redirect_uri", value: IndependentProviderTests.redirectURI),
                .init(name: "state", value: state), .init(name: "nonce", value: nonce),
                .init(name: "code_challenge", value: challenge), .init(name: "code_challenge_method", value: "S256"),
            ] + (acr.map { [.init(name: "acr_values", value: $0)] } ?? [])
        let callback = try await provider.signIn(user, authorizationURL: components.url!.absoluteString)
        return CodeFlow(state: state, nonce: nonce, verifier: verifier, callback: callback)
    }

    /// Authorizes and exchanges the code; the ID token must come back.
    static func run(_ provider: IndependentProvider, user: IndependentProvider.User, acr: String?)
        async throws -> CodeFlow
    {
        var flow = try await authorize(provider, user: user, acr: acr)
        let answer = try await flow.exchange(provider)
        #expect(answer.status == 200, "\(answer.body)")
        flow.idToken = try #require(try object(answer)["id_token"]?.stringValue)
        return flow
    }

    /// `POST /token` with client_secret_basic and the PKCE verifier.
    func exchange(_ provider: IndependentProvider) async throws -> CurlResponse {
        try await provider.curl([
            "-u", "\(IndependentProvider.secretClientID):\(provider.clientSecret)",
            "--data-urlencode", "grant_type=authorization_code",
            "--data-urlencode", "code=\(callback["code"] ?? "")",
            "--data-urlencode", "redirect_uri=\(IndependentProviderTests.redirectURI)",
            "--data-urlencode", "code_verifier=\(verifier)",
            provider.issuer + "/token",
        ])
    }
}

import CivicSealCrypto
import CivicSealHTTPClient
import CivicSealIdentity
import CivicSealJSON
import Foundation

/// The token endpoint's answer (OIDC Core §3.1.3.3), as far as the relying party uses it.
struct TokenResponse: Sendable {
    let idToken: String
    let accessToken: String?
}

extension RelyingParty {
    /// OIDC Core §3.1.3.1 / RFC 6749 §4.1.3: `grant_type=authorization_code`, the `code`, the `redirect_uri` of the
    /// authorization request and the PKCE `code_verifier` (RFC 7636 §4.5), with client authentication.
    func exchange(code: String, pending: PendingSignIn, redirectURI: String, metadata: ProviderMetadata)
        async throws(SignInError) -> TokenResponse
    {
        var form: [(String, String)] = [
            ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirectURI),
            ("code_verifier", pending.codeVerifier),
        ]
        var headers: [(String, String)] = [
            ("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json"),
        ]
        switch settings.clientAuthentication {
        case .privateKeyJWT(let key, let keyID):
            form.append(("client_id", settings.clientID))
            form.append(("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"))
            form.append(
                ("client_assertion", try clientAssertion(key: key, keyID: keyID, audience: metadata.tokenEndpoint)))
        case .clientSecretBasic(let secret):
            headers.append(("Authorization", Self.basicAuthorization(clientID: settings.clientID, secret: secret)))
        }
        let request = OutboundRequest(
            method: "POST", url: metadata.tokenEndpoint, headers: headers,
            body: Array(FormURLEncoding.encode(form).utf8))
        let response = try await provider.send(request)
        return try Self.tokenResponse(response, maximumBytes: policy.maximumDocumentBytes)
    }

    /// RFC 7523 §3 and OIDC Core §9: a JWT with `iss` and `sub` our client id, `aud` the token endpoint, a random
    /// `jti`, `iat` and a short `exp`, signed ES256 with the client key and its `kid`.
    func clientAssertion(key: PrivateKey, keyID: String, audience: URL) throws(SignInError) -> String {
        let now = Int64(clock().timeIntervalSince1970)
        let claims: [String: JSONValue] = [
            "iss": .string(settings.clientID), "sub": .string(settings.clientID),
            "aud": .string(audience.absoluteString), "jti": .string(PKCE.randomToken(byteCount: 16)),
            "iat": .number(String(now)), "exp": .number(String(now + Int64(policy.assertionLifetime))),
        ]
        do {
            return try JWSSigner(privateKey: key, keyID: keyID, algorithm: .es256).sign(claims: claims, type: "JWT")
        } catch {
            throw SignInError(.notConfigured, "the client assertion cannot be signed (\(error.code))")
        }
    }

    /// RFC 6749 §2.3.1: "The client identifier is encoded using the application/x-www-form-urlencoded encoding
    /// algorithm ..., and the encoded value is used as the username; the client password is encoded using the
    /// same algorithm and used as the password."
    static func basicAuthorization(clientID: String, secret: String) -> String {
        let credentials = FormURLEncoding.escape(clientID) + ":" + FormURLEncoding.escape(secret)
        return "Basic " + Data(credentials.utf8).base64EncodedString()
    }

    /// 200 with `id_token` (and usually `access_token`); 4xx with `error` is a refused code (RFC 6749 §5.2).
    static func tokenResponse(_ response: OutboundResponse, maximumBytes: Int) throws(SignInError) -> TokenResponse {
        guard response.body.count <= maximumBytes else {
            throw SignInError(.invalidResponse, "the token response is larger than \(maximumBytes) bytes")
        }
        let object = (try? JSONValue(parsing: response.body, limits: JSONLimits(maximumDepth: 16)))?.objectValue
        guard response.status == 200 else {
            if (400..<500).contains(response.status) {
                throw SignInError(
                    .codeRejected, "the token endpoint refused the code (HTTP \(response.status))",
                    providerCode: object?["error"]?.stringValue)
            }
            throw SignInError(.providerUnreachable, "the token endpoint answered HTTP \(response.status)")
        }
        guard let object else { throw SignInError(.invalidResponse, "the token response is not a JSON object") }
        guard let idToken = object["id_token"]?.stringValue, !idToken.isEmpty else {
            throw SignInError(.invalidResponse, "the token response carries no id_token")
        }
        if let type = object["token_type"]?.stringValue, type.lowercased() != "bearer" {
            throw SignInError(.invalidResponse, "the token response's token_type is not Bearer")
        }
        return TokenResponse(idToken: idToken, accessToken: object["access_token"]?.stringValue)
    }
}

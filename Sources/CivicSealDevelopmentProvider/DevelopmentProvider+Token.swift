import CivicSealCrypto
import CivicSealHTTP
import CivicSealJSON
import Foundation

extension DevelopmentProvider {
    static let assertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    /// Client assertions may live at most this long (RFC 7523 §3 leaves it to the server; a few minutes is usual).
    static let maximumAssertionLifetime: TimeInterval = 600
    static let clockSkew: TimeInterval = 60

    /// A token-endpoint error (RFC 6749 §5.2): the OAuth `error` and a description with no secret in it.
    struct TokenError: Error {
        let error: String
        let description: String
        var status: HTTPStatus { error == "invalid_client" ? .unauthorized : .badRequest }
    }

    /// `POST <issuer>/token`: the authorization code grant, the client authenticated with private_key_jwt, the code
    /// single-use and PKCE-bound; answers an ID token signed with the development key.
    func token(_ request: HTTPRequest) -> HTTPResponse {
        do {
            return try issueTokens(request)
        } catch {
            let body: JSONValue = ["error": .string(error.error), "error_description": .string(error.description)]
            var response = HTTPResponse.json(Array(body.serialized().utf8), status: error.status)
            response.headers.replaceOrAdd(name: "Cache-Control", value: "no-store")
            if error.error == "invalid_client" {
                response.headers.replaceOrAdd(name: "WWW-Authenticate", value: "Bearer error=\"invalid_client\"")
            }
            return response
        }
    }

    func issueTokens(_ request: HTTPRequest) throws(TokenError) -> HTTPResponse {
        guard let parameters = FormParameters(String(decoding: request.body, as: UTF8.self)[...]) else {
            throw TokenError(error: "invalid_request", description: "the body is not a valid form")
        }
        if let repeated = parameters.repeated {
            throw TokenError(error: "invalid_request", description: "\(repeated) is given more than once")
        }
        let now = configuration.clock()
        try authenticateClient(parameters, now: now)
        guard parameters["grant_type"] == "authorization_code" else {
            throw TokenError(error: "unsupported_grant_type", description: "only authorization_code")
        }
        guard let code = parameters["code"], let grant = codes.redeem(code, now: now) else {
            throw TokenError(error: "invalid_grant", description: "the code is unknown, used or expired")
        }
        guard grant.clientID == configuration.clientID, parameters["redirect_uri"] == grant.redirectURI else {
            throw TokenError(error: "invalid_grant", description: "redirect_uri differs from the authorization's")
        }
        // RFC 7636 §4.1: 43–128 unreserved characters; §4.6: BASE64URL(SHA-256(verifier)) == challenge.
        guard let verifier = parameters["code_verifier"], (43...128).contains(verifier.utf8.count),
            verifier.utf8.allSatisfy({ Self.isBase64URL($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "~") }),
            ConstantTime.equals(
                Array(Base64URL.encode(Digest.sha256(Array(verifier.utf8))).utf8), Array(grant.codeChallenge.utf8))
        else {
            throw TokenError(error: "invalid_grant", description: "the code_verifier does not match the challenge")
        }
        let accessToken = Base64URL.encode(SecureRandom.bytes(32))
        let issuedAt = Int64(now.timeIntervalSince1970.rounded(.down))
        var claims = grant.claims
        claims["iss"] = .string(configuration.issuer)
        claims["aud"] = .string(configuration.clientID)
        claims["azp"] = .string(configuration.clientID)
        claims["nonce"] = .string(grant.nonce)
        claims["iat"] = .number(String(issuedAt))
        claims["auth_time"] = .number(String(Int64(grant.issuedAt.timeIntervalSince1970.rounded(.down))))
        claims["exp"] = .number(String(issuedAt + Int64(configuration.idTokenLifetime)))
        // OIDC Core §3.1.3.6: the left half of the SHA-256 of the access token, base64url.
        claims["at_hash"] = .string(Base64URL.encode(Digest.sha256(Array(accessToken.utf8)).prefix(16)))
        let idToken: String
        do { idToken = try signer.sign(claims: claims) } catch {
            throw TokenError(error: "server_error", description: "the ID token could not be signed")
        }
        let body: JSONValue = [
            "access_token": .string(accessToken), "token_type": "Bearer", "expires_in": 300,
            "id_token": .string(idToken), "scope": "openid",
        ]
        var response = HTTPResponse.json(Array(body.serialized().utf8))
        response.headers.replaceOrAdd(name: "Cache-Control", value: "no-store")
        response.headers.replaceOrAdd(name: "Pragma", value: "no-cache")
        return response
    }

    /// private_key_jwt (OIDC Core §9, RFC 7523 §3): a JWS by the development client's key whose `iss` and `sub` are
    /// the client id, whose `aud` names the token endpoint (or the issuer), unexpired, short-lived, never replayed.
    func authenticateClient(_ parameters: FormParameters, now: Date) throws(TokenError) {
        func refuse(_ why: String) -> TokenError { TokenError(error: "invalid_client", description: why) }
        guard parameters["client_assertion_type"] == Self.assertionType,
            let assertion = parameters["client_assertion"]
        else { throw refuse("private_key_jwt client authentication is required") }
        if let clientID = parameters["client_id"], clientID != configuration.clientID {
            throw refuse("client_id is not the development client")
        }
        let claims: [String: JSONValue]
        do { claims = try clientVerifier.verify(assertion).payloadJSONObject() } catch {
            throw refuse("the client assertion is not signed by the development client key (\(error.code))")
        }
        guard claims["iss"]?.stringValue == configuration.clientID, claims["sub"]?.stringValue == configuration.clientID
        else { throw refuse("the client assertion's iss and sub must be the client id") }
        let audiences: [String] =
            claims["aud"]?.stringValue.map { [$0] } ?? claims["aud"]?.arrayValue?.compactMap(\.stringValue) ?? []
        guard audiences.contains(configuration.issuer + "/token") || audiences.contains(configuration.issuer) else {
            throw refuse("the client assertion's aud must name the token endpoint")
        }
        guard let expiry = claims["exp"]?.doubleValue.map(Date.init(timeIntervalSince1970:)),
            expiry > now.addingTimeInterval(-Self.clockSkew),
            expiry <= now.addingTimeInterval(Self.maximumAssertionLifetime + Self.clockSkew)
        else { throw refuse("the client assertion is expired or lives too long") }
        if let issuedAt = claims["iat"]?.doubleValue, issuedAt > now.timeIntervalSince1970 + Self.clockSkew {
            throw refuse("the client assertion is issued in the future")
        }
        guard let identifier = claims["jti"]?.stringValue, (1...256).contains(identifier.utf8.count) else {
            throw refuse("the client assertion needs a jti")
        }
        switch assertions.use(identifier, until: expiry.addingTimeInterval(Self.clockSkew), now: now) {
        case .fresh: return
        case .replayed: throw refuse("the client assertion was used before")
        case .full: throw TokenError(error: "temporarily_unavailable", description: "too many assertions in flight")
        }
    }
}

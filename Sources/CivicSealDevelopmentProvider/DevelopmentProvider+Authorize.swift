import CivicSealCrypto
import CivicSealHTTP
import CivicSealJSON
import Foundation

/// A validated authorization request (OIDC Core §3.1.2.1 with PKCE), as the page carries it between GET and POST.
struct AuthorizationRequest: Sendable, Equatable {
    let clientID: String
    let redirectURI: String
    let state: String
    let nonce: String
    let codeChallenge: String
    /// `acr_values`, in the order of preference the client gave (OIDC Core §3.1.2.1).
    let acrValues: [String]
    /// `ui_locales` starting with `en`: the page in English; otherwise Vietnamese.
    let language: PageLanguage

    /// The parameters the page posts back as hidden fields.
    var parameters: [(String, String)] {
        [
            ("response_type", "code"), ("scope", "openid"), ("client_id", clientID), ("redirect_uri", redirectURI),
            ("state", state), ("nonce", nonce), ("code_challenge", codeChallenge), ("code_challenge_method", "S256"),
        ] + (acrValues.isEmpty ? [] : [("acr_values", acrValues.joined(separator: " "))])
    }
}

extension DevelopmentProvider {
    static let maximumStateLength = 512
    static let maximumNonceLength = 512
    static let maximumClaimsBytes = 8 * 1024

    /// Validates an authorization request's parameters, in the order RFC 6749 §4.1.2.1 asks: client and redirect URI
    /// first (their errors are shown, never redirected), then the rest (sent back to the redirect URI).
    func validate(_ parameters: FormParameters) throws(DevelopmentProviderError) -> AuthorizationRequest {
        if let repeated = parameters.repeated {
            throw DevelopmentProviderError(.malformedRequest, "the parameter \(repeated) is given more than once")
        }
        guard parameters["client_id"] == configuration.clientID else {
            throw DevelopmentProviderError(.unknownClient, "client_id is not the development client")
        }
        guard let redirectURI = parameters["redirect_uri"], redirectURIs.contains(redirectURI) else {
            throw DevelopmentProviderError(.unregisteredRedirectURI, "redirect_uri is not registered")
        }
        guard let state = parameters["state"], (1...Self.maximumStateLength).contains(state.utf8.count) else {
            throw DevelopmentProviderError(
                .malformedRequest, "state is required, at most \(Self.maximumStateLength) bytes")
        }
        guard parameters["response_type"] == "code" else {
            throw DevelopmentProviderError(.unsupportedResponseType, "response_type must be code")
        }
        guard (parameters["scope"] ?? "").split(separator: " ").contains("openid") else {
            throw DevelopmentProviderError(.invalidScope, "scope must include openid")
        }
        guard let challenge = parameters["code_challenge"], parameters["code_challenge_method"] == "S256" else {
            throw DevelopmentProviderError(.pkceRequired, "code_challenge with code_challenge_method S256 is required")
        }
        // S256 challenges are BASE64URL(SHA-256(verifier)) without padding: 43 characters (RFC 7636 §4.2).
        guard challenge.utf8.count == 43, challenge.utf8.allSatisfy(Self.isBase64URL) else {
            throw DevelopmentProviderError(.invalidRequest, "code_challenge is not an S256 challenge")
        }
        guard let nonce = parameters["nonce"], (1...Self.maximumNonceLength).contains(nonce.utf8.count) else {
            throw DevelopmentProviderError(
                .invalidRequest, "nonce is required, at most \(Self.maximumNonceLength) bytes")
        }
        let acrValues = (parameters["acr_values"] ?? "").split(separator: " ").map(String.init)
        guard acrValues.count <= 8, acrValues.allSatisfy({ $0.utf8.count <= 64 }) else {
            throw DevelopmentProviderError(.invalidRequest, "acr_values holds at most 8 values of 64 bytes")
        }
        let language: PageLanguage =
            (parameters["ui_locales"] ?? parameters["lang"] ?? "").hasPrefix("en") ? .english : .vietnamese
        return AuthorizationRequest(
            clientID: configuration.clientID, redirectURI: redirectURI, state: state, nonce: nonce,
            codeChallenge: challenge, acrValues: acrValues, language: language)
    }

    static func isBase64URL(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-")
            || byte == UInt8(ascii: "_")
    }

    /// `GET /dev-idp/authorize`: the page to pick or type an identity, or the refusal.
    func authorizePage(_ request: HTTPRequest) -> HTTPResponse {
        guard let parameters = FormParameters(request.query) else {
            return DevelopmentProviderPage.refusal(
                DevelopmentProviderError(.malformedRequest, "the query is not valid"), language: .vietnamese)
        }
        do {
            return DevelopmentProviderPage.chooser(for: try validate(parameters), problem: nil)
        } catch {
            return refuse(error, parameters: parameters)
        }
    }

    /// `POST /dev-idp/authorize`: the original parameters and either `preset=<id>` or `claims=<JSON object>`; a code
    /// for the picked identity, sent to the redirect URI with the state.
    func authorizeSubmission(_ request: HTTPRequest) -> HTTPResponse {
        guard let parameters = FormParameters(String(decoding: request.body, as: UTF8.self)[...]) else {
            return DevelopmentProviderPage.refusal(
                DevelopmentProviderError(.malformedRequest, "the form is not valid"), language: .vietnamese)
        }
        let authorization: AuthorizationRequest
        do { authorization = try validate(parameters) } catch { return refuse(error, parameters: parameters) }
        let claims: [String: JSONValue]
        do { claims = try identity(parameters) } catch {
            return DevelopmentProviderPage.chooser(for: authorization, problem: error)
        }
        let code = Base64URL.encode(SecureRandom.bytes(32))
        let grant = AuthorizationGrant(
            clientID: authorization.clientID, redirectURI: authorization.redirectURI,
            codeChallenge: authorization.codeChallenge, nonce: authorization.nonce, claims: claims,
            issuedAt: configuration.clock())
        guard codes.insert(grant, code: code, now: grant.issuedAt) else {
            return DevelopmentProviderPage.refusal(
                DevelopmentProviderError(.tableFull, "too many sign-ins are in progress"),
                language: authorization.language, status: .serviceUnavailable)
        }
        return Self.redirect(authorization.redirectURI, [("code", code), ("state", authorization.state)])
    }

    /// The identity the form picked: a preset's claims, or the typed JSON object (the provider's own claims
    /// removed: it sets `iss`, `aud`, `azp`, `iat`, `exp`, `nonce`, `at_hash` and `auth_time` itself).
    func identity(_ parameters: FormParameters) throws(DevelopmentProviderError) -> [String: JSONValue] {
        if let preset = parameters["preset"], !preset.isEmpty {
            guard let person = SyntheticPerson.named(preset) else {
                throw DevelopmentProviderError(.invalidIdentity, "no such synthetic person")
            }
            return person.claims
        }
        guard let text = parameters["claims"]?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else {
            throw DevelopmentProviderError(.invalidIdentity, "pick a person or type the claims")
        }
        guard text.utf8.count <= Self.maximumClaimsBytes,
            case .object(var claims)? = try? JSONValue(
                parsing: Array(text.utf8), limits: JSONLimits(maximumDepth: 4, maximumBytes: Self.maximumClaimsBytes)),
            claims.count <= 64
        else {
            throw DevelopmentProviderError(
                .invalidIdentity, "the claims must be one JSON object of at most 64 members and 8 KiB")
        }
        for reserved in ["iss", "aud", "azp", "iat", "exp", "nbf", "nonce", "at_hash", "c_hash", "auth_time", "jti"] {
            claims[reserved] = nil
        }
        if let subject = claims["sub"] {
            guard let text = subject.stringValue, (1...255).contains(text.utf8.count) else {
                throw DevelopmentProviderError(.invalidIdentity, "sub must be a string of 1–255 bytes")
            }
        } else {
            // A stable subject for the same typed identity, as a provider keeps one per account.
            let digest = Digest.sha256(Array(JSONValue.object(claims).serialized().utf8))
            claims["sub"] = .string("dev-typed-" + Hex.encode(digest.prefix(8)))
        }
        return claims
    }

    /// An error page, or the error sent back to the client when the redirect URI is known good.
    func refuse(_ error: DevelopmentProviderError, parameters: FormParameters) -> HTTPResponse {
        let language: PageLanguage =
            (parameters["ui_locales"] ?? parameters["lang"] ?? "").hasPrefix("en") ? .english : .vietnamese
        guard error.redirects, let redirectURI = parameters["redirect_uri"], let state = parameters["state"] else {
            return DevelopmentProviderPage.refusal(error, language: language)
        }
        return Self.redirect(
            redirectURI, [("error", error.oauthError), ("error_description", error.code.rawValue), ("state", state)])
    }

    /// 302 to `uri` with `pairs` added to its query.
    static func redirect(_ uri: String, _ pairs: [(String, String)]) -> HTTPResponse {
        let location = pairs.isEmpty ? uri : uri + (uri.contains("?") ? "&" : "?") + FormParameters.encode(pairs)
        return HTTPResponse(
            status: HTTPStatus(code: 302),
            headers: ["Location": location, "Cache-Control": "no-store", "Referrer-Policy": "no-referrer"])
    }
}

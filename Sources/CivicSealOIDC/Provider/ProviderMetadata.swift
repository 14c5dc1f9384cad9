import CivicSealJSON
import Foundation

/// The members of an OpenID Provider's discovery document (OpenID Connect Discovery 1.0 §3) the relying party
/// uses, checked on load.
package struct ProviderMetadata: Sendable, Equatable {
    package let issuer: String
    package let authorizationEndpoint: URL
    package let tokenEndpoint: URL
    package let jwksURI: URL
    /// RP-Initiated Logout 1.0 §2.1 (nil when the provider has none).
    package let endSessionEndpoint: URL?
    /// `token_endpoint_auth_methods_supported` (nil: absent; Discovery §3 then means `client_secret_basic`).
    package let tokenEndpointAuthMethods: [String]?

    /// Checks a discovery document for `expectedIssuer`.
    ///
    /// Discovery §4.3: "The issuer value returned MUST be identical to the Issuer URL that was used as the prefix
    /// to /.well-known/openid-configuration to retrieve the configuration information." Required: the
    /// authorization, token and JWKS endpoints and `response_types_supported` with `code`; when
    /// `code_challenge_methods_supported` is present it must offer `S256` (RFC 8414 §2). Endpoints are `https`
    /// (or `http` on a loopback host when `allowLoopbackHTTP`).
    package static func parse(_ body: [UInt8], expectedIssuer: String, allowLoopbackHTTP: Bool) throws(SignInError)
        -> ProviderMetadata
    {
        let parsed: JSONValue
        do { parsed = try JSONValue(parsing: body, limits: JSONLimits(maximumDepth: 16)) } catch {
            throw SignInError(.invalidResponse, "the discovery document is not strict JSON")
        }
        guard let object = parsed.objectValue else {
            throw SignInError(.invalidResponse, "the discovery document is not a JSON object")
        }
        guard let issuer = object["issuer"]?.stringValue else {
            throw SignInError(.invalidResponse, "the discovery document has no \"issuer\"")
        }
        guard issuer == expectedIssuer else {
            throw SignInError(.issuerMismatch, "the discovery document names another issuer")
        }
        func endpoint(_ name: String, required: Bool = true) throws(SignInError) -> URL? {
            guard let value = object[name] else {
                if required { throw SignInError(.invalidResponse, "the discovery document has no \"\(name)\"") }
                return nil
            }
            guard let text = value.stringValue, let url = checkedEndpoint(text, allowLoopbackHTTP: allowLoopbackHTTP)
            else { throw SignInError(.invalidResponse, "\"\(name)\" is not an https URL") }
            return url
        }
        let responseTypes = object["response_types_supported"]?.arrayValue?.compactMap(\.stringValue) ?? []
        guard responseTypes.contains("code") else {
            throw SignInError(.invalidResponse, "the provider does not offer the authorization code flow")
        }
        if let methods = object["code_challenge_methods_supported"] {
            guard methods.arrayValue?.contains(.string("S256")) == true else {
                throw SignInError(.invalidResponse, "the provider does not offer PKCE with S256")
            }
        }
        let authMethods = object["token_endpoint_auth_methods_supported"]?.arrayValue?.compactMap(\.stringValue)
        return ProviderMetadata(
            issuer: issuer, authorizationEndpoint: try endpoint("authorization_endpoint")!,
            tokenEndpoint: try endpoint("token_endpoint")!, jwksURI: try endpoint("jwks_uri")!,
            endSessionEndpoint: try endpoint("end_session_endpoint", required: false),
            tokenEndpointAuthMethods: authMethods)
    }

    /// An absolute `https` URL without fragment or credentials (or `http` to a loopback host when allowed).
    package static func checkedEndpoint(_ text: String, allowLoopbackHTTP: Bool) -> URL? {
        guard text.utf8.count <= 2048, let components = URLComponents(string: text), let host = components.host,
            !host.isEmpty, components.fragment == nil, components.user == nil, components.password == nil,
            let url = components.url
        else { return nil }
        switch components.scheme {
        case "https": return url
        case "http" where allowLoopbackHTTP && isLoopback(host): return url
        default: return nil
        }
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
    }
}

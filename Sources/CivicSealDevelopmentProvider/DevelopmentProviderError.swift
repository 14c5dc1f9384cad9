/// Why the development provider refused a request, with a stable code. The authorize page and the token endpoint
/// show or return the code; no message carries a code, a token, a verifier or a typed claim.
package struct DevelopmentProviderError: Error, Sendable, Equatable, CustomStringConvertible {
    package enum Code: String, Sendable {
        /// `client_id` is missing or not the development client: shown on a page, never redirected (RFC 6749
        /// §4.1.2.1).
        case unknownClient = "unknown-client"
        /// `redirect_uri` is missing or not registered: shown on a page, never redirected.
        case unregisteredRedirectURI = "unregistered-redirect-uri"
        /// A parameter given twice, or a `state` too long to send back: shown on a page, never redirected.
        case malformedRequest = "malformed-request"
        /// A missing or malformed `nonce`, `acr_values` or PKCE challenge: sent back to the redirect URI.
        case invalidRequest = "invalid-request"
        /// `response_type` other than `code`.
        case unsupportedResponseType = "unsupported-response-type"
        /// `scope` without `openid`.
        case invalidScope = "invalid-scope"
        /// No PKCE challenge, or a method other than S256 (RFC 7636 §4.3, RFC 9700 §2.1.1).
        case pkceRequired = "pkce-required"
        /// The posted identity: neither a known preset nor a JSON object of claims within the limits.
        case invalidIdentity = "invalid-identity"
        /// Every code slot holds a live code: the sign-in cannot start now.
        case tableFull = "table-full"
        /// `post_logout_redirect_uri` is not registered.
        case unregisteredLogoutURI = "unregistered-logout-uri"
    }

    package let code: Code
    package let description: String

    init(_ code: Code, _ description: String) {
        self.code = code
        self.description = description
    }

    /// The OAuth 2.0 `error` value sent back to the client's redirect URI (RFC 6749 §4.1.2.1).
    var oauthError: String {
        switch code {
        case .unsupportedResponseType: "unsupported_response_type"
        case .invalidScope: "invalid_scope"
        case .tableFull: "temporarily_unavailable"
        default: "invalid_request"
        }
    }

    /// Whether the error may be sent to the redirect URI: only once client and redirect URI are known good.
    var redirects: Bool {
        ![
            .unknownClient, .unregisteredRedirectURI, .malformedRequest, .invalidIdentity, .tableFull,
            .unregisteredLogoutURI,
        ].contains(code)
    }
}

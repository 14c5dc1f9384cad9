import CivicSealCrypto
import CivicSealJSON
import CivicSealWorkflow

/// How CivicSeal signs in at an issuer as an OpenID Connect relying party (OIDC Core §3.1): its client id,
/// how it authenticates at the token endpoint, which CA bundle its TLS client trusts, and extra scopes.
package struct RelyingPartySettings: Sendable {
    /// Client authentication at the token endpoint (OIDC Core §9).
    package enum ClientAuthentication: Sendable {
        /// RFC 7523 §2.2: a JWT signed with the client's key (ES256), `kid` in its header.
        case privateKeyJWT(key: PrivateKey, keyID: String)
        /// RFC 6749 §2.3.1: HTTP Basic with the form-urlencoded client id and secret.
        case clientSecretBasic(secret: String)

        /// The `token_endpoint_auth_method` name.
        package var method: String {
            switch self {
            case .privateKeyJWT: "private_key_jwt"
            case .clientSecretBasic: "client_secret_basic"
            }
        }
    }

    /// Our `client_id` at the provider.
    package let clientID: String
    package let clientAuthentication: ClientAuthentication
    /// PEM bundle of the CAs the outbound TLS client trusts for this provider (nil: the system store).
    package let caBundle: String?
    /// Scopes asked besides `openid`.
    package let scopes: [String]

    package init(clientID: String, clientAuthentication: ClientAuthentication, caBundle: String?, scopes: [String]) {
        self.clientID = clientID
        self.clientAuthentication = clientAuthentication
        self.caBundle = caBundle
        self.scopes = scopes
    }
}

/// How a provider's claims map onto CivicSeal's: the `acr` values of each assurance level (sent as `acr_values`
/// and read back from `acr`) and the names of the staff role and department claims.
package struct ClaimMapping: Sendable, Equatable {
    /// The provider's `acr` value for each of our levels.
    package let acrValues: [AssuranceLevel: String]
    /// The claim holding staff roles (an array of strings).
    package let rolesClaim: String
    /// The claim holding the staff department id.
    package let departmentClaim: String

    /// Identity mapping: `acr` is `level1`/`level2`, staff claims are `roles` and `department`.
    package static let identity = ClaimMapping(
        acrValues: [.level1: "level1", .level2: "level2"], rolesClaim: "roles", departmentClaim: "department")

    package init(acrValues: [AssuranceLevel: String], rolesClaim: String, departmentClaim: String) {
        self.acrValues = acrValues
        self.rolesClaim = rolesClaim
        self.departmentClaim = departmentClaim
    }

    /// Our level for a provider's `acr` value (nil: not one we know).
    package func level(acr: String) -> AssuranceLevel? {
        AssuranceLevel.allCases.last { acrValues[$0] == acr }
    }

    /// The claims with the provider's names and values rewritten to CivicSeal's (`acr` → `level1`/`level2`,
    /// the configured role and department claims → `roles`/`department`). An unknown `acr` is left as it is
    /// (the citizen rules then refuse it).
    package func applied(to claims: [String: JSONValue]) -> [String: JSONValue] {
        guard self != .identity else { return claims }
        var mapped = claims
        if let acr = claims["acr"]?.stringValue, let level = level(acr: acr) {
            mapped["acr"] = .string(level.rawValue)
        }
        if rolesClaim != "roles" {
            mapped["roles"] = claims[rolesClaim]
            mapped[rolesClaim] = nil
        }
        if departmentClaim != "department" {
            mapped["department"] = claims[departmentClaim]
            mapped[departmentClaim] = nil
        }
        return mapped
    }
}

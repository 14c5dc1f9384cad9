import CivicSealJSON
import Foundation

/// `Keys/trusted-issuers.json` as written: the identity providers whose ID tokens CivicSeal accepts.
///
/// Shape: `{"issuers":[{"issuer","audience","jwks","principals","algorithms","development"}]}`.
/// ``parse(_:file:)`` reads it strictly (duplicate or unknown members are errors, so a typo such as
/// `"audiance"` is reported instead of silently ignored); ``TrustedIssuers`` turns it into loaded keys.
package struct TrustedIssuersFile: Codable, Sendable, Equatable {
    /// One trusted identity provider.
    package struct Issuer: Codable, Sendable, Equatable {
        /// The exact `iss` value (OIDC Core §2: an `https` URL with no query or fragment, compared exactly).
        package var issuer: String
        /// The `aud` value bearer tokens must carry; defaults to ``clientID`` for a relying-party issuer.
        package var audience: String?
        /// JWK set file, relative to the directory holding the trusted-issuers file (the keys directory); absent
        /// when ``discovery`` is true.
        package var jwks: String?
        /// True: metadata from `<issuer>/.well-known/openid-configuration`, keys from its `jwks_uri`.
        package var discovery: Bool?
        /// Which principals the issuer may vouch for: `citizen`, `staff`.
        package var principals: [String]
        /// Accepted JWS algorithms, e.g. `["ES256"]`.
        package var algorithms: [String]
        /// True for the development provider whose key `civicseal token` signs with.
        package var development: Bool
        /// Our client id at the provider (makes the issuer a sign-in provider; needs discovery).
        package var clientID: String?
        /// How we authenticate at its token endpoint.
        package var clientAuthentication: ClientAuthentication?
        /// PEM CA bundle the outbound TLS client trusts for this provider (default: the system store).
        package var caBundle: String?
        /// Staff claim names.
        package var claims: Claims?
        /// The provider's `acr` value for each level.
        package var acr: AcrValues?
        /// Scopes asked besides `openid`.
        package var scopes: [String]?

        package init(
            issuer: String, audience: String?, jwks: String?, principals: [String], algorithms: [String],
            development: Bool = false, discovery: Bool? = nil, clientID: String? = nil,
            clientAuthentication: ClientAuthentication? = nil, caBundle: String? = nil, claims: Claims? = nil,
            acr: AcrValues? = nil, scopes: [String]? = nil
        ) {
            self.issuer = issuer
            self.audience = audience
            self.jwks = jwks
            self.principals = principals
            self.algorithms = algorithms
            self.development = development
            self.discovery = discovery
            self.clientID = clientID
            self.clientAuthentication = clientAuthentication
            self.caBundle = caBundle
            self.claims = claims
            self.acr = acr
            self.scopes = scopes
        }
    }

    /// `{"method":"private_key_jwt","key":"private/oidc-client.key.pem","kid":"…"}` or
    /// `{"method":"client_secret_basic","secretFile":"private/oidc-client.secret"}`.
    package struct ClientAuthentication: Codable, Sendable, Equatable {
        package var method: String
        package var key: String?
        package var kid: String?
        package var secretFile: String?

        package init(method: String, key: String? = nil, kid: String? = nil, secretFile: String? = nil) {
            self.method = method
            self.key = key
            self.kid = kid
            self.secretFile = secretFile
        }
    }

    /// `{"roles":"…","department":"…"}`: the claims holding staff roles and department (defaults: those names).
    package struct Claims: Codable, Sendable, Equatable {
        package var roles: String?
        package var department: String?

        package init(roles: String? = nil, department: String? = nil) {
            self.roles = roles
            self.department = department
        }
    }

    /// `{"level1":"…","level2":"…"}`: the provider's `acr` values (defaults: `level1`, `level2`).
    package struct AcrValues: Codable, Sendable, Equatable {
        package var level1: String
        package var level2: String

        package init(level1: String, level2: String) {
            self.level1 = level1
            self.level2 = level2
        }
    }

    package var issuers: [Issuer]

    package init(issuers: [Issuer]) { self.issuers = issuers }

    static let issuerMembers: Set<String> = [
        "issuer", "audience", "jwks", "principals", "algorithms", "development", "discovery", "clientID",
        "clientAuthentication", "caBundle", "claims", "acr", "scopes",
    ]

    /// Parses the file's bytes strictly, reporting the first problem with its field path.
    /// `development` may be omitted (false); see ``Issuer`` for the other members.
    package static func parse(_ bytes: some ContiguousBytes, file: String) throws(IdentityConfigurationError)
        -> TrustedIssuersFile
    {
        let root: JSONValue
        do { root = try JSONValue(parsing: bytes) } catch {
            throw IdentityConfigurationError(.malformedJSON, file: file, "not strict JSON (\(error.code))")
        }
        guard let object = root.objectValue else {
            throw IdentityConfigurationError(
                .invalidValue, file: file, "the file must be a JSON object with an \"issuers\" array")
        }
        if let unknown = object.keys.sorted().first(where: { $0 != "issuers" }) {
            throw IdentityConfigurationError(.invalidValue, file: file, field: unknown, "unknown member")
        }
        guard let list = object["issuers"] else {
            throw IdentityConfigurationError(.missingField, file: file, field: "issuers", "required")
        }
        guard let entries = list.arrayValue else {
            throw IdentityConfigurationError(.invalidValue, file: file, field: "issuers", "must be an array")
        }
        var issuers: [Issuer] = []
        for (index, entry) in entries.enumerated() {
            issuers.append(try parseIssuer(entry, reader: MemberReader(file: file, prefix: "issuers[\(index)]")))
        }
        return TrustedIssuersFile(issuers: issuers)
    }

    /// Pretty, sorted JSON as `civicseal keys init` writes it.
    package func encoded() -> String {
        (try? JSONValueEncoder().encode(self)).map { JSONWriter.prettyText($0, escaping: .canonical) + "\n" } ?? ""
    }
}

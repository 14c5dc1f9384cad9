import CivicSealCrypto
import Foundation

/// One identity provider whose ID tokens CivicSeal accepts, with its JWK set parsed once.
///
/// OIDC Core §3.1.3.7 steps 2–3: "The Issuer Identifier for the OpenID Provider ... MUST exactly match the
/// value of the iss (issuer) Claim" and "The Client MUST validate that the aud (audience) Claim contains its
/// client_id value registered at the Issuer identified by the iss (issuer) Claim as an audience."
package struct TrustedIssuer: Sendable {
    /// The exact `iss` value (compared byte for byte, no normalisation).
    package let issuer: String
    /// The audience tokens must name.
    package let audience: String
    /// The provider's verification keys: a fixed set, or fetched from its `jwks_uri` and kept fresh.
    package let keys: IssuerKeys
    /// Algorithms accepted from this provider (OIDC Core §3.1.3.7 step 7: the `alg` the client registered).
    package let algorithms: Set<JWSAlgorithm>
    /// The principal kinds this provider may vouch for.
    package let principals: Set<PrincipalKind>
    /// True for the development provider (`civicseal token` signs as it).
    package let isDevelopment: Bool
    /// True when the provider's metadata comes from `<issuer>/.well-known/openid-configuration`.
    package let usesDiscovery: Bool
    /// How CivicSeal signs in there (nil: the issuer is trusted for bearer tokens only).
    package let relyingParty: RelyingPartySettings?
    /// The provider's `acr` values and staff claim names.
    package let claimMapping: ClaimMapping
    /// Longest token accepted.
    let maximumTokenLength: Int
    /// The JWS verifier of a fixed set, built once.
    private let fixedVerifier: JWSVerifier?

    /// The keys in force now.
    package var keySet: JSONWebKeySet { keys.current }

    /// A verifier over the keys in force now.
    package var verifier: JWSVerifier {
        fixedVerifier ?? JWSVerifier(keySet: keys.current, algorithms: algorithms, maximumLength: maximumTokenLength)
    }

    /// An issuer with a fixed key set from already-checked values (``TrustedIssuers`` checks files).
    package init(
        issuer: String, audience: String, keySet: JSONWebKeySet, algorithms: Set<JWSAlgorithm>,
        principals: Set<PrincipalKind>, isDevelopment: Bool = false,
        maximumTokenLength: Int = TokenPolicy.defaultMaximumTokenLength
    ) {
        self.init(
            issuer: issuer, audience: audience, keys: IssuerKeys(fixed: keySet), algorithms: algorithms,
            principals: principals, isDevelopment: isDevelopment, maximumTokenLength: maximumTokenLength)
    }

    /// An issuer with any key source, optionally a relying-party client and a claim mapping.
    package init(
        issuer: String, audience: String, keys: IssuerKeys, algorithms: Set<JWSAlgorithm>,
        principals: Set<PrincipalKind>, isDevelopment: Bool = false, usesDiscovery: Bool = false,
        relyingParty: RelyingPartySettings? = nil, claimMapping: ClaimMapping = .identity,
        maximumTokenLength: Int = TokenPolicy.defaultMaximumTokenLength
    ) {
        self.issuer = issuer
        self.audience = audience
        self.keys = keys
        self.algorithms = algorithms
        self.principals = principals
        self.isDevelopment = isDevelopment
        self.usesDiscovery = usesDiscovery
        self.relyingParty = relyingParty
        self.claimMapping = claimMapping
        self.maximumTokenLength = maximumTokenLength
        fixedVerifier =
            keys.isFixed
            ? JWSVerifier(keySet: keys.current, algorithms: algorithms, maximumLength: maximumTokenLength) : nil
    }

    /// Whether `text` is an issuer identifier as OIDC Core §2 defines it: "a case-sensitive URL using the
    /// https scheme that contains scheme, host, and optionally, port number and path components and no
    /// query or fragment components."
    package static func isValidIssuerIdentifier(_ text: String) -> Bool {
        guard let components = URLComponents(string: text), components.scheme == "https",
            let host = components.host, !host.isEmpty, components.query == nil, components.fragment == nil,
            components.user == nil, components.password == nil
        else { return false }
        return !text.unicodeScalars.contains { $0.value <= 0x20 || $0.value == 0x7F }
    }
}

/// The kinds of principal an identity token can establish.
package enum PrincipalKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// A citizen signed in with the national identity app.
    case citizen
    /// An officer or clinician of a department or facility.
    case staff
}

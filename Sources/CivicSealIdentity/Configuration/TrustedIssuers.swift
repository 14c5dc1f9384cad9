import CivicSealCrypto
import Foundation

/// The configured set of trusted identity providers, keyed by exact issuer identifier.
///
/// Load it from `Keys/trusted-issuers.json` with ``load(file:baseDirectory:maximumTokenLength:)``: every JWK
/// set is read and parsed once, so verifying a token never touches the file system.
package struct TrustedIssuers: Sendable {
    /// The providers in configuration order.
    package let issuers: [TrustedIssuer]
    private let byIssuer: [String: TrustedIssuer]

    /// A set from already-built issuers; identifiers must be distinct (the first wins otherwise).
    package init(_ issuers: [TrustedIssuer]) {
        self.issuers = issuers
        var index: [String: TrustedIssuer] = [:]
        for issuer in issuers where index[issuer.issuer] == nil { index[issuer.issuer] = issuer }
        byIssuer = index
    }

    /// The provider whose identifier is exactly `issuer`.
    package func issuer(_ issuer: String) -> TrustedIssuer? { byIssuer[issuer] }

    /// The sum of the issuers' key-set generations: moves on whenever any fetched set changes.
    package var keyGeneration: UInt64 {
        issuers.reduce(0) { $0 &+ ($1.keys.isFixed ? 0 : $1.keys.generation) }
    }

    /// The one provider marked `development`, if any.
    package var development: TrustedIssuer? { issuers.first { $0.isDevelopment } }

    /// Reads and checks `file`, then loads each issuer's JWK set (relative paths resolve against
    /// `baseDirectory`, by default the directory holding `file`).
    package static func load(
        file: String, baseDirectory: String? = nil, maximumTokenLength: Int = TokenPolicy.defaultMaximumTokenLength,
        keysPolicy: IssuerKeysPolicy = IssuerKeysPolicy()
    ) throws(IdentityConfigurationError) -> TrustedIssuers {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw IdentityConfigurationError(.unreadableFile, file: file, "cannot read the file")
        }
        let base = baseDirectory ?? (file as NSString).deletingLastPathComponent
        return try build(
            TrustedIssuersFile.parse(data, file: file), file: file, baseDirectory: base,
            maximumTokenLength: maximumTokenLength, keysPolicy: keysPolicy)
    }

    /// Checks a parsed configuration and loads its JWK sets.
    package static func build(
        _ configuration: TrustedIssuersFile, file: String, baseDirectory: String,
        maximumTokenLength: Int = TokenPolicy.defaultMaximumTokenLength,
        keysPolicy: IssuerKeysPolicy = IssuerKeysPolicy()
    ) throws(IdentityConfigurationError) -> TrustedIssuers {
        var issuers: [TrustedIssuer] = []
        var seen: Set<String> = []
        for (index, entry) in configuration.issuers.enumerated() {
            let prefix = "issuers[\(index)]"
            guard TrustedIssuer.isValidIssuerIdentifier(entry.issuer) else {
                throw IdentityConfigurationError(
                    .invalidValue, file: file, field: "\(prefix).issuer",
                    "must be an https URL without query or fragment (OIDC Core §2)")
            }
            guard seen.insert(entry.issuer).inserted else {
                throw IdentityConfigurationError(
                    .duplicateIssuer, file: file, field: "\(prefix).issuer",
                    "issuer \(entry.issuer) is configured twice")
            }
            var principals: Set<PrincipalKind> = []
            for (position, name) in entry.principals.enumerated() {
                guard let kind = PrincipalKind(rawValue: name) else {
                    throw IdentityConfigurationError(
                        .invalidValue, file: file, field: "\(prefix).principals[\(position)]",
                        "\"\(name)\" is not a principal kind (citizen, staff)")
                }
                principals.insert(kind)
            }
            guard !principals.isEmpty else {
                throw IdentityConfigurationError(
                    .invalidValue, file: file, field: "\(prefix).principals", "must name citizen and/or staff")
            }
            var algorithms: Set<JWSAlgorithm> = []
            for (position, name) in entry.algorithms.enumerated() {
                guard let algorithm = JWSAlgorithm(rawValue: name) else {
                    throw IdentityConfigurationError(
                        .invalidValue, file: file, field: "\(prefix).algorithms[\(position)]",
                        "\"\(name)\" is not an accepted JWS algorithm (none and HMAC never are)")
                }
                algorithms.insert(algorithm)
            }
            guard !algorithms.isEmpty else {
                throw IdentityConfigurationError(
                    .invalidValue, file: file, field: "\(prefix).algorithms", "must not be empty")
            }
            let keys: IssuerKeys
            if let jwks = entry.jwks {
                keys = IssuerKeys(
                    fixed: try loadKeySet(
                        jwks, algorithms: algorithms, file: file, field: "\(prefix).jwks", baseDirectory: baseDirectory)
                )
            } else {
                keys = IssuerKeys(policy: keysPolicy)
            }
            let reader = MemberReader(file: file, prefix: prefix)
            let relyingParty = try relyingPartySettings(entry, reader: reader, baseDirectory: baseDirectory)
            issuers.append(
                TrustedIssuer(
                    issuer: entry.issuer, audience: entry.audience ?? entry.clientID ?? "", keys: keys,
                    algorithms: algorithms, principals: principals, isDevelopment: entry.development,
                    usesDiscovery: entry.discovery ?? false, relyingParty: relyingParty,
                    claimMapping: claimMapping(entry), maximumTokenLength: maximumTokenLength))
        }
        if issuers.filter(\.isDevelopment).count > 1 {
            throw IdentityConfigurationError(
                .invalidValue, file: file, field: "issuers", "at most one issuer may be marked development")
        }
        return TrustedIssuers(issuers)
    }
}

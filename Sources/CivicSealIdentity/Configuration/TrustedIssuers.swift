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

    /// The one provider marked `development`, if any.
    package var development: TrustedIssuer? { issuers.first { $0.isDevelopment } }

    /// Reads and checks `file`, then loads each issuer's JWK set (relative paths resolve against
    /// `baseDirectory`, by default the directory holding `file`).
    package static func load(
        file: String, baseDirectory: String? = nil, maximumTokenLength: Int = TokenPolicy.defaultMaximumTokenLength
    ) throws(IdentityConfigurationError) -> TrustedIssuers {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw IdentityConfigurationError(.unreadableFile, file: file, "cannot read the file")
        }
        let base = baseDirectory ?? (file as NSString).deletingLastPathComponent
        return try build(
            TrustedIssuersFile.parse(data, file: file), file: file, baseDirectory: base,
            maximumTokenLength: maximumTokenLength)
    }

    /// Checks a parsed configuration and loads its JWK sets.
    package static func build(
        _ configuration: TrustedIssuersFile, file: String, baseDirectory: String,
        maximumTokenLength: Int = TokenPolicy.defaultMaximumTokenLength
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
            guard !entry.audience.isEmpty else {
                throw IdentityConfigurationError(
                    .invalidValue, file: file, field: "\(prefix).audience", "must not be empty")
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
            let keySetPath = entry.jwks.hasPrefix("/") ? entry.jwks : "\(baseDirectory)/\(entry.jwks)"
            guard let keySetData = FileManager.default.contents(atPath: keySetPath) else {
                throw IdentityConfigurationError(
                    .unreadableFile, file: keySetPath, field: nil,
                    "cannot read the JWK set named by \(file): \(prefix).jwks")
            }
            let keySet: JSONWebKeySet
            do { keySet = try JSONWebKeySet(json: keySetData) } catch {
                throw IdentityConfigurationError(.invalidKeySet, file: keySetPath, "not a JWK set (\(error.code))")
            }
            guard keySet.keys.contains(where: { key in algorithms.contains { $0.fits(key.publicKey.kind) } }) else {
                throw IdentityConfigurationError(
                    .invalidKeySet, file: keySetPath,
                    "no usable key for \(algorithms.map(\.rawValue).sorted().joined(separator: ", ")) (named by "
                        + "\(file): \(prefix).jwks)"
                )
            }
            issuers.append(
                TrustedIssuer(
                    issuer: entry.issuer, audience: entry.audience, keySet: keySet, algorithms: algorithms,
                    principals: principals, isDevelopment: entry.development, maximumTokenLength: maximumTokenLength))
        }
        if issuers.filter(\.isDevelopment).count > 1 {
            throw IdentityConfigurationError(
                .invalidValue, file: file, field: "issuers", "at most one issuer may be marked development")
        }
        return TrustedIssuers(issuers)
    }
}

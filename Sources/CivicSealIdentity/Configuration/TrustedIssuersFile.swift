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
        /// The `aud` value tokens must carry: our client id at that provider.
        package var audience: String
        /// JWK set file, relative to the directory holding the trusted-issuers file (the keys directory).
        package var jwks: String
        /// Which principals the issuer may vouch for: `citizen`, `staff`.
        package var principals: [String]
        /// Accepted JWS algorithms, e.g. `["ES256"]`.
        package var algorithms: [String]
        /// True for the development provider whose key `civicseal token` signs with.
        package var development: Bool

        package init(
            issuer: String, audience: String, jwks: String, principals: [String], algorithms: [String],
            development: Bool = false
        ) {
            self.issuer = issuer
            self.audience = audience
            self.jwks = jwks
            self.principals = principals
            self.algorithms = algorithms
            self.development = development
        }
    }

    package var issuers: [Issuer]

    package init(issuers: [Issuer]) { self.issuers = issuers }

    static let issuerMembers: Set<String> = ["issuer", "audience", "jwks", "principals", "algorithms", "development"]

    /// Parses the file's bytes strictly, reporting the first problem with its field path.
    /// `development` may be omitted (false); every other member is required.
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
            let prefix = "issuers[\(index)]"
            guard let members = entry.objectValue else {
                throw IdentityConfigurationError(.invalidValue, file: file, field: prefix, "must be an object")
            }
            if let unknown = members.keys.sorted().first(where: { !issuerMembers.contains($0) }) {
                throw IdentityConfigurationError(
                    .invalidValue, file: file, field: "\(prefix).\(unknown)", "unknown member")
            }
            func string(_ name: String) throws(IdentityConfigurationError) -> String {
                guard let value = members[name] else {
                    throw IdentityConfigurationError(.missingField, file: file, field: "\(prefix).\(name)", "required")
                }
                guard let text = value.stringValue, !text.isEmpty else {
                    throw IdentityConfigurationError(
                        .invalidValue, file: file, field: "\(prefix).\(name)", "must be a non-empty string")
                }
                return text
            }
            func strings(_ name: String) throws(IdentityConfigurationError) -> [String] {
                guard let value = members[name] else {
                    throw IdentityConfigurationError(.missingField, file: file, field: "\(prefix).\(name)", "required")
                }
                guard let array = value.arrayValue, !array.isEmpty else {
                    throw IdentityConfigurationError(
                        .invalidValue, file: file, field: "\(prefix).\(name)", "must be a non-empty array of strings")
                }
                var result: [String] = []
                for (position, element) in array.enumerated() {
                    guard let text = element.stringValue else {
                        throw IdentityConfigurationError(
                            .invalidValue, file: file, field: "\(prefix).\(name)[\(position)]", "must be a string")
                    }
                    result.append(text)
                }
                return result
            }
            var development = false
            if let value = members["development"] {
                guard let flag = value.boolValue else {
                    throw IdentityConfigurationError(
                        .invalidValue, file: file, field: "\(prefix).development", "must be true or false")
                }
                development = flag
            }
            issuers.append(
                Issuer(
                    issuer: try string("issuer"), audience: try string("audience"), jwks: try string("jwks"),
                    principals: try strings("principals"), algorithms: try strings("algorithms"),
                    development: development))
        }
        return TrustedIssuersFile(issuers: issuers)
    }

    /// Pretty, sorted JSON as `civicseal keys init` writes it.
    package func encoded() -> String {
        (try? JSONValueEncoder().encode(self)).map { JSONWriter.prettyText($0, escaping: .canonical) + "\n" } ?? ""
    }
}

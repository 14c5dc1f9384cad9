/// A trusted-issuers configuration that cannot be used, naming the file and the field
/// (e.g. `Keys/trusted-issuers.json: issuers[0].algorithms[1]: "HS256" is never accepted`).
package struct IdentityConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    package struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        package let rawValue: String
        package init(rawValue: String) { self.rawValue = rawValue }
        package var description: String { rawValue }

        /// The file cannot be read.
        package static let unreadableFile = Code(rawValue: "unreadable-file")
        /// Not strict JSON (syntax, duplicate member names).
        package static let malformedJSON = Code(rawValue: "malformed-json")
        /// A required field is absent.
        package static let missingField = Code(rawValue: "missing-field")
        /// A field of the wrong type, an unknown field, or a value outside what is accepted.
        package static let invalidValue = Code(rawValue: "invalid-value")
        /// Two entries for the same issuer.
        package static let duplicateIssuer = Code(rawValue: "duplicate-issuer")
        /// The JWK set file is not a JWK set, or none of its keys is usable.
        package static let invalidKeySet = Code(rawValue: "invalid-key-set")
    }

    package let code: Code
    /// The file at fault (the configuration file, or the JWK set file it names).
    package let file: String
    /// A path into the file such as `issuers[1].audience`, when one applies.
    package let field: String?
    package let message: String

    package init(_ code: Code, file: String, field: String? = nil, _ message: String) {
        self.code = code
        self.file = file
        self.field = field
        self.message = message
    }

    package var description: String {
        if let field { return "\(file): \(field): \(message)" }
        return "\(file): \(message)"
    }

    package static func == (lhs: IdentityConfigurationError, rhs: IdentityConfigurationError) -> Bool {
        lhs.code == rhs.code && lhs.field == rhs.field
    }
}

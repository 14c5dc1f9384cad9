/// Why a JSON text was refused by ``JSONValue/init(parsing:limits:)``: a stable code, the JSON path of the member
/// where it happened (`request.copies`, `entries[2]`; empty at the top level), the byte offset and a message.
///
/// Errors compare by code only, like swift-certificates' `CertificateError`.
package struct JSONError: Error, Sendable, CustomStringConvertible, Equatable {
    /// A stable, machine-readable reason.
    package struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        package let rawValue: String
        package init(rawValue: String) { self.rawValue = rawValue }
        package var description: String { rawValue }

        /// Not RFC 8259 JSON (syntax, invalid UTF-8, lone surrogate, trailing content).
        package static let malformed = Code(rawValue: "json.malformed")
        /// An object names the same member twice, compared after unescaping (`"copies"` and `"cop\u0069es"`).
        package static let duplicateMember = Code(rawValue: "json.duplicate-member")
        /// Arrays and objects nested deeper than the limit.
        package static let tooDeep = Code(rawValue: "json.too-deep")
        /// The text is longer than the limit.
        package static let tooLarge = Code(rawValue: "json.too-large")
    }

    package let code: Code
    /// The JSON path of the member or element being read: `a.b[2].c`; empty for the top level.
    package let path: String
    /// The byte offset in the input where the problem was found.
    package let offset: Int
    package let message: String

    package init(_ code: Code, path: String = "", offset: Int = 0, _ message: String) {
        self.code = code
        self.path = path
        self.offset = offset
        self.message = message
    }

    package var description: String {
        "\(code): \(message)" + (path.isEmpty ? "" : " at \(path)") + " (byte \(offset))"
    }

    package static func == (lhs: JSONError, rhs: JSONError) -> Bool { lhs.code == rhs.code }
}

/// The bounds every JSON text is read within.
package struct JSONLimits: Sendable, Hashable {
    /// Arrays and objects nested at most this deep.
    package var maximumDepth: Int
    /// Texts at most this many bytes long.
    package var maximumBytes: Int

    package init(maximumDepth: Int = 64, maximumBytes: Int = 1 << 20) {
        self.maximumDepth = maximumDepth
        self.maximumBytes = maximumBytes
    }

    /// 64 levels, 1 MiB: request bodies, tokens, configuration files and templates are all far smaller.
    package static let standard = JSONLimits()
}

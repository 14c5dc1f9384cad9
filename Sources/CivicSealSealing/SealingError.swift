/// The sealer's one error type: a stable code and a message without key material or personal data.
package struct SealingError: Error, Sendable, CustomStringConvertible, Equatable {
    package struct Code: RawRepresentable, Hashable, Sendable {
        package let rawValue: String
        package init(rawValue: String) { self.rawValue = rawValue }
        /// The PDF has no signature placeholder to fill.
        package static let noPlaceholder = Code(rawValue: "sealing.no-placeholder")
        /// The CMS does not fit the reserved `/Contents` space.
        package static let placeholderTooSmall = Code(rawValue: "sealing.placeholder-too-small")
        /// The crypto core refused to sign (key, algorithm).
        package static let signingFailed = Code(rawValue: "sealing.signing-failed")
        /// The timestamp authority gave no usable token, or it could not be embedded.
        package static let timestampFailed = Code(rawValue: "sealing.timestamp-failed")
    }

    package let code: Code
    package let message: String

    package init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    package var description: String { "\(code.rawValue): \(message)" }
    package static func == (lhs: SealingError, rhs: SealingError) -> Bool { lhs.code == rhs.code }
}

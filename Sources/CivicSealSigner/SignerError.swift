/// The signer's one error type: a stable code and a message without key material or personal data.
public struct SignerError: Error, Sendable, CustomStringConvertible, Equatable {
    public struct Code: RawRepresentable, Hashable, Sendable {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The PDF has no signature placeholder to fill.
        public static let noPlaceholder = Code(rawValue: "signer.no-placeholder")
        /// The CMS does not fit the reserved `/Contents` space.
        public static let placeholderTooSmall = Code(rawValue: "signer.placeholder-too-small")
        /// The crypto core refused to sign (key, algorithm).
        public static let signingFailed = Code(rawValue: "signer.signing-failed")
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
    public static func == (lhs: SignerError, rhs: SignerError) -> Bool { lhs.code == rhs.code }
}

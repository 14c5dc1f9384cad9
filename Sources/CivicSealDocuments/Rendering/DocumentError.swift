/// A render that cannot produce a correct document: a stable ``Code`` plus a message for people.
public struct DocumentError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Stable codes; compare errors by code, not by message.
    public enum Code: String, Sendable {
        case templateNotFound = "document.template-not-found"
        case kindMismatch = "document.kind-mismatch"
        /// The content does not fit on the page (e.g. more convictions than the layout holds).
        case contentOverflow = "document.content-overflow"
        case verificationURLTooLong = "document.verification-url-too-long"
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }

    public static func == (lhs: DocumentError, rhs: DocumentError) -> Bool { lhs.code == rhs.code }
}

/// A render that cannot produce a correct document: a stable ``Code`` plus a message for people.
package struct DocumentError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Stable codes; compare errors by code, not by message.
    package enum Code: String, Sendable {
        case templateNotFound = "document.template-not-found"
        case kindMismatch = "document.kind-mismatch"
        /// The content does not fit on the page (e.g. more convictions than the layout holds).
        case contentOverflow = "document.content-overflow"
        case verificationURLTooLong = "document.verification-url-too-long"
    }

    package let code: Code
    package let message: String

    package init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    package var description: String { "\(code.rawValue): \(message)" }

    package static func == (lhs: DocumentError, rhs: DocumentError) -> Bool { lhs.code == rhs.code }
}

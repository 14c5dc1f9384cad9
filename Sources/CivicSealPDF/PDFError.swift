/// The one error type of the PDF subsystem: a stable ``Code`` plus a message for people.
public struct PDFError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Stable codes; compare errors by code, not by message.
    public enum Code: String, Sendable {
        case fontNotFound = "pdf.font-not-found"
        case malformedFont = "pdf.malformed-font"
        case malformedDocument = "pdf.malformed-document"
        case signatureTooLarge = "pdf.signature-too-large"
        case invalidArgument = "pdf.invalid-argument"
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }

    public static func == (lhs: PDFError, rhs: PDFError) -> Bool { lhs.code == rhs.code }
}

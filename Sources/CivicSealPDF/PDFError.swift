/// The one error type of the PDF subsystem: a stable ``Code`` plus a message for people.
package struct PDFError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Stable codes; compare errors by code, not by message.
    package enum Code: String, Sendable {
        case fontNotFound = "pdf.font-not-found"
        case malformedFont = "pdf.malformed-font"
        case malformedDocument = "pdf.malformed-document"
        case signatureTooLarge = "pdf.signature-too-large"
        case invalidArgument = "pdf.invalid-argument"
    }

    package let code: Code
    package let message: String

    package init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    package var description: String { "\(code.rawValue): \(message)" }

    package static func == (lhs: PDFError, rhs: PDFError) -> Bool { lhs.code == rhs.code }
}

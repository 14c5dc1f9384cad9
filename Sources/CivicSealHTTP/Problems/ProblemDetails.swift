/// An RFC 9457 problem document, served as `application/problem+json`.
///
/// `type` is a stable URI per kind of problem (`https://civicseal.invalid/problems/<slug>`) that clients may
/// switch on; `title` is fixed per type; `detail` explains this occurrence without echoing internals.
package struct ProblemDetails: Sendable, Equatable, Codable {
    /// One offending input field of a validation failure.
    package struct FieldError: Sendable, Equatable, Codable {
        /// A JSON pointer or dotted path of the field, e.g. `personal_id`.
        package var field: String
        /// A stable machine-readable code, e.g. `invalid_format`.
        package var code: String
        package var message: String
        package init(field: String, code: String, message: String) {
            self.field = field
            self.code = code
            self.message = message
        }
    }

    package static let typeBase = "https://civicseal.invalid/problems/"

    package var type: String
    package var title: String
    package var status: Int
    package var detail: String?
    package var errors: [FieldError]?

    package init(slug: String, title: String, status: HTTPStatus, detail: String? = nil, errors: [FieldError]? = nil) {
        self.type = ProblemDetails.typeBase + slug
        self.title = title
        self.status = status.code
        self.detail = detail
        self.errors = errors
    }

    /// The generic 500: says nothing about what went wrong.
    package static let internalError = ProblemDetails(
        slug: "internal-error", title: "Internal Server Error", status: .internalServerError,
        detail: "The server could not complete the request.")

    package static func notFound(detail: String = "No resource exists at this path.") -> ProblemDetails {
        ProblemDetails(slug: "not-found", title: "Not Found", status: .notFound, detail: detail)
    }

    package static func validationFailed(_ errors: [FieldError], detail: String = "The request is invalid.")
        -> ProblemDetails
    {
        ProblemDetails(
            slug: "validation-failed", title: "Validation Failed", status: .unprocessableContent, detail: detail,
            errors: errors)
    }

    /// The document for a parser refusal.
    package init(_ error: HTTPParserError) {
        self.init(
            slug: error.problemSlug, title: error.status.reasonPhrase, status: error.status, detail: error.detail)
    }

    /// The JSON encoding, members in a fixed order.
    package var jsonBytes: [UInt8] {
        var json = "{\"type\":\(JSONText.quoted(type)),\"title\":\(JSONText.quoted(title)),\"status\":\(status)"
        if let detail { json += ",\"detail\":\(JSONText.quoted(detail))" }
        if let errors {
            json += ",\"errors\":["
            json += errors.map {
                "{\"field\":\(JSONText.quoted($0.field)),\"code\":\(JSONText.quoted($0.code)),"
                    + "\"message\":\(JSONText.quoted($0.message))}"
            }.joined(separator: ",")
            json += "]"
        }
        json += "}"
        return Array(json.utf8)
    }
}

/// An error that knows how it should look over HTTP. Domain errors adopt it at the edge; any other error a
/// handler throws becomes ``ProblemDetails/internalError``.
package protocol HTTPProblemConvertible: Error {
    var problem: ProblemDetails { get }
    /// Extra response fields (e.g. `WWW-Authenticate` for 401). Empty by default.
    var problemHeaders: HTTPHeaders { get }
}

extension HTTPProblemConvertible {
    package var problemHeaders: HTTPHeaders { [:] }
}

extension HTTPResponse {
    /// An `application/problem+json` response with the problem's status.
    package static func problem(_ problem: ProblemDetails, headers: HTTPHeaders = [:]) -> HTTPResponse {
        var response = HTTPResponse(status: HTTPStatus(code: problem.status), headers: headers, body: problem.jsonBytes)
        response.headers.replaceOrAdd(name: "Content-Type", value: "application/problem+json")
        return response
    }

    /// The response for an error a handler threw: its own problem if it has one, otherwise a generic 500.
    package init(error: any Error) {
        if let convertible = error as? any HTTPProblemConvertible {
            self = .problem(convertible.problem, headers: convertible.problemHeaders)
        } else {
            self = .problem(.internalError)
        }
    }
}

/// Minimal JSON string encoding for the few documents this module writes by hand.
/// JSON string literals (RFC 8259 §7), for the server's own bodies and the API's hand-written JSON.
package enum JSONText {
    /// `text` as a quoted JSON string; see ``appendQuoted(_:to:)``.
    package static func quoted(_ text: String) -> String {
        var bytes: [UInt8] = []
        appendQuoted(text, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `text` as a JSON string (RFC 8259 §7): quotes, backslashes and controls escaped, and DEL, U+2028 and U+2029
    /// too, so the value is also safe inside a `<script>` or a log viewer. Everything else is copied as UTF-8.
    package static func appendQuoted(_ text: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        var utf8 = text.utf8.makeIterator()
        while let byte = utf8.next() {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0..<0x20, 0x7F: appendUnicodeEscape(UInt32(byte), to: &bytes)
            case 0xE2:
                // U+2028 and U+2029 are E2 80 A8 and E2 80 A9.
                guard let second = utf8.next() else {
                    bytes.append(byte)
                    continue
                }
                guard second == 0x80, let third = utf8.next() else {
                    bytes.append(contentsOf: [byte, second])
                    continue
                }
                if third == 0xA8 || third == 0xA9 {
                    appendUnicodeEscape(third == 0xA8 ? 0x2028 : 0x2029, to: &bytes)
                } else {
                    bytes.append(contentsOf: [byte, second, third])
                }
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private static func appendUnicodeEscape(_ value: UInt32, to bytes: inout [UInt8]) {
        let digits = Array("0123456789abcdef".utf8)
        bytes.append(contentsOf: [0x5C, UInt8(ascii: "u")])
        for shift in stride(from: 12, through: 0, by: -4) { bytes.append(digits[Int((value >> UInt32(shift)) & 0xF)]) }
    }
}

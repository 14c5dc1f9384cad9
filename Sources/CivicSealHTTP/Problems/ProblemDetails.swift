import CivicSealJSON

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
        var writer = JSONWriter(escaping: .web, capacity: 256)
        writer.beginObject()
        writer.key("type")
        writer.string(type)
        writer.key("title")
        writer.string(title)
        writer.key("status")
        writer.int(status)
        if let detail {
            writer.key("detail")
            writer.string(detail)
        }
        if let errors {
            writer.key("errors")
            writer.beginArray()
            for error in errors {
                writer.beginObject()
                writer.key("field")
                writer.string(error.field)
                writer.key("code")
                writer.string(error.code)
                writer.key("message")
                writer.string(error.message)
                writer.endObject()
            }
            writer.endArray()
        }
        writer.endObject()
        return writer.bytes
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

import Foundation

/// `application/x-www-form-urlencoded` query strings, strictly: each allowed name at most once. The API and the
/// pages read their queries with it.
package enum QueryString {
    /// The query's values by name; a malformed escape, an unknown name or a name given twice is a ``Failure``.
    package static func parse(_ query: Substring?, allowed: Set<String>) throws(Failure) -> [String: String] {
        guard let query, !query.isEmpty else { return [:] }
        var values: [String: String] = [:]
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = decode(parts[0]), let value = decode(parts.count > 1 ? parts[1] : "") else {
                throw Failure(field: "query", code: "query.malformed", "the query string is not valid percent-encoding")
            }
            guard allowed.contains(name) else {
                throw Failure(field: name, code: "query.unknown", "unknown query parameter \(name)")
            }
            guard values[name] == nil else {
                throw Failure(field: name, code: "query.duplicate", "query parameter \(name) given twice")
            }
            values[name] = value
        }
        return values
    }

    private static func decode(_ text: Substring) -> String? {
        String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }

    /// Why a query string was refused: the parameter (`query` when the whole string is malformed), a stable code
    /// (`query.malformed`, `query.unknown`, `query.duplicate`) and a message. As a problem: 400 `malformed-body`.
    package struct Failure: Error, Sendable, Equatable, HTTPProblemConvertible {
        package let field: String
        package let code: String
        package let message: String

        package init(field: String, code: String, _ message: String) {
            self.field = field
            self.code = code
            self.message = message
        }

        package var problem: ProblemDetails {
            ProblemDetails(
                slug: "malformed-body", title: "The request is malformed", status: HTTPStatus(code: 400),
                detail: message, errors: [.init(field: field, code: code, message: message)])
        }
    }
}

/// Dispatches requests by method and path pattern. Build it with ``Builder``; once built it is immutable.
///
/// Patterns are absolute paths whose segments are literals or `{name}` parameters (`/v1/requests/{id}`).
/// When several patterns match, the one with more literal segments wins, compared left to right
/// (`/v1/requests/mine` beats `/v1/requests/{id}`). A path no pattern matches gets 404; a path some pattern
/// matches with another method gets 405 and `Allow` (RFC 9110 §15.5.6). HEAD is served by the GET handler
/// when no HEAD route exists (the server then drops the body).
package struct HTTPRouter: HTTPResponder {
    package typealias Handler = @Sendable (HTTPRequest, RequestContext) async throws -> HTTPResponse
    /// A handler that never suspends; the event loop may run it on its own thread (see
    /// ``HTTPResponder/respondInline(to:context:)``).
    package typealias InlineHandler = @Sendable (HTTPRequest, RequestContext) throws -> HTTPResponse
    /// An inline fast path that answers from memory or returns nil to send the request to the async handler.
    package typealias InlineFastPath = @Sendable (HTTPRequest, RequestContext) throws -> HTTPResponse?
    /// Answers a request no route serves with its method: `allowed` is empty for an unknown path (404), else the
    /// methods the path does serve (405). Returning nil keeps the router's problem+json answer.
    package typealias Fallback = @Sendable (HTTPRequest, RequestContext, _ allowed: [HTTPMethod]) async -> HTTPResponse?

    /// One method + pattern pair, as listed by ``routes`` (the API layer compares them with its OpenAPI document).
    package struct Route: Sendable, Hashable, CustomStringConvertible {
        package let method: HTTPMethod
        package let pattern: String
        package var description: String { "\(method) \(pattern)" }
    }

    private enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
    }

    private struct Entry: Sendable {
        let route: Route
        let segments: [Segment]
        let handler: Handler
        let inline: InlineFastPath?
    }

    package enum BuildError: Error, Equatable, CustomStringConvertible {
        case invalidPattern(String)
        case duplicateRoute(Route)
        package var description: String {
            switch self {
            case .invalidPattern(let pattern): "invalid route pattern \(pattern)"
            case .duplicateRoute(let route): "route \(route) is registered twice"
            }
        }
    }

    /// Collects routes; ``build()`` validates them and freezes the router.
    package struct Builder {
        private var entries: [Entry] = []
        private var errors: [BuildError] = []
        private var fallback: Fallback?
        package init() {}

        /// Sets the answer for unknown paths and wrong methods (e.g. HTML pages in the visitor's language for the
        /// site's paths); the API's paths keep problem+json by returning nil.
        package mutating func fallback(_ handler: @escaping Fallback) { fallback = handler }

        package mutating func add(_ method: HTTPMethod, _ pattern: String, handler: @escaping Handler) {
            add(method, pattern, handler: handler, inline: nil)
        }

        /// Registers a short, non-suspending handler that the event loop runs inline (the async path runs it too).
        package mutating func addInline(_ method: HTTPMethod, _ pattern: String, handler: @escaping InlineHandler) {
            add(
                method, pattern, handler: { request, context in try handler(request, context) },
                inline: { try handler($0, $1) })
        }

        /// Registers a route the event loop first tries with `inline` (memory only, e.g. a cached answer); when that
        /// returns nil, `handler` runs on the handler threads (where blocking work belongs).
        package mutating func addInline(
            _ method: HTTPMethod, _ pattern: String, inline: @escaping InlineFastPath, handler: @escaping Handler
        ) {
            add(method, pattern, handler: handler, inline: inline)
        }

        private mutating func add(
            _ method: HTTPMethod, _ pattern: String, handler: @escaping Handler, inline: InlineFastPath?
        ) {
            guard let segments = HTTPRouter.parsePattern(pattern) else {
                errors.append(.invalidPattern(pattern))
                return
            }
            let route = Route(method: method, pattern: pattern)
            // `/a/{x}` and `/a/{y}` are the same route: parameters compare as wildcards.
            let shape = segments.map { if case .literal(let text) = $0 { text } else { "{}" } }
            if entries.contains(where: {
                $0.route.method == method
                    && $0.segments.map { if case .literal(let text) = $0 { text } else { "{}" } } == shape
            }) {
                errors.append(.duplicateRoute(route))
                return
            }
            entries.append(Entry(route: route, segments: segments, handler: handler, inline: inline))
        }

        package mutating func get(_ pattern: String, handler: @escaping Handler) {
            add(.get, pattern, handler: handler)
        }
        package mutating func post(_ pattern: String, handler: @escaping Handler) {
            add(.post, pattern, handler: handler)
        }

        package func build() throws -> HTTPRouter {
            if let first = errors.first { throw first }
            return HTTPRouter(entries: entries, fallback: fallback)
        }
    }

    private let entries: [Entry]
    private let fallback: Fallback?

    private init(entries: [Entry], fallback: Fallback?) {
        self.fallback = fallback
        // Most specific first: compare literal-ness segment by segment.
        self.entries = entries.sorted { left, right in
            for (a, b) in zip(left.segments, right.segments) {
                switch (a, b) {
                case (.literal, .parameter): return true
                case (.parameter, .literal): return false
                default: continue
                }
            }
            return false
        }
    }

    /// Every registered route, in registration-independent specificity order.
    package var routes: [Route] { entries.map(\.route) }

    /// The routes whose handlers the event loops run inline (see ``Builder/addInline(_:_:handler:)``): these must
    /// never block (no database, PDF or signature work), or every connection of that loop waits.
    package var inlineRoutes: [Route] { entries.filter { $0.inline != nil }.map(\.route) }

    package func respond(to request: HTTPRequest, context: RequestContext) async -> HTTPResponse {
        let path = request.path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        var allowed: [HTTPMethod] = []
        var getMatch: (Entry, [String: String])?
        for entry in entries {
            guard let parameters = match(entry.segments, path) else { continue }
            if entry.route.method == request.method {
                return await run(entry, parameters, request, context)
            }
            if entry.route.method == .get && getMatch == nil { getMatch = (entry, parameters) }
            if !allowed.contains(entry.route.method) { allowed.append(entry.route.method) }
        }
        if request.method == .head, let (entry, parameters) = getMatch {
            return await run(entry, parameters, request, context)
        }
        if let fallback, let response = await fallback(request, context, allowed) { return response }
        if allowed.isEmpty {
            return .problem(.notFound())
        }
        if allowed.contains(.get) && !allowed.contains(.head) { allowed.append(.head) }
        let problem = ProblemDetails(
            slug: "method-not-allowed", title: "Method Not Allowed", status: .methodNotAllowed,
            detail: "This resource does not support the method.")
        return .problem(problem, headers: ["Allow": allowed.map(\.rawValue).joined(separator: ", ")])
    }

    /// Runs the matching route's inline handler, if it has one; nil sends the request down the async path.
    package func respondInline(to request: HTTPRequest, context: RequestContext) -> HTTPResponse? {
        let path = request.path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        for entry in entries where entry.route.method == request.method {
            guard let parameters = match(entry.segments, path) else { continue }
            guard let inline = entry.inline else { return nil }
            var context = context
            context.route = entry.route.pattern
            context.parameters = parameters
            var response: HTTPResponse
            do {
                guard let answer = try inline(request, context) else { return nil }
                response = answer
            } catch {
                response = HTTPResponse(error: error)
            }
            response.route = entry.route.pattern
            return response
        }
        return nil
    }

    private func run(_ entry: Entry, _ parameters: [String: String], _ request: HTTPRequest, _ context: RequestContext)
        async -> HTTPResponse
    {
        var context = context
        context.route = entry.route.pattern
        context.parameters = parameters
        var response: HTTPResponse
        do {
            response = try await entry.handler(request, context)
        } catch {
            response = HTTPResponse(error: error)
        }
        response.route = entry.route.pattern
        return response
    }

    private func match(_ segments: [Segment], _ path: ArraySlice<Substring>) -> [String: String]? {
        guard segments.count == path.count else { return nil }
        var parameters: [String: String] = [:]
        for (segment, component) in zip(segments, path) {
            switch segment {
            case .literal(let literal):
                guard component == literal else { return nil }
            case .parameter(let name):
                guard !component.isEmpty, let decoded = HTTPRouter.percentDecode(component) else { return nil }
                parameters[name] = decoded
            }
        }
        return parameters
    }

    private static func parsePattern(_ pattern: String) -> [Segment]? {
        guard pattern.hasPrefix("/") else { return nil }
        var names = Set<String>()
        var segments: [Segment] = []
        for component in pattern.split(separator: "/", omittingEmptySubsequences: false).dropFirst() {
            if component.hasPrefix("{") && component.hasSuffix("}") {
                let name = String(component.dropFirst().dropLast())
                guard !name.isEmpty, !name.contains("{"), !name.contains("}"), names.insert(name).inserted else {
                    return nil
                }
                segments.append(.parameter(name))
            } else {
                guard !component.contains("{"), !component.contains("}"), !component.contains("?") else { return nil }
                segments.append(.literal(String(component)))
            }
        }
        return segments
    }

    /// Percent-decoding of one path segment; nil for malformed escapes or invalid UTF-8.
    static func percentDecode(_ text: Substring) -> String? {
        guard text.contains("%") else { return String(text) }
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = iterator.next(), let low = iterator.next(),
                    let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
                else { return nil }
                bytes.append(value)
            } else {
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }
}

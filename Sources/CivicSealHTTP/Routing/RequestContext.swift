/// What the server knows about a request beyond its bytes, handed to every handler.
public struct RequestContext: Sendable {
    /// 128 random bits as 32 lowercase hex digits; appears in the access log.
    public let requestID: String
    /// When the request was dispatched, on the server's clock.
    public let startTime: MonotonicInstant
    /// The peer as `address:port` (IPv6 in brackets).
    public let remoteAddress: String
    public let limits: HTTPServerConfiguration.Limits
    /// The matched route pattern, e.g. `/v1/requests/{id}`; nil before routing or when nothing matched.
    public internal(set) var route: String?
    /// Values of the route's `{param}` segments, percent-decoded.
    public internal(set) var parameters: [String: String]

    public init(
        requestID: String = RequestContext.makeRequestID(), startTime: MonotonicInstant,
        remoteAddress: String = "", limits: HTTPServerConfiguration.Limits = .init()
    ) {
        self.requestID = requestID
        self.startTime = startTime
        self.remoteAddress = remoteAddress
        self.limits = limits
        self.route = nil
        self.parameters = [:]
    }

    /// The value of route parameter `name`.
    public func parameter(_ name: String) -> String? { parameters[name] }

    /// A fresh 128-bit id from the system CSPRNG (`getrandom(2)` behind `SystemRandomNumberGenerator`).
    public static func makeRequestID() -> String {
        var generator = SystemRandomNumberGenerator()
        return hex(generator.next()) + hex(generator.next())
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}

/// Anything that answers requests. The server calls it from a task, never on an event-loop thread.
public protocol HTTPResponder: Sendable {
    func respond(to request: HTTPRequest, context: RequestContext) async -> HTTPResponse
    /// A response computed without suspending, on the event loop's own thread, or nil to take the async path.
    /// Only for short work: it holds up the other connections of that loop while it runs.
    func respondInline(to request: HTTPRequest, context: RequestContext) -> HTTPResponse?
}

extension HTTPResponder {
    public func respondInline(to request: HTTPRequest, context: RequestContext) -> HTTPResponse? { nil }
}

/// A responder from a closure.
public struct ClosureResponder: HTTPResponder {
    private let body: @Sendable (HTTPRequest, RequestContext) async -> HTTPResponse
    public init(_ body: @escaping @Sendable (HTTPRequest, RequestContext) async -> HTTPResponse) { self.body = body }
    public func respond(to request: HTTPRequest, context: RequestContext) async -> HTTPResponse {
        await body(request, context)
    }
}

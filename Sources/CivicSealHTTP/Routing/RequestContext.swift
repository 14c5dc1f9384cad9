internal import CCivicSealSystem
internal import Glibc
import Synchronization

/// What the server knows about a request beyond its bytes, handed to every handler.
package struct RequestContext: Sendable {
    /// 128 random bits as 32 lowercase hex digits; appears in the access log.
    package let requestID: String
    /// When the request was dispatched, on the server's clock.
    package let startTime: MonotonicInstant
    /// The TCP peer as `address:port` (IPv6 in brackets).
    package let remoteAddress: String
    /// The client: the TCP peer, or the address a trusted proxy forwarded (see
    /// ``HTTPServerConfiguration/trustedProxies``). Per-client limits and the access log use this.
    package let clientAddress: IPAddress
    package let limits: HTTPServerConfiguration.Limits
    /// The matched route pattern, e.g. `/v1/requests/{id}`; nil before routing or when nothing matched.
    package internal(set) var route: String?
    /// Values of the route's `{param}` segments, percent-decoded.
    package internal(set) var parameters: [String: String]

    package init(
        requestID: String = RequestContext.makeRequestID(), startTime: MonotonicInstant,
        remoteAddress: String = "", clientAddress: IPAddress? = nil, limits: HTTPServerConfiguration.Limits = .init()
    ) {
        self.requestID = requestID
        self.startTime = startTime
        self.remoteAddress = remoteAddress
        self.clientAddress = clientAddress ?? IPAddress(socketAddress: remoteAddress) ?? .unspecified
        self.limits = limits
        self.route = nil
        self.parameters = [:]
    }

    /// The value of route parameter `name`.
    package func parameter(_ name: String) -> String? { parameters[name] }

    /// A fresh 128-bit id from the kernel's CSPRNG, as 32 lowercase hex digits.
    package static func makeRequestID() -> String {
        let random = randomPool.withLock { $0.next16() }
        return String(unsafeUninitializedCapacity: 32) { output in
            for index in 0..<16 {
                output[2 * index] = hexDigits[Int(random[index] >> 4)]
                output[2 * index + 1] = hexDigits[Int(random[index] & 0x0f)]
            }
            return 32
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
    private static let randomPool = Mutex(RandomPool())

    /// `getrandom(2)` output fetched 4 KiB at a time: one system call per 256 ids instead of two per id (it was
    /// 5 % of the server's time on `/healthz`). The bytes are the kernel's CSPRNG output either way.
    private struct RandomPool {
        private var bytes = [UInt8](repeating: 0, count: 4_096)
        private var offset = 4_096

        mutating func next16() -> [UInt8] {
            if offset + 16 > bytes.count {
                var filled = 0
                while filled < bytes.count {
                    let count = bytes.withUnsafeMutableBytes {
                        civicseal_random_bytes($0.baseAddress! + filled, UInt($0.count - filled))
                    }
                    if count > 0 {
                        filled += count
                    } else if errno != EINTR {
                        // getrandom cannot fail on Linux ≥ 3.17 with a valid buffer; keep ids unique regardless.
                        var generator = SystemRandomNumberGenerator()
                        for index in filled..<bytes.count { bytes[index] = generator.next() }
                        filled = bytes.count
                    }
                }
                offset = 0
            }
            defer { offset += 16 }
            return Array(bytes[offset..<offset + 16])
        }
    }
}

/// Anything that answers requests. The server calls it from a task, never on an event-loop thread.
package protocol HTTPResponder: Sendable {
    func respond(to request: HTTPRequest, context: RequestContext) async -> HTTPResponse
    /// A response computed without suspending, on the event loop's own thread, or nil to take the async path.
    /// Only for short work: it holds up the other connections of that loop while it runs.
    func respondInline(to request: HTTPRequest, context: RequestContext) -> HTTPResponse?
}

extension HTTPResponder {
    package func respondInline(to request: HTTPRequest, context: RequestContext) -> HTTPResponse? { nil }
}

/// A responder from a closure.
package struct ClosureResponder: HTTPResponder {
    private let body: @Sendable (HTTPRequest, RequestContext) async -> HTTPResponse
    package init(_ body: @escaping @Sendable (HTTPRequest, RequestContext) async -> HTTPResponse) { self.body = body }
    package func respond(to request: HTTPRequest, context: RequestContext) async -> HTTPResponse {
        await body(request, context)
    }
}

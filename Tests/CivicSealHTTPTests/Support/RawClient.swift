import CivicSealHTTP
import CivicSealTestSupport
import Foundation
import Synchronization

/// A response as read off a raw socket.
struct RawResponse: Sendable {
    var status: Int
    var head: String
    var headers: [(String, String)]
    var body: [UInt8]
    func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
    var text: String { String(decoding: body, as: UTF8.self) }
}

struct ClientError: Error, CustomStringConvertible {
    let description: String
}

/// How a read to the end of a connection ended.
enum StreamEnd: Sendable, Equatable {
    /// The server closed the connection (EOF): what a test of a closing server expects.
    case closed
    /// The server reset the connection (it closed with our data unread, or aborted).
    case reset
    /// Nothing came within the client's timeout: the server kept the connection open.
    case timedOut
}

/// A TCP client for 127.0.0.1 whose every read and write times out, so no test can hang. Reads block a
/// dedicated thread, never the cooperative pool (which the server's handlers need to answer them).
final class RawClient: @unchecked Sendable {
    // @unchecked Sendable: one test drives one client, one call at a time.
    let fd: Int32
    private var buffer: [UInt8] = []

    /// - Parameters:
    ///   - timeout: only a guard against a hung test (never a timing assertion), so generous.
    ///   - source: the local address to connect from (any of 127.0.0.0/8 is loopback): acts as another client.
    ///   - receiveBuffer: a small `SO_RCVBUF`, for a client that reads slowly or not at all.
    init(port: Int, timeout: Double = 30, source: String? = nil, receiveBuffer: Int32? = nil) throws {
        // The descriptor is stored only once connected: a class whose initializer throws after every stored
        // property is set still runs its deinit, which would close the descriptor a second time — by then possibly
        // another test's socket (seen as "recv failed … errno 9" or an empty read elsewhere in the suite).
        do {
            fd = try LoopbackSocket.connect(port: port, timeout: timeout, source: source, receiveBuffer: receiveBuffer)
        } catch {
            throw ClientError(description: error.description)
        }
    }

    deinit { close(fd) }

    /// Whether a TCP connection to `port` is refused right now.
    static func isRefused(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        return LoopbackSocket.connect(fd, port: port) != 0 && errno == ECONNREFUSED
    }

    func send(_ text: String) throws { try send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            }
            guard sent > 0 else { throw ClientError(description: "send failed: errno \(errno)") }
            offset += sent
        }
    }

    /// Reads more bytes; false on EOF, throws on timeout or error.
    private func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = recv(fd, &chunk, chunk.count, 0)
        if count == 0 { return false }
        guard count > 0 else { throw ClientError(description: "recv failed or timed out: errno \(errno)") }
        buffer += chunk[0..<count]
        return true
    }

    /// Reads one response framed by Content-Length (the server never sends chunked responses).
    func readResponse(headRequest: Bool = false) async throws -> RawResponse {
        try await offPool { try self.readResponseBlocking(headRequest: headRequest) }
    }

    func readsEndOfStream() async -> Bool { (try? await offPool { self.readsEndOfStreamBlocking() }) ?? false }

    /// Everything until the connection ends, and how it ended (EOF, reset or the client's timeout).
    func readToEnd() async -> (bytes: [UInt8], end: StreamEnd) {
        (try? await offPool { self.readToEndBlocking() }) ?? ([], .timedOut)
    }

    private func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
        }
    }

    private func readResponseBlocking(headRequest: Bool) throws -> RawResponse {
        let separator: [UInt8] = [13, 10, 13, 10]
        while true {
            if let end = buffer.firstRange(of: separator) {
                let head = String(decoding: buffer[..<end.lowerBound], as: UTF8.self)
                var lines = head.components(separatedBy: "\r\n")
                let statusLine = lines.removeFirst()
                let parts = statusLine.split(separator: " ")
                guard parts.count >= 2, let status = Int(parts[1]) else {
                    throw ClientError(description: "bad status line \(statusLine)")
                }
                let headers = lines.map { line -> (String, String) in
                    let colon = line.firstIndex(of: ":")!
                    return (
                        String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                    )
                }
                let length =
                    headRequest ? 0 : Int(headers.first { $0.0.lowercased() == "content-length" }?.1 ?? "0") ?? 0
                let bodyStart = end.upperBound
                while buffer.count < bodyStart + length {
                    guard try fill() else { throw ClientError(description: "EOF inside a body") }
                }
                let body = Array(buffer[bodyStart..<bodyStart + length])
                buffer.removeSubrange(0..<bodyStart + length)
                if status == 100 { continue }
                return RawResponse(status: status, head: head, headers: headers, body: body)
            }
            guard try fill() else { throw ClientError(description: "EOF before a response") }
        }
    }

    /// True when the server closes the connection (EOF) with nothing more to read.
    private func readsEndOfStreamBlocking() -> Bool {
        guard buffer.isEmpty else { return false }
        return (try? fill()) == false
    }

    private func readToEndBlocking() -> (bytes: [UInt8], end: StreamEnd) {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = recv(fd, &chunk, chunk.count, 0)
            if count > 0 {
                buffer += chunk[0..<count]
                continue
            }
            let error = errno
            if count < 0 && error == EINTR { continue }
            let bytes = buffer
            buffer.removeAll()
            if count == 0 { return (bytes, .closed) }
            return (bytes, error == EAGAIN || error == EWOULDBLOCK ? .timedOut : .reset)
        }
    }
}

/// A clock the test moves by hand.
final class ManualClock: HTTPClock {
    private let current = Mutex<UInt64>(1_000_000_000)
    func now() -> MonotonicInstant { MonotonicInstant(nanoseconds: current.withLock { $0 }) }
    func advance(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        current.withLock { $0 += UInt64(seconds) * 1_000_000_000 + UInt64(attoseconds / 1_000_000_000) }
    }
}

/// Starts a server on 127.0.0.1, port 0, runs `body`, and always shuts the server down.
func withServer(
    _ configure: (inout HTTPServerConfiguration) -> Void = { _ in },
    responder: some HTTPResponder,
    clock: some HTTPClock = SystemHTTPClock(),
    logSink: some HTTPLogSink = DiscardingLogSink(),
    metrics: MetricsRegistry? = nil,
    _ body: (HTTPServer) async throws -> Void
) async throws {
    var configuration = HTTPServerConfiguration(host: "127.0.0.1", port: 0)
    if clock is SystemHTTPClock {
        // On the real clock the server's own deadlines are hang guards here, never what a test measures: a busy
        // machine can keep a test from sending on a connection it opened for more than the 10 s header deadline
        // (CI saw a silently closed fresh connection read as "EOF before a response"). A test of a deadline sets it.
        configuration.timeouts.header = .seconds(600)
        configuration.timeouts.idle = .seconds(600)
    }
    configure(&configuration)
    let server = HTTPServer(
        configuration: configuration, responder: responder, clock: clock, logSink: logSink, metrics: metrics)
    try server.start()
    do {
        try await body(server)
    } catch {
        await server.shutdown(deadline: .seconds(1))
        throw error
    }
    await server.shutdown(deadline: .seconds(1))
}

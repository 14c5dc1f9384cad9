import CivicSealHTTP
import Testing

/// One row of the framing matrix: raw request bytes and what a client must observe.
struct FramingCase: Sendable, CustomTestStringConvertible {
    let name: String
    let bytes: [UInt8]
    /// Statuses of the responses, in order (each dispatched request is answered 200 by the driver).
    let statuses: [Int]
    let closes: Bool
    var limits = HTTPServerConfiguration.Limits()

    init(
        _ name: String, _ text: String, _ statuses: [Int], closes: Bool,
        limits: HTTPServerConfiguration.Limits = .init()
    ) {
        self.name = name
        self.bytes = Array(text.utf8)
        self.statuses = statuses
        self.closes = closes
        self.limits = limits
    }

    init(_ name: String, bytes: [UInt8], _ statuses: [Int], closes: Bool) {
        self.name = name
        self.bytes = bytes
        self.statuses = statuses
        self.closes = closes
    }

    var testDescription: String { name }
}

/// What a client would see from a connection fed `bytes`.
struct Outcome: Equatable {
    var statuses: [Int] = []
    var closed = false
    var requests: [HTTPRequest] = []
    var continues = 0
    var closingFlags: [Bool] = []
}

let origin = MonotonicInstant(nanoseconds: 1_000_000_000)

/// Feeds `bytes` in pieces of `chunkSize` and answers every dispatched request with 200 at once.
func drive(
    _ bytes: [UInt8], chunkSize: Int = .max, limits: HTTPServerConfiguration.Limits = .init(),
    peerCloses: Bool = false
) -> Outcome {
    var machine = HTTPConnectionStateMachine(limits: limits, now: origin)
    var outcome = Outcome()
    func handle(_ actions: [HTTPConnectionStateMachine.Action]) {
        var pending = actions
        while !pending.isEmpty {
            let action = pending.removeFirst()
            switch action {
            case .dispatch(let request):
                outcome.requests.append(request)
                pending += machine.responseReady(.text("ok"), now: origin)
            case .send(let response):
                outcome.statuses.append(response.response.status.code)
                outcome.closingFlags.append(response.closing)
            case .sendContinue:
                outcome.continues += 1
            case .close, .abort:
                outcome.closed = true
            }
        }
    }
    var index = 0
    while index < bytes.count {
        let end = min(bytes.count, index + min(chunkSize, bytes.count))
        handle(machine.bytesReceived(bytes[index..<end], now: origin))
        index = end
    }
    if peerCloses { handle(machine.peerClosed(now: origin)) }
    return outcome
}

private func limits(body: Int) -> HTTPServerConfiguration.Limits {
    var limits = HTTPServerConfiguration.Limits()
    limits.maximumBodySize = body
    return limits
}

let framingMatrix: [FramingCase] = [
    // Valid framing.
    FramingCase("GET with Host", "GET / HTTP/1.1\r\nHost: a\r\n\r\n", [200], closes: false),
    FramingCase(
        "Content-Length body", "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello", [200], closes: false),
    FramingCase(
        "chunked with extensions and trailers",
        "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;name=value\r\nhello\r\n6 ; x=\"y\"\r\n "
            + "world\r\n0\r\nChecksum: abc\r\n\r\n",
        [200], closes: false),
    FramingCase(
        "chunked coding name is case-insensitive",
        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\n0\r\n\r\n", [200], closes: false),
    FramingCase(
        "three pipelined requests",
        "GET /1 HTTP/1.1\r\nHost: a\r\n\r\nPOST /2 HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhiGET /3 "
            + "HTTP/1.1\r\nHost: a\r\n\r\n",
        [200, 200, 200], closes: false),
    FramingCase("HTTP/1.0 closes by default", "GET / HTTP/1.0\r\n\r\n", [200], closes: true),
    FramingCase("HTTP/1.0 keep-alive", "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", [200], closes: false),
    FramingCase(
        "HTTP/1.1 Connection: close", "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", [200], closes: true),
    FramingCase(
        "identical duplicate Content-Length lines fold",
        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc", [200], closes: false),
    FramingCase(
        "identical Content-Length list folds", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 3\r\n\r\nabc", [200],
        closes: false),
    FramingCase(
        "empty line before request line is ignored", "\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", [200], closes: false),
    FramingCase(
        "absolute-form target", "GET http://example.com/a?b HTTP/1.1\r\nHost: other\r\n\r\n", [200], closes: false),
    FramingCase("asterisk-form for OPTIONS", "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n", [200], closes: false),
    FramingCase(
        "obs-text in a value",
        bytes: Array("GET / HTTP/1.1\r\nHost: a\r\nX: caf".utf8) + [0xC3, 0xA9] + Array("\r\n\r\n".utf8), [200],
        closes: false),
    FramingCase("HTAB inside a value", "GET / HTTP/1.1\r\nHost: a\r\nX: a\tb\r\n\r\n", [200], closes: false),
    FramingCase("empty Host for HTTP/1.1", "GET / HTTP/1.1\r\nHost:\r\n\r\n", [200], closes: false),

    // Ambiguous framing.
    FramingCase(
        "Transfer-Encoding with Content-Length",
        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", [400],
        closes: true),
    FramingCase(
        "differing duplicate Content-Length",
        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", [400], closes: true),
    FramingCase(
        "differing Content-Length list", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 4\r\n\r\nabcd", [400],
        closes: true),
    FramingCase(
        "Content-Length not digits", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: abc\r\n\r\n", [400], closes: true),
    FramingCase(
        "Content-Length negative", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", [400], closes: true),
    FramingCase(
        "Content-Length with plus sign", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +5\r\n\r\nhello", [400],
        closes: true),
    FramingCase("Content-Length empty", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length:\r\n\r\n", [400], closes: true),
    FramingCase(
        "Content-Length hexadecimal", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0x5\r\n\r\nhello", [400],
        closes: true),
    FramingCase(
        "transfer coding before chunked is not implemented",
        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", [501], closes: true),
    FramingCase(
        "chunked not final", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n", [400],
        closes: true),
    FramingCase(
        "identity transfer coding", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: identity\r\n\r\n", [400],
        closes: true),
    FramingCase("gzip alone", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n", [400], closes: true),
    FramingCase(
        "chunked twice",
        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        [400], closes: true),
    FramingCase(
        "Transfer-Encoding in HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", [400],
        closes: true),

    // Line syntax.
    FramingCase("obs-fold", "GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n b\r\n\r\n", [400], closes: true),
    FramingCase("obs-fold with HTAB", "GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n\tb\r\n\r\n", [400], closes: true),
    FramingCase("bare LF line endings", "GET / HTTP/1.1\nHost: a\n\n", [400], closes: true),
    FramingCase("bare LF after a header", "GET / HTTP/1.1\r\nHost: a\n\r\n", [400], closes: true),
    FramingCase("bare CR inside a value", "GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n", [400], closes: true),
    FramingCase("bare CR in the request line", "GET /\r HTTP/1.1\r\nHost: a\r\n\r\n", [400], closes: true),
    FramingCase("invalid byte in field name", "GET / HTTP/1.1\r\nHost: a\r\nX(y): z\r\n\r\n", [400], closes: true),
    FramingCase("space inside field name", "GET / HTTP/1.1\r\nHost: a\r\nX y: z\r\n\r\n", [400], closes: true),
    FramingCase("empty field name", "GET / HTTP/1.1\r\nHost: a\r\n: z\r\n\r\n", [400], closes: true),
    FramingCase("line without colon", "GET / HTTP/1.1\r\nHost: a\r\nnocolon\r\n\r\n", [400], closes: true),
    FramingCase("whitespace between name and colon", "GET / HTTP/1.1\r\nHost : a\r\n\r\n", [400], closes: true),
    FramingCase(
        "NUL in a value", bytes: Array("GET / HTTP/1.1\r\nHost: a\r\nX: a".utf8) + [0] + Array("b\r\n\r\n".utf8), [400],
        closes: true),
    FramingCase(
        "control byte in a value",
        bytes: Array("GET / HTTP/1.1\r\nHost: a\r\nX: a".utf8) + [1] + Array("\r\n\r\n".utf8), [400], closes: true),
    FramingCase(
        "DEL in a value", bytes: Array("GET / HTTP/1.1\r\nHost: a\r\nX: a".utf8) + [0x7F] + Array("\r\n\r\n".utf8),
        [400], closes: true),

    // Chunks.
    FramingCase(
        "non-hex chunk size", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", [400],
        closes: true),
    FramingCase(
        "overflowing chunk size",
        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffffff\r\n", [400], closes: true),
    FramingCase(
        "empty chunk size",
        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: "
            + "chunked\r\n\r\n\r\n", [400], closes: true),
    FramingCase(
        "negative chunk size", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n-5\r\n", [400],
        closes: true),
    FramingCase(
        "chunk data not followed by CRLF",
        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\n", [400], closes: true),
    FramingCase(
        "chunk data followed by bare LF",
        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\n0\r\n\r\n", [400], closes: true),
    FramingCase(
        "control byte in chunk extension",
        bytes: Array("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;a".utf8) + [1]
            + Array("\r\nhello\r\n0\r\n\r\n".utf8), [400], closes: true),

    // Request line.
    FramingCase("invalid method token", "G@T / HTTP/1.1\r\nHost: a\r\n\r\n", [400], closes: true),
    FramingCase("double space in request line", "GET  / HTTP/1.1\r\nHost: a\r\n\r\n", [400], closes: true),
    FramingCase("request line without version", "GET /\r\n\r\n", [400], closes: true),
    FramingCase("relative target", "GET foo HTTP/1.1\r\nHost: a\r\n\r\n", [400], closes: true),
    FramingCase("asterisk-form with GET", "GET * HTTP/1.1\r\nHost: a\r\n\r\n", [400], closes: true),
    FramingCase(
        "authority-form with CONNECT", "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n", [501],
        closes: true),
    FramingCase(
        "absolute-form with userinfo", "GET http://user@host/ HTTP/1.1\r\nHost: host\r\n\r\n", [400], closes: true),
    FramingCase("fragment in target", "GET /a#b HTTP/1.1\r\nHost: a\r\n\r\n", [400], closes: true),
    FramingCase("HTTP/2.0 is not supported", "GET / HTTP/2.0\r\nHost: a\r\n\r\n", [505], closes: true),
    FramingCase("HTTP/1.2 is not supported", "GET / HTTP/1.2\r\nHost: a\r\n\r\n", [505], closes: true),
    FramingCase("HTTP/0.9 is not supported", "GET / HTTP/0.9\r\n\r\n", [505], closes: true),
    FramingCase("lowercase protocol name", "GET / http/1.1\r\nHost: a\r\n\r\n", [400], closes: true),
    FramingCase("malformed version", "GET / HTTP/1.10\r\nHost: a\r\n\r\n", [400], closes: true),

    // Host.
    FramingCase("HTTP/1.1 without Host", "GET / HTTP/1.1\r\n\r\n", [400], closes: true),
    FramingCase("two Host fields", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", [400], closes: true),
    FramingCase("invalid Host value", "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", [400], closes: true),

    // Limits.
    FramingCase(
        "request line over 8 KiB", "GET /\(String(repeating: "a", count: 8200)) HTTP/1.1\r\nHost: a\r\n\r\n", [414],
        closes: true),
    FramingCase(
        "header section over 32 KiB",
        "GET / HTTP/1.1\r\nHost: a\r\n"
            + String(repeating: "X-Filler: \(String(repeating: "b", count: 1000))\r\n", count: 33) + "\r\n", [431],
        closes: true),
    FramingCase(
        "one header line over 32 KiB",
        "GET / HTTP/1.1\r\nHost: a\r\nX: \(String(repeating: "b", count: 33 * 1024))\r\n\r\n", [431], closes: true),
    FramingCase(
        "101 header fields", "GET / HTTP/1.1\r\nHost: a\r\n" + (1...100).map { "X-\($0): v\r\n" }.joined() + "\r\n",
        [431], closes: true),
    FramingCase(
        "100 header fields are fine",
        "GET / HTTP/1.1\r\nHost: a\r\n" + (1...99).map { "X-\($0): v\r\n" }.joined() + "\r\n", [200], closes: false),
    FramingCase(
        "Content-Length over 10 MiB", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10485761\r\n\r\n", [413],
        closes: true),
    FramingCase(
        "Content-Length beyond Int", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999999\r\n\r\n",
        [413], closes: true),
    FramingCase(
        "chunked total over the body limit",
        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n12345678\r\n8\r\n12345678\r\n0\r\n\r\n",
        [413], closes: true, limits: limits(body: 12)),
    FramingCase(
        "chunked total at the body limit",
        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n12345678\r\n4\r\n1234\r\n0\r\n\r\n",
        [200], closes: false, limits: limits(body: 12)),
    FramingCase(
        "too many trailer fields",
        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n"
            + (1...100).map { "T-\($0): v\r\n" }.joined() + "\r\n", [431], closes: true),

    // A bad request after a good one: the good one is answered first.
    FramingCase(
        "pipelined garbage after a valid request", "GET / HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\nHost: a\n\n",
        [200, 400], closes: true),
]

@Suite("Framing matrix")
struct FramingMatrixTests {
    @Test(arguments: framingMatrix)
    func wholeInput(_ row: FramingCase) {
        let outcome = drive(row.bytes, limits: row.limits)
        #expect(outcome.statuses == row.statuses)
        #expect(outcome.closed == row.closes)
        #expect(outcome.closingFlags.last == row.closes)
    }

    @Test(arguments: framingMatrix)
    func byteAtATime(_ row: FramingCase) {
        let outcome = drive(row.bytes, chunkSize: 1, limits: row.limits)
        #expect(outcome.statuses == row.statuses)
        #expect(outcome.closed == row.closes)
    }
}

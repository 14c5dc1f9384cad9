import CivicSealHTTP
import CivicSealTestSupport
import Foundation
import Synchronization
import Testing

/// The server on 127.0.0.1:0, driven with raw sockets the way a client (or an attacker) would.
@Suite("Live server", .timeLimit(.minutes(10)))
struct LiveServerTests {
    static func router() throws -> HTTPRouter {
        var routes = HTTPRouter.Builder()
        routes.get("/peer") { _, context in .text(context.remoteAddress) }
        routes.get("/delay/{ms}") { request, context in
            let milliseconds = Int(context.parameter("ms") ?? "0") ?? 0
            try await Task.sleep(for: .milliseconds(milliseconds))
            return .text(String(request.target))
        }
        routes.post("/echo") { request, _ in .text("\(request.body.count) bytes") }
        routes.get("/echo-header/{value}") { _, context in
            HTTPResponse(status: .ok, headers: ["X-Echo": context.parameter("value") ?? ""], body: Array("ok".utf8))
        }
        routes.get("/v1/requests/{id}") { _, _ in .json(Array(#"{"ok":true}"#.utf8)) }
        return try routes.build()
    }

    @Test func keepAliveReusesOneConnection() async throws {
        try await withServer(responder: try Self.router()) { server in
            let client = try RawClient(port: server.port)
            try client.send("GET /peer HTTP/1.1\r\nHost: test\r\n\r\n")
            let first = try await client.readResponse()
            try client.send("GET /peer HTTP/1.1\r\nHost: test\r\n\r\n")
            let second = try await client.readResponse()
            #expect(first.status == 200 && second.status == 200)
            #expect(first.text == second.text)
            #expect(first.header("Connection") == nil)
            #expect(first.header("Date") != nil)
            #expect(server.openConnectionCount == 1)
        }
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() async throws {
        try await withServer(responder: try Self.router()) { server in
            let client = try RawClient(port: server.port)
            // The first request is the slowest: a server answering in completion order would reorder them.
            try client.send(
                "GET /delay/150 HTTP/1.1\r\nHost: t\r\n\r\nGET /delay/50 HTTP/1.1\r\nHost: t\r\n\r\nGET /delay/0 "
                    + "HTTP/1.1\r\nHost: t\r\n\r\n"
            )
            var bodies: [String] = []
            for _ in 0..<3 { bodies.append(try await client.readResponse().text) }
            #expect(bodies == ["/delay/150", "/delay/50", "/delay/0"])
        }
    }

    struct LimitCase: Sendable, CustomTestStringConvertible {
        let name: String
        let request: String
        let status: Int
        var testDescription: String { name }
    }

    static let limitCases: [LimitCase] = [
        LimitCase(
            name: "414 request line",
            request: "GET /\(String(repeating: "a", count: 9000)) HTTP/1.1\r\nHost: t\r\n\r\n", status: 414),
        LimitCase(
            name: "431 header size",
            request: "GET /peer HTTP/1.1\r\nHost: t\r\nX-Big: \(String(repeating: "b", count: 40_000))\r\n\r\n",
            status: 431),
        LimitCase(
            name: "431 header count",
            request: "GET /peer HTTP/1.1\r\nHost: t\r\n" + (1...120).map { "X-\($0): v\r\n" }.joined() + "\r\n",
            status: 431),
        LimitCase(
            name: "413 declared length", request: "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 20000000\r\n\r\n",
            status: 413),
        LimitCase(
            name: "413 chunked total",
            request: "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                + String(repeating: "1000\r\n\(String(repeating: "z", count: 4096))\r\n", count: 3), status: 413),
        LimitCase(
            name: "400 smuggling attempt",
            request:
                "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            status: 400),
    ]

    @Test(arguments: limitCases)
    func limitsAreEnforcedWithTheirStatusAndClose(_ row: LimitCase) async throws {
        try await withServer(
            {
                $0.limits.maximumBodySize =
                    row.status == 413 && row.name.contains("chunked") ? 10_000 : 10 * 1024 * 1024
            }, responder: try Self.router()
        ) { server in
            let client = try RawClient(port: server.port)
            try client.send(row.request)
            let response = try await client.readResponse()
            #expect(response.status == row.status)
            #expect(response.header("Connection") == "close")
            #expect(response.header("Content-Type") == "application/problem+json")
            #expect(await client.readsEndOfStream())
        }
    }

    @Test func connectionsBeyondTheCapGet503AndAreClosed() async throws {
        try await withServer({ $0.maximumConnections = 2 }, responder: try Self.router()) { server in
            let first = try RawClient(port: server.port)
            let second = try RawClient(port: server.port)
            for client in [first, second] {
                try client.send("GET /peer HTTP/1.1\r\nHost: t\r\n\r\n")
                #expect(try await client.readResponse().status == 200)
            }
            // The refusal comes unprompted; sending nothing keeps the kernel from answering a late request with RST.
            let third = try RawClient(port: server.port)
            let refused = try await third.readResponse()
            #expect(refused.status == 503)
            #expect(refused.header("Connection") == "close")
            #expect(await third.readsEndOfStream())
            // Capacity comes back once a connection closes.
            _ = consume first
            #expect(await eventually { server.openConnectionCount == 1 })
            let fourth = try RawClient(port: server.port)
            try fourth.send("GET /peer HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try await fourth.readResponse().status == 200)
        }
    }

    /// Set by a handler when it starts; released by the test. Polling keeps it free of continuations.
    /// Holds handlers until released (or for at most 50 seconds).
    final class Gate: Sendable {
        private let state = Mutex((started: false, released: false, passed: false))
        func enter() async {
            state.withLock { $0.started = true }
            // Bounded only so that a broken server cannot hang the suite: a busy machine may keep a test's task
            // from running for many seconds, so the bound stays well above that and below the minute's time limit.
            let end = ContinuousClock.now + .seconds(50)
            // A cancelled handler leaves at once without passing: Task.sleep throws at once when cancelled,
            // so waiting on would spin a cooperative thread for the rest of its bound.
            while !state.withLock({ $0.released }), ContinuousClock.now < end {
                do { try await Task.sleep(for: .milliseconds(5)) } catch { return }
            }
            state.withLock { $0.passed = true }
        }
        var started: Bool { state.withLock { $0.started } }
        /// A handler has come out of ``enter()``.
        var passed: Bool { state.withLock { $0.passed } }
        func release() { state.withLock { $0.released = true } }
    }

    @Test func gracefulShutdownFinishesTheRequestInFlightAndRefusesNewConnections() async throws {
        let gate = Gate()
        let responder = ClosureResponder { request, _ in
            await gate.enter()
            try? await Task.sleep(for: .milliseconds(300))
            return .text("finished \(request.target)")
        }
        let server = HTTPServer(
            configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0), responder: responder,
            logSink: DiscardingLogSink())
        try server.start()
        let port = server.port
        let idle = try RawClient(port: port)
        let busy = try RawClient(port: port)
        try busy.send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(await eventually { gate.started })

        let finished = Mutex(false)
        let shutdown = Task {
            // The deadline is far above anything this test waits for: on a busy machine the steps below may take
            // minutes to be scheduled, and a deadline that passed would cut the request off (EOF, not a 200).
            await server.shutdown(deadline: .seconds(600))
            finished.withLock { $0 = true }
        }
        // Shutdown has begun: new connections are refused and idle keep-alive connections are closed...
        #expect(await eventually { RawClient.isRefused(port: port) })
        #expect(await idle.readsEndOfStream())
        // ...while the request in flight (300 ms of work from here) keeps the server running.
        let released = ContinuousClock.now
        gate.release()
        let response = try await busy.readResponse()
        #expect(!finished.withLock { $0 } || ContinuousClock.now - released >= .milliseconds(300))
        #expect(response.status == 200)
        #expect(response.text == "finished /slow")
        #expect(response.header("Connection") == "close")
        #expect(await busy.readsEndOfStream())
        await shutdown.value
        #expect(ContinuousClock.now - released >= .milliseconds(300))
        #expect(RawClient.isRefused(port: port))
    }

    @Test func shutdownDeadlineCutsOffAHandlerThatTakesTooLong() async throws {
        let gate = Gate()
        let responder = ClosureResponder { _, _ in
            await gate.enter()
            return .text("too late")
        }
        let server = HTTPServer(
            configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0), responder: responder,
            logSink: DiscardingLogSink())
        try server.start()
        let client = try RawClient(port: server.port)
        try client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(await eventually { gate.started })
        // The handler stays in the gate until it opens below (or 50 seconds pass), so shutdown returning while the
        // handler is still there shows the deadline cut it off, without a wall-clock bound.
        await server.shutdown(deadline: .milliseconds(200))
        #expect(!gate.passed, "shutdown waited for the handler instead of cutting it off at the deadline")
        let rest = await client.readToEnd()
        #expect(rest.bytes.isEmpty && rest.end == .closed, "\(rest.end): the connection was left open")
        gate.release()
    }

    /// Records each batch the server hands over.
    final class BatchRecordingSink: HTTPLogSink {
        private let batches = Mutex<[[UInt8]]>([])
        func write(_ line: String) { Issue.record("a batch-capable sink was given a single line") }
        func write(lines: UnsafeRawBufferPointer) { batches.withLock { $0.append(Array(lines)) } }
        var recorded: [[UInt8]] { batches.withLock { $0 } }
    }

    /// 200 pipelined requests for an inline route, sent in one segment, are answered in one pass: their access-log
    /// lines arrive in a few batches rather than 200 writes, every batch is whole lines and at most PIPE_BUF bytes
    /// (one atomic write to a pipe), and no line is lost or torn.
    @Test func accessLogLinesOfOnePassArriveInWholeLineBatches() async throws {
        let sink = BatchRecordingSink()
        var routes = HTTPRouter.Builder()
        routes.addInline(.get, "/peer") { _, context in .text(context.remoteAddress) }
        try await withServer(responder: try routes.build(), logSink: sink) { server in
            let client = try RawClient(port: server.port)
            try client.send(String(repeating: "GET /peer HTTP/1.1\r\nHost: t\r\n\r\n", count: 200))
            for _ in 0..<200 { #expect(try await client.readResponse().status == 200) }
            #expect(await eventually { sink.recorded.reduce(0) { $0 + $1.count { $0 == 10 } } == 200 })
        }
        let batches = sink.recorded
        #expect(batches.allSatisfy { $0.count <= HTTPLogBatch.limit && $0.last == 10 })
        let lines = batches.flatMap { $0.split(separator: 10) }
        #expect(lines.count == 200)
        for line in lines {
            let record = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any]
            #expect(record?["route"] as? String == "/peer")
        }
        #expect(batches.count < 50, "\(batches.count) writes for 200 lines")
    }

    /// A line longer than a batch (a 5,000-character method) is handed over alone and whole, never split.
    @Test func anAccessLogLineLongerThanABatchGoesAloneAndWhole() async throws {
        let sink = BatchRecordingSink()
        try await withServer(responder: try Self.router(), logSink: sink) { server in
            let client = try RawClient(port: server.port)
            try client.send(String(repeating: "M", count: 5_000) + " /peer HTTP/1.1\r\nHost: t\r\n\r\n")
            _ = try await client.readResponse()
            #expect(await eventually { !sink.recorded.isEmpty })
        }
        let batches = sink.recorded
        #expect(batches.count == 1)
        let line = try #require(batches.first)
        #expect(line.count > HTTPLogBatch.limit && line.last == 10 && line.count { $0 == 10 } == 1)
        let record = try JSONSerialization.jsonObject(with: Data(line.dropLast())) as? [String: Any]
        #expect((record?["method"] as? String)?.count == 5_000)
    }

    @Test func inputEchoedIntoAResponseHeaderCannotInjectFields() async throws {
        try await withServer(responder: try Self.router()) { server in
            let client = try RawClient(port: server.port)
            try client.send("GET /echo-header/a%0D%0ASet-Cookie:%20evil=1%0D%0A%0D%0A%00x HTTP/1.1\r\nHost: t\r\n\r\n")
            let response = try await client.readResponse()
            #expect(response.status == 200)
            #expect(!response.head.contains("\r\nSet-Cookie"))
            #expect(response.header("Set-Cookie") == nil)
            #expect(response.header("X-Echo") == "a  Set-Cookie: evil=1     x")
            #expect(response.text == "ok")
        }
    }

    /// With one event loop, a request answered on a second connection proves the loop has handled everything that
    /// reached it before: `client`'s bytes were sent earlier, so they were read in that pass or an earlier one.
    /// Two round trips prove that a whole pass (its timer check included) ran after the call.
    /// Returns the probe, still open.
    @discardableResult
    static func loopHasCaughtUp(port: Int) async throws -> RawClient {
        let probe = try RawClient(port: port)
        for _ in 0..<2 {
            try probe.send("GET /peer HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try await probe.readResponse().status == 200)
        }
        return probe
    }

    @Test func headerDeadlineAnswers408OnTheInjectedClock() async throws {
        let clock = ManualClock()
        try await withServer({ $0.eventLoopCount = 1 }, responder: try Self.router(), clock: clock) { server in
            let client = try RawClient(port: server.port)
            try client.send("GET /peer HTTP/1.1\r\nHost: t\r\n")
            // The partial head has been read (not merely sent) before time moves: else it is a silent fresh close.
            try await Self.loopHasCaughtUp(port: server.port)
            clock.advance(.seconds(11))
            let response = try await client.readResponse()
            #expect(response.status == 408)
            #expect(response.header("Connection") == "close")
            #expect(await client.readsEndOfStream())
        }
    }

    @Test func idleKeepAliveConnectionIsClosedSilentlyOnTheInjectedClock() async throws {
        let clock = ManualClock()
        try await withServer({ $0.eventLoopCount = 1 }, responder: try Self.router(), clock: clock) { server in
            let client = try RawClient(port: server.port)
            try client.send("GET /peer HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try await client.readResponse().status == 200)
            clock.advance(.seconds(59))
            // A timer check has run at 59 s (the probe's fresh connection has its own 10 s): still open.
            let probe = try await Self.loopHasCaughtUp(port: server.port)
            #expect(server.openConnectionCount == 2)
            clock.advance(.seconds(2))
            // Closed by the server (EOF), not merely silent until the client's own timeout.
            let rest = await client.readToEnd()
            #expect(rest.bytes.isEmpty)
            #expect(rest.end == .closed, "the idle connection was not closed: \(rest.end)")
            _ = probe
        }
    }

    @Test func accessLogNamesTheRouteButNeverTheQueryTokenOrBody() async throws {
        let sink = CollectingLogSink()
        let metrics = MetricsRegistry()
        try await withServer(responder: try Self.router(), logSink: sink, metrics: metrics) { server in
            let client = try RawClient(port: server.port)
            try client.send(
                "GET /v1/requests/4242-secret-id?token=hunter2 HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer "
                    + "eyJhbGciOi.payload.sig\r\n\r\n"
            )
            #expect(try await client.readResponse().status == 200)
            try client.send("GET /missing HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try await client.readResponse().status == 404)
            // Lines are handed over at the end of the loop's pass, just after the response went out.
            #expect(await eventually { sink.lines.count == 2 })
            let lines = sink.lines
            #expect(lines.count == 2)
            let first = try #require(lines.first)
            for secret in ["4242", "hunter2", "token", "eyJ", "Bearer", "Authorization"] {
                #expect(!first.contains(secret))
            }
            let record = try JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any]
            #expect(record?["route"] as? String == "/v1/requests/{id}")
            #expect(record?["method"] as? String == "GET")
            #expect(record?["status"] as? Int == 200)
            #expect((record?["requestId"] as? String)?.count == 32)
            #expect(record?["bytesOut"] as? Int ?? 0 > 0)
            #expect(record?["durationMs"] != nil && record?["time"] != nil)

            let exposition = metrics.exposition()
            #expect(exposition.contains(#"civicseal_http_requests_total{route="/v1/requests/{id}",status="200"} 1"#))
            #expect(exposition.contains(#"civicseal_http_requests_total{route="unmatched",status="404"} 1"#))
            #expect(exposition.contains(#"civicseal_http_request_duration_seconds_count{route="/v1/requests/{id}"} 1"#))
            #expect(exposition.contains("# TYPE civicseal_http_request_duration_seconds histogram"))
        }
    }

    // MARK: - curl

    @Test(.enabled(if: ExternalTool.isUsable("curl")))
    func curlReusesTheConnectionForTwoRequests() async throws {
        try await withServer(responder: try Self.router()) { server in
            let url = "http://127.0.0.1:\(server.port)/peer"
            let output = try await Self.curl(["-s", "--max-time", "10", url, "-w", "\\n", url])
            let peers = output.text.split(separator: "\n")
            #expect(peers.count == 2)
            #expect(Set(peers).count == 1)
        }
    }

    @Test(.enabled(if: ExternalTool.isUsable("curl")))
    func curlPostsChunkedAndLargeBodies() async throws {
        try await withServer(responder: try Self.router()) { server in
            let url = "http://127.0.0.1:\(server.port)/echo"
            let chunked = try await Self.curl(
                ["-s", "--max-time", "10", "-H", "Transfer-Encoding: chunked", "--data-binary", "@-", url],
                input: Data(repeating: 65, count: 100_000))
            #expect(chunked.text == "100000 bytes")
            // curl sends `Expect: 100-continue` for a body this size and waits (a second) for the interim response
            // before sending the body; its trace shows the server's 100 arriving.
            let large = try await Self.curl(
                ["-s", "-v", "--max-time", "10", "--data-binary", "@-", url],
                input: Data(repeating: 66, count: 2_000_000))
            #expect(large.text == "2000000 bytes")
            #expect(large.errorText.contains("> Expect: 100-continue"), "\(large.errorText)")
            #expect(large.errorText.contains("< HTTP/1.1 100 Continue"), "\(large.errorText)")
            let tooLarge = try await Self.curl(
                ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "10", "--data-binary", "@-", url],
                input: Data(repeating: 67, count: 11 * 1024 * 1024))
            #expect(tooLarge.text == "413")
        }
    }

    @Test(.enabled(if: ExternalTool.isUsable("curl")))
    func curlSpeaksHTTP10() async throws {
        try await withServer(responder: try Self.router()) { server in
            let output = try await Self.curl(
                ["-s", "-0", "-i", "--max-time", "10", "http://127.0.0.1:\(server.port)/v1/requests/1"])
            #expect(output.text.hasPrefix("HTTP/1.1 200 OK\r\n"))
            #expect(output.text.contains("Connection: close\r\n"))
            #expect(output.text.hasSuffix(#"{"ok":true}"#))
        }
    }

    /// Runs curl off the cooperative pool (it blocks on the child process).
    static func curl(_ arguments: [String], input: Data = Data()) async throws -> ExternalTool.Output {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try ExternalTool.run("curl", arguments, input: input) })
            }
        }
    }
}

@Suite("Signals", .timeLimit(.minutes(10)))
struct SignalTests {
    /// SIGUSR2 stands in for SIGTERM so a failure cannot kill the test process.
    @Test func signalTriggersGracefulShutdownAndThenTheCompletion() async throws {
        let server = HTTPServer(
            configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0),
            responder: ClosureResponder { _, _ in .text("ok") }, logSink: DiscardingLogSink())
        try server.start()
        let port = server.port
        let completed = Mutex(false)
        let observer = server.shutdownOnSignals([SIGUSR2], deadline: .seconds(2)) {
            completed.withLock { $0 = true }
        }
        // The dispatch source registers asynchronously and a signal raised before that is lost (its
        // disposition is SIG_IGN): raise it until the handler has run; the handler acts only once.
        #expect(
            await eventually {
                kill(getpid(), SIGUSR2)
                return completed.withLock { $0 }
            })
        await server.waitUntilStopped()
        #expect(RawClient.isRefused(port: port))
        observer.cancel()
    }
}

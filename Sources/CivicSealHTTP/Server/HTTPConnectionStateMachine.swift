/// The protocol logic of one connection, free of sockets and threads: it takes events (bytes received, the
/// peer closing, a timer tick, a response ready, shutdown) and returns the actions the event loop must perform.
///
/// One request at a time: once a request is dispatched, later bytes (pipelined requests) are only buffered and
/// are parsed after its response is sent, so responses leave in request order (RFC 9112 §9.3.2: "A server MAY
/// process a sequence of pipelined requests in parallel if they all have safe methods, but it MUST send the
/// corresponding responses in the same order that the requests were received" — we never run them in parallel).
///
/// Deadlines use the caller's `now`, so tests drive time explicitly:
/// - a fresh connection must complete its first header section within `timeouts.header` of accept; with no byte
///   received it is closed silently, otherwise it gets 408 and is closed;
/// - a header section started on a kept-alive connection gets `timeouts.header` from its first byte (408);
/// - a body gets `timeouts.body` from the end of its header section (408);
/// - a kept-alive connection with no request in progress is closed silently after `timeouts.idle`;
/// - a handler that has not answered within `timeouts.response` gets 503 and the connection closes;
/// - in every state, closing ones included, output that makes no progress for `timeouts.write` aborts the
///   connection (``Action/abort``).
///
/// Backpressure: the event loop reports what it could not flush yet (``outputFlushed(unflushed:now:)``). While
/// more than `limits.maximumBufferedOutput` bytes wait, ``wantsToRead`` is false and no pipelined request is
/// parsed, so a client that sends requests and never reads the answers holds a bounded amount of memory.
package struct HTTPConnectionStateMachine: Sendable {
    /// A response ready for the wire, with how the connection continues after it.
    package struct OutboundResponse: Sendable, Equatable {
        package var response: HTTPResponse
        /// `Connection: close` is sent and the connection closes after this response.
        package var closing: Bool
        /// The request was HEAD: send the header section only.
        package var omitBody: Bool
        /// An HTTP/1.0 client asked for keep-alive and gets it: say so explicitly.
        package var keepAliveHTTP10: Bool

        package func serialize(date: [UInt8]? = nil) -> [UInt8] {
            HTTPResponseWriter.serialize(
                response, closing: closing, keepAliveHTTP10: keepAliveHTTP10, omitBody: omitBody, date: date)
        }
    }

    package enum Action: Sendable, Equatable {
        /// Hand this request to the responder; call ``responseReady(_:now:)`` with its response.
        case dispatch(HTTPRequest)
        /// Write `100 Continue` (RFC 9110 §10.1.1).
        case sendContinue
        case send(OutboundResponse)
        /// Close once everything written so far has been flushed.
        case close
        /// Close now, discarding output not yet written (the client stopped taking it).
        case abort
    }

    private enum State: Sendable, Equatable {
        case waiting(since: MonotonicInstant, fresh: Bool)
        case receivingHead(since: MonotonicInstant)
        case receivingBody(since: MonotonicInstant)
        case awaitingResponse(method: HTTPMethod, version: HTTPVersion, keepAlive: Bool, since: MonotonicInstant)
        case closed
    }

    /// How many pipelined bytes are buffered while a request is in flight before reading pauses.
    package static let pipelineBufferLimit = 64 * 1024

    package let limits: HTTPServerConfiguration.Limits
    package let timeouts: HTTPServerConfiguration.Timeouts
    private var parser: HTTPRequestParser
    private var state: State
    private var peerHalfClosed = false
    private var shuttingDown = false
    /// Output bytes handed to the event loop and not yet written to the socket (an estimate between a response
    /// and the next ``outputFlushed(unflushed:now:)``).
    private var unflushedOutput = 0
    /// When output last moved (or began to wait): the write deadline counts from here.
    private var lastWriteProgress: MonotonicInstant

    package init(
        limits: HTTPServerConfiguration.Limits = .init(), timeouts: HTTPServerConfiguration.Timeouts = .init(),
        now: MonotonicInstant
    ) {
        self.limits = limits
        self.timeouts = timeouts
        parser = HTTPRequestParser(limits: limits)
        state = .waiting(since: now, fresh: true)
        lastWriteProgress = now
    }

    package var isClosed: Bool { state == .closed }

    package var isAwaitingResponse: Bool {
        if case .awaitingResponse = state { return true }
        return false
    }

    /// True when no request is in progress at all (closing such a connection loses nothing).
    package var isIdle: Bool {
        if case .waiting = state { return true }
        return false
    }

    /// True while too much output waits for the client: reading and parsing are paused.
    package var isOutputBackpressured: Bool { unflushedOutput > limits.maximumBufferedOutput }

    /// Whether the event loop should keep reading from the socket.
    package var wantsToRead: Bool {
        if isOutputBackpressured { return false }
        return switch state {
        case .closed: false
        case .awaitingResponse: !peerHalfClosed && parser.bufferedByteCount < Self.pipelineBufferLimit
        default: !peerHalfClosed
        }
    }

    /// When ``timerFired(now:)`` will next have something to do, if ever.
    package var nextDeadline: MonotonicInstant? {
        let write = writeDeadline
        guard let protocolDeadline else { return write }
        guard let write else { return protocolDeadline }
        return min(write, protocolDeadline)
    }

    /// Output is waiting: it must move by then.
    private var writeDeadline: MonotonicInstant? {
        unflushedOutput > 0 ? lastWriteProgress + timeouts.write : nil
    }

    private var protocolDeadline: MonotonicInstant? {
        switch state {
        case .waiting(let since, true): since + timeouts.header
        // Paused by backpressure, not idle: the write deadline governs.
        case .waiting where isOutputBackpressured: nil
        case .waiting(let since, false): since + timeouts.idle
        case .receivingHead(let since): since + timeouts.header
        case .receivingBody(let since): since + timeouts.body
        case .awaitingResponse(_, _, _, let since): since + timeouts.response
        case .closed: nil
        }
    }

    package mutating func bytesReceived(_ bytes: some Sequence<UInt8>, now: MonotonicInstant) -> [Action] {
        guard state != .closed else { return [] }
        parser.append(bytes)
        return parseBuffered(now: now)
    }

    package mutating func bytesReceived(_ bytes: UnsafeRawBufferPointer, now: MonotonicInstant) -> [Action] {
        guard state != .closed else { return [] }
        parser.append(bytes)
        return parseBuffered(now: now)
    }

    /// The peer shut down its sending side (read returned 0). Requests already received are still answered.
    package mutating func peerClosed(now: MonotonicInstant) -> [Action] {
        peerHalfClosed = true
        switch state {
        case .awaitingResponse, .closed:
            return []
        case .waiting, .receivingHead, .receivingBody:
            state = .closed
            return [.close]
        }
    }

    package mutating func timerFired(now: MonotonicInstant) -> [Action] {
        if let write = writeDeadline, now >= write {
            state = .closed
            unflushedOutput = 0
            return [.abort]
        }
        guard let deadline = protocolDeadline, now >= deadline else { return [] }
        switch state {
        case .waiting:
            state = .closed
            return [.close]
        case .receivingHead, .receivingBody:
            state = .closed
            let problem = ProblemDetails(
                slug: "request-timeout", title: "Request Timeout", status: .requestTimeout,
                detail: "The request was not received in time.")
            return [
                .send(
                    queued(
                        OutboundResponse(
                            response: .problem(problem), closing: true, omitBody: false, keepAliveHTTP10: false),
                        now: now)), .close,
            ]
        case .awaitingResponse:
            state = .closed
            let problem = ProblemDetails(
                slug: "service-unavailable", title: "Service Unavailable", status: .serviceUnavailable,
                detail: "The server did not answer in time; retry later.")
            var response = HTTPResponse.problem(problem)
            response.headers.add(name: "Retry-After", value: "1")
            return [
                .send(
                    queued(
                        OutboundResponse(response: response, closing: true, omitBody: false, keepAliveHTTP10: false),
                        now: now)), .close,
            ]
        case .closed:
            return []
        }
    }

    /// The event loop wrote what it could: `unflushed` bytes remain. Call it after every write that moved bytes.
    /// Returns the actions of pipelined requests that backpressure was holding back, once output is under the bound.
    package mutating func outputFlushed(unflushed: Int, now: MonotonicInstant) -> [Action] {
        unflushedOutput = unflushed
        lastWriteProgress = now
        guard case .waiting = state, !isOutputBackpressured, parser.bufferedByteCount > 0 else { return [] }
        return parseBuffered(now: now)
    }

    /// Counts a response towards the unflushed output (the event loop corrects the figure after its next write).
    private mutating func queued(_ outbound: OutboundResponse, now: MonotonicInstant) -> OutboundResponse {
        if unflushedOutput == 0 { lastWriteProgress = now }
        unflushedOutput += (outbound.omitBody ? 0 : outbound.response.body.count) + 128
        return outbound
    }

    /// The responder finished the dispatched request.
    package mutating func responseReady(_ response: HTTPResponse, now: MonotonicInstant) -> [Action] {
        guard case .awaitingResponse(let method, let version, let keepAlive, _) = state else { return [] }
        let closing = !keepAlive || shuttingDown
        let outbound = OutboundResponse(
            response: response, closing: closing, omitBody: method == .head,
            keepAliveHTTP10: !closing && version == .http1_0)
        if closing {
            state = .closed
            return [.send(queued(outbound, now: now)), .close]
        }
        state = .waiting(since: now, fresh: false)
        return [.send(queued(outbound, now: now))] + parseBuffered(now: now)
    }

    /// Graceful shutdown: idle connections close now, a request in progress finishes with `Connection: close`.
    package mutating func shutdownRequested(now: MonotonicInstant) -> [Action] {
        shuttingDown = true
        switch state {
        case .waiting:
            state = .closed
            return [.close]
        case .receivingHead, .receivingBody, .awaitingResponse, .closed:
            return []
        }
    }

    private mutating func parseBuffered(now: MonotonicInstant) -> [Action] {
        if case .awaitingResponse = state { return [] }
        // The client is not reading what we already wrote: leave its further requests unparsed for now.
        if isOutputBackpressured { return [] }
        var actions: [Action] = []
        while let event = parser.next() {
            switch event {
            case .continueExpected:
                if unflushedOutput == 0 { lastWriteProgress = now }
                unflushedOutput += 25
                actions.append(.sendContinue)
            case .request(let request):
                state = .awaitingResponse(
                    method: request.method, version: request.version, keepAlive: request.keepAlive && !shuttingDown,
                    since: now)
                actions.append(.dispatch(request))
                return actions
            case .failure(let error):
                state = .closed
                actions.append(
                    .send(
                        queued(
                            OutboundResponse(
                                response: .problem(ProblemDetails(error)), closing: true, omitBody: false,
                                keepAliveHTTP10: false), now: now)))
                actions.append(.close)
                return actions
            }
        }
        switch (parser.phase, state) {
        case (.head, .waiting(let since, let fresh)):
            state = .receivingHead(since: fresh ? since : now)
        case (.body, .waiting), (.body, .receivingHead):
            state = .receivingBody(since: now)
        default:
            break
        }
        if peerHalfClosed {
            // Nothing more will arrive: an unfinished request can never complete.
            state = .closed
            actions.append(.close)
        } else if shuttingDown, case .waiting = state {
            state = .closed
            actions.append(.close)
        }
        return actions
    }
}

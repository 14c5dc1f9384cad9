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
/// - a kept-alive connection with no request in progress is closed silently after `timeouts.idle`.
public struct HTTPConnectionStateMachine: Sendable {
    /// A response ready for the wire, with how the connection continues after it.
    public struct OutboundResponse: Sendable, Equatable {
        public var response: HTTPResponse
        /// `Connection: close` is sent and the connection closes after this response.
        public var closing: Bool
        /// The request was HEAD: send the header section only.
        public var omitBody: Bool
        /// An HTTP/1.0 client asked for keep-alive and gets it: say so explicitly.
        public var keepAliveHTTP10: Bool

        public func serialize(date: [UInt8]? = nil) -> [UInt8] {
            HTTPResponseWriter.serialize(
                response, closing: closing, keepAliveHTTP10: keepAliveHTTP10, omitBody: omitBody, date: date)
        }
    }

    public enum Action: Sendable, Equatable {
        /// Hand this request to the responder; call ``responseReady(_:now:)`` with its response.
        case dispatch(HTTPRequest)
        /// Write `100 Continue` (RFC 9110 §10.1.1).
        case sendContinue
        case send(OutboundResponse)
        /// Close once everything written so far has been flushed.
        case close
    }

    private enum State: Sendable, Equatable {
        case waiting(since: MonotonicInstant, fresh: Bool)
        case receivingHead(since: MonotonicInstant)
        case receivingBody(since: MonotonicInstant)
        case awaitingResponse(method: HTTPMethod, version: HTTPVersion, keepAlive: Bool)
        case closed
    }

    /// How many pipelined bytes are buffered while a request is in flight before reading pauses.
    public static let pipelineBufferLimit = 64 * 1024

    public let limits: HTTPServerConfiguration.Limits
    public let timeouts: HTTPServerConfiguration.Timeouts
    private var parser: HTTPRequestParser
    private var state: State
    private var peerHalfClosed = false
    private var shuttingDown = false

    public init(
        limits: HTTPServerConfiguration.Limits = .init(), timeouts: HTTPServerConfiguration.Timeouts = .init(),
        now: MonotonicInstant
    ) {
        self.limits = limits
        self.timeouts = timeouts
        parser = HTTPRequestParser(limits: limits)
        state = .waiting(since: now, fresh: true)
    }

    public var isClosed: Bool { state == .closed }

    public var isAwaitingResponse: Bool {
        if case .awaitingResponse = state { return true }
        return false
    }

    /// True when no request is in progress at all (closing such a connection loses nothing).
    public var isIdle: Bool {
        if case .waiting = state { return true }
        return false
    }

    /// Whether the event loop should keep reading from the socket.
    public var wantsToRead: Bool {
        switch state {
        case .closed: false
        case .awaitingResponse: !peerHalfClosed && parser.bufferedByteCount < Self.pipelineBufferLimit
        default: !peerHalfClosed
        }
    }

    /// When ``timerFired(now:)`` will next have something to do, if ever.
    public var nextDeadline: MonotonicInstant? {
        switch state {
        case .waiting(let since, true): since + timeouts.header
        case .waiting(let since, false): since + timeouts.idle
        case .receivingHead(let since): since + timeouts.header
        case .receivingBody(let since): since + timeouts.body
        case .awaitingResponse, .closed: nil
        }
    }

    public mutating func bytesReceived(_ bytes: some Sequence<UInt8>, now: MonotonicInstant) -> [Action] {
        guard state != .closed else { return [] }
        parser.append(bytes)
        return parseBuffered(now: now)
    }

    public mutating func bytesReceived(_ bytes: UnsafeRawBufferPointer, now: MonotonicInstant) -> [Action] {
        guard state != .closed else { return [] }
        parser.append(bytes)
        return parseBuffered(now: now)
    }

    /// The peer shut down its sending side (read returned 0). Requests already received are still answered.
    public mutating func peerClosed(now: MonotonicInstant) -> [Action] {
        peerHalfClosed = true
        switch state {
        case .awaitingResponse, .closed:
            return []
        case .waiting, .receivingHead, .receivingBody:
            state = .closed
            return [.close]
        }
    }

    public mutating func timerFired(now: MonotonicInstant) -> [Action] {
        guard let deadline = nextDeadline, now >= deadline else { return [] }
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
                .send(OutboundResponse(response: .problem(problem), closing: true, omitBody: false, keepAliveHTTP10: false)),
                .close,
            ]
        case .awaitingResponse, .closed:
            return []
        }
    }

    /// The responder finished the dispatched request.
    public mutating func responseReady(_ response: HTTPResponse, now: MonotonicInstant) -> [Action] {
        guard case .awaitingResponse(let method, let version, let keepAlive) = state else { return [] }
        let closing = !keepAlive || shuttingDown
        let outbound = OutboundResponse(
            response: response, closing: closing, omitBody: method == .head,
            keepAliveHTTP10: !closing && version == .http1_0)
        if closing {
            state = .closed
            return [.send(outbound), .close]
        }
        state = .waiting(since: now, fresh: false)
        return [.send(outbound)] + parseBuffered(now: now)
    }

    /// Graceful shutdown: idle connections close now, a request in progress finishes with `Connection: close`.
    public mutating func shutdownRequested(now: MonotonicInstant) -> [Action] {
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
        var actions: [Action] = []
        while let event = parser.next() {
            switch event {
            case .continueExpected:
                actions.append(.sendContinue)
            case .request(let request):
                state = .awaitingResponse(
                    method: request.method, version: request.version, keepAlive: request.keepAlive && !shuttingDown)
                actions.append(.dispatch(request))
                return actions
            case .failure(let error):
                state = .closed
                actions.append(
                    .send(
                        OutboundResponse(
                            response: .problem(ProblemDetails(error)), closing: true, omitBody: false,
                            keepAliveHTTP10: false)))
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

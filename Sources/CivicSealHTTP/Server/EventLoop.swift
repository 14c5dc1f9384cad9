internal import CCivicSealSystem
import Foundation
import Synchronization

/// A thread running `epoll_wait` over the listening socket and its own connections. Handlers run as tasks on
/// the cooperative pool; their responses come back through `inbox` and an eventfd wake-up.
final class EventLoop: @unchecked Sendable {
    // @unchecked Sendable: everything but `inbox` (Mutex) and the atomics is only touched on the loop's own
    // thread; other threads only call `post(_:)`, which takes the inbox lock.

    enum Message: Sendable {
        case response(connectionID: UInt64, fd: Int32, HTTPResponse)
        case beginShutdown
        case stop
    }

    private struct Inbox {
        var messages: [Message] = []
        var closed = false
    }

    let index: Int
    private let core: ServerCore
    private let epollFD: Int32
    private let wakeFD: Int32
    private let inbox = Mutex(Inbox())
    /// True once the loop holds no connection that still has work (used by graceful shutdown).
    let drained = Atomic<Bool>(false)
    let finished = Atomic<Bool>(false)

    private var connections: [Int32: Connection] = [:]
    private var listening = true
    private var shuttingDown = false
    private var running = true
    private var dateCache = HTTPDateCache()
    /// Access-log lines of this pass over the ready connections, written at its end (see ``flushLog()``).
    private var logBatch: [UInt8] = []
    private var logLine: [UInt8] = []
    private let readBuffer: UnsafeMutableRawBufferPointer
    private var lastTimerCheck = MonotonicInstant(nanoseconds: 0)
    /// While descriptors are exhausted and the reserve could not help, the listener is out of this loop's epoll
    /// set until then (so the loop does not spin on a listener that stays readable).
    private var listenerPausedUntil: MonotonicInstant?

    private static let listenerPause = Duration.milliseconds(100)

    private static let continueBytes = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)
    private static let timerInterval = Duration.milliseconds(50)

    init(index: Int, core: ServerCore) throws(HTTPServerError) {
        self.index = index
        self.core = core
        epollFD = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epollFD >= 0 else { throw HTTPServerError(.eventLoopFailed, "epoll_create1", errno: errno) }
        wakeFD = eventfd(0, Int32(EFD_NONBLOCK) | Int32(EFD_CLOEXEC))
        guard wakeFD >= 0 else {
            let error = errno
            close(epollFD)
            throw HTTPServerError(.eventLoopFailed, "eventfd", errno: error)
        }
        readBuffer = .allocate(byteCount: 64 * 1024, alignment: 16)
        register(wakeFD, events: EPOLLIN.rawValue, operation: EPOLL_CTL_ADD)
        // EPOLLEXCLUSIVE: one loop is woken per incoming connection, not all of them.
        register(core.listenerFD, events: EPOLLIN.rawValue | EPOLLEXCLUSIVE.rawValue, operation: EPOLL_CTL_ADD)
        core.listenerUsers.add(1, ordering: .sequentiallyConsistent)
    }

    deinit {
        readBuffer.deallocate()
    }

    /// Releases the descriptors of a loop that was created but never run (server start failed half-way).
    func discard() {
        stopListening()
        inbox.withLock { inbox in
            inbox.closed = true
            close(wakeFD)
        }
        close(epollFD)
    }

    /// Hands a message to the loop from any thread. Dropped once the loop has stopped.
    func post(_ message: Message) {
        inbox.withLock { inbox in
            guard !inbox.closed else { return }
            let wasEmpty = inbox.messages.isEmpty
            inbox.messages.append(message)
            if wasEmpty {
                var one: UInt64 = 1
                _ = write(wakeFD, &one, 8)
            }
        }
    }

    /// The loop body; runs on a dedicated thread until `.stop`.
    func run() {
        var events = [epoll_event](repeating: epoll_event(), count: 256)
        while running {
            let timeout: Int32 = connections.isEmpty && !shuttingDown && listenerPausedUntil == nil ? 1000 : 50
            let count = epoll_wait(epollFD, &events, Int32(events.count), timeout)
            if count < 0 && errno != EINTR { break }
            for position in 0..<max(Int(count), 0) {
                let event = events[position]
                let fd = event.data.fd
                if fd == wakeFD {
                    var value: UInt64 = 0
                    _ = read(wakeFD, &value, 8)
                    processInbox()
                } else if fd == core.listenerFD && listening {
                    acceptConnections()
                } else if let connection = connections[fd] {
                    if event.events & (EPOLLIN.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0 {
                        readable(connection)
                    }
                    if event.events & EPOLLOUT.rawValue != 0, connections[fd] === connection {
                        perform([], on: connection)
                    }
                }
            }
            checkTimers()
            flushLog()
            if shuttingDown {
                drained.store(connections.values.allSatisfy { $0.lingerDeadline != nil }, ordering: .releasing)
            }
        }
        for connection in Array(connections.values) { closeNow(connection) }
        flushLog()
        stopListening()
        inbox.withLock { inbox in
            inbox.closed = true
            inbox.messages.removeAll()
            close(wakeFD)
        }
        close(epollFD)
        finished.store(true, ordering: .releasing)
    }

    // MARK: - Inbox

    private func processInbox() {
        let messages = inbox.withLock { inbox in
            let messages = inbox.messages
            inbox.messages.removeAll(keepingCapacity: true)
            return messages
        }
        for message in messages {
            switch message {
            case .response(let connectionID, let fd, let response):
                guard let connection = connections[fd], connection.id == connectionID else {
                    continue  // the client went away meanwhile
                }
                let actions = connection.machine.responseReady(response, now: core.clock.now())
                perform(actions, on: connection)
            case .beginShutdown:
                shuttingDown = true
                stopListening()
                let now = core.clock.now()
                for connection in Array(connections.values) where connection.lingerDeadline == nil {
                    perform(connection.machine.shutdownRequested(now: now), on: connection)
                }
                drained.store(connections.values.allSatisfy { $0.lingerDeadline != nil }, ordering: .releasing)
            case .stop:
                running = false
            }
        }
    }

    private func stopListening() {
        guard listening else { return }
        listening = false
        if listenerPausedUntil == nil { register(core.listenerFD, events: 0, operation: EPOLL_CTL_DEL) }
        listenerPausedUntil = nil
        if core.listenerUsers.subtract(1, ordering: .sequentiallyConsistent).newValue == 0 {
            close(core.listenerFD)
        }
    }

    // MARK: - Accepting

    private func acceptConnections() {
        guard listenerPausedUntil == nil else { return }
        for _ in 0..<64 {
            core.count(.acceptCall)
            // Accepts take the reserve's lock: while one loop has freed the reserve to refuse a client into its slot,
            // no other loop's accept can take that slot (that client would get no answer and the reserve be lost).
            let (accepted, acceptError) = core.reserveDescriptor.withLock { _ in
                let accepted = Socket.accept(core.listenerFD)
                return (accepted, accepted == nil ? errno : 0)
            }
            guard let (fd, address) = accepted else {
                let error = acceptError
                if error == EINTR || error == ECONNABORTED { continue }
                if error == EMFILE || error == ENFILE { descriptorsExhausted() }
                if error == EINVAL { stopListening() }  // the listener was shut down
                return
            }
            let open = core.openConnections.add(1, ordering: .relaxed).newValue
            guard open <= core.configuration.maximumConnections else {
                refuseOverCapacity(fd)
                core.openConnections.subtract(1, ordering: .relaxed)
                core.count(.refusedOverCapacity)
                continue
            }
            let peer = IPAddress(socketAddress: address) ?? .unspecified
            var addressKey: String?
            if !core.configuration.trustedProxies.containsAddress(peer) {
                let key = peer.clientKey
                guard core.admit(key) else {
                    refuseOverCapacity(fd)
                    core.openConnections.subtract(1, ordering: .relaxed)
                    core.count(.refusedPerAddress)
                    continue
                }
                addressKey = key
            }
            core.count(.accepted)
            core.metrics?.openConnections.add(1)
            let id = core.nextConnectionID.add(1, ordering: .relaxed).oldValue
            let machine = HTTPConnectionStateMachine(
                limits: core.configuration.limits, timeouts: core.configuration.timeouts, now: core.clock.now())
            let connection = Connection(
                fd: fd, id: id, remoteAddress: address, peer: peer, addressKey: addressKey, machine: machine)
            connections[fd] = connection
            connection.registeredEvents = EPOLLIN.rawValue
            register(fd, events: EPOLLIN.rawValue, operation: EPOLL_CTL_ADD)
        }
    }

    /// `accept` failed with `EMFILE`/`ENFILE`. The waiting client must neither hang nor keep the listener readable
    /// (level-triggered epoll would wake this loop again at once, forever): free the reserve descriptor, accept the
    /// client into its slot, answer 503 and close, then take the reserve back. When even that fails (another loop
    /// holds the reserve, or the whole system is out), take the listener out of the epoll set for a moment.
    private func descriptorsExhausted() {
        core.count(.descriptorExhaustion)
        let refused = core.reserveDescriptor.withLock { reserve -> Bool in
            if reserve < 0 { reserve = open("/dev/null", O_RDONLY | O_CLOEXEC) }  // lost to a race earlier
            guard reserve >= 0 else { return false }
            close(reserve)
            core.count(.acceptCall)
            let accepted = Socket.accept(core.listenerFD)
            if let (fd, _) = accepted { refuseOverCapacity(fd) }
            reserve = open("/dev/null", O_RDONLY | O_CLOEXEC)
            return accepted != nil
        }
        if refused {
            core.count(.refusedOutOfDescriptors)
        } else if listening && listenerPausedUntil == nil {
            // The real clock, not the injected one: this pause is the server's own housekeeping, not a protocol
            // deadline.
            listenerPausedUntil = SystemHTTPClock().now() + Self.listenerPause
            register(core.listenerFD, events: 0, operation: EPOLL_CTL_DEL)
        }
    }

    /// Puts the listener back once its pause is over (and tries to get the reserve descriptor back).
    private func resumeListenerIfDue(now: MonotonicInstant) {
        guard let until = listenerPausedUntil, now >= until, listening else { return }
        listenerPausedUntil = nil
        core.reserveDescriptor.withLock { reserve in
            if reserve < 0 { reserve = open("/dev/null", O_RDONLY | O_CLOEXEC) }
        }
        register(core.listenerFD, events: EPOLLIN.rawValue | EPOLLEXCLUSIVE.rawValue, operation: EPOLL_CTL_ADD)
    }

    /// Over the cap: answer 503 and close at once, holding no state for the connection.
    private func refuseOverCapacity(_ fd: Int32) {
        _ = core.overCapacityResponse.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        Glibc.shutdown(fd, Int32(SHUT_WR))
        // Discard whatever request already arrived so close(2) sends FIN rather than RST.
        _ = recv(fd, readBuffer.baseAddress, readBuffer.count, Int32(MSG_DONTWAIT))
        close(fd)
    }

    // MARK: - Connection I/O

    private func readable(_ connection: Connection) {
        let received = recv(connection.fd, readBuffer.baseAddress, readBuffer.count, 0)
        if received < 0 {
            let error = errno
            if error == EAGAIN || error == EWOULDBLOCK || error == EINTR { return }
            closeNow(connection)
            return
        }
        if connection.lingerDeadline != nil {
            if received == 0 { closeNow(connection) }
            return
        }
        let now = core.clock.now()
        let actions: [HTTPConnectionStateMachine.Action]
        if received == 0 {
            actions = connection.machine.peerClosed(now: now)
        } else {
            actions = connection.machine.bytesReceived(
                UnsafeRawBufferPointer(start: readBuffer.baseAddress, count: received), now: now)
        }
        perform(actions, on: connection)
    }

    private func isOpen(_ connection: Connection) -> Bool { connections[connection.fd] === connection }

    /// Performs the machine's actions, writes, and feeds write progress back to the machine, which may release
    /// pipelined requests held back by backpressure (each round needs the client to have taken output).
    private func perform(_ actions: [HTTPConnectionStateMachine.Action], on connection: Connection) {
        var actions = actions
        while true {
            performActions(actions, on: connection)
            // Inline responses (possibly several, for pipelined requests answered one at a time).
            while let response = connection.inlineResponse, isOpen(connection) {
                connection.inlineResponse = nil
                performActions(connection.machine.responseReady(response, now: core.clock.now()), on: connection)
            }
            guard isOpen(connection) else { return }
            actions = flush(connection)
            guard !actions.isEmpty, isOpen(connection) else { break }
        }
        updateInterest(connection)
    }

    private func performActions(_ actions: [HTTPConnectionStateMachine.Action], on connection: Connection) {
        for action in actions {
            switch action {
            case .dispatch(let request):
                dispatch(request, on: connection)
            case .sendContinue:
                connection.output.append(contentsOf: Self.continueBytes)
            case .send(let outbound):
                let bytes = outbound.serialize(date: dateCache.current())
                connection.output.append(contentsOf: bytes)
                record(outbound.response, bytesOut: bytes.count, on: connection)
            case .close:
                connection.closeWhenFlushed = true
            case .abort:
                core.count(.writeTimeout)
                closeNow(connection)
                return
            }
        }
    }

    private func dispatch(_ request: HTTPRequest, on connection: Connection) {
        let trusted = core.configuration.trustedProxies
        let client =
            trusted.isEmpty
            ? connection.peer
            : ClientAddressResolver.resolve(
                peer: connection.peer, forwardedFor: request.headers.values(for: "X-Forwarded-For"),
                trustedProxies: trusted)
        let context = RequestContext(
            startTime: core.clock.now(), remoteAddress: connection.remoteAddress, clientAddress: client,
            limits: core.configuration.limits)
        connection.inFlight = context
        connection.inFlightMethod = request.method
        let responder = core.responder
        // Short, non-suspending work (a cached token check, a WAL read) is answered here on the loop's own
        // thread: no hop to the cooperative pool and back through the inbox.
        if let response = responder.respondInline(to: request, context: context) {
            connection.inlineResponse = response
            return
        }
        let connectionID = connection.id
        let fd = connection.fd
        Task(executorPreference: core.handlerExecutor) {
            let response = await responder.respond(to: request, context: context)
            self.post(.response(connectionID: connectionID, fd: fd, response))
        }
    }

    /// One access-log line and the request metrics. Refusals by the parser are logged too, without a route.
    private func record(_ response: HTTPResponse, bytesOut: Int, on connection: Connection) {
        let now = core.clock.now()
        let context = connection.inFlight
        let duration = context.map { now.duration(since: $0.startTime) } ?? .zero
        let route = response.route
        let record = AccessLogRecord(
            time: Date(), requestID: context?.requestID ?? RequestContext.makeRequestID(),
            method: connection.inFlightMethod ?? HTTPMethod("-"), route: route, status: response.status.code,
            duration: duration, bytesOut: bytesOut, client: context?.clientAddress ?? connection.peer)
        logLine.removeAll(keepingCapacity: true)
        record.appendJSONLine(to: &logLine)
        logLine.append(10)
        if logBatch.count + logLine.count > HTTPLogBatch.limit { flushLog() }
        if logLine.count > HTTPLogBatch.limit {
            // A method thousands of characters long (the request line may hold it): the line goes alone, whole.
            logLine.withUnsafeBytes { core.logSink.write(lines: $0) }
        } else {
            logBatch.append(contentsOf: logLine)
        }
        if let metrics = core.metrics {
            let label = route ?? "unmatched"
            metrics.requests.increment(labels: [label, String(response.status.code)])
            metrics.duration.observe(duration.milliseconds / 1000, labels: [label])
        }
        connection.inFlight = nil
        connection.inFlightMethod = nil
    }

    /// Hands the gathered access-log lines to the sink: once per pass over the ready connections (one `write(2)`
    /// for many requests under load) and whenever the batch would pass ``HTTPLogBatch/limit``.
    private func flushLog() {
        guard !logBatch.isEmpty else { return }
        logBatch.withUnsafeBytes { core.logSink.write(lines: $0) }
        logBatch.removeAll(keepingCapacity: true)
    }

    /// Writes what the socket takes; returns the machine's answer to the progress (see ``perform(_:on:)``).
    private func flush(_ connection: Connection) -> [HTTPConnectionStateMachine.Action] {
        let start = connection.outputOffset
        while connection.outputOffset < connection.output.count {
            let sent = connection.output.withUnsafeBytes { bytes in
                send(
                    connection.fd, bytes.baseAddress! + connection.outputOffset,
                    bytes.count - connection.outputOffset, Int32(MSG_NOSIGNAL))
            }
            if sent < 0 {
                let error = errno
                if error == EINTR { continue }
                if error == EAGAIN || error == EWOULDBLOCK { break }
                closeNow(connection)
                return []
            }
            connection.outputOffset += sent
        }
        let moved = connection.outputOffset > start
        if connection.outputOffset == connection.output.count {
            connection.output.removeAll(keepingCapacity: connection.output.capacity <= 64 * 1024)
            connection.outputOffset = 0
            if connection.closeWhenFlushed && connection.lingerDeadline == nil {
                beginLingeringClose(connection)
                return []
            }
        } else if connection.outputOffset >= 64 * 1024, connection.outputOffset * 2 >= connection.output.count {
            // A slow reader: drop what it already took, so the buffer holds only unsent bytes.
            connection.output.removeFirst(connection.outputOffset)
            connection.outputOffset = 0
        }
        guard moved, connection.lingerDeadline == nil else { return [] }
        return connection.machine.outputFlushed(
            unflushed: connection.output.count - connection.outputOffset, now: core.clock.now())
    }

    /// Half-close, then drain input for a while: closing with unread input would make the kernel send RST,
    /// which can destroy the response we just wrote before the client reads it.
    private func beginLingeringClose(_ connection: Connection) {
        Glibc.shutdown(connection.fd, Int32(SHUT_WR))
        connection.lingerDeadline = core.clock.now() + core.configuration.timeouts.lingeringClose
        updateInterest(connection)
    }

    private func updateInterest(_ connection: Connection) {
        guard connections[connection.fd] === connection else { return }
        var events: UInt32 = 0
        if connection.lingerDeadline != nil || connection.machine.wantsToRead { events |= EPOLLIN.rawValue }
        let paused = connection.lingerDeadline == nil && connection.machine.isOutputBackpressured
        if paused && !connection.pausedForOutput { core.count(.backpressurePause) }
        connection.pausedForOutput = paused
        if connection.outputOffset < connection.output.count { events |= EPOLLOUT.rawValue }
        if events != connection.registeredEvents {
            connection.registeredEvents = events
            register(connection.fd, events: events, operation: EPOLL_CTL_MOD)
        }
    }

    private func closeNow(_ connection: Connection) {
        guard connections[connection.fd] === connection else { return }
        connections[connection.fd] = nil
        register(connection.fd, events: 0, operation: EPOLL_CTL_DEL)
        close(connection.fd)
        if let key = connection.addressKey { core.release(key) }
        core.openConnections.subtract(1, ordering: .relaxed)
        core.metrics?.openConnections.add(-1)
    }

    private func checkTimers() {
        if listenerPausedUntil != nil { resumeListenerIfDue(now: SystemHTTPClock().now()) }
        let now = core.clock.now()
        guard now >= lastTimerCheck + Self.timerInterval else { return }
        lastTimerCheck = now
        for connection in Array(connections.values) {
            if let linger = connection.lingerDeadline {
                if now >= linger { closeNow(connection) }
                continue
            }
            if let deadline = connection.machine.nextDeadline, now >= deadline {
                perform(connection.machine.timerFired(now: now), on: connection)
            }
        }
    }

    private func register(_ fd: Int32, events: UInt32, operation: Int32) {
        var event = epoll_event()
        event.events = events
        event.data.fd = fd
        _ = epoll_ctl(epollFD, operation, fd, &event)
    }
}

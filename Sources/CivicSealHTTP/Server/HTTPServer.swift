import Foundation
import Synchronization

/// A strict HTTP/1.1 server on POSIX sockets and epoll.
///
/// Call ``shutdown(deadline:)`` before releasing the last reference: the loop threads keep running until then.
///
/// Each of `configuration.eventLoopCount` threads runs its own epoll set over the shared listening socket
/// (woken with `EPOLLEXCLUSIVE`) and the connections it accepted. Parsing, framing and deadlines happen on
/// those threads in ``HTTPConnectionStateMachine``; handlers run as tasks on Swift's cooperative pool, so a
/// slow handler never stalls a loop, and a loop never blocks the pool.
///
/// ```swift
/// var routes = HTTPRouter.Builder()
/// routes.get("/healthz") { _, _ in .text("ok") }
/// let server = HTTPServer(configuration: .init(host: "127.0.0.1", port: 0), responder: try routes.build())
/// try server.start()
/// print("listening on", server.port)
/// await server.shutdown(deadline: .seconds(10))
/// ```
package final class HTTPServer: Sendable {
    private enum Lifecycle {
        case created
        case running(ServerCore, [EventLoop], port: Int)
        case shuttingDown(ServerCore, [EventLoop], port: Int)
        case stopped(port: Int)
    }

    package let configuration: HTTPServerConfiguration
    private let responder: any HTTPResponder
    private let clock: any HTTPClock
    private let logSink: any HTTPLogSink
    private let metrics: HTTPServerMetrics?
    private let lifecycle = Mutex<Lifecycle>(.created)
    private let stopWaiters = Mutex<[CheckedContinuation<Void, Never>]>([])

    /// - Parameters:
    ///   - metrics: when given, the server registers and updates its request counter, latency histogram and
    ///     open-connection gauge there; serve ``MetricsRegistry/exposition()`` from a route to publish them.
    package init(
        configuration: HTTPServerConfiguration, responder: some HTTPResponder,
        clock: some HTTPClock = SystemHTTPClock(),
        logSink: some HTTPLogSink = StandardOutputLogSink(), metrics: MetricsRegistry? = nil
    ) {
        self.configuration = configuration
        self.responder = responder
        self.clock = clock
        self.logSink = logSink
        self.metrics = metrics.map(HTTPServerMetrics.init(registry:))
    }

    /// Binds, listens and starts the event-loop threads; returns once the port accepts connections.
    package func start() throws(HTTPServerError) {
        signal(SIGPIPE, SIG_IGN)  // belt and braces: every send already uses MSG_NOSIGNAL
        if configuration.raiseDescriptorLimit { DescriptorLimit.raiseSoftLimitToHard() }
        try lifecycle.withLock { (state) throws(HTTPServerError) in
            guard case .created = state else { throw HTTPServerError(.alreadyStarted, "server already started") }
            let (fd, port) = try Socket.listen(
                host: configuration.host, port: configuration.port, backlog: configuration.backlog)
            let core = ServerCore(
                configuration: configuration, responder: responder, clock: clock, logSink: logSink, metrics: metrics,
                listenerFD: fd)
            var loops: [EventLoop] = []
            do throws(HTTPServerError) {
                for index in 0..<max(1, configuration.eventLoopCount) {
                    loops.append(try EventLoop(index: index, core: core))
                }
            } catch {
                for loop in loops { loop.discard() }
                core.handlerExecutor.stop()
                core.releaseReserveDescriptor()
                if loops.isEmpty { close(fd) }
                throw error
            }
            for loop in loops {
                let thread = Thread { loop.run() }
                thread.name = "civicseal-http-\(loop.index)"
                thread.start()
            }
            state = .running(core, loops, port: port)
        }
    }

    /// The bound port (the ephemeral one when configured with port 0); 0 before ``start()``.
    package var port: Int {
        lifecycle.withLock { state in
            switch state {
            case .created: 0
            case .running(_, _, let port), .shuttingDown(_, _, let port), .stopped(let port): port
            }
        }
    }

    /// What the server did to protect itself since it started (zeros before ``start()``).
    package var statistics: HTTPServerStatistics {
        lifecycle.withLock { state in
            switch state {
            case .running(let core, _, _), .shuttingDown(let core, _, _): core.counters.snapshot
            default: HTTPServerStatistics()
            }
        }
    }

    /// Connections currently open (including ones draining after their last response).
    package var openConnectionCount: Int {
        lifecycle.withLock { state in
            switch state {
            case .running(let core, _, _), .shuttingDown(let core, _, _): core.openConnections.load(ordering: .relaxed)
            default: 0
            }
        }
    }

    /// Graceful shutdown: stops accepting at once (new connections are refused), closes idle keep-alive
    /// connections, lets requests in progress finish and sends their responses with `Connection: close`, and
    /// after `deadline` closes whatever is left. Returns when every loop thread has exited. Idempotent.
    package func shutdown(deadline: Duration = .seconds(10)) async {
        let loops: [EventLoop]? = lifecycle.withLock { state in
            if case .created = state { state = .stopped(port: 0) }
            guard case .running(let core, let loops, let port) = state else { return nil }
            // shutdown(2) on the listening socket makes the kernel refuse new connections immediately;
            // the loops then drop it from their epoll sets and the last one closes it.
            _ = Glibc.shutdown(core.listenerFD, Int32(SHUT_RDWR))
            state = .shuttingDown(core, loops, port: port)
            return loops
        }
        guard let loops else {
            await waitUntilStopped()
            return
        }
        for loop in loops { loop.post(.beginShutdown) }
        // Waiting happens on a dedicated thread: it must neither block the cooperative pool nor end early
        // because the calling task was cancelled.
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            Thread.detachNewThread {
                let end = ContinuousClock.now + deadline
                while ContinuousClock.now < end, !loops.allSatisfy({ $0.drained.load(ordering: .acquiring) }) {
                    usleep(2_000)
                }
                for loop in loops { loop.post(.stop) }
                while !loops.allSatisfy({ $0.finished.load(ordering: .acquiring) }) { usleep(1_000) }
                continuation.resume()
            }
        }
        lifecycle.withLock { state in
            if case .shuttingDown(let core, _, let port) = state {
                core.handlerExecutor.stop()
                core.releaseReserveDescriptor()
                state = .stopped(port: port)
            }
        }
        for waiter in stopWaiters.withLock({ waiters in
            defer { waiters.removeAll() }
            return waiters
        }) {
            waiter.resume()
        }
    }

    /// Suspends until the server has stopped (at once if it was never started).
    package func waitUntilStopped() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            // Lock order: lifecycle, then waiters; shutdown resumes waiters only after marking the state stopped.
            let stopped = lifecycle.withLock { state -> Bool in
                switch state {
                case .stopped, .created:
                    return true
                default:
                    stopWaiters.withLock { $0.append(continuation) }
                    return false
                }
            }
            if stopped { continuation.resume() }
        }
    }
}

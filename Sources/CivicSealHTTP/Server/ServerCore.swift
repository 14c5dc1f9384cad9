internal import CCivicSealSystem
import Foundation
import Synchronization

/// What every event loop of one server shares. Immutable apart from atomics.
final class ServerCore: Sendable {
    let configuration: HTTPServerConfiguration
    let responder: any HTTPResponder
    let clock: any HTTPClock
    let logSink: any HTTPLogSink
    let metrics: HTTPServerMetrics?
    /// Accepted connections not yet closed, across all loops; bounded by `maximumConnections`.
    let openConnections = Atomic<Int>(0)
    let nextConnectionID = Atomic<UInt64>(1)
    /// Loops still holding the listening socket in their epoll set; the last to let go closes it.
    let listenerUsers = Atomic<Int>(0)
    let listenerFD: Int32
    /// A ready-made 503 for connections over the cap.
    let overCapacityResponse: [UInt8]
    /// Where async handlers run: the server's own threads, not the shared cooperative pool.
    let handlerExecutor: HandlerExecutor
    let counters = HTTPServerCounters()
    /// Open connections per client key (``IPAddress/clientKey``), for
    /// ``HTTPServerConfiguration/maximumConnectionsPerAddress``.
    let connectionsPerAddress = Mutex<[String: Int]>([:])
    /// A descriptor kept open on `/dev/null` so that, when `accept` fails with `EMFILE`, closing it frees one slot
    /// to accept the waiting client, answer it 503 and close it, instead of leaving it hanging (and the listener
    /// readable forever). -1 while it is in use or could not be reopened.
    let reserveDescriptor = Mutex<Int32>(-1)

    init(
        configuration: HTTPServerConfiguration, responder: any HTTPResponder, clock: any HTTPClock,
        logSink: any HTTPLogSink, metrics: HTTPServerMetrics?, listenerFD: Int32
    ) {
        self.configuration = configuration
        self.responder = responder
        self.clock = clock
        self.logSink = logSink
        self.metrics = metrics
        self.listenerFD = listenerFD
        handlerExecutor = HandlerExecutor(threads: configuration.handlerThreadCount)
        let problem = ProblemDetails(
            slug: "service-unavailable", title: "Service Unavailable", status: .serviceUnavailable,
            detail: "The server has too many open connections; retry later.")
        var response = HTTPResponse.problem(problem)
        response.headers.add(name: "Retry-After", value: "1")
        overCapacityResponse = HTTPResponseWriter.serialize(response, closing: true)
        reserveDescriptor.withLock { $0 = open("/dev/null", O_RDONLY | O_CLOEXEC) }
    }

    /// Counts a self-protection event in ``HTTPServer/statistics`` and, when the server has metrics, in
    /// `civicseal_http_protection_events_total{event=…}`.
    func count(_ event: HTTPServerCounters.Event) {
        counters.add(event)
        metrics?.protectionEvents.increment(labels: [event.rawValue])
    }

    /// Closes the reserve descriptor (the server has stopped).
    func releaseReserveDescriptor() {
        reserveDescriptor.withLock { reserve in
            if reserve >= 0 { close(reserve) }
            reserve = -1
        }
    }

    /// Takes one connection slot for `key`; false when the address already holds its share.
    func admit(_ key: String) -> Bool {
        connectionsPerAddress.withLock { counts in
            let current = counts[key, default: 0]
            guard current < configuration.maximumConnectionsPerAddress else { return false }
            counts[key] = current + 1
            return true
        }
    }

    func release(_ key: String) {
        connectionsPerAddress.withLock { counts in
            let remaining = counts[key, default: 1] - 1
            counts[key] = remaining > 0 ? remaining : nil
        }
    }
}

import Synchronization

/// The instants one request must keep to: the end of the whole request, and the per-step limits that are measured
/// from the start of each connect or read.
/// The request's cancellation: set by the calling task's cancellation handler, seen by every wait of the exchange.
struct Deadlines: Sendable {
    let total: ContinuousClock.Instant
    let connectTimeout: Duration
    let readTimeout: Duration
    let cancellation: Cancellation

    init(_ configuration: HTTPClientConfiguration, start: ContinuousClock.Instant = .now) {
        total = start + configuration.totalTimeout
        connectTimeout = configuration.connectTimeout
        readTimeout = configuration.readTimeout
        cancellation = Cancellation()
    }

    /// Set once when the task that sent the request is cancelled.
    final class Cancellation: Sendable {
        private let flag = Atomic<Bool>(false)
        func cancel() { flag.store(true, ordering: .relaxed) }
        var isCancelled: Bool { flag.load(ordering: .relaxed) }
    }

    /// One wait's end, which limit it is, and the request's cancellation.
    struct Step {
        let instant: ContinuousClock.Instant
        let what: String
        let cancellation: Cancellation
    }

    /// The end of a connect started now.
    func connect() -> Step { earlier(connectTimeout, "connect") }

    /// The end of a read (or write) started now.
    func read() -> Step { earlier(readTimeout, "read") }

    private func earlier(_ step: Duration, _ name: String) -> Step {
        let stepEnd = ContinuousClock.now + step
        return stepEnd < total
            ? Step(instant: stepEnd, what: name, cancellation: cancellation)
            : Step(instant: total, what: "total", cancellation: cancellation)
    }

    /// How long one poll(2) sleeps at most, so that a cancelled request notices within this time.
    static let cancellationCheckInterval: Int32 = 100

    /// Milliseconds left until `instant` for poll(2), rounded up, at least 0.
    static func milliseconds(until instant: ContinuousClock.Instant) -> Int32 {
        let left = ContinuousClock.now.duration(to: instant)
        if left <= .zero { return 0 }
        let (seconds, attoseconds) = left.components
        let milliseconds = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: milliseconds)
    }
}

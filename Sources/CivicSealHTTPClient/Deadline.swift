/// The instants one request must keep to: the end of the whole request, and the per-step limits that are measured
/// from the start of each connect or read.
struct Deadlines: Sendable {
    let total: ContinuousClock.Instant
    let connectTimeout: Duration
    let readTimeout: Duration

    init(_ configuration: HTTPClientConfiguration, start: ContinuousClock.Instant = .now) {
        total = start + configuration.totalTimeout
        connectTimeout = configuration.connectTimeout
        readTimeout = configuration.readTimeout
    }

    /// The end of a connect started now, and which limit it is.
    func connect() -> (instant: ContinuousClock.Instant, what: String) { earlier(connectTimeout, "connect") }

    /// The end of a read (or write) started now, and which limit it is.
    func read() -> (instant: ContinuousClock.Instant, what: String) { earlier(readTimeout, "read") }

    private func earlier(_ step: Duration, _ name: String) -> (instant: ContinuousClock.Instant, what: String) {
        let stepEnd = ContinuousClock.now + step
        return stepEnd < total ? (stepEnd, name) : (total, "total")
    }

    /// Milliseconds left until `instant` for poll(2), rounded up, at least 0.
    static func milliseconds(until instant: ContinuousClock.Instant) -> Int32 {
        let left = ContinuousClock.now.duration(to: instant)
        if left <= .zero { return 0 }
        let (seconds, attoseconds) = left.components
        let milliseconds = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: milliseconds)
    }
}

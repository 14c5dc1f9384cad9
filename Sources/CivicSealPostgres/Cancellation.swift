import Synchronization

/// Set once when the task that started an operation is cancelled; every wait of the operation looks at it.
final class Cancellation: Sendable {
    private let flag = Atomic<Bool>(false)
    func cancel() { flag.store(true, ordering: .relaxed) }
    var isCancelled: Bool { flag.load(ordering: .relaxed) }
}

/// How one blocking wait ends early: at `deadline`, or when `cancellation` is set. With an `interrupt` (a running
/// statement) the first of these calls it once (a CancelRequest) and the wait goes on for the server's answer,
/// up to `grace` more; without one (connecting) the wait throws at once.
struct WaitPolicy {
    var deadline: ContinuousClock.Instant?
    var cancellation: Cancellation
    var interrupt: (@Sendable () -> Void)?
    var grace: Duration = .seconds(10)

    /// How long one poll(2) sleeps at most, so that cancellation is noticed within this time.
    static let checkInterval: Int32 = 50
}

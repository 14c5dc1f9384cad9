import CivicSealStorage
import Synchronization

/// One async write waiting for the store's writer lane: the caller's closure, and the continuation that learns its
/// outcome once the batch it ran in has committed (or failed).
protocol GroupedWrite: AnyObject, Sendable {
    /// Takes the write for a batch, just before its closure first runs (again true when the batch runs it again);
    /// false when its caller was cancelled first.
    func claim() -> Bool
    /// Runs the closure in `session`, keeping its value for ``succeed()``; returns what it threw.
    func run(_ session: any SQLSession) -> (any Error)?
    /// Resumes the caller with the value of the last run (after COMMIT).
    func succeed()
    func fail(_ error: any Error)
}

/// A ``GroupedWrite`` whose closure returns `T`.
final class PendingWrite<T: Sendable>: GroupedWrite {
    private enum Phase {
        /// Queued; the continuation arrives once the caller's task has suspended.
        case waiting(CheckedContinuation<T, any Error>?)
        case cancelled
        case claimed(CheckedContinuation<T, any Error>)
        case finished
    }

    private let updates: @Sendable (any SQLSession) throws -> T
    private let phase = Mutex<Phase>(.waiting(nil))
    /// The value of the last run: written and read only by the writer lane's thread, one batch at a time.
    private let value = Mutex<T?>(nil)

    init(_ updates: @escaping @Sendable (any SQLSession) throws -> T) { self.updates = updates }

    /// Gives the write its continuation; false (and the caller resumed with `CancellationError`) when the caller
    /// was cancelled before.
    func attach(_ continuation: CheckedContinuation<T, any Error>) -> Bool {
        let cancelled = phase.withLock { phase -> Bool in
            guard case .waiting = phase else { return true }
            phase = .waiting(continuation)
            return false
        }
        if cancelled { continuation.resume(throwing: CancellationError()) }
        return !cancelled
    }

    /// The caller's task was cancelled: a write whose closure has not started never will; its caller resumes now.
    func cancel() {
        let continuation = phase.withLock { phase -> CheckedContinuation<T, any Error>? in
            guard case .waiting(let continuation) = phase else { return nil }
            phase = .cancelled
            return continuation
        }
        continuation?.resume(throwing: CancellationError())
    }

    func claim() -> Bool {
        phase.withLock { phase in
            switch phase {
            case .waiting(let continuation?):
                phase = .claimed(continuation)
                return true
            case .claimed: return true
            case .waiting(nil), .cancelled, .finished: return false
            }
        }
    }

    func run(_ session: any SQLSession) -> (any Error)? {
        do {
            let result = try updates(session)
            value.withLock { $0 = result }
            return nil
        } catch {
            return error
        }
    }

    func succeed() {
        guard let result = value.withLock({ $0 }) else {
            return fail(DatabaseError(.error, "a grouped write finished without a value"))
        }
        finish()?.resume(returning: result)
    }

    func fail(_ error: any Error) { finish()?.resume(throwing: error) }

    private func finish() -> CheckedContinuation<T, any Error>? {
        phase.withLock { phase in
            let continuation: CheckedContinuation<T, any Error>? =
                switch phase {
                case .claimed(let continuation), .waiting(let continuation?): continuation
                default: nil
                }
            phase = .finished
            return continuation
        }
    }
}

/// The async writes waiting for the writer lane, first come first served, at most ``limit`` of them.
final class PostgresWriteQueue: Sendable {
    private struct State {
        var waiting: [any GroupedWrite] = []
        var head = 0
        /// Whether a lane pass is running or scheduled: only one runs at a time.
        var draining = false
    }

    let limit: Int
    private let state = Mutex(State())

    init(limit: Int) { self.limit = max(1, limit) }

    /// Adds `write`; true when the caller must start a lane pass (none is running). Throws when full.
    func enqueue(_ write: any GroupedWrite) throws(DatabaseError) -> Bool {
        try state.withLock { (state) throws(DatabaseError) -> Bool in
            guard state.waiting.count - state.head < limit else {
                throw DatabaseError(.busy, "too many writes are waiting for the PostgreSQL store")
            }
            state.waiting.append(write)
            defer { state.draining = true }
            return !state.draining
        }
    }

    /// The next writes in arrival order, at most `count`; empty (and the pass over) when none waits.
    func next(_ count: Int) -> [any GroupedWrite] {
        state.withLock { state in
            let end = min(state.waiting.count, state.head + count)
            let batch = Array(state.waiting[state.head..<end])
            state.head = end
            if state.head == state.waiting.count {
                state.waiting.removeAll(keepingCapacity: state.waiting.capacity <= 4096)
                state.head = 0
            } else if state.head >= 1024 {
                state.waiting.removeFirst(state.head)  // a queue never empty under steady load
                state.head = 0
            }
            if batch.isEmpty { state.draining = false }
            return batch
        }
    }

    /// Writes waiting now (cancelled ones included until the lane passes them).
    var count: Int { state.withLock { $0.waiting.count - $0.head } }
}

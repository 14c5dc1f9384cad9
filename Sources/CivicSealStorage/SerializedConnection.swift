import Dispatch
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A ``Connection`` confined to its own serial `DispatchQueue`.
///
/// Blocking SQLite calls run on that queue, never on Swift's cooperative thread pool: async
/// callers suspend on a continuation until the queue has run their closure.
// `connection` is only touched on `queue` (or before the object is shared, in init)
final class SerializedConnection: @unchecked Sendable {
    let queue: DispatchQueue
    private var connection: Connection?
    /// Taken by a synchronous caller for the length of its `queue.sync`; see ``sync(_:)``.
    private let syncGate = Atomic<Bool>(false)
    /// How long a synchronous caller spins for ``syncGate`` before it queues up without it (about two transactions).
    static let syncSpinNanoseconds: UInt64 = 150_000

    /// Opens the connection on the calling thread; nothing else can see `self` yet.
    init(label: String, open: () throws -> Connection) rethrows {
        queue = DispatchQueue(label: label, qos: .userInitiated)
        connection = try open()
    }

    private func live() throws(DatabaseError) -> Connection {
        guard let connection else { throw DatabaseError(.closed, "the database is closed") }
        return connection
    }

    /// Runs `body` on the queue and waits. Must not be called from the queue itself (it would deadlock).
    ///
    /// Two threads calling `queue.sync` at once hand the queue over through a futex sleep and wake-up each time,
    /// which on two cores cost more than the transaction (two blocking submitters reached 7,400/s, one alone
    /// 12,000/s). So synchronous callers first spin, for at most ``syncSpinNanoseconds``, on a gate held for the
    /// length of a `queue.sync`; the queue still orders everything (async work included). A caller that does not get
    /// the gate in time (a long transaction holds it) blocks in `queue.sync` as before, so nobody spins for long.
    func sync<T>(_ body: (Connection) throws -> T) throws -> T {
        dispatchPrecondition(condition: .notOnQueue(queue))
        let gated = acquireSyncGate()
        defer { if gated { syncGate.store(false, ordering: .releasing) } }
        return try queue.sync { try body(try live()) }
    }

    private func acquireSyncGate() -> Bool {
        if syncGate.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged { return true }
        let start = DispatchTime.now().uptimeNanoseconds
        var spins = 0
        while true {
            spins += 1
            if spins % 32 == 0 {
                if DispatchTime.now().uptimeNanoseconds - start > Self.syncSpinNanoseconds { return false }
                sched_yield()  // let the holder's thread run if it shares this core
            }
            if !syncGate.load(ordering: .relaxed),
                syncGate.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged
            {
                return true
            }
        }
    }

    /// Runs `body` on the queue; the calling task suspends without holding a cooperative thread.
    func async<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        try Task.checkCancellation()
        return try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { try body(try self.live()) })
            }
        }
    }

    /// Runs `body` on the queue without waiting for it, after the work already queued; skipped once closed.
    func enqueue(_ body: @escaping @Sendable (Connection?) -> Void) {
        queue.async { body(self.connection) }
    }

    /// Runs `finish` (e.g. a checkpoint) and closes the connection, on the queue. Closes even if
    /// `finish` throws, then rethrows. Closing twice does nothing.
    func close(finishing finish: (Connection) throws -> Void = { _ in }) throws {
        dispatchPrecondition(condition: .notOnQueue(queue))
        try queue.sync {
            guard let connection else { return }
            defer {
                connection.close()
                self.connection = nil
            }
            try finish(connection)
        }
    }
}

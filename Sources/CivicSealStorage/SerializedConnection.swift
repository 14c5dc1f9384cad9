import Dispatch

/// A ``Connection`` confined to its own serial `DispatchQueue`.
///
/// Blocking SQLite calls run on that queue, never on Swift's cooperative thread pool: async
/// callers suspend on a continuation until the queue has run their closure.
final class SerializedConnection: @unchecked Sendable {  // `connection` is only touched on `queue` (or before the object is shared, in init)
    let queue: DispatchQueue
    private var connection: Connection?

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
    func sync<T>(_ body: (Connection) throws -> T) throws -> T {
        dispatchPrecondition(condition: .notOnQueue(queue))
        return try queue.sync { try body(try live()) }
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

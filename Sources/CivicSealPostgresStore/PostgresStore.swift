import CivicSealPostgres
import CivicSealStorage
import Dispatch
import Synchronization

/// The records store on PostgreSQL (``SQLStore``): a bounded pool of connections; each `read` is one
/// `REPEATABLE READ, READ ONLY` snapshot, each blocking `write` one transaction `BEGIN … COMMIT`, and async writes
/// are grouped: one writer lane runs every queued closure (up to ``maximumBatch``) in ONE transaction, each under a
/// savepoint of its own, with ONE commit (see ``PostgresStore+GroupCommit.swift``).
///
/// Writes are serialized across every instance by a transaction-scoped advisory lock
/// (`pg_advisory_xact_lock`), taken first in each write transaction: the records layer was written for SQLite's single
/// writer (the audit chain appends after the last hash, new request numbers follow the largest), so on PostgreSQL the
/// same invariant holds for all instances sharing the database, and the audit trail stays one chain. Writes then run
/// at READ COMMITTED, so every statement after the lock sees every write committed before it. Reads never take the
/// lock. A serialization failure or deadlock (40001/40P01) is retried a bounded number of times.
///
/// Closures run on dispatch threads, never on Swift's cooperative pool: async reads hop to one, async writes to the
/// writer lane, the blocking forms run on the caller's thread (the command line). A connection that breaks (server
/// restart) is dropped and its failure reported as ``DatabaseError/Code/unavailable``; the next transaction connects
/// afresh.
package final class PostgresStore: SQLStore {
    package let configuration: PostgresConfiguration
    package let maximumConnections: Int
    /// Attempts of one write when the server reports a serialization failure or a deadlock.
    package let maximumAttempts = 5
    /// The advisory lock key every write takes: "CivicSea" in ASCII, as a bigint.
    static let writeLockKey: Int64 = 0x4369_7669_6353_6561

    static let writeOpening = [
        PostgresStatement("BEGIN ISOLATION LEVEL READ COMMITTED"),
        PostgresStatement("SELECT pg_advisory_xact_lock(\(writeLockKey))"),
    ]
    static let readOpening = [PostgresStatement("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")]
    static let unorderedWriteOpening = [PostgresStatement("BEGIN ISOLATION LEVEL READ COMMITTED")]
    /// Closures one group-commit transaction runs at most: a bound on the wait of the first, and on the savepoints
    /// with writes in one transaction (PostgreSQL caches 64 subtransaction ids per backend before other sessions'
    /// snapshots must look them up).
    package let maximumBatch: Int
    /// Async writes that may wait for the writer lane; beyond, a write fails at once with
    /// ``DatabaseError/Code/busy`` (HTTP 503) instead of queueing without bound.
    package var maximumQueuedWrites: Int { writeQueue.limit }

    private let bridge = BlockingBridge()
    private let idle = Mutex<[PostgresConnection]>([])
    private let slots: DispatchSemaphore
    private let closed = Atomic<Bool>(false)
    /// Where async callers' transactions run: one serial queue per pool slot (serial queues get threads of their own;
    /// a concurrent queue would draw on the global pool, as small as the core count, and the blocked threads would
    /// starve the bridge), taken in turn.
    private let lanes: [DispatchQueue]
    private let nextLane = Atomic<Int>(0)
    /// The async writes waiting, and the serial queue (a thread of its own) whose passes run them in batches.
    let writeQueue: PostgresWriteQueue
    let writerLane = DispatchQueue(label: "civicseal.postgres-store.writer")
    /// Round trips of transactions that finished, for tests and the benchmark (see ``roundTrips``).
    let finishedRoundTrips = Atomic<Int>(0)

    private init(configuration: PostgresConfiguration, maximumConnections: Int, maximumBatch: Int, queueLimit: Int) {
        self.configuration = configuration
        self.maximumConnections = max(1, maximumConnections)
        self.maximumBatch = max(1, maximumBatch)
        writeQueue = PostgresWriteQueue(limit: queueLimit)
        slots = DispatchSemaphore(value: self.maximumConnections)
        lanes = (0..<self.maximumConnections).map { DispatchQueue(label: "civicseal.postgres-store.lane.\($0)") }
    }

    /// Connects, applies the pending `migrations` (under the write lock, so instances starting together apply each
    /// once) and returns the store. Blocks the calling thread.
    package static func open(
        _ configuration: PostgresConfiguration, maximumConnections: Int = 8, migrations: [SQLMigration] = [],
        maximumBatch: Int = 64, maximumQueuedWrites: Int = 4096
    ) throws -> PostgresStore {
        let store = PostgresStore(
            configuration: configuration, maximumConnections: maximumConnections, maximumBatch: maximumBatch,
            queueLimit: maximumQueuedWrites)
        try store.migrate(migrations)
        return store
    }

    /// ``open(_:maximumConnections:migrations:maximumBatch:maximumQueuedWrites:)`` from async code, on a dispatch
    /// thread.
    package static func open(
        _ configuration: PostgresConfiguration, maximumConnections: Int = 8, migrations: [SQLMigration] = [],
        maximumBatch: Int = 64, maximumQueuedWrites: Int = 4096
    ) async throws -> PostgresStore {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(
                    with: Result {
                        try PostgresStore.open(
                            configuration, maximumConnections: maximumConnections, migrations: migrations,
                            maximumBatch: maximumBatch, maximumQueuedWrites: maximumQueuedWrites)
                    })
            }
        }
    }

    /// Round trips (flights) to the server of every transaction finished so far, preparations and rollbacks
    /// included: a test's or benchmark's difference of two readings counts what the work between them cost.
    package var roundTrips: Int { finishedRoundTrips.load(ordering: .relaxed) }

    package var dialect: SQLDialect { .postgresql }

    // MARK: SQLStore

    package func writeSession<T>(_ updates: (any SQLSession) throws -> T) throws -> T {
        var attempt = 1
        while true {
            do {
                return try transaction(begin: Self.writeOpening, updates)
            } catch let error as DatabaseError where error.code == .serializationFailure && attempt < maximumAttempts {
                attempt += 1
            }
        }
    }

    package func readSession<T>(_ body: (any SQLSession) throws -> T) throws -> T {
        try transaction(begin: Self.readOpening, body)
    }

    /// Queues `updates` for the writer lane, which runs it in the next batch (see ``PostgresStore+GroupCommit.swift``),
    /// and returns its value once that batch has committed. A caller cancelled before its closure starts is removed
    /// (`CancellationError`); after, it waits for the batch, whose outcome it gets.
    package func writeSession<T: Sendable>(_ updates: @escaping @Sendable (any SQLSession) throws -> T) async throws
        -> T
    {
        guard !closed.load(ordering: .relaxed) else { throw DatabaseError(.closed, "the PostgreSQL store is closed") }
        let write = PendingWrite(updates)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                guard write.attach(continuation) else { return }
                do {
                    if try writeQueue.enqueue(write) { writerLane.async { self.drainWrites() } }
                } catch {
                    write.fail(error)
                }
            }
        } onCancel: {
            write.cancel()
        }
    }

    package func readSession<T: Sendable>(_ body: @escaping @Sendable (any SQLSession) throws -> T) async throws -> T {
        try await offPool { try self.readSession(body) }
    }

    /// A write transaction WITHOUT the records' advisory lock, off the cooperative pool, retried like
    /// ``writeSession(_:)-sync``: for rows that need no global order (the pages' sessions, rate windows), whose
    /// statements are atomic on their own, so that they never queue behind issuance and audit appends.
    package func unorderedWrite<T: Sendable>(_ updates: @escaping @Sendable (any SQLSession) throws -> T) async throws
        -> T
    {
        try await offPool {
            var attempt = 1
            while true {
                do {
                    return try self.transaction(begin: Self.unorderedWriteOpening, updates)
                } catch let error as DatabaseError
                    where error.code == .serializationFailure && attempt < self.maximumAttempts
                {
                    attempt += 1
                }
            }
        }
    }

    /// Closes every idle connection; later transactions fail with ``DatabaseError/Code/closed``.
    package func close() throws {
        closed.store(true, ordering: .relaxed)
        let connections = idle.withLock { idle in
            defer { idle.removeAll() }
            return idle
        }
        for connection in connections {
            bridge.wait { () async -> Void in await connection.close() }
        }
    }

    // MARK: Transactions

    private func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let lane = nextLane.wrappingAdd(1, ordering: .relaxed).oldValue % lanes.count
            lanes[lane].async { continuation.resume(with: Result { try work() }) }
        }
    }

    /// Runs `body` in one transaction. BEGIN (and, for writes, the lock) leave with the body's first statement that
    /// needs an answer, statements whose answer is not read wait for the next one, and the last of them leave with
    /// COMMIT; a body that ran no statement sends nothing.
    private func transaction<T>(begin: [PostgresStatement], _ body: (any SQLSession) throws -> T) throws -> T {
        // An idle pooled connection may have died with the server (a restart): the first flight finds out before
        // anything of the transaction ran, so that connection is dropped and the transaction runs again on the next
        // one, at most once per pool slot.
        var stale = 0
        while true {
            let session = try checkOut(opening: begin, savepoints: false)
            var healthy = true
            defer { checkIn(session, healthy: healthy) }
            session.beginClosure(0)
            let result = Result { try body(session) }
            let thrown: (any Error)? = if case .failure(let error) = result { error } else { nil }
            session.endClosure(0, threw: thrown != nil)
            let failure = thrown ?? session.failures[0] ?? session.fatal
            if let failure {
                if session.brokeAtStart && stale < maximumConnections {
                    stale += 1
                    continue
                }
                healthy = session.rollback()
                throw failure
            }
            do {
                try session.commit()
            } catch {
                healthy = session.rollback()
                throw error
            }
            return try result.get()
        }
    }

    func checkOut(opening: [PostgresStatement], savepoints: Bool) throws(DatabaseError) -> PostgresSession {
        guard !closed.load(ordering: .relaxed) else { throw DatabaseError(.closed, "the PostgreSQL store is closed") }
        slots.wait()
        // An idle connection the server closed meanwhile (a restart) is seen here, without a round trip.
        while let connection = idle.withLock({ $0.popLast() }) {
            if connection.looksHealthyBlocking {
                return PostgresSession(
                    connection: connection, bridge: bridge, opening: opening, savepoints: savepoints)
            }
            bridge.wait { () async -> Void in await connection.close() }
        }
        let configuration = configuration
        let result: Result<PostgresConnection, PostgresError> = bridge.wait {
            () async -> Result<PostgresConnection, PostgresError> in
            do throws(PostgresError) {
                return .success(try await PostgresConnection.connect(configuration))
            } catch {
                return .failure(error)
            }
        }
        switch result {
        case .success(let connection):
            return PostgresSession(connection: connection, bridge: bridge, opening: opening, savepoints: savepoints)
        case .failure(let error):
            slots.signal()
            throw Self.databaseError(error, sql: nil)
        }
    }

    func checkIn(_ session: PostgresSession, healthy: Bool) {
        let connection = session.connection
        finishedRoundTrips.add(
            connection.roundTrips.load(ordering: .relaxed) - session.roundTripsAtStart, ordering: .relaxed)
        if healthy && !session.broken && connection.isIdle && !connection.isBroken && !closed.load(ordering: .relaxed) {
            idle.withLock { $0.append(connection) }
        } else {
            bridge.wait { () async -> Void in await connection.close() }
        }
        slots.signal()
    }

    // MARK: Schema

    /// Applies `migrations` not yet recorded in `civicseal_schema_version` (one row: the number applied, as SQLite's
    /// `user_version`); refuses a database migrated by newer code.
    private func migrate(_ migrations: [SQLMigration]) throws {
        try writeSession { session in
            try session.execute(
                "CREATE TABLE IF NOT EXISTS civicseal_schema_version (version bigint NOT NULL, "
                    + "only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row))")
            try session.execute("INSERT INTO civicseal_schema_version (version) VALUES (0) ON CONFLICT DO NOTHING")
            let version = Int(try session.scalar("SELECT version FROM civicseal_schema_version").int64 ?? 0)
            guard version <= migrations.count else {
                throw DatabaseError(
                    .databaseNewerThanCode,
                    "database schema version \(version) is newer than this code (\(migrations.count))")
            }
            for migration in migrations[version...] {
                try migration.apply(session)
            }
            try session.execute("UPDATE civicseal_schema_version SET version = ?", [.integer(Int64(migrations.count))])
        }
    }

    // MARK: Errors

    /// A client failure as a ``DatabaseError``: server errors by SQLSTATE (see
    /// ``DatabaseError/init(sqlState:message:sql:)``), a broken or unreachable connection as
    /// ``DatabaseError/Code/unavailable``. Never copies the server's detail (it can quote values).
    static func databaseError(_ error: PostgresError, sql: String?) -> DatabaseError {
        switch error.kind {
        case .server:
            let state = error.sqlState ?? "XX000"
            // Only classes whose primary message names objects, never values: constraint violations (the value is
            // in the detail, which is never copied), our own trigger exceptions, serialization, shutdown, connection
            // and syntax/undefined-object errors. A data exception ("invalid input syntax for type …: "x"") quotes
            // the value, so its message is replaced by its SQLSTATE alone.
            let safe = ["23", "P0", "40", "57", "08", "42"].contains(where: { state.hasPrefix($0) })
            let message = (safe ? error.server?.message : nil) ?? "the server refused the statement"
            let constraint = error.constraint.map { " (constraint \($0))" } ?? ""
            return DatabaseError(sqlState: state, message: message + constraint, sql: sql)
        case .connection, .timeout, .tls, .authentication:
            return DatabaseError(.unavailable, "PostgreSQL unavailable: \(error.kind.rawValue)", sql: sql)
        case .cancelled:
            return DatabaseError(.unavailable, "the statement was cancelled", sql: sql)
        case .protocol, .unsupported:
            return DatabaseError(.error, "PostgreSQL client failure: \(error.kind.rawValue)", sql: sql)
        }
    }
}

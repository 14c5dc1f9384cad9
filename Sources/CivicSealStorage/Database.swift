import Dispatch
import Synchronization

/// The application's database: one writer connection and a small pool of read-only readers,
/// each confined to its own serial `DispatchQueue`.
///
/// ```swift
/// let database = try await Database.open(path: path, migrations: Schema.migrations)
/// try await database.write { connection in
///     try connection.execute("INSERT INTO documents (id, body) VALUES (?, ?)", [.text(id), .blob(body)])
/// }
/// let count = try await database.read { try $0.scalar("SELECT count(*) FROM documents").int64 ?? 0 }
/// ```
///
/// - Writes are serialized on the writer queue, each in a `BEGIN IMMEDIATE` transaction.
/// - Reads run in a deferred transaction on the least busy reader, so every read sees one
///   consistent snapshot, and readers never block the writer (WAL mode).
/// - The async APIs suspend the caller and run SQLite on the connection's queue, so blocking
///   calls (busy waits, fsync) never hold one of Swift's cooperative threads. The synchronous
///   overloads are for the command line; do not call them from async code.
///
/// Durability: see ``DatabaseConfiguration``. With the default `synchronous=NORMAL`, a committed
/// write survives a process crash but the last few may be lost on power loss; call ``close()`` on
/// graceful shutdown to checkpoint the WAL into the database file.
///
/// Checkpoints: by default a background checkpointer (its own connection and queue) copies the WAL into the
/// database file between commits rather than inside them; see ``DatabaseConfiguration/BackgroundCheckpoint``.
package final class Database: Sendable {
    package let path: String
    package let configuration: DatabaseConfiguration
    private let writer: SerializedConnection
    private let readers: [SerializedConnection]
    /// Closures queued or running on each reader, to pick the least busy one.
    private let readerLoad: Mutex<[Int]>
    /// Nil when checkpoints are left to SQLite's automatic checkpoint inside commits.
    private let checkpointer: WALCheckpointer?

    /// Opens the writer (creating the file, in WAL mode), applies pending `migrations` on it, then
    /// opens the readers. Blocks the calling thread; from async code use ``open(path:configuration:migrations:)``.
    package init(
        path: String, configuration: DatabaseConfiguration = DatabaseConfiguration(), migrations: [Migration] = []
    ) throws {
        self.path = path
        self.configuration = configuration
        let writer = try SerializedConnection(label: "civicseal.storage.writer") {
            let connection = try Connection(path: path, mode: .readWrite, configuration: configuration)
            try Migrator(migrations).migrate(connection)
            return connection
        }
        self.writer = writer
        self.readers = try (0..<configuration.readerCount).map { index in
            try SerializedConnection(label: "civicseal.storage.reader.\(index)") {
                try Connection(path: path, mode: .readOnly, configuration: configuration)
            }
        }
        self.readerLoad = Mutex(Array(repeating: 0, count: configuration.readerCount))
        if let policy = configuration.backgroundCheckpoint {
            // Our own integer, not user input: the writer checkpoints inline only past the hard limit.
            try writer.sync { try $0.execute("PRAGMA wal_autocheckpoint=\(policy.limitPages)") }
            self.checkpointer = try WALCheckpointer(
                path: path, configuration: configuration, policy: policy,
                askWriter: { [writer] done in
                    writer.enqueue { connection in
                        // Between two transactions: copies what the last background pass left, so the next
                        // write transaction can restart the WAL from its beginning.
                        _ = try? connection?.checkpoint(.passive)
                        done()
                    }
                })
        } else {
            self.checkpointer = nil
        }
    }

    /// Opens the database like ``init(path:configuration:migrations:)``, on a dispatch queue
    /// rather than the cooperative thread pool.
    package static func open(
        path: String, configuration: DatabaseConfiguration = DatabaseConfiguration(), migrations: [Migration] = []
    ) async throws -> Database {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(
                    with: Result { try Database(path: path, configuration: configuration, migrations: migrations) })
            }
        }
    }

    // MARK: Writing

    /// Runs `updates` on the writer in a `BEGIN IMMEDIATE` transaction: commits when it returns,
    /// rolls back and rethrows when it throws.
    package func write<T: Sendable>(_ updates: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        try await writer.async { connection in
            try connection.transaction(.immediate) { try updates(connection) }
        }
    }

    /// Synchronous ``write(_:)-async`` for the command line: blocks the calling thread.
    package func write<T>(_ updates: (Connection) throws -> T) throws -> T {
        try writer.sync { connection in
            try connection.transaction(.immediate) { try updates(connection) }
        }
    }

    /// Runs `body` on the writer outside any transaction (VACUUM, PRAGMAs that refuse transactions).
    package func writeWithoutTransaction<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T)
        async throws -> T
    {
        try await writer.async(body)
    }

    // MARK: Reading

    /// Runs `body` on the least busy reader inside a deferred transaction, so it sees one
    /// consistent snapshot. Writes fail with `SQLITE_READONLY`.
    package func read<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        let index = acquireReader()
        defer { releaseReader(index) }
        return try await readers[index].async { connection in
            try connection.transaction(.deferred) { try body(connection) }
        }
    }

    /// Synchronous ``read(_:)-async`` for the command line: blocks the calling thread.
    package func read<T>(_ body: (Connection) throws -> T) throws -> T {
        let index = acquireReader()
        defer { releaseReader(index) }
        return try readers[index].sync { connection in
            try connection.transaction(.deferred) { try body(connection) }
        }
    }

    private func acquireReader() -> Int {
        readerLoad.withLock { load in
            let index = load.indices.min { load[$0] < load[$1] } ?? 0
            load[index] += 1
            return index
        }
    }

    private func releaseReader(_ index: Int) {
        readerLoad.withLock { $0[index] -= 1 }
    }

    // MARK: Maintenance

    /// Writes a consistent online copy of the database to `path` with the SQLite backup API.
    /// Runs on a reader, so writes continue meanwhile; the copy is the snapshot at its start.
    package func backup(to path: String) async throws {
        let index = acquireReader()
        defer { releaseReader(index) }
        try await readers[index].async { connection in try connection.backup(toPath: path) }
    }

    /// Synchronous ``backup(to:)-async`` for the command line.
    package func backup(to path: String) throws {
        let index = acquireReader()
        defer { releaseReader(index) }
        try readers[index].sync { connection in try connection.backup(toPath: path) }
    }

    /// Checkpoints the WAL into the database file on the writer queue (waiting for a background pass to finish).
    @discardableResult
    package func checkpoint(_ mode: Connection.CheckpointMode = .truncate) async throws -> Connection.CheckpointResult {
        try await writer.async { connection in try self.withoutBackgroundPasses { try connection.checkpoint(mode) } }
    }

    /// Synchronous ``checkpoint(_:)-async`` for the command line.
    @discardableResult
    package func checkpoint(_ mode: Connection.CheckpointMode = .truncate) throws -> Connection.CheckpointResult {
        try writer.sync { connection in try withoutBackgroundPasses { try connection.checkpoint(mode) } }
    }

    /// The writer queue may wait on the checkpointer's queue, never the reverse (it only enqueues on the writer).
    private func withoutBackgroundPasses<T>(_ body: () throws -> T) rethrows -> T {
        guard let checkpointer else { return try body() }
        return try checkpointer.excludingPasses(body)
    }

    /// What the background checkpointer has done (nil without one): passes run, requests to the writer,
    /// idle truncations, the WAL length it last saw, in frames, whether it is waking at the idle interval, and how
    /// often commits brought it back from idle to the short interval.
    package var backgroundCheckpointStatistics:
        (passes: Int, writerRequests: Int, truncations: Int, walFrames: Int, idle: Bool, resumptions: Int)?
    {
        checkpointer.map { checkpointer in
            let statistics = checkpointer.statistics
            return (
                statistics.passes, statistics.writerRequests, statistics.truncations, statistics.lastWALFrames,
                statistics.idle, statistics.resumptions
            )
        }
    }

    /// Graceful shutdown: stops the background checkpointer, closes the readers, checkpoints (TRUNCATE) and
    /// closes the writer, so the `-wal` file is folded into the database. Work already queued finishes first;
    /// later calls throw ``DatabaseError/Code/closed``. Blocks the calling thread.
    package func close() throws {
        checkpointer?.stop()
        for reader in readers {
            try reader.close()
        }
        try writer.close { connection in try connection.checkpoint(.truncate) }
    }

    /// ``close()`` from async code, run on a dispatch queue.
    package func close() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(with: Result { try self.close() })
            }
        }
    }
}

internal import CSQLite

/// Owns one `sqlite3` handle, closed with `sqlite3_close_v2` in `deinit` (or by ``close()``).
///
/// A connection is confined: use it from one thread or serial queue at a time (it is opened with
/// `SQLITE_OPEN_NOMUTEX`). ``Database`` gives each connection its own serial queue; a lone
/// connection (the CLI) simply stays on the thread that opened it.
///
/// Opening read-write puts the file in WAL mode and verifies it, sets `synchronous`, enables and
/// verifies foreign keys, sets a bounded busy timeout and turns on SQLite's defensive mode.
/// Opening read-only uses `SQLITE_OPEN_READONLY` plus `PRAGMA query_only`, and expects the file
/// to be in WAL mode already.
package final class Connection {
    /// How a connection opens its file.
    package enum Mode: Sendable, Hashable {
        /// Creates the file if needed; the single writer.
        case readWrite
        /// `SQLITE_OPEN_READONLY` + `query_only`; any write fails with `SQLITE_READONLY`.
        case readOnly
    }

    /// SQLite's transaction kinds. Writers use `.immediate` so the write lock is taken at `BEGIN`
    /// (a deferred transaction that later upgrades can fail with `SQLITE_BUSY` without waiting).
    package enum TransactionKind: String, Sendable, Hashable {
        case deferred = "DEFERRED"
        case immediate = "IMMEDIATE"
        case exclusive = "EXCLUSIVE"

        /// Constant text, so every transaction finds its cached statement without building a string.
        var beginStatement: String {
            switch self {
            case .deferred: "BEGIN DEFERRED TRANSACTION"
            case .immediate: "BEGIN IMMEDIATE TRANSACTION"
            case .exclusive: "BEGIN EXCLUSIVE TRANSACTION"
            }
        }
    }

    /// `sqlite3_wal_checkpoint_v2` modes; see https://www.sqlite.org/c3ref/wal_checkpoint_v2.html
    package enum CheckpointMode: Sendable, Hashable {
        case passive, full, restart, truncate
    }

    /// What a checkpoint did: frames in the WAL and frames copied back into the database.
    package struct CheckpointResult: Sendable, Hashable {
        package let walFrameCount: Int
        package let checkpointedFrameCount: Int
    }

    private var handle: OpaquePointer?
    /// The path the connection was opened with.
    package let path: String
    package let mode: Mode
    private let statementCacheCapacity: Int
    private var statementCache: [String: CachedStatement] = [:]
    private var cacheClock: UInt64 = 0

    /// How many times this connection has called `sqlite3_prepare_v3`: a cached statement is
    /// prepared once, so this shows the cache at work.
    package private(set) var preparedStatementCount = 0

    /// A class, so a cache hit updates `lastUse` in place with one dictionary lookup.
    private final class CachedStatement {
        let statement: Statement
        var lastUse: UInt64

        init(statement: Statement, lastUse: UInt64) {
            self.statement = statement
            self.lastUse = lastUse
        }
    }

    /// Opens (and for `.readWrite`, creates) the database at `path`; see the type's description.
    package init(
        path: String, mode: Mode = .readWrite, configuration: DatabaseConfiguration = DatabaseConfiguration()
    ) throws(DatabaseError) {
        self.path = path
        self.mode = mode
        self.statementCacheCapacity = configuration.statementCacheCapacity

        _ = Self.libraryConfigured
        var flags = SQLITE_OPEN_NOMUTEX
        switch mode {
        case .readWrite: flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
        case .readOnly: flags |= SQLITE_OPEN_READONLY
        }
        var opened: OpaquePointer?
        let vfs = configuration.coalescesWALWrites ? WALWriteCoalescing.registeredName : nil
        let resultCode = sqlite3_open_v2(path, &opened, flags, vfs)
        guard resultCode == SQLITE_OK, let opened else {
            let error = DatabaseError(resultCode: resultCode, handle: opened, sql: nil)
            sqlite3_close_v2(opened)  // open may allocate a handle even when it fails
            throw error
        }
        handle = opened
        // From here `deinit` closes the handle if configuration fails.
        sqlite3_extended_result_codes(opened, 1)
        sqlite3_busy_timeout(opened, configuration.busyTimeoutMilliseconds)
        try configure(mode: mode, configuration: configuration)
    }

    deinit {
        statementCache.removeAll()
        sqlite3_close_v2(handle)
    }

    private func configure(mode: Mode, configuration: DatabaseConfiguration) throws(DatabaseError) {
        let handle = try liveHandle()
        // Refuse double-quoted string literals (a classic source of silent bugs) and
        // features that can corrupt the file (writable_schema and friends).
        var ignored: Int32 = 0
        _ = cs_sqlite3_db_config_int(handle, SQLITE_DBCONFIG_DQS_DML, 0, &ignored)
        _ = cs_sqlite3_db_config_int(handle, SQLITE_DBCONFIG_DQS_DDL, 0, &ignored)
        _ = cs_sqlite3_db_config_int(handle, SQLITE_DBCONFIG_DEFENSIVE, 1, &ignored)

        switch mode {
        case .readWrite:
            // Only takes effect while the file is still empty; our own integer, not user input.
            if let pageSize = configuration.pageSize { try execute("PRAGMA page_size=\(pageSize)") }
            let journalMode = try scalar("PRAGMA journal_mode=WAL").string?.lowercased()
            guard journalMode == "wal" else {
                throw DatabaseError(
                    .walUnavailable, "journal_mode is \(journalMode ?? "unknown"), expected wal",
                    sql: "PRAGMA journal_mode=WAL")
            }
            try execute("PRAGMA synchronous=\(configuration.synchronous.rawValue)")
        case .readOnly:
            try execute("PRAGMA query_only=ON")
            let journalMode = try scalar("PRAGMA journal_mode").string?.lowercased()
            guard journalMode == "wal" else {
                throw DatabaseError(
                    .walUnavailable, "journal_mode is \(journalMode ?? "unknown"), expected wal",
                    sql: "PRAGMA journal_mode")
            }
        }
        // Our own integer, not user input (PRAGMA takes no parameters).
        try execute("PRAGMA cache_size=-\(configuration.cacheSizeKibibytes)")
        // Read pages through a memory map instead of pread copies (our own integers, not user input).
        try execute("PRAGMA mmap_size=\(configuration.memoryMapBytes)")
        if mode == .readWrite { try execute("PRAGMA wal_autocheckpoint=\(configuration.walAutocheckpointPages)") }
        try execute("PRAGMA foreign_keys=ON")
        guard try scalar("PRAGMA foreign_keys").int64 == 1 else {
            throw DatabaseError(.foreignKeysUnavailable, "foreign_keys did not turn on", sql: "PRAGMA foreign_keys")
        }
    }

    private func liveHandle() throws(DatabaseError) -> OpaquePointer {
        guard let handle else { throw DatabaseError(.closed, "the connection is closed") }
        return handle
    }

    /// Finalizes cached statements and closes the handle (`sqlite3_close_v2`: statements still held
    /// elsewhere keep it alive until they are released). Later calls throw ``DatabaseError/Code/closed``.
    /// In WAL mode, closing the last connection checkpoints and removes the `-wal` file.
    package func close() {
        statementCache.removeAll()
        sqlite3_close_v2(handle)
        handle = nil
    }

    /// True once ``close()`` has run.
    package var isClosed: Bool { handle == nil }

    /// What the WAL-coalescing VFS did with this connection's WAL; nil when the WAL is not open or not wrapped.
    func walWriteStatistics() -> WALWriteCoalescing.Statistics? {
        guard let handle else { return nil }
        var file: UnsafeMutableRawPointer?
        guard sqlite3_file_control(handle, "main", SQLITE_FCNTL_JOURNAL_POINTER, &file) == SQLITE_OK, let file else {
            return nil
        }
        return WALWriteCoalescing.statistics(of: file.assumingMemoryBound(to: sqlite3_file.self))
    }

    /// Process-wide SQLite settings, applied once before the first connection opens (which initialises the
    /// library): memory statistics off, since we never read `sqlite3_memory_used` and keeping them serialises every
    /// allocation of every connection on one mutex.
    private static let libraryConfigured: Bool = {
        _ = cs_sqlite3_disable_memory_statistics()
        return sqlite3_initialize() == SQLITE_OK
    }()

    // MARK: Preparing

    /// Prepares a new statement that is not cached. `sql` must hold exactly one statement.
    package func prepare(_ sql: String) throws(DatabaseError) -> Statement {
        try prepare(sql, flags: 0)
    }

    /// Returns the cached statement for `sql` (preparing it on first use), reset with bindings cleared.
    ///
    /// The cache holds ``DatabaseConfiguration/statementCacheCapacity`` statements and evicts the least
    /// recently used. If the cached statement is still running (a nested query with the same SQL),
    /// a fresh uncached statement is returned instead.
    package func cachedStatement(_ sql: String) throws(DatabaseError) -> Statement {
        cacheClock &+= 1
        if let entry = statementCache[sql] {
            let statement = entry.statement
            if sqlite3_stmt_busy(statement.handle) != 0 {
                return try prepare(sql)
            }
            entry.lastUse = cacheClock
            statement.reset()
            statement.clearBindings()
            return statement
        }
        let statement = try prepare(sql, flags: UInt32(SQLITE_PREPARE_PERSISTENT))
        guard statementCacheCapacity > 0 else { return statement }
        if statementCache.count >= statementCacheCapacity,
            let oldest = statementCache.min(by: { $0.value.lastUse < $1.value.lastUse })?.key
        {
            statementCache.removeValue(forKey: oldest)
        }
        statementCache[sql] = CachedStatement(statement: statement, lastUse: cacheClock)
        return statement
    }

    /// How many statements the cache holds now.
    package var cachedStatementCount: Int { statementCache.count }

    private func prepare(_ sql: String, flags: UInt32) throws(DatabaseError) -> Statement {
        let handle = try liveHandle()
        var utf8 = Array(sql.utf8)
        utf8.append(0)
        let (resultCode, statementHandle, extraStatement) = utf8.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars -> (Int32, OpaquePointer?, Bool) in
                var statement: OpaquePointer?
                var tail: UnsafePointer<CChar>?
                let resultCode = sqlite3_prepare_v3(
                    handle, chars.baseAddress, Int32(chars.count), flags, &statement, &tail)
                guard resultCode == SQLITE_OK, let tail, tail.pointee != 0 else {
                    return (resultCode, statement, false)
                }
                // Anything after the first statement must be whitespace or comments.
                var next: OpaquePointer?
                sqlite3_prepare_v3(handle, tail, -1, 0, &next, nil)
                let extra = next != nil
                sqlite3_finalize(next)
                return (resultCode, statement, extra)
            }
        }
        preparedStatementCount += 1
        guard resultCode == SQLITE_OK else {
            sqlite3_finalize(statementHandle)
            throw DatabaseError(resultCode: resultCode, handle: handle, sql: sql)
        }
        guard let statementHandle else {
            throw DatabaseError(.invalidUse, "no statement in SQL text", sql: sql)
        }
        guard !extraStatement else {
            sqlite3_finalize(statementHandle)
            throw DatabaseError(.invalidUse, "several statements where one is expected; use executeScript", sql: sql)
        }
        return Statement(taking: statementHandle, sql: sql)
    }

    // MARK: Executing

    /// Runs one statement with `arguments` bound to its `?` parameters, ignoring any rows.
    package func execute(_ sql: String, _ arguments: [DatabaseValue] = []) throws(DatabaseError) {
        let statement = try cachedStatement(sql)
        defer { statement.reset() }
        try statement.bind(arguments)
        while try statement.step() {}
    }

    /// Runs every statement in `sql` in order, without arguments (migrations, schema scripts).
    /// Statements are not cached.
    package func executeScript(_ sql: String) throws(DatabaseError) {
        let handle = try liveHandle()
        var utf8 = Array(sql.utf8)
        utf8.append(0)
        let failure: DatabaseError? = utf8.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars -> DatabaseError? in
                guard var cursor = chars.baseAddress else { return nil }
                while cursor.pointee != 0 {
                    var statementHandle: OpaquePointer?
                    var tail: UnsafePointer<CChar>?
                    let resultCode = sqlite3_prepare_v3(handle, cursor, -1, 0, &statementHandle, &tail)
                    preparedStatementCount += 1
                    let text = String(cString: cursor)
                    guard resultCode == SQLITE_OK else {
                        return DatabaseError(resultCode: resultCode, handle: handle, sql: text)
                    }
                    guard let statementHandle else { break }  // only whitespace or comments left
                    let statementText = sqlite3_sql(statementHandle).map { String(cString: $0) } ?? text
                    let statement = Statement(taking: statementHandle, sql: statementText)
                    do throws(DatabaseError) {
                        while try statement.step() {}
                    } catch {
                        return error
                    }
                    guard let tail else { break }
                    cursor = tail
                }
                return nil
            }
        }
        if let failure { throw failure }
    }

    /// Runs a query and copies every row out.
    package func query(_ sql: String, _ arguments: [DatabaseValue] = []) throws(DatabaseError) -> [Row] {
        let statement = try cachedStatement(sql)
        defer { statement.reset() }
        try statement.bind(arguments)
        var rows: [Row] = []
        while try statement.step() {
            rows.append(statement.row())
        }
        return rows
    }

    /// Runs a query and returns its first row, or nil when there is none.
    package func queryFirst(_ sql: String, _ arguments: [DatabaseValue] = []) throws(DatabaseError) -> Row? {
        let statement = try cachedStatement(sql)
        defer { statement.reset() }
        try statement.bind(arguments)
        return try statement.step() ? statement.row() : nil
    }

    /// The first column of the first row, or `.null` when there is no row.
    package func scalar(_ sql: String, _ arguments: [DatabaseValue] = []) throws(DatabaseError) -> DatabaseValue {
        let statement = try cachedStatement(sql)
        defer { statement.reset() }
        try statement.bind(arguments)
        return try statement.step() && statement.columnCount > 0 ? statement.value(at: 0) : .null
    }

    /// The rowid of the last successful INSERT on this connection.
    package var lastInsertedRowID: Int64 { handle.map { sqlite3_last_insert_rowid($0) } ?? 0 }

    /// Rows changed by the last INSERT, UPDATE or DELETE.
    package var changedRowCount: Int { handle.map { Int(sqlite3_changes64($0)) } ?? 0 }

    /// True inside BEGIN … COMMIT/ROLLBACK.
    package var isInTransaction: Bool { handle.map { sqlite3_get_autocommit($0) == 0 } ?? false }

    /// `PRAGMA user_version`: the number of migrations applied.
    package var userVersion: Int {
        get throws(DatabaseError) { Int(try scalar("PRAGMA user_version").int64 ?? 0) }
    }

    func setUserVersion(_ version: Int) throws(DatabaseError) {
        // PRAGMA takes no parameters; `version` is our own integer, not user input.
        try execute("PRAGMA user_version = \(version)")
    }

    // MARK: Transactions

    /// Runs `body` in a transaction: commits when it returns, rolls back when it throws.
    ///
    /// Inside an open transaction this nests as a SAVEPOINT, so a failing inner part rolls back
    /// alone. Writers should use `.immediate` (the default).
    package func transaction<T>(_ kind: TransactionKind = .immediate, _ body: () throws -> T) throws -> T {
        if isInTransaction {
            return try savepoint(body)
        }
        try execute(kind.beginStatement)
        do {
            let result = try body()
            try execute("COMMIT TRANSACTION")
            return result
        } catch {
            // SQLite rolls back by itself after some errors (SQLITE_FULL, SQLITE_IOERR…): check first.
            if isInTransaction {
                try? execute("ROLLBACK TRANSACTION")
            }
            throw error
        }
    }

    private func savepoint<T>(_ body: () throws -> T) throws -> T {
        try execute("SAVEPOINT civicseal_savepoint")
        do {
            let result = try body()
            try execute("RELEASE SAVEPOINT civicseal_savepoint")
            return result
        } catch {
            if isInTransaction {
                try? execute("ROLLBACK TRANSACTION TO SAVEPOINT civicseal_savepoint")
                try? execute("RELEASE SAVEPOINT civicseal_savepoint")
            }
            throw error
        }
    }

    // MARK: Maintenance

    /// Copies WAL frames back into the database file (`sqlite3_wal_checkpoint_v2`). `.truncate`
    /// also empties the `-wal` file; it waits (up to the busy timeout) for readers to finish.
    @discardableResult
    package func checkpoint(_ mode: CheckpointMode = .truncate) throws(DatabaseError) -> CheckpointResult {
        let handle = try liveHandle()
        let sqliteMode: Int32 =
            switch mode {
            case .passive: SQLITE_CHECKPOINT_PASSIVE
            case .full: SQLITE_CHECKPOINT_FULL
            case .restart: SQLITE_CHECKPOINT_RESTART
            case .truncate: SQLITE_CHECKPOINT_TRUNCATE
            }
        var walFrames: Int32 = 0
        var checkpointed: Int32 = 0
        let resultCode = sqlite3_wal_checkpoint_v2(handle, nil, sqliteMode, &walFrames, &checkpointed)
        guard resultCode == SQLITE_OK else {
            throw DatabaseError(resultCode: resultCode, handle: handle, sql: nil)
        }
        return CheckpointResult(walFrameCount: Int(walFrames), checkpointedFrameCount: Int(checkpointed))
    }

    /// Copies this database into `destination` with the online backup API, in one step: the copy is
    /// the consistent snapshot current when the step starts. In WAL mode, writers on other
    /// connections carry on meanwhile and do not restart the copy.
    package func backup(to destination: Connection) throws(DatabaseError) {
        let source = try liveHandle()
        let target = try destination.liveHandle()
        guard let backup = sqlite3_backup_init(target, "main", source, "main") else {
            throw DatabaseError(resultCode: sqlite3_extended_errcode(target), handle: target, sql: nil)
        }
        var resultCode: Int32
        var attempts = 0
        repeat {
            resultCode = sqlite3_backup_step(backup, -1)
            if resultCode == SQLITE_BUSY || resultCode == SQLITE_LOCKED {
                attempts += 1
                sqlite3_sleep(10)
            }
        } while (resultCode == SQLITE_BUSY || resultCode == SQLITE_LOCKED) && attempts < 500
        let finishCode = sqlite3_backup_finish(backup)
        guard resultCode == SQLITE_DONE else {
            throw DatabaseError(resultCode: resultCode == SQLITE_OK ? finishCode : resultCode, handle: target, sql: nil)
        }
        guard finishCode == SQLITE_OK else {
            throw DatabaseError(resultCode: finishCode, handle: target, sql: nil)
        }
    }

    /// Writes a consistent copy of this database to a file at `path` (replacing its contents),
    /// then checkpoints and closes it so the copy is a single self-contained file.
    package func backup(toPath path: String) throws(DatabaseError) {
        let destination = try Connection(path: path, mode: .readWrite)
        defer { destination.close() }
        try backup(to: destination)
        try destination.checkpoint(.truncate)
    }
}

/// A connection is confined to one thread or serial queue at a time; ``Database`` shares it safely.
@available(*, unavailable)
extension Connection: Sendable {}

import CivicSealPostgres
import CivicSealPostgresStore
import CivicSealRecords
import CivicSealStorage
import Foundation
import Synchronization

/// `civicseal migrate --from sqlite:PATH --to postgresql://…`: copies every records table of a SQLite file into an
/// empty PostgreSQL database in one consistent pass.
///
/// - One read snapshot of the SQLite file (one read transaction around the whole copy) and ONE write transaction on
///   PostgreSQL (under the store's write lock): the schema is created, every row copied with its ids, the identity
///   sequences set past the largest id, then checked (row counts per table, the audit chain recomputed by
///   ``AuditVerifier``, the same verifier `audit verify` uses, and the last hash equal byte for byte). Any failure
///   rolls the whole transaction back: the target is left as it was.
/// - The source's audit chain is verified first; a damaged chain is refused before anything is written (a migration
///   must not launder damage into a fresh database where it would look like the original).
/// - A target holding a records schema version, or any table, is refused (exit 73): nothing is written.
package enum MigrateCommand {
    /// Tables in an order that satisfies every foreign key; tables the schema gains later follow, by name.
    package static let tableOrder = [
        "records_keys", "requests", "idempotency_keys", "audit_log", "audit_actor_names", "health_book_entries",
        "documents", "document_versions", "issued_certificates", "crl_numbers", "compromise_runs",
        "compromise_items", "outbox",
    ]
    /// Bound parameters per INSERT (PostgreSQL allows 65,535) and rows per INSERT.
    static let maximumParameters = 8_000
    static let maximumRows = 500
    /// The most row data one chunk holds (the sum of the values' sizes): rows are streamed from the SQLite snapshot
    /// and sent in chunks, so memory stays bounded whatever the size of the database (a chunk of documents holds a
    /// few PDFs, a chunk of requests a few hundred rows).
    package static let defaultChunkBytes = 4 << 20
    /// INSERTs sent in one round trip (the store pipelines statements whose answer is not read): the most row data in
    /// memory at once is this many chunks.
    package static let maximumFlightChunks = 4

    /// Runs the migration; `progress` receives one line per table. Returns the summary line.
    package static func run(from: String, to: String, progress: (String) -> Void) throws(AppError) -> String {
        let copied = try migrate(from: from, to: to, progress: progress)
        return "migrated \(copied.rows) rows in \(copied.tables) tables from \(copied.source) to \(copied.target) in "
            + String(format: "%.1f", copied.seconds) + " s (\(Int(copied.rowsPerSecond)) rows/s, in "
            + "\(copied.chunks) chunks of at most \(copied.largestChunkBytes >> 10) KiB); row counts match; "
            + "audit chain intact (\(copied.auditEntries) entries, last hash \(copied.lastHash.prefix(16))…)"
            + (copied.vacuumProblem == nil ? "; vacuumed" : "; VACUUM failed, run it on the database")
    }

    /// The migration itself (``run(from:to:progress:)`` without the summary line): copies in chunks of at most
    /// `chunkBytes` of row data (or one row, when a single row is larger) and returns what was copied.
    package static func migrate(
        from: String, to: String, chunkBytes: Int = defaultChunkBytes, progress: (String) -> Void
    ) throws(AppError) -> Copied {
        let source = try location(from, option: "--from")
        let target = try location(to, option: "--to")
        guard case .sqlite(let sourcePath) = source else {
            throw AppError(.usage, "--from is the SQLite database to copy: sqlite:PATH")
        }
        guard case .postgresql(let postgres) = target else {
            throw AppError(.usage, "--to is the PostgreSQL database to fill: postgresql://user@host:port/db")
        }
        let sourceStore = try DatabaseOption.open(source, mustExist: true)
        defer { try? sourceStore.close() }
        let configuration: PostgresConfiguration
        do { configuration = try postgres.configuration() } catch {
            throw AppError(.configuration, "--to: \(error.description)")
        }
        // No migrations here: the schema is created inside the copy's transaction, after the emptiness check.
        let targetStore: PostgresStore
        do {
            targetStore = try PostgresStore.open(configuration, maximumConnections: 1)
        } catch let error as DatabaseError where error.code == .databaseNewerThanCode {
            // Opening without migrations finds a schema version above zero: the target holds records already.
            throw AppError(
                .databaseNotEmpty,
                "migrate refused: the target already holds a CivicSeal records schema; migrate only into a new, "
                    + "empty database; nothing was written")
        } catch {
            throw AppError(.storage, "cannot open \(target): \(RecordsError.describe(error))")
        }
        defer { try? targetStore.close() }
        let started = ContinuousClock.now
        var copied: Copied
        do {
            copied = try sourceStore.database.read { (reader: any SQLSession) throws -> Copied in
                try checkSourceChain(reader, path: sourcePath)
                progress("source audit chain verified in " + String(format: "%.1f", seconds(since: started)) + " s")
                return try targetStore.write { (writer: any SQLSession) throws -> Copied in
                    try copy(from: reader, to: writer, chunkBytes: max(1, chunkBytes), progress: progress)
                }
            }
        } catch let error as AppError {
            throw error
        } catch {
            throw AppError(.storage, "migrate failed, nothing was written: \(RecordsError.describe(error))")
        }
        copied.seconds = seconds(since: started)
        copied.source = source.description
        copied.target = target.description
        let vacuumStarted = ContinuousClock.now
        copied.vacuumProblem = vacuum(configuration)
        copied.vacuumSeconds = seconds(since: vacuumStarted)
        progress(
            copied.vacuumProblem.map { "VACUUM failed (\($0)); the copy is committed: run VACUUM on the database" }
                ?? "vacuumed in " + String(format: "%.1f", copied.vacuumSeconds) + " s")
        return copied
    }

    private static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    /// After the commit, `VACUUM` (it cannot run in a transaction) on a connection of its own: every page copied is
    /// then marked all-visible with its hint bits set, as a database that lived would be. Without it the first reads
    /// of each page write it again (hint bits), index-only scans are impossible, and autovacuum arrives a minute
    /// later to read the whole database while the service starts on it. Returns the problem, if any: the copy is
    /// committed by then, so a failure here is reported, never a failed migration.
    private static func vacuum(_ configuration: PostgresConfiguration) -> String? {
        let outcome = Mutex<String?>("VACUUM did not finish")
        let done = DispatchSemaphore(value: 0)
        Task {
            defer { done.signal() }
            let connection: PostgresConnection
            do throws(PostgresError) {
                connection = try await PostgresConnection.connect(configuration)
            } catch {
                outcome.withLock { $0 = error.description }
                return
            }
            do throws(PostgresError) {
                _ = try await connection.simpleQuery("VACUUM")
                outcome.withLock { $0 = nil }
            } catch {
                outcome.withLock { $0 = error.description }
            }
            await connection.close()
        }
        done.wait()
        return outcome.withLock { $0 }
    }

    /// What a migration copied, and how.
    package struct Copied: Sendable {
        package var tables = 0
        package var rows = 0
        package var auditEntries = 0
        package var lastHash = ""
        /// INSERTs sent, and the most row data one of them carried (the memory a chunk holds).
        package var chunks = 0
        package var largestChunkBytes = 0
        /// The most row data sent in one round trip (at most ``maximumFlightChunks`` chunks).
        package var largestFlightBytes = 0
        /// Wall time of the whole migration (checks included), and where from and to (URLs without secrets).
        package var seconds = 0.0
        /// The `VACUUM` after the commit: how long it took, and why it failed if it did (the copy stands).
        package var vacuumSeconds = 0.0
        package var vacuumProblem: String?
        package var source = ""
        package var target = ""
        package var rowsPerSecond: Double { Double(rows) / max(0.001, seconds) }
    }

    private static func location(_ text: String, option: String) throws(AppError) -> DatabaseURL {
        do { return try DatabaseURL(text) } catch { throw AppError(.usage, "\(option): \(error.description)") }
    }

    private static func checkSourceChain(_ reader: any SQLSession, path: String) throws {
        let verdict = try AuditVerifier.verify(reader)
        guard verdict.isIntact else {
            throw AppError(
                .auditDamaged,
                "migrate refused: the audit chain of \(path) does not verify (\(verdict.description)); "
                    + "nothing was written")
        }
    }

    /// Inside the target's transaction: refuses a non-empty target, creates the schema, copies, checks.
    private static func copy(
        from reader: any SQLSession, to writer: any SQLSession, chunkBytes: Int, progress: (String) -> Void
    ) throws -> Copied {
        var lapStart = ContinuousClock.now
        /// " in N.N s" since the previous step, for the progress lines.
        func lap() -> String {
            defer { lapStart = ContinuousClock.now }
            return " in " + String(format: "%.1f", seconds(since: lapStart)) + " s"
        }
        try refuseNonEmpty(writer)
        let migrations = RecordsSchema.postgresqlMigrations
        for migration in migrations { try migration.apply(writer) }
        try writer.execute("UPDATE civicseal_schema_version SET version = ?", [.integer(Int64(migrations.count))])
        let tables = try targetTables(writer)
        let sourceTables = Set(
            try reader.query("SELECT name FROM sqlite_master WHERE type = 'table'").compactMap { $0.values[0].string })
        // Rows the schema seeds (the request-id key) give way to the source's: ids are derived from that key.
        for table in tables.reversed() { try writer.execute("DELETE FROM \(quoted(table.name))") }
        let deferred = try deferIndexes(writer)
        var copied = Copied()
        for table in tables {
            guard sourceTables.contains(table.name) else {
                throw AppError(
                    .storage, "migrate: the SQLite database has no table \(table.name); open it with this version first"
                )
            }
            let rows = try copyTable(table, from: reader, to: writer, chunkBytes: chunkBytes, copied: &copied)
            let sourceCount = try reader.scalar("SELECT count(*) FROM \(quoted(table.name))").int64 ?? -1
            let targetCount = try writer.scalar("SELECT count(*) FROM \(quoted(table.name))").int64 ?? -2
            guard sourceCount == Int64(rows), targetCount == sourceCount else {
                throw AppError(
                    .storage,
                    "migrate: \(table.name) has \(sourceCount) rows in SQLite but \(targetCount) arrived; rolled back")
            }
            try advanceIdentity(table, writer)
            copied.tables += 1
            copied.rows += rows
            progress("copied \(table.name): \(rows) rows\(lap())")
        }
        for index in deferred { try writer.execute(index.definition) }
        progress("built \(deferred.count) indexes\(lap())")
        // Fresh statistics: the planner's choices for the first queries (the queue page) must not wait for autovacuum.
        try writer.execute("ANALYZE")
        progress("analyzed\(lap())")
        let verdict = try AuditVerifier.verify(writer)
        let lastHash = "SELECT hash FROM audit_log ORDER BY sequence DESC LIMIT 1"
        let sourceHash = try reader.scalar(lastHash).string ?? ""
        let targetHash = try writer.scalar(lastHash).string ?? ""
        guard verdict.isIntact, sourceHash == targetHash else {
            throw AppError(
                .auditDamaged,
                "migrate: the audit chain does not verify on arrival (\(verdict.description)); rolled back")
        }
        copied.auditEntries = Int(try writer.scalar("SELECT count(*) FROM audit_log").int64 ?? 0)
        copied.lastHash = targetHash
        progress("audit chain verified on arrival: \(copied.auditEntries) entries\(lap())")
        return copied
    }

    /// Drops the schema's secondary indexes (those that back no primary key or unique constraint, which foreign keys
    /// need) and returns their definitions, to build them once after the copy, as `pg_restore` does: one sort per
    /// index instead of a B-tree insertion per row. The definitions come from the catalogue, so the indexes built
    /// are exactly the ones the migrations created; a unique one still refuses duplicates when built.
    private static func deferIndexes(_ writer: any SQLSession) throws -> [(name: String, definition: String)] {
        let indexes = try writer.query(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
                + "AND tablename <> 'civicseal_schema_version' AND indexname NOT IN (SELECT conname FROM pg_constraint "
                + "WHERE connamespace = current_schema()::regnamespace AND contype IN ('p', 'u')) ORDER BY indexname"
        ).compactMap { row -> (name: String, definition: String)? in
            guard let name = row.values[0].string, let definition = row.values[1].string else { return nil }
            return (name, definition)
        }
        for index in indexes { try writer.execute("DROP INDEX \(quoted(index.name))") }
        return indexes
    }

    private static func refuseNonEmpty(_ writer: any SQLSession) throws {
        let version = try writer.scalar("SELECT version FROM civicseal_schema_version").int64 ?? 0
        if version > 0 {
            throw AppError(
                .databaseNotEmpty,
                "migrate refused: the target already holds CivicSeal records (schema version \(version)); "
                    + "migrate only into a new, empty database; nothing was written")
        }
        let others = try writer.query(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
                + "AND table_name <> 'civicseal_schema_version' ORDER BY table_name"
        ).compactMap { $0.values[0].string }
        if !others.isEmpty {
            throw AppError(
                .databaseNotEmpty,
                "migrate refused: the target database is not empty (tables: \(others.prefix(5).joined(separator: ", "))"
                    + "\(others.count > 5 ? ", …" : "")); nothing was written")
        }
    }

    struct Table {
        let name: String
        let columns: [String]
        let identity: String?
    }

    /// The records tables as the PostgreSQL schema just created them, in foreign-key order.
    private static func targetTables(_ writer: any SQLSession) throws -> [Table] {
        var columns: [String: [String]] = [:]
        var identity: [String: String] = [:]
        for row in try writer.query(
            "SELECT table_name, column_name, is_identity FROM information_schema.columns "
                + "WHERE table_schema = current_schema() AND table_name <> 'civicseal_schema_version' "
                + "ORDER BY table_name, ordinal_position")
        {
            guard let table = row.values[0].string, let column = row.values[1].string else { continue }
            columns[table, default: []].append(column)
            if row.values[2].string == "YES" { identity[table] = column }
        }
        let known = tableOrder.filter { columns[$0] != nil }
        let later = columns.keys.filter { !tableOrder.contains($0) }.sorted()
        return (known + later).map { Table(name: $0, columns: columns[$0] ?? [], identity: identity[$0]) }
    }

    /// Streams `table` out of the SQLite snapshot and into PostgreSQL with multi-row INSERTs of at most
    /// ``maximumRows`` rows, ``maximumParameters`` values and `chunkBytes` of row data; only one chunk is in memory.
    private static func copyTable(
        _ table: Table, from reader: any SQLSession, to writer: any SQLSession, chunkBytes: Int, copied: inout Copied
    ) throws -> Int {
        let columnList = table.columns.map(quoted).joined(separator: ", ")
        let rowPlaceholder = "(" + Array(repeating: "?", count: table.columns.count).joined(separator: ", ") + ")"
        let perInsert = max(1, min(maximumRows, maximumParameters / max(1, table.columns.count)))
        var batch: [DatabaseValue] = []
        var batchRows = 0
        var batchBytes = 0
        var total = 0
        var flightChunks = 0
        var flightBytes = 0
        func flush() throws {
            guard batchRows > 0 else { return }
            let values = Array(repeating: rowPlaceholder, count: batchRows).joined(separator: ", ")
            // The store holds an INSERT whose answer nobody reads until the next statement that needs one, and sends
            // them together (one round trip): reading the changed-row count sends what waits, so at most
            // `maximumFlightChunks` chunks are held, and sent, at once.
            try writer.execute("INSERT INTO \(quoted(table.name)) (\(columnList)) VALUES \(values)", batch)
            copied.chunks += 1
            copied.largestChunkBytes = max(copied.largestChunkBytes, batchBytes)
            flightChunks += 1
            flightBytes += batchBytes
            copied.largestFlightBytes = max(copied.largestFlightBytes, flightBytes)
            if flightChunks >= maximumFlightChunks {
                _ = writer.changedRowCount
                flightChunks = 0
                flightBytes = 0
            }
            batch.removeAll(keepingCapacity: batchBytes <= chunkBytes)
            batchRows = 0
            batchBytes = 0
        }
        let order = table.name == "audit_log" ? " ORDER BY sequence" : ""
        try reader.forEachRow("SELECT \(columnList) FROM \(quoted(table.name))\(order)") { cursor in
            var rowBytes = 0
            var row: [DatabaseValue] = []
            row.reserveCapacity(cursor.columnCount)
            for column in 0..<cursor.columnCount {
                let value = cursor.value(at: column)
                rowBytes += size(of: value)
                row.append(value)
            }
            // A row that would carry the chunk past its bound goes into the next one.
            if batchRows > 0 && batchBytes + rowBytes > chunkBytes { try flush() }
            batch.append(contentsOf: row)
            batchRows += 1
            batchBytes += rowBytes
            total += 1
            if batchRows >= perInsert || batchBytes >= chunkBytes { try flush() }
        }
        try flush()
        _ = writer.changedRowCount
        return total
    }

    /// The bytes a value takes on the wire (its length word included).
    private static func size(of value: DatabaseValue) -> Int {
        switch value {
        case .null: 4
        case .integer, .real: 12
        case .text(let text): 4 + text.utf8.count
        case .blob(let bytes): 4 + bytes.count
        }
    }

    /// Sets an identity column's sequence past the largest copied value, so the next insert gets a fresh number.
    private static func advanceIdentity(_ table: Table, _ writer: any SQLSession) throws {
        guard let column = table.identity else { return }
        try writer.execute(
            "SELECT setval(pg_get_serial_sequence('\(table.name)', '\(column)'), "
                + "COALESCE(MAX(\(quoted(column))), 0) + 1, false) FROM \(quoted(table.name))", [])
    }

    /// Names come from the schema's own catalogue, never from input; quoted anyway.
    private static func quoted(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

import CivicSealPostgres
import CivicSealPostgresStore
import CivicSealRecords
import CivicSealStorage
import Foundation

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
    static let tableOrder = [
        "records_keys", "requests", "idempotency_keys", "audit_log", "audit_actor_names", "health_book_entries",
        "documents", "document_versions", "issued_certificates", "crl_numbers", "compromise_runs",
        "compromise_items", "outbox",
    ]
    /// Bound parameters per INSERT (PostgreSQL allows 65,535) and rows per INSERT.
    static let maximumParameters = 8_000
    static let maximumRows = 500

    /// Runs the migration; `progress` receives one line per table. Returns the summary line.
    package static func run(from: String, to: String, progress: (String) -> Void) throws(AppError) -> String {
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
        let started = Date()
        let copied: Copied
        do {
            copied = try sourceStore.database.read { (reader: any SQLSession) throws -> Copied in
                try checkSourceChain(reader, path: sourcePath)
                return try targetStore.write { (writer: any SQLSession) throws -> Copied in
                    try copy(from: reader, to: writer, progress: progress)
                }
            }
        } catch let error as AppError {
            throw error
        } catch {
            throw AppError(.storage, "migrate failed, nothing was written: \(RecordsError.describe(error))")
        }
        let seconds = Date().timeIntervalSince(started)
        return "migrated \(copied.rows) rows in \(copied.tables) tables from \(source) to \(target) in "
            + String(format: "%.1f", seconds) + " s; row counts match; audit chain intact (\(copied.auditEntries) "
            + "entries, last hash \(copied.lastHash.prefix(16))…)"
    }

    struct Copied: Sendable {
        var tables = 0
        var rows = 0
        var auditEntries = 0
        var lastHash = ""
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
    private static func copy(from reader: any SQLSession, to writer: any SQLSession, progress: (String) -> Void)
        throws -> Copied
    {
        try refuseNonEmpty(writer)
        let migrations = RecordsSchema.postgresqlMigrations
        for migration in migrations { try migration.apply(writer) }
        try writer.execute("UPDATE civicseal_schema_version SET version = ?", [.integer(Int64(migrations.count))])
        let tables = try targetTables(writer)
        let sourceTables = Set(
            try reader.query("SELECT name FROM sqlite_master WHERE type = 'table'").compactMap { $0.values[0].string })
        // Rows the schema seeds (the request-id key) give way to the source's: ids are derived from that key.
        for table in tables.reversed() { try writer.execute("DELETE FROM \(quoted(table.name))") }
        var copied = Copied()
        for table in tables {
            guard sourceTables.contains(table.name) else {
                throw AppError(
                    .storage, "migrate: the SQLite database has no table \(table.name); open it with this version first"
                )
            }
            let rows = try copyTable(table, from: reader, to: writer)
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
            progress("copied \(table.name): \(rows) rows")
        }
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
        return copied
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

    private static func copyTable(_ table: Table, from reader: any SQLSession, to writer: any SQLSession) throws -> Int
    {
        let columnList = table.columns.map(quoted).joined(separator: ", ")
        let rowPlaceholder = "(" + Array(repeating: "?", count: table.columns.count).joined(separator: ", ") + ")"
        let perInsert = max(1, min(maximumRows, maximumParameters / max(1, table.columns.count)))
        var batch: [DatabaseValue] = []
        var batchRows = 0
        var total = 0
        func flush() throws {
            guard batchRows > 0 else { return }
            let values = Array(repeating: rowPlaceholder, count: batchRows).joined(separator: ", ")
            try writer.execute("INSERT INTO \(quoted(table.name)) (\(columnList)) VALUES \(values)", batch)
            batch.removeAll(keepingCapacity: true)
            batchRows = 0
        }
        let order = table.name == "audit_log" ? " ORDER BY sequence" : ""
        try reader.forEachRow("SELECT \(columnList) FROM \(quoted(table.name))\(order)") { cursor in
            for column in 0..<cursor.columnCount { batch.append(cursor.value(at: column)) }
            batchRows += 1
            total += 1
            if batchRows >= perInsert { try flush() }
        }
        try flush()
        return total
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

import CivicSealApp
import CivicSealRecords
import CivicSealStorage
import Foundation

extension StoreBenchmark {
    /// `--database postgresql://…`: the same measurements on PostgreSQL (labels `pg.10k`, `pg.N`), in the same run
    /// as SQLite's. The database must be empty.
    ///
    /// - `pg.10k`: the records schema is applied and 10,000 requests submitted with `submitBatch`, as for SQLite.
    /// - `pg.N` (1M by default): the database is emptied again and SQLite's store of N requests (the file the SQLite
    ///   part just measured, audit chain and all) is copied into it by `civicseal migrate`, the path an operator
    ///   takes to PostgreSQL; `store.pg.migrate.*` report its rate. Filling 1M through `submitBatch`, one round
    ///   trip per statement, would take far longer, and the rows would be the same rows the records layer writes.
    ///   `people` is SQLite's fill state: the measured submissions continue with people not used yet.
    static func runPostgres(_ url: String, target: Int, seconds: Double, sqlite path: String, people: FillState)
        throws
    {
        let location = try DatabaseOption.location(url, dataDirectory: nil)
        guard case .postgresql = location else { throw AppError(.usage, "--database must be postgresql://…") }
        let store = try DatabaseOption.open(location, mustExist: false)
        // Empty: no request or audit entry, and no table but the records schema's (which opening just created):
        // the database is emptied again for the migration, and nothing else may be in it.
        let (records, others) = try store.database.read { session in
            (
                try session.scalar("SELECT (SELECT count(*) FROM requests) + (SELECT count(*) FROM audit_log)").int64,
                try tableNames(session).filter {
                    !MigrateCommand.tableOrder.contains($0) && $0 != "civicseal_schema_version"
                }
            )
        }
        guard records == 0, others.isEmpty else {
            try store.close()
            throw AppError(
                .usage,
                "the PostgreSQL database for the benchmark must be empty"
                    + (others.isEmpty ? "" : " (it holds \(others.joined(separator: ", ")))"))
        }
        submissionFloor = 3_000
        queuePageFloor = 5
        defer {
            submissionFloor = 10_000
            queuePageFloor = 2
        }
        var state = FillState()
        try fill(store, to: 10_000, state: &state)
        try measure(store, label: "pg.10k", seconds: seconds, state: &state, path: "")
        try dropEverything(store)
        try store.close()

        let label = target == 1_000_000 ? "pg.1M" : "pg.\(target)"
        // migrate's progress lines (each step's time) go to standard error, beside the figures.
        let copied = try MigrateCommand.migrate(from: "sqlite:" + path, to: url) { line in
            FileHandle.standardError.write(Data("migrate: \(line)\n".utf8))
        }
        let large = try DatabaseOption.open(location, mustExist: true)
        defer { try? large.close() }
        let requests = try large.database.read { try $0.scalar("SELECT count(*) FROM requests").int64 } ?? 0
        Report.figure(
            "store.\(label).migrate.rate", copied.rowsPerSecond,
            "rows/s (civicseal migrate of SQLite's store: \(copied.rows) rows in \(copied.tables) tables, "
                + "\(Report.format(copied.seconds)) s with both audit-chain checks, \(copied.chunks) INSERTs of at "
                + "most \(copied.largestChunkBytes >> 10) KiB)")
        Report.figure(
            "store.\(label).migrate.vacuum", copied.vacuumSeconds,
            "s (the VACUUM migrate runs after its commit\(copied.vacuumProblem.map { ": FAILED, \($0)" } ?? ""))")
        Report.figure(
            "store.\(label).migrate.requests-rate", Double(requests) / max(0.001, copied.seconds),
            "requests/s (\(requests) requests with their audit entries)")
        // The copy wrote gigabytes of WAL: the server's checkpoints would flush it during the measurement. One now (it
        // needs superuser or pg_checkpoint; without them the measurement shares the disk with those checkpoints).
        let checkpoint: String
        do {
            try large.database.write { try $0.execute("CHECKPOINT") }
            checkpoint = "done before measuring"
        } catch {
            checkpoint = "not permitted (\(error)): measured beside the server's own"
        }
        Report.figure("store.\(label).checkpoint", 1, "CHECKPOINT after the migration: \(checkpoint)")
        var continued = people
        try measure(large, label: label, seconds: seconds, state: &continued, path: "", floors: target >= 1_000_000)
    }

    /// The base tables of the current schema.
    private static func tableNames(_ session: any SQLSession) throws -> [String] {
        try session.query(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
                + "AND table_type = 'BASE TABLE' ORDER BY table_name"
        ).compactMap { $0.values[0].string }
    }

    /// Empties the benchmark's database for the migration: the records schema's tables (the only ones, checked at the
    /// start) and the functions their triggers call.
    private static func dropEverything(_ store: RequestStore) throws {
        try store.database.write { session in
            let tables = try tableNames(session)
            let functions = try session.query(
                "SELECT DISTINCT t.tgfoid::regprocedure::text FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                    + "WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace"
            ).compactMap { $0.values[0].string }
            for table in tables { try session.execute("DROP TABLE IF EXISTS \"\(table)\" CASCADE") }
            for function in functions { try session.execute("DROP FUNCTION IF EXISTS \(function)") }
        }
    }
}

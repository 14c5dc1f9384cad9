import CivicSealRecords
import CivicSealStorage
import Foundation
import Testing

/// The schema serves the hot queries from indexes, so their cost does not grow with the table.
@Suite struct SchemaTests {
    static func plan(_ fixture: StoreFixture, _ sql: String, _ arguments: [DatabaseValue]) throws -> String {
        try fixture.store.database.read { connection in
            try connection.query("EXPLAIN QUERY PLAN " + sql, arguments).compactMap { $0["detail"]?.string }
                .joined(separator: "\n")
        }
    }

    @Test func queuePagesAreOneIndexRangeScanWithoutSorting()
        throws
    {
        let fixture = try StoreFixture()
        let first = try Self.plan(
            fixture, "SELECT * FROM requests WHERE department_id = ? AND state = ? ORDER BY due_date, seq LIMIT ?",
            ["justice-hanoi", "submitted", 51])
        #expect(first.contains("USING INDEX requests_queue"), "\(first)")
        #expect(!first.contains("TEMP B-TREE"), "\(first)")
        // After a cursor: the rest of its day by a seek on (department, state, day, row), then the later days.
        let sameDay = try Self.plan(
            fixture,
            "SELECT * FROM requests WHERE department_id = ? AND state = ? AND due_date = ? AND seq > ? ORDER BY seq "
                + "LIMIT ?",
            ["justice-hanoi", "submitted", "2026-07-15", 42, 51])
        #expect(
            sameDay.contains("USING INDEX requests_queue (department_id=? AND state=? AND due_date=? AND seq>?)"),
            "\(sameDay)")
        #expect(!sameDay.contains("TEMP B-TREE"), "\(sameDay)")
        let later = try Self.plan(
            fixture,
            "SELECT * FROM requests WHERE department_id = ? AND state = ? AND due_date > ? ORDER BY due_date, seq "
                + "LIMIT ?",
            ["justice-hanoi", "submitted", "2026-07-15", 51])
        #expect(later.contains("USING INDEX requests_queue (department_id=? AND state=? AND due_date>?)"), "\(later)")
        #expect(!later.contains("TEMP B-TREE"), "\(later)")
    }

    /// The one-unfinished-request rule reads two indexes and no table row: the covering owner index for requests
    /// the subject filed, the partial index (holding only requests filed for someone else) for the rest.
    @Test func openRequestRuleUsesTheOwnerIndexAndThePartialIndex() throws {
        let fixture = try StoreFixture()
        let plan = try Self.plan(
            fixture,
            """
            SELECT state FROM requests WHERE owner_id = ?1 AND subject_id = ?1 AND kind = 'criminal-record'
                AND form = ?2 AND state IN ('submitted', 'in_review', 'needs_info', 'approved')
            UNION ALL
            SELECT state FROM requests WHERE subject_id = ?1 AND form = ?2 AND kind = 'criminal-record'
                AND owner_id <> subject_id AND state IN ('submitted', 'in_review', 'needs_info', 'approved')
            """, ["079085000001", 1])
        #expect(plan.contains("USING COVERING INDEX requests_owner (owner_id=?)"), "\(plan)")
        #expect(plan.contains("USING INDEX requests_open_criminal_for_others (subject_id=? AND form=?)"), "\(plan)")
        #expect(!plan.contains("SCAN"), "\(plan)")
    }

    /// PostgreSQL's fresh-schema set reaches the state SQLite's migrations reach: the same tables with the same
    /// columns, the same append-only triggers; its version is recorded as SQLite's `user_version` is.
    @Test(.enabled(if: RecordsBackend.all.contains(.postgresql)))
    func postgresqlSchemaHasTheSameTablesColumnsAndTriggers() throws {
        let sqlite = try StoreFixture()
        let postgres = try StoreFixture(backend: .postgresql)
        let sqliteColumns = try sqlite.store.database.read { connection in
            try connection.query(
                "SELECT m.name, p.name FROM sqlite_schema m, pragma_table_info(m.name) p WHERE m.type = 'table'"
            ).map { "\($0[0].string ?? "").\($0[1].string ?? "")" }
        }
        let postgresColumns = try postgres.store.database.read { connection in
            try connection.query(
                "SELECT table_name::text, column_name::text FROM information_schema.columns WHERE table_schema = "
                    + "'public' AND table_name <> 'civicseal_schema_version'"
            ).map { "\($0[0].string ?? "").\($0[1].string ?? "")" }
        }
        #expect(Set(sqliteColumns) == Set(postgresColumns))
        #expect(try postgres.store.verifyAudit().missingTriggers.isEmpty)
        #expect(
            try postgres.scalar("SELECT version FROM civicseal_schema_version")
                == .integer(Int64(RecordsSchema.postgresqlMigrations.count)))
    }

    @Test func migrationsAreRecordedInUserVersion() throws {
        let fixture = try StoreFixture()
        #expect(try fixture.scalar("PRAGMA user_version") == .integer(Int64(RecordsSchema.migrations.count)))
        #expect(try fixture.scalar("PRAGMA journal_mode") == .text("wal"))
    }
}

/// The queue page's kind filter and its counts stay inside the queue index (migration 3): no table row is read.
@Suite struct QueueIndexCoverageTests {
    @Test func kindFilterAndCountsAreCoveredByTheQueueIndex()
        throws
    {
        let fixture = try StoreFixture()
        let filtered = try SchemaTests.plan(
            fixture,
            "SELECT seq FROM requests WHERE department_id = ? AND state = ? AND kind = ? ORDER BY due_date, seq "
                + "LIMIT ?",
            ["justice-hanoi", "submitted", "criminal-record", 51])
        #expect(filtered.contains("USING COVERING INDEX requests_queue"), "\(filtered)")
        #expect(!filtered.contains("TEMP B-TREE"), "\(filtered)")
        let count = try SchemaTests.plan(
            fixture,
            "SELECT count(*) FROM (SELECT 1 FROM requests WHERE department_id = ? AND state = ? AND due_date < ? AND "
                + "kind = ? LIMIT ?)",
            ["justice-hanoi", "submitted", "2026-11-21", "criminal-record", 10_001])
        #expect(count.contains("USING COVERING INDEX requests_queue"), "\(count)")
    }
}

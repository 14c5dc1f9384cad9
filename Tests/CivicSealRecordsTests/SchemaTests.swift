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

    @Test func queuePagesAreOneIndexRangeScanWithoutSorting() throws {
        let fixture = try StoreFixture()
        let first = try Self.plan(
            fixture, "SELECT * FROM requests WHERE department_id = ? AND state = ? ORDER BY due_date, id LIMIT ?",
            ["justice-hanoi", "submitted", 51])
        #expect(first.contains("USING INDEX requests_queue"), "\(first)")
        #expect(!first.contains("TEMP B-TREE"), "\(first)")
        let next = try Self.plan(
            fixture,
            """
            SELECT * FROM requests WHERE department_id = ? AND state = ? AND (due_date, id) > (?, ?)
            ORDER BY due_date, id LIMIT ?
            """, ["justice-hanoi", "submitted", "2026-07-15", .text(String(repeating: "a", count: 32)), 51])
        #expect(next.contains("USING INDEX requests_queue"), "\(next)")
        #expect(next.contains("(due_date,id)>(?,?)"), "\(next)")
        #expect(!next.contains("TEMP B-TREE"), "\(next)")
    }

    @Test func openRequestRuleUsesThePartialIndex() throws {
        let fixture = try StoreFixture()
        let plan = try Self.plan(
            fixture,
            """
            SELECT state FROM requests WHERE subject_id = ? AND form = ? AND kind = 'criminal-record'
            AND state IN ('submitted', 'in_review', 'needs_info', 'approved')
            """, ["079085000001", 1])
        #expect(plan.contains("requests_open_criminal"), "\(plan)")
    }

    @Test func migrationsAreRecordedInUserVersion() throws {
        let fixture = try StoreFixture()
        #expect(try fixture.scalar("PRAGMA user_version") == .integer(Int64(RecordsSchema.migrations.count)))
        #expect(try fixture.scalar("PRAGMA journal_mode") == .text("wal"))
    }
}

/// The queue page's kind filter and its counts stay inside the queue index (migration 3): no table row is read.
@Suite struct QueueIndexCoverageTests {
    @Test func kindFilterAndCountsAreCoveredByTheQueueIndex() throws {
        let fixture = try StoreFixture()
        let filtered = try SchemaTests.plan(
            fixture, "SELECT id FROM requests WHERE department_id = ? AND state = ? AND kind = ? ORDER BY due_date, id LIMIT ?",
            ["justice-hanoi", "submitted", "criminal-record", 51])
        #expect(filtered.contains("USING COVERING INDEX requests_queue"), "\(filtered)")
        #expect(!filtered.contains("TEMP B-TREE"), "\(filtered)")
        let count = try SchemaTests.plan(
            fixture,
            "SELECT count(*) FROM (SELECT 1 FROM requests WHERE department_id = ? AND state = ? AND due_date < ? AND kind = ? LIMIT ?)",
            ["justice-hanoi", "submitted", "2026-11-21", "criminal-record", 10_001])
        #expect(count.contains("USING COVERING INDEX requests_queue"), "\(count)")
    }
}

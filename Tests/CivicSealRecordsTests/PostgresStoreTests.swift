import CivicSealStorage
import CivicSealTestSupport
import Foundation
import Testing

@testable import CivicSealPostgresStore

/// The PostgreSQL session's own rules: one SQL text with `?` for both backends, and errors that keep SQLite's codes
/// and never quote a bound value.
@Suite struct PostgresStoreTests {
    @Test(
        "? and ?N become $N outside literals, quoted names, comments and $$ bodies",
        arguments: [
            ("SELECT 1", "SELECT 1"),
            ("SELECT ? , ?", "SELECT $1 , $2"),
            ("SELECT ?1, x FROM t WHERE a = ?1 AND b = ?2", "SELECT $1, x FROM t WHERE a = $1 AND b = $2"),
            ("SELECT ?2, ?", "SELECT $2, $3"),
            ("SELECT '?', \"a?\", ? -- what?\n", "SELECT '?', \"a?\", $1 -- what?\n"),
            ("SELECT 'it''s ?', ? /* ? */", "SELECT 'it''s ?', $1 /* ? */"),
            (
                "CREATE FUNCTION f() RETURNS int AS $$ SELECT ? $$ LANGUAGE sql",
                "CREATE FUNCTION f() RETURNS int AS $$ SELECT ? $$ LANGUAGE sql"
            ),
        ])
    func placeholdersAreNumbered(sql: String, expected: String) {
        #expect(PostgresPlaceholders.translate(sql) == expected)
    }

    @Test(
        "a unique violation is SQLITE_CONSTRAINT_UNIQUE; a bad value's message never quotes it",
        .enabled(if: RecordsBackend.all.contains(.postgresql)))
    func errorsKeepSQLiteCodesAndNoValues() throws {
        let fixture = try StoreFixture(backend: .postgresql)
        try fixture.execute("CREATE TABLE t_unique (k text PRIMARY KEY)")
        try fixture.store.database.write {
            try $0.execute("INSERT INTO t_unique (k) VALUES (?)", [.text("079085000001")])
        }
        let duplicate = #expect(throws: DatabaseError.self) {
            try fixture.store.database.write {
                try $0.execute("INSERT INTO t_unique (k) VALUES (?)", [.text("079085000001")])
            }
        }
        #expect(duplicate?.code == .constraintUnique)
        #expect(duplicate?.description.contains("079085000001") == false)
        let bad = #expect(throws: DatabaseError.self) {
            try fixture.store.database.read { try $0.scalar("SELECT CAST(? AS bigint)", [.text("secret-079085")]) }
        }
        #expect(bad?.description.contains("secret-079085") == false, "\(String(describing: bad))")
        // The failed transactions rolled back and their connections stay usable.
        #expect(try fixture.count("t_unique") == 1)
    }
}

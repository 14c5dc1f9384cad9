import CivicSealPostgres
import CivicSealTestSupport
import Foundation
import Testing

/// Transactions, and what a pool does with a connection a caller left inside one.
@Suite("Postgres transactions", .enabled(if: postgresIsUsable))
struct PostgresTransactionTests {
    struct Abort: Error {}

    @Test("A transaction commits its statements, and a failing one leaves nothing behind")
    func commitAndRollback() async throws {
        let pool = try PostgresPool(PostgresCluster.shared().configuration(), options: .init(maximumConnections: 1))
        let table = uniqueTable("transaction")
        _ = try await pool.query("CREATE TABLE \(table) (n int4 PRIMARY KEY)")
        try await pool.transaction { connection throws(PostgresError) in
            _ = try await connection.query("INSERT INTO \(table) VALUES (1)")
            _ = try await connection.query("INSERT INTO \(table) VALUES (2)")
        }
        do {
            try await pool.transaction { connection throws(PostgresError) in
                _ = try await connection.query("INSERT INTO \(table) VALUES (3)")
                _ = try await connection.query("INSERT INTO \(table) VALUES (1)")  // 23505
            }
            Issue.record("a duplicate key committed")
        } catch {
            #expect(error.sqlState == "23505")
        }
        let rows = try await pool.query("SELECT array_agg(n ORDER BY n)::text FROM \(table)")
        #expect(try rows.first?.decode(String.self, at: 0) == "{1,2}")
        #expect(pool.statistics.dropped == 0)
        await pool.close()
    }

    @Test("A connection returned inside an open transaction is dropped, never handed to the next caller")
    func connectionLeftInTransactionIsDropped() async throws {
        let pool = try PostgresPool(PostgresCluster.shared().configuration(), options: .init(maximumConnections: 1))
        let abandoned = try await pool.withConnection { connection throws(PostgresError) in
            _ = try await connection.simpleQuery("BEGIN")
            return try await connection.query("SELECT pg_backend_pid()").first!.decode(Int32.self, at: 0)
        }
        #expect(pool.statistics.dropped == 1)
        let next = try await pool.query("SELECT pg_backend_pid()").first!.decode(Int32.self, at: 0)
        #expect(next != abandoned)
        await pool.close()
    }

    @Test("A statement whose result shape changed is prepared again after one 0A000 failure")
    func staleStatementIsPreparedAgain() async throws {
        let connection = try await PostgresCluster.shared().connect()
        let table = uniqueTable("shape")
        _ = try await connection.query("CREATE TABLE \(table) (a int4)")
        _ = try await connection.query("INSERT INTO \(table) VALUES (1)")
        #expect(try await connection.query("SELECT * FROM \(table)").first?.values == [.int32(1)])
        _ = try await connection.query("ALTER TABLE \(table) ADD COLUMN b text DEFAULT 'x'")
        var values: [PostgresValue]?
        for _ in 0..<2 {
            do throws(PostgresError) {
                values = try await connection.query("SELECT * FROM \(table)").first?.values
                break
            } catch {
                #expect(error.sqlState == "0A000")
            }
        }
        #expect(values == [.int32(1), .text("x")])
        await connection.close()
    }
}

import CivicSealPostgres
import CivicSealTestSupport
import Foundation
import Testing

/// The extended query protocol against a real server: bindings, prepared statements, pipelines, errors.
@Suite("Postgres queries", .enabled(if: postgresIsUsable))
struct PostgresQueryTests {
    @Test("Text, integers and bytea bound as parameters come back as they were")
    func textIntegerAndByteaRoundTrip() async throws {
        let connection = try await PostgresCluster.shared().connect()
        let table = uniqueTable("basic")
        _ = try await connection.query("CREATE TABLE \(table) (id int8 PRIMARY KEY, name text, small int4, data bytea)")
        let bytes: [UInt8] = [0, 1, 2, 0xFF, 0x5C, 0x78, 0]
        let inserted = try await connection.query(
            "INSERT INTO \(table) VALUES ($1, $2, $3, $4)",
            [.int64(1 << 40), .text("Nguyễn ✓"), .int32(-7), .bytea(bytes)])
        #expect(inserted.affectedRows == 1)
        let rows = try await connection.query(
            "SELECT id, name, small, data FROM \(table) WHERE id = $1", [.int64(1 << 40)])
        let row = try #require(rows.first)
        #expect(try row.decode(Int64.self, "id") == 1 << 40)
        #expect(try row.decode(String.self, "name") == "Nguyễn ✓")
        #expect(try row.decode(Int32.self, "small") == -7)
        #expect(try row.decode([UInt8].self, "data") == bytes)
        await connection.close()
    }
}

/// Every bound type, statement reuse, pipelines and server errors.
@Suite("Postgres statements", .enabled(if: postgresIsUsable))
struct PostgresStatementTests {
    static let timestamp = PostgresTimestamp(microsecondsSince2000: 849_759_601_123_456)

    @Test("Every bound type round-trips exactly, NULL included")
    func everyTypeRoundTrips() async throws {
        let connection = try await PostgresCluster.shared().connect()
        let table = uniqueTable("types")
        _ = try await connection.query(
            """
            CREATE TABLE \(table) (t text, i2 int2, i4 int4, i8 int8, b bool, f float8, d bytea, ts timestamptz,
                j json, jb jsonb, n text)
            """)
        let values: [PostgresValue] = [
            .text("Nguyễn \"quoted\" \\ ✓"), .int16(.min), .int32(.max), .int64(.min), .bool(true), .float8(0.1),
            .bytea(Array(0...255)), .timestamptz(Self.timestamp), .json("{\"a\": [1, 2]}"), .jsonb("{\"b\": null}"),
            .null,
        ]
        _ = try await connection.query(
            "INSERT INTO \(table) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)", values)
        let row = try #require(try await connection.query("SELECT * FROM \(table)").first)
        #expect(row.values == values)
        #expect(try row.decode(Date.self, "ts") == Self.timestamp.date)
        #expect(try row.decode(String?.self, "n") == nil)
        #expect(try row.decode(Double.self, "f") == 0.1)
        // The server reads the binary timestamp as the instant it is.
        let text = try await connection.query("SELECT ts::text FROM \(table)")
        #expect(try text.first?.decode(String.self, at: 0) == "2026-12-05 04:20:01.123456+00")
        await connection.close()
    }

    @Test("A statement is prepared once per connection and reused")
    func preparedStatementsAreReused() async throws {
        let connection = try await PostgresCluster.shared().connect()
        let sql = "SELECT $1::int8 * 2 AS doubled"
        for number in 0..<5 {
            let rows = try await connection.query(sql, [.int64(Int64(number))])
            #expect(try rows.first?.decode(Int.self, "doubled") == number * 2)
        }
        let prepared = try await connection.query(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement = $1", [.text(sql)])
        #expect(try prepared.first?.decode(Int.self, at: 0) == 1)
        await connection.close()
    }

    @Test("A pipeline of 100 inserts runs in one round trip and one implicit transaction")
    func pipelineOfInserts() async throws {
        let connection = try await PostgresCluster.shared().connect()
        let table = uniqueTable("pipeline")
        _ = try await connection.query("CREATE TABLE \(table) (id int8 PRIMARY KEY, label text)")
        let inserts = (0..<100).map {
            PostgresStatement("INSERT INTO \(table) VALUES ($1, $2)", [.int64(Int64($0)), .text("row \($0)")])
        }
        let results = try await connection.pipeline(inserts)
        #expect(results.count == 100)
        #expect(results.allSatisfy { $0.affectedRows == 1 })
        let count = try await connection.query("SELECT count(*), max(label) FROM \(table)")
        #expect(try count.first?.decode(Int.self, at: 0) == 100)
        // A failing statement in a pipeline rolls back the whole pipeline.
        let failing = [
            PostgresStatement("INSERT INTO \(table) VALUES ($1, $2)", [.int64(1000), .text("new")]),
            PostgresStatement("INSERT INTO \(table) VALUES ($1, $2)", [.int64(5), .text("duplicate")]),
        ]
        await #expect(throws: PostgresError.self) { _ = try await connection.pipeline(failing) }
        let after = try await connection.query("SELECT count(*) FROM \(table) WHERE id = 1000")
        #expect(try after.first?.decode(Int.self, at: 0) == 0)
        await connection.close()
    }

    @Test(
        "A unique violation is SQLSTATE 23505 with its constraint, without the bound value, and the connection lives on"
    )
    func uniqueViolation() async throws {
        let connection = try await PostgresCluster.shared().connect()
        let table = uniqueTable("unique")
        _ = try await connection.query("CREATE TABLE \(table) (email text CONSTRAINT \(table)_email UNIQUE)")
        _ = try await connection.query("INSERT INTO \(table) VALUES ($1)", [.text("secret@example.invalid")])
        do {
            _ = try await connection.query("INSERT INTO \(table) VALUES ($1)", [.text("secret@example.invalid")])
            Issue.record("a duplicate was inserted")
        } catch {
            #expect(error.kind == .server)
            #expect(error.sqlState == "23505")
            #expect(error.constraint == "\(table)_email")
            #expect(!"\(error)".contains("secret@example.invalid"))
        }
        #expect(!connection.isBroken)
        #expect(try await connection.query("SELECT 1").first?.decode(Int.self, at: 0) == 1)
        await connection.close()
    }

    @Test("A script runs through the simple query protocol")
    func simpleQueryScript() async throws {
        let connection = try await PostgresCluster.shared().connect()
        let table = uniqueTable("script")
        let results = try await connection.simpleQuery(
            "CREATE TABLE \(table) (n int4); INSERT INTO \(table) VALUES (1), (2); SELECT sum(n) FROM \(table);")
        #expect(results.map(\.commandTag) == ["CREATE TABLE", "INSERT 0 2", "SELECT 1"])
        #expect(results.last?.first?[0] == .text("3"))
        await connection.close()
    }
}

/// Limits on what one call may bring back.
@Suite("Postgres result limits", .enabled(if: postgresIsUsable))
struct PostgresResultLimitTests {
    @Test("A result over the configured size fails that call only; the connection stays usable")
    func oversizedResultIsRefused() async throws {
        var configuration = try PostgresCluster.shared().configuration()
        configuration.maximumResultBytes = 1 << 20
        let connection = try await PostgresConnection.connect(configuration)
        let large = "SELECT repeat('x', 1000) FROM generate_series(1, 5000)"
        for run in [{ try await connection.query(large) }, { try await connection.simpleQuery(large).first! }] {
            do {
                _ = try await run()
                Issue.record("5 MB came back through a 1 MiB limit")
            } catch let error as PostgresError {
                #expect(error.kind == .unsupported)
                #expect(error.message.contains("larger than the limit"))
            }
            #expect(!connection.isBroken)
            #expect(try await connection.query("SELECT 5").first?.decode(Int.self, at: 0) == 5)
        }
        let small = try await connection.query("SELECT repeat('x', 1000) FROM generate_series(1, 500)")
        #expect(small.rows.count == 500)
        await connection.close()
    }
}

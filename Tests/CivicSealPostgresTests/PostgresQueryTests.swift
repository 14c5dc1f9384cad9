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

import CivicSealPostgres
import CivicSealTestSupport
import Foundation
import Testing

/// psycopg 3 (with libpq) on the other side: what it writes we read exactly, what we write it reads exactly.
@Suite("Postgres against psycopg", .enabled(if: postgresIsUsable && ExternalTool.isUsable("python3")))
struct PostgresPsycopgTests {
    static let schema = """
        CREATE TABLE %@ (id int4 PRIMARY KEY, t text, i2 int2, i4 int4, i8 int8, b bool, f float8, d bytea,
            ts timestamptz, j json, jb jsonb, n text)
        """

    /// The two rows psycopg_crosscheck.py also holds, as our values.
    static let rows: [[PostgresValue]] = [
        [
            .int32(1), .text("Nguyễn \"quoted\" \\ ✓ 😀"), .int16(-32768), .int32(2_147_483_647), .int64(.min),
            .bool(true), .float8(0.1), .bytea(Array(0...255)),
            .timestamptz(PostgresTimestamp(microsecondsSince2000: 849_759_601_123_456)), .json("{\"a\": [1, 2]}"),
            .jsonb("{\"b\": null}"), .null,
        ],
        [
            .int32(2), .text(""), .int16(0), .int32(-1), .int64(.max), .bool(false), .float8(-1.5e300), .bytea([]),
            .timestamptz(PostgresTimestamp(microsecondsSince2000: -1)), .json("[]"),
            .jsonb("{\"k\": \"v\", \"n\": 1.5}"), .null,
        ],
    ]

    /// Runs the script off the cooperative pool with `mode` and returns its standard output.
    func psycopg(_ cluster: PostgresCluster, table: String, mode: String) async throws -> Data {
        let request: [String: Any] = [
            "host": cluster.directory, "port": cluster.port, "user": cluster.scramUser,
            "password": cluster.scramPassword, "dbname": cluster.database, "table": table, "mode": mode,
        ]
        let input = try JSONSerialization.data(withJSONObject: request)
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("psycopg_crosscheck.py").path
        let output = try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try ExternalTool.run("python3", [script], input: input) })
            }
        }
        #expect(output.status == 0, "psycopg: \(output.errorText)")
        return output.standardOutput
    }

    @Test("Rows psycopg writes (text and binary parameters) read back exactly")
    func readWhatPsycopgWrote() async throws {
        let cluster = try PostgresCluster.shared()
        let connection = try await cluster.connect()
        let table = uniqueTable("from_psycopg")
        _ = try await connection.query(String(format: Self.schema, table))
        _ = try await psycopg(cluster, table: table, mode: "write")
        let rows = try await connection.query("SELECT * FROM \(table) ORDER BY id")
        #expect(rows.rows.map(\.values) == Self.rows)
        await connection.close()
    }

    @Test("Rows we write read back exactly in psycopg")
    func psycopgReadsWhatWeWrote() async throws {
        let cluster = try PostgresCluster.shared()
        let connection = try await cluster.connect()
        let table = uniqueTable("to_psycopg")
        _ = try await connection.query(String(format: Self.schema, table))
        _ = try await connection.pipeline(
            Self.rows.map { PostgresStatement("INSERT INTO \(table) VALUES (\(placeholders(12)))", $0) })
        let data = try await psycopg(cluster, table: table, mode: "read")
        let read = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        #expect(read.count == 2)
        for (row, values) in zip(read, Self.rows) {
            let expected = Self.expectedJSON(values)
            for (key, value) in expected {
                #expect("\(row[key] ?? "missing")" == "\(value)", "column \(key)")
            }
        }
        await connection.close()
    }

    private func placeholders(_ count: Int) -> String { (1...count).map { "$\($0)" }.joined(separator: ", ") }

    /// Our values in the script's printed form.
    static func expectedJSON(_ values: [PostgresValue]) -> [String: Any] {
        let names = ["id", "t", "i2", "i4", "i8", "b", "f", "d", "ts", "j", "jb", "n"]
        var result: [String: Any] = [:]
        for (name, value) in zip(names, values) {
            switch value {
            case .null: result[name] = NSNull()
            case .text(let text), .json(let text), .jsonb(let text): result[name] = text
            case .int16(let number): result[name] = number
            case .int32(let number): result[name] = number
            case .int64(let number): result[name] = number
            case .bool(let flag): result[name] = flag ? 1 : 0
            case .float8(let number):
                let hex = String(number.bitPattern, radix: 16)
                result[name] = String(repeating: "0", count: 16 - hex.count) + hex
            case .bytea(let bytes): result[name] = bytes.map { String(format: "%02x", $0) }.joined()
            case .timestamptz(let time): result[name] = time.microsecondsSince2000
            }
        }
        return result
    }
}

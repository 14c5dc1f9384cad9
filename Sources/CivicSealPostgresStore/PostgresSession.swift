import CivicSealPostgres
import CivicSealStorage

/// One transaction on one pooled connection, as the records layer sees it (``SQLSession``): `?` parameters are
/// numbered for PostgreSQL, values convert to and from SQLite's storage classes, and server errors become
/// ``DatabaseError``s with the code SQLite gives the same failure.
///
/// Confined to the closure it is passed to, on the store's dispatch thread; each call blocks that thread (never a
/// cooperative one) until the connection's own I/O thread has the answer.
final class PostgresSession: SQLSession {
    let connection: PostgresConnection
    let bridge: BlockingBridge
    private(set) var changedRowCount = 0
    /// Set when the connection failed at the socket or protocol level: the pool drops it.
    private(set) var broken = false

    init(connection: PostgresConnection, bridge: BlockingBridge) {
        self.connection = connection
        self.bridge = bridge
    }

    var dialect: SQLDialect { .postgresql }

    // MARK: Running

    func run(_ sql: String, _ arguments: [DatabaseValue]) throws(DatabaseError) -> PostgresRows {
        let text = PostgresPlaceholders.rewrite(sql)
        let bindings = arguments.map(Self.postgresValue)
        let connection = connection
        let result: Result<PostgresRows, PostgresError> = bridge.wait {
            () async -> Result<PostgresRows, PostgresError> in
            do throws(PostgresError) {
                return .success(try await connection.query(text, bindings))
            } catch {
                return .failure(error)
            }
        }
        switch result {
        case .success(let rows):
            if let count = rows.affectedRows, Self.changesRows(rows.commandTag) { changedRowCount = count }
            return rows
        case .failure(let error):
            throw mapped(error, sql: sql)
        }
    }

    /// Runs several statements through the simple query protocol (schema scripts; transaction control).
    func runScript(_ script: String) throws(DatabaseError) {
        let connection = connection
        let result: Result<[PostgresRows], PostgresError> = bridge.wait {
            () async -> Result<[PostgresRows], PostgresError> in
            do throws(PostgresError) {
                return .success(try await connection.simpleQuery(script))
            } catch {
                return .failure(error)
            }
        }
        if case .failure(let error) = result { throw mapped(error, sql: script) }
    }

    private static func changesRows(_ tag: String) -> Bool {
        tag.hasPrefix("INSERT") || tag.hasPrefix("UPDATE") || tag.hasPrefix("DELETE") || tag.hasPrefix("MERGE")
    }

    func mapped(_ error: PostgresError, sql: String?) -> DatabaseError {
        if error.breaksConnection || connection.isBroken { broken = true }
        return PostgresStore.databaseError(error, sql: sql)
    }

    // MARK: SQLSession

    func execute(_ sql: String, _ arguments: [DatabaseValue]) throws(DatabaseError) {
        _ = try run(sql, arguments)
    }

    func executeScript(_ sql: String) throws(DatabaseError) { try runScript(sql) }

    func query(_ sql: String, _ arguments: [DatabaseValue]) throws(DatabaseError) -> [Row] {
        let result = try run(sql, arguments)
        let names = result.columns.map(\.name)
        return result.rows.map { Row(columnNames: names, values: Self.values(of: $0)) }
    }

    func queryFirst(_ sql: String, _ arguments: [DatabaseValue]) throws(DatabaseError) -> Row? {
        let result = try run(sql, arguments)
        guard let first = result.rows.first else { return nil }
        return Row(columnNames: result.columns.map(\.name), values: Self.values(of: first))
    }

    func scalar(_ sql: String, _ arguments: [DatabaseValue]) throws(DatabaseError) -> DatabaseValue {
        let result = try run(sql, arguments)
        guard let first = result.rows.first, !first.values.isEmpty else { return .null }
        return Self.value(first.values[0], type: first.columns[0].typeOID)
    }

    func forEachRow(_ sql: String, _ arguments: [DatabaseValue], _ body: (any SQLCursor) throws -> Void) throws {
        let result = try run(sql, arguments)
        let names = result.columns.map(\.name)
        for row in result.rows {
            try body(Row(columnNames: names, values: Self.values(of: row)))
        }
    }

    func withFirstRow<T>(_ sql: String, _ arguments: [DatabaseValue], _ body: (any SQLCursor) throws -> T) throws
        -> T?
    {
        guard let row = try queryFirst(sql, arguments) else { return nil }
        return try body(row)
    }

    func statement(_ sql: String) throws(DatabaseError) -> any SQLStatement { PostgresStepStatement(self, sql) }

    // MARK: Values

    static func postgresValue(_ value: DatabaseValue) -> PostgresValue {
        switch value {
        case .null: .null
        case .integer(let value): .int64(value)
        case .real(let value): .float8(value)
        case .text(let value): .text(value)
        case .blob(let value): .bytea(value)
        }
    }

    static func values(of row: PostgresRow) -> [DatabaseValue] {
        var values: [DatabaseValue] = []
        values.reserveCapacity(row.values.count)
        for (index, value) in row.values.enumerated() {
            values.append(Self.value(value, type: row.columns[index].typeOID))
        }
        return values
    }

    /// numeric (1700) comes as text: an integer when it is one (`sum` of bigints), else a double.
    private static let numericOID: UInt32 = 1700

    static func value(_ value: PostgresValue, type: UInt32) -> DatabaseValue {
        switch value {
        case .null: return .null
        case .text(let text):
            if type == numericOID {
                return Int64(text).map(DatabaseValue.integer) ?? Double(text).map { .real($0) } ?? .text(text)
            }
            return .text(text)
        case .int16(let value): return .integer(Int64(value))
        case .int32(let value): return .integer(Int64(value))
        case .int64(let value): return .integer(value)
        case .bool(let value): return .integer(value ? 1 : 0)
        case .float8(let value): return .real(value)
        case .bytea(let bytes): return .blob(bytes)
        case .timestamptz(let time): return .integer(time.microsecondsSince2000)
        case .json(let text), .jsonb(let text): return .text(text)
        }
    }
}

/// ``SQLStatement`` for PostgreSQL: runs at the first `step()` with the bound values and walks the rows received.
final class PostgresStepStatement: SQLStatement {
    private let session: PostgresSession
    private let sql: String
    private var arguments: [DatabaseValue] = []
    private var rows: [Row]?
    private var position = -1

    init(_ session: PostgresSession, _ sql: String) {
        self.session = session
        self.sql = sql
    }

    func bind(_ values: [DatabaseValue]) throws(DatabaseError) {
        arguments = values
        rows = nil
        position = -1
    }

    func step() throws(DatabaseError) -> Bool {
        if rows == nil { rows = try session.query(sql, arguments) }
        position += 1
        return position < rows!.count
    }

    func reset() {
        rows = nil
        position = -1
    }

    private var current: Row { rows![position] }
    var columnCount: Int { current.columnCount }
    func isNull(at column: Int) -> Bool { current.isNull(at: column) }
    func isText(at column: Int) -> Bool { current.isText(at: column) }
    func int64(at column: Int) -> Int64 { current.int64(at: column) }
    func double(at column: Int) -> Double { current.double(at: column) }
    func string(at column: Int) -> String? { current.string(at: column) }
    func bytes(at column: Int) -> [UInt8]? { current.bytes(at: column) }
    func value(at column: Int) -> DatabaseValue { current.value(at: column) }
}

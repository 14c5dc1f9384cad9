import CivicSealPostgres
import CivicSealStorage

/// One transaction on one pooled connection, as the records layer sees it (``SQLSession``): `?` parameters are
/// numbered for PostgreSQL, values convert to and from SQLite's storage classes, and server errors become
/// ``DatabaseError``s with the code SQLite gives the same failure.
///
/// Confined to the closure it is passed to, on the store's dispatch thread; each call blocks that thread (never a
/// cooperative one) until the server has answered.
///
/// **Flights.** A statement whose answer nobody reads (`execute`) is not sent at once: it waits in ``pending`` and
/// leaves with the next statement that needs an answer, or with COMMIT, in one flight. So do the statements that
/// open the transaction (BEGIN, the write lock) and a group commit's savepoints. An error in a waiting statement
/// still fails its closure with that statement's SQLSTATE (see ``PostgresSession+Flights.swift``).
///
/// **Closures.** The session runs one or more closures in turn (``beginClosure(_:)``/``endClosure(_:threw:)``):
/// one for a plain transaction, a group commit's batch under ``savepoints`` (each closure between `SAVEPOINT` and
/// `RELEASE`, rolled back to its savepoint alone when it fails).
final class PostgresSession: SQLSession {
    let connection: PostgresConnection
    let bridge: BlockingBridge
    /// Whether each closure runs under a savepoint of its own (a group commit's batch).
    let savepoints: Bool

    /// Statements not sent yet, in order: they leave with the next flight.
    var pending: [QueuedStatement]
    /// The closure running now: statements run are its own. nil between closures and at COMMIT.
    var currentOwner: Int?
    /// Whether BEGIN has run on the server.
    var inTransaction = false
    /// The closure whose savepoint is open on the server (executed, neither released nor rolled back).
    var openSavepoint: Int?
    /// Closures one of whose statements failed, with that statement's error (the first).
    var failures: [Int: DatabaseError] = [:]
    /// A failure that ends the whole transaction: the connection broke, one of the store's own statements failed,
    /// or a statement failed where no savepoint can take the transaction back.
    var fatal: DatabaseError?
    /// Set when the connection failed at the socket or protocol level: the pool drops it.
    var broken = false
    /// Set when the connection broke during the first flight, which held no COMMIT (nothing of the transaction
    /// ran): the store may run the transaction again on a fresh connection (an idle pooled connection may have died
    /// with the server).
    var brokeAtStart = false
    /// Flights sent (pipelines and scripts), for ``brokeAtStart`` and round-trip counts.
    var flights = 0
    var changedRows = 0
    /// The connection's round-trip count when the session began.
    let roundTripsAtStart: Int

    init(
        connection: PostgresConnection, bridge: BlockingBridge, opening: [PostgresStatement] = [],
        savepoints: Bool = false
    ) {
        self.connection = connection
        self.bridge = bridge
        self.savepoints = savepoints
        roundTripsAtStart = connection.roundTrips.load(ordering: .relaxed)
        pending = opening.map {
            QueuedStatement($0, sql: $0.sql, owner: nil, role: $0.sql.hasPrefix("BEGIN") ? .begin : .statement)
        }
    }

    var dialect: SQLDialect { .postgresql }

    /// Rows changed by the last INSERT, UPDATE or DELETE of the current closure: sends its waiting statements
    /// first. A failure there is the closure's (``failures``), so 0 then; the closure fails whatever it returns.
    var changedRowCount: Int {
        if let owner = currentOwner, failures[owner] == nil, pending.contains(where: { $0.owner == owner }) {
            _ = try? send(nil)
        }
        return changedRows
    }

    // MARK: Running

    /// Runs `sql` now (with everything waiting) and returns its rows.
    func run(_ sql: String, _ arguments: [DatabaseValue]) throws(DatabaseError) -> PostgresRows {
        let statement = try queued(sql, arguments)
        guard let rows = try send(statement) else {
            throw DatabaseError(.error, "PostgreSQL client failure: a statement's result was lost", sql: sql)
        }
        return rows
    }

    /// Queues `sql`, whose answer nobody reads, for the next flight; runs it now unless it is an INSERT, UPDATE or
    /// DELETE. A statement is prepared (parsed against the schema) before its flight runs, so one that changes the
    /// schema (`CREATE TABLE`) must have run before a later statement naming what it creates is prepared; row
    /// changes never alter what a later statement means.
    func runLater(_ sql: String, _ arguments: [DatabaseValue]) throws(DatabaseError) {
        let statement = try queued(sql, arguments)
        if Self.changesRowsOnly(sql) {
            pending.append(statement)
        } else {
            try send(statement)
        }
    }

    /// Whether `sql` starts with INSERT, UPDATE or DELETE (after spaces), in any case.
    static func changesRowsOnly(_ sql: String) -> Bool {
        var word: [UInt8] = []
        for byte in sql.utf8 {
            if word.isEmpty && (byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D) { continue }
            guard (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte), word.count < 6 else { break }
            word.append(byte & 0xDF)  // upper case
        }
        return word == Array("INSERT".utf8) || word == Array("UPDATE".utf8) || word == Array("DELETE".utf8)
    }

    private func queued(_ sql: String, _ arguments: [DatabaseValue]) throws(DatabaseError) -> QueuedStatement {
        if let fatal { throw fatal }
        // As PostgreSQL refuses every statement of a failed transaction (25P02), so does the session, with the
        // failure itself.
        if let owner = currentOwner, let failure = failures[owner] { throw failure }
        let statement = PostgresStatement(PostgresPlaceholders.rewrite(sql), arguments.map(Self.postgresValue))
        return QueuedStatement(statement, sql: sql, owner: currentOwner, role: .statement)
    }

    /// Runs several statements through the simple query protocol (schema scripts), after everything waiting.
    func runScript(_ script: String) throws(DatabaseError) {
        if let fatal { throw fatal }
        if let owner = currentOwner, let failure = failures[owner] { throw failure }
        _ = try send(nil)
        flights += 1
        do throws(PostgresError) {
            _ = try connection.simpleQueryBlocking(script)
        } catch {
            throw failed(error, sql: script, owner: currentOwner)
        }
    }

    static func changesRows(_ tag: String) -> Bool {
        tag.hasPrefix("INSERT") || tag.hasPrefix("UPDATE") || tag.hasPrefix("DELETE") || tag.hasPrefix("MERGE")
    }

    // MARK: SQLSession

    func execute(_ sql: String, _ arguments: [DatabaseValue]) throws(DatabaseError) {
        try runLater(sql, arguments)
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

/// The SQL text a backend speaks, for the few statements that must differ between SQLite and PostgreSQL
/// (schema types, upserts, triggers). Everything else the records layer writes is standard SQL, shared by both.
package enum SQLDialect: Sendable, Hashable {
    case sqlite
    case postgresql
}

/// One row being read, without copying it out: SQLite's ``Statement`` positioned on a row, or a ``Row`` a
/// backend already received.
package protocol SQLCursor {
    var columnCount: Int { get }
    func isNull(at column: Int) -> Bool
    func isText(at column: Int) -> Bool
    /// The integer; 0 for NULL (as SQLite does).
    func int64(at column: Int) -> Int64
    func double(at column: Int) -> Double
    func string(at column: Int) -> String?
    func bytes(at column: Int) -> [UInt8]?
    func value(at column: Int) -> DatabaseValue
}

/// A statement run step by step: bind, then `step()` until it returns false, then `reset()` to run it again.
/// SQLite's cached ``Statement``; another backend runs the statement at the first step and walks the rows it got.
package protocol SQLStatement: SQLCursor {
    func bind(_ values: [DatabaseValue]) throws(DatabaseError)
    /// Moves to the next row; false when there is none.
    func step() throws(DatabaseError) -> Bool
    func reset()
}

/// What the records layer needs from an open transaction, whichever backend runs it. `?` placeholders in every
/// statement: a backend that numbers its parameters (`$1`) rewrites them itself, so callers write one text.
///
/// A session is confined to the closure it is passed to (one transaction on one connection): never keep it.
package protocol SQLSession: AnyObject {
    var dialect: SQLDialect { get }
    func execute(_ sql: String, _ arguments: [DatabaseValue]) throws(DatabaseError)
    /// Several statements without arguments (schema scripts).
    func executeScript(_ sql: String) throws(DatabaseError)
    func query(_ sql: String, _ arguments: [DatabaseValue]) throws(DatabaseError) -> [Row]
    func queryFirst(_ sql: String, _ arguments: [DatabaseValue]) throws(DatabaseError) -> Row?
    /// The first column of the first row, or `.null` when there is no row.
    func scalar(_ sql: String, _ arguments: [DatabaseValue]) throws(DatabaseError) -> DatabaseValue
    /// Calls `body` with a cursor on each row in turn.
    func forEachRow(_ sql: String, _ arguments: [DatabaseValue], _ body: (any SQLCursor) throws -> Void) throws
    /// Calls `body` with a cursor on the first row and returns its result; nil when there is no row.
    func withFirstRow<T>(_ sql: String, _ arguments: [DatabaseValue], _ body: (any SQLCursor) throws -> T) throws
        -> T?
    /// A reusable statement for `sql` within this session (SQLite: the connection's statement cache).
    func statement(_ sql: String) throws(DatabaseError) -> any SQLStatement
    /// Rows changed by the last INSERT, UPDATE or DELETE of this session.
    var changedRowCount: Int { get }
}

extension SQLSession {
    package func execute(_ sql: String) throws(DatabaseError) { try execute(sql, []) }
    package func query(_ sql: String) throws(DatabaseError) -> [Row] { try query(sql, []) }
    package func queryFirst(_ sql: String) throws(DatabaseError) -> Row? { try queryFirst(sql, []) }
    package func scalar(_ sql: String) throws(DatabaseError) -> DatabaseValue { try scalar(sql, []) }
    package func forEachRow(_ sql: String, _ body: (any SQLCursor) throws -> Void) throws {
        try forEachRow(sql, [], body)
    }

    /// `sqlite` when the session speaks SQLite, otherwise `postgresql`: text chosen next to each other.
    package func dialectText(sqlite: String, postgresql: String) -> String {
        dialect == .sqlite ? sqlite : postgresql
    }
}

/// A database the records layer runs transactions on: ``Database`` (SQLite) or a PostgreSQL store.
///
/// `write` runs its closure in one read-write transaction (commit on return, rollback on throw); `read` in one
/// read-only snapshot. The async forms never block a cooperative thread; the blocking forms are for the command
/// line. A backend may run a write closure more than once (a serialization failure retried), so closures must
/// not have effects outside the session.
package protocol SQLStore: Sendable {
    var dialect: SQLDialect { get }
    func writeSession<T: Sendable>(_ updates: @escaping @Sendable (any SQLSession) throws -> T) async throws -> T
    func writeSession<T>(_ updates: (any SQLSession) throws -> T) throws -> T
    func readSession<T: Sendable>(_ body: @escaping @Sendable (any SQLSession) throws -> T) async throws -> T
    func readSession<T>(_ body: (any SQLSession) throws -> T) throws -> T
    /// Releases connections (and for SQLite folds the WAL into the file). Blocks the calling thread.
    func close() throws
}

extension SQLStore {
    /// ``writeSession(_:)-async``.
    package func write<T: Sendable>(_ updates: @escaping @Sendable (any SQLSession) throws -> T) async throws -> T {
        try await writeSession(updates)
    }

    /// ``writeSession(_:)-sync``.
    package func write<T>(_ updates: (any SQLSession) throws -> T) throws -> T { try writeSession(updates) }

    /// ``readSession(_:)-async``.
    package func read<T: Sendable>(_ body: @escaping @Sendable (any SQLSession) throws -> T) async throws -> T {
        try await readSession(body)
    }

    /// ``readSession(_:)-sync``.
    package func read<T>(_ body: (any SQLSession) throws -> T) throws -> T { try readSession(body) }
}

extension Statement: SQLStatement {}

extension Row: SQLCursor {
    package var columnCount: Int { values.count }
    package func isNull(at column: Int) -> Bool { values[column].isNull }
    package func isText(at column: Int) -> Bool { if case .text = values[column] { true } else { false } }
    package func int64(at column: Int) -> Int64 {
        switch values[column] {
        case .integer(let value): value
        case .real(let value): Int64(exactly: value.rounded(.towardZero)) ?? 0
        default: 0
        }
    }
    package func double(at column: Int) -> Double { values[column].double ?? 0 }
    package func string(at column: Int) -> String? {
        switch values[column] {
        case .text(let value): value
        case .integer(let value): String(value)
        default: nil
        }
    }
    package func bytes(at column: Int) -> [UInt8]? {
        switch values[column] {
        case .blob(let value): value
        case .text(let value): Array(value.utf8)
        default: nil
        }
    }
    package func value(at column: Int) -> DatabaseValue { values[column] }
}

extension Connection: SQLSession {
    package var dialect: SQLDialect { .sqlite }

    package func statement(_ sql: String) throws(DatabaseError) -> any SQLStatement { try cachedStatement(sql) }

    /// Runs a query and calls `body` with the statement positioned on each row in turn, without
    /// copying rows out (read columns with `statement.string(at:)` and friends).
    package func forEachRow(
        _ sql: String, _ arguments: [DatabaseValue] = [], _ body: (any SQLCursor) throws -> Void
    ) throws {
        let statement = try cachedStatement(sql)
        defer { statement.reset() }
        try statement.bind(arguments)
        while try statement.step() {
            try body(statement)
        }
    }

    package func withFirstRow<T>(
        _ sql: String, _ arguments: [DatabaseValue], _ body: (any SQLCursor) throws -> T
    ) throws -> T? {
        let statement = try cachedStatement(sql)
        defer { statement.reset() }
        try statement.bind(arguments)
        guard try statement.step() else { return nil }
        return try body(statement)
    }
}

extension Database: SQLStore {
    package var dialect: SQLDialect { .sqlite }

    package func writeSession<T: Sendable>(_ updates: @escaping @Sendable (any SQLSession) throws -> T) async throws
        -> T
    {
        try await write { (connection: Connection) in try updates(connection) }
    }

    package func writeSession<T>(_ updates: (any SQLSession) throws -> T) throws -> T {
        try write { (connection: Connection) in try updates(connection) }
    }

    package func readSession<T: Sendable>(_ body: @escaping @Sendable (any SQLSession) throws -> T) async throws -> T {
        try await read { (connection: Connection) in try body(connection) }
    }

    package func readSession<T>(_ body: (any SQLSession) throws -> T) throws -> T {
        try read { (connection: Connection) in try body(connection) }
    }
}

/// One step of a schema written against ``SQLSession`` (a backend without SQLite's migration history, such as
/// PostgreSQL's fresh-schema set): applied once, in order, in its own transaction, tracked by the backend.
package struct SQLMigration: Sendable {
    package let name: String
    package let apply: @Sendable (any SQLSession) throws -> Void

    /// A migration made of statements run in order.
    package init(_ name: String, statements: [String]) {
        self.name = name
        self.apply = { session in
            for statement in statements { try session.executeScript(statement) }
        }
    }

    /// A migration that runs code (seeding a key).
    package init(_ name: String, _ apply: @escaping @Sendable (any SQLSession) throws -> Void) {
        self.name = name
        self.apply = apply
    }
}

/// One step of the schema, applied once, in order, in its own transaction.
///
/// Migration *n* (1-based position in the list) is applied when `PRAGMA user_version` is *n − 1*;
/// the same transaction sets `user_version` to *n*. So never reorder, edit or remove a migration
/// that has shipped: append a new one.
///
/// `PRAGMA foreign_keys` cannot change inside a transaction, so a migration that rebuilds a table
/// must keep foreign keys valid at commit (https://www.sqlite.org/lang_altertable.html#otheralter).
public struct Migration: Sendable {
    /// A short name for logs and errors, e.g. `"create documents"`.
    public let name: String
    let apply: @Sendable (Connection) throws -> Void

    /// A migration made of SQL statements run in order.
    public init(_ name: String, statements: [String]) {
        self.name = name
        self.apply = { connection in
            for statement in statements {
                try connection.executeScript(statement)
            }
        }
    }

    /// A migration that runs arbitrary code on the writer connection (data backfills).
    public init(_ name: String, _ apply: @escaping @Sendable (Connection) throws -> Void) {
        self.name = name
        self.apply = apply
    }
}

/// Applies an ordered list of ``Migration``s, tracked by `PRAGMA user_version`.
public struct Migrator: Sendable {
    public let migrations: [Migration]

    public init(_ migrations: [Migration]) {
        self.migrations = migrations
    }

    /// Applies every migration the database has not seen yet and returns the names applied.
    ///
    /// Each migration runs in its own `BEGIN IMMEDIATE` transaction that also bumps
    /// `user_version`; `user_version` is read inside that transaction, so two processes migrating
    /// at once cannot apply a step twice. A failing migration rolls back (schema and
    /// `user_version` unchanged) and its error is rethrown. A database whose `user_version` is
    /// above `migrations.count` was written by newer code and is refused with
    /// ``DatabaseError/Code/databaseNewerThanCode``.
    @discardableResult
    public func migrate(_ connection: Connection) throws -> [String] {
        var applied: [String] = []
        while true {
            let next: Migration? = try connection.transaction(.immediate) {
                let version = try connection.userVersion
                guard version <= migrations.count else {
                    throw DatabaseError(
                        .databaseNewerThanCode,
                        "database schema version \(version) is newer than this code (\(migrations.count))")
                }
                guard version < migrations.count else { return nil }
                let migration = migrations[version]
                try migration.apply(connection)
                try connection.setUserVersion(version + 1)
                return migration
            }
            guard let next else { return applied }
            applied.append(next.name)
        }
    }
}

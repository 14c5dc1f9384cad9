/// One step of the schema, applied once, in order, in its own transaction.
///
/// Migration *n* (1-based position in the list) is applied when `PRAGMA user_version` is *n − 1*;
/// the same transaction sets `user_version` to *n*. So never reorder, edit or remove a migration
/// that has shipped: append a new one.
///
/// `PRAGMA foreign_keys` cannot change inside a transaction. A migration that rebuilds a table other tables
/// reference (create the new table, copy, drop the old one, rename) sets ``rebuildsReferencedTables``: the
/// migrator then follows SQLite's documented procedure (https://www.sqlite.org/lang_altertable.html#otheralter):
/// foreign keys off before the transaction, `PRAGMA foreign_key_check` inside it (any violation rolls the
/// migration back), foreign keys on again after it, whatever happened.
package struct Migration: Sendable {
    /// A short name for logs and errors, e.g. `"create documents"`.
    package let name: String
    /// Runs with foreign-key enforcement off and a full `foreign_key_check` before commit.
    package let rebuildsReferencedTables: Bool
    let apply: @Sendable (Connection) throws -> Void

    /// A migration made of SQL statements run in order.
    package init(_ name: String, rebuildsReferencedTables: Bool = false, statements: [String]) {
        self.name = name
        self.rebuildsReferencedTables = rebuildsReferencedTables
        self.apply = { connection in
            for statement in statements {
                try connection.executeScript(statement)
            }
        }
    }

    /// A migration that runs arbitrary code on the writer connection (data backfills).
    package init(
        _ name: String, rebuildsReferencedTables: Bool = false, _ apply: @escaping @Sendable (Connection) throws -> Void
    ) {
        self.name = name
        self.rebuildsReferencedTables = rebuildsReferencedTables
        self.apply = apply
    }
}

/// Applies an ordered list of ``Migration``s, tracked by `PRAGMA user_version`.
package struct Migrator: Sendable {
    package let migrations: [Migration]

    package init(_ migrations: [Migration]) {
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
    package func migrate(_ connection: Connection) throws -> [String] {
        enum Step {
            case done
            case applied(String)
            case retry
        }
        var applied: [String] = []
        while true {
            // Peeked outside the transaction only to decide whether foreign keys must be off for it (a pragma that
            // is a no-op inside one); the transaction re-reads the version and retries if another process moved it.
            let peeked = try connection.userVersion
            let rebuilds = (0..<migrations.count).contains(peeked) && migrations[peeked].rebuildsReferencedTables
            if rebuilds { try connection.execute("PRAGMA foreign_keys=OFF") }
            defer { if rebuilds { try? connection.execute("PRAGMA foreign_keys=ON") } }
            let step: Step = try connection.transaction(.immediate) {
                let version = try connection.userVersion
                guard version <= migrations.count else {
                    throw DatabaseError(
                        .databaseNewerThanCode,
                        "database schema version \(version) is newer than this code (\(migrations.count))")
                }
                guard version < migrations.count else { return .done }
                let migration = migrations[version]
                guard migration.rebuildsReferencedTables == rebuilds else { return .retry }
                try migration.apply(connection)
                if rebuilds, let violation = try connection.queryFirst("PRAGMA foreign_key_check") {
                    throw DatabaseError(
                        .constraintForeignKey,
                        "migration \(version + 1) (\(migration.name)) leaves a foreign key of "
                            + "\(violation[0].string ?? "a table") unresolved"
                    )
                }
                try connection.setUserVersion(version + 1)
                return .applied(migration.name)
            }
            switch step {
            case .done: return applied
            case .applied(let name): applied.append(name)
            case .retry: continue
            }
        }
    }
}

import CivicSealPostgres
import CivicSealPostgresStore
import CivicSealRecords
import Foundation

/// `--database URL` on every command that opens the records: `sqlite:PATH` or `postgresql://user@host:port/db?…`
/// (see ``DatabaseURL``). Without it, the SQLite file of the data directory, `<data>/civicseal.sqlite`, as before:
/// the issue names `.civicseal/civicseal.db`, but the shipped file is `civicseal.sqlite` and renaming it would
/// orphan every existing installation, so the default keeps the shipped name.
package enum DatabaseOption {
    /// The location `--database` names, or the data directory's SQLite file.
    package static func location(_ text: String?, dataDirectory: String?) throws(AppError) -> DatabaseURL {
        guard let text else {
            return .sqlite(path: RecordsCommands.databasePath(dataDirectory: dataDirectory))
        }
        do { return try DatabaseURL(text) } catch { throw AppError(.usage, "--database: \(error.description)") }
    }

    /// Opens the records at `location`: SQLite creates its file (0600) unless `mustExist`; PostgreSQL connects and
    /// applies the records schema (every instance may do so at start: the migrations run under the write lock).
    package static func open(_ location: DatabaseURL, mustExist: Bool) throws(AppError) -> RequestStore {
        switch location {
        case .sqlite(let path):
            if mustExist {
                guard SecureFile.exists(path) else { throw AppError(.fileSystem, "no database at \(path)") }
            } else {
                let directory = (path as NSString).deletingLastPathComponent
                if !directory.isEmpty, !SecureFile.exists(directory) {
                    try SecureFile.makeDirectory(directory, mode: 0o700)
                }
            }
            return try RecordsCommands.open(path)
        case .postgresql(let target):
            let configuration: PostgresConfiguration
            do { configuration = try target.configuration() } catch {
                throw AppError(.configuration, "--database: \(error.description)")
            }
            do {
                let store = try PostgresStore.open(
                    configuration, maximumConnections: target.poolSize,
                    migrations: RecordsSchema.postgresqlMigrations)
                return try RequestStore(database: store)
            } catch {
                throw AppError(.storage, "cannot open \(location): \(RecordsError.describe(error))")
            }
        }
    }
}

import CivicSealPostgres
import CivicSealPostgresStore

/// Which instance runs the issuance sweeper when several `serve` share one database.
enum SweeperLeadership {
    /// On PostgreSQL, an ``AdvisoryLeadership`` on the sweeper's advisory lock (a connection of its own, the lock
    /// released by the server when this instance dies); on SQLite nil: one process owns the file, it always sweeps.
    static func make(database: String?, dataDirectory: String) throws(AppError) -> AdvisoryLeadership? {
        try configuration(database, dataDirectory).map { AdvisoryLeadership(configuration: $0) }
    }

    /// The connection settings of `--database` when it is PostgreSQL (the sweeper's and the keyring listener's own
    /// connections); nil on SQLite.
    static func configuration(_ database: String?, _ dataDirectory: String) throws(AppError) -> PostgresConfiguration? {
        guard case .postgresql(let target) = try DatabaseOption.location(database, dataDirectory: dataDirectory)
        else { return nil }
        do { return try target.configuration() } catch {
            throw AppError(.configuration, "--database: \(error.description)")
        }
    }
}

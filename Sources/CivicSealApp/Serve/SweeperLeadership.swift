import CivicSealPostgresStore

/// Which instance runs the issuance sweeper when several `serve` share one database.
enum SweeperLeadership {
    /// On PostgreSQL, an ``AdvisoryLeadership`` on the sweeper's advisory lock (a connection of its own, the lock
    /// released by the server when this instance dies); on SQLite nil: one process owns the file, it always sweeps.
    static func make(database: String?, dataDirectory: String) throws(AppError) -> AdvisoryLeadership? {
        guard case .postgresql(let target) = try DatabaseOption.location(database, dataDirectory: dataDirectory)
        else { return nil }
        do { return AdvisoryLeadership(configuration: try target.configuration()) } catch {
            throw AppError(.configuration, "--database: \(error.description)")
        }
    }
}

import CivicSealPages
import CivicSealPostgresStore
import CivicSealRecords
import CivicSealStorage

/// What the instances on one PostgreSQL database share besides the records: the pages' sessions, the secret their
/// anonymous CSRF tokens and pre-sign-in cookies are keyed from, and the rate windows.
///
/// It has a small pool of connections of its own (``connections``) beside the records' pool. A page view needs a
/// session read and sometimes a write; records writes wait for the write lock while holding a connection (and the
/// store's thread that runs them), so when issuance is busy every connection of the records' pool can be waiting
/// for it. On their own connections, sessions and rate windows never queue behind issuance, neither in the database
/// (their writes take no advisory lock) nor in this process.
package final class SharedWebDatabase: Sendable {
    /// Connections (and threads) kept for sessions and rate windows on each instance.
    package static let connections = 4

    package let store: PostgresStore
    package let web: SharedWebState
    package let rateCounter: DatabaseRateCounter

    private init(store: PostgresStore, web: SharedWebState, rateCounter: DatabaseRateCounter) {
        self.store = store
        self.web = web
        self.rateCounter = rateCounter
    }

    /// The shared state beside `records` when they are in PostgreSQL (several instances may share them); nil on
    /// SQLite (one process: sessions and budgets stay in memory). Creates the tables and the secret when missing.
    /// Blocks the calling thread.
    package static func open(beside records: any SQLStore) throws -> SharedWebDatabase? {
        guard let records = records as? PostgresStore else { return nil }
        // The records' migrations are applied already; naming them keeps the store's schema check (a database newer
        // than this code is refused) without applying anything.
        let store = try PostgresStore.open(
            records.configuration, maximumConnections: connections, migrations: RecordsSchema.postgresqlMigrations)
        do {
            let web = SharedWebState(
                sessions: try DatabaseSessionBackend(store: store),
                secret: try DatabaseSessionBackend.sharedSecret(store))
            return SharedWebDatabase(store: store, web: web, rateCounter: try DatabaseRateCounter(store: store))
        } catch {
            try? store.close()
            throw error
        }
    }

    /// Closes the pool's idle connections (the service stopping).
    package func close() { try? store.close() }
}

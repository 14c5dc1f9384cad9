import CivicSealStorage
import CivicSealWorkflow
import Foundation

/// Persistence of requests, their lifecycle, history, the health book and the audit trail.
///
/// Every state change is **one** `BEGIN IMMEDIATE` transaction on the database's single writer: read the row,
/// run ``CivicSealWorkflow/RequestLifecycle/perform(_:by:reason:)``, update the row guarded by its `version`,
/// append a history event and an audit entry. A refusal throws ``RecordsError`` and changes nothing.
///
/// Authorization is part of every query: a citizen sees only requests they own and an officer only those of
/// their department; anything else is ``RecordsError/Code/notFound``, so existence is never revealed.
///
/// Each operation has an `async` form (for the server; SQLite runs on the connection's own queue, never on the
/// cooperative pool) and a blocking form for the command line and benchmarks.
package final class RequestStore: Sendable {
    /// The backend: ``Database`` (SQLite) or a PostgreSQL store; Records' SQL is written once against it.
    package let database: any SQLStore
    package let configuration: RecordsConfiguration
    /// Public ids from row numbers and back, under the database's own key.
    let ids: RequestIDs

    /// Wraps an open database whose schema includes ``RecordsSchema/migrations`` (reads its request-id key).
    package init(database: any SQLStore, configuration: RecordsConfiguration = RecordsConfiguration())
        throws(RecordsError)
    {
        self.database = database
        self.configuration = configuration
        do {
            ids = try database.read { connection in try RequestIDs(connection) }
        } catch {
            throw RecordsError.wrapping(error)
        }
    }

    /// Opens (creating and migrating) the database at `path`. Blocks the calling thread.
    package static func open(
        path: String, configuration: RecordsConfiguration = RecordsConfiguration(),
        databaseConfiguration: DatabaseConfiguration = DatabaseConfiguration()
    ) throws(RecordsError) -> RequestStore {
        do {
            let database = try Database(
                path: path, configuration: databaseConfiguration, migrations: RecordsSchema.migrations)
            return try RequestStore(database: database, configuration: configuration)
        } catch {
            throw RecordsError.wrapping(error)
        }
    }

    /// The SQLite database underneath, nil for another backend (backups, checkpoints, benchmarks).
    package var sqliteDatabase: Database? { database as? Database }

    /// Closes the database (checkpointing the WAL into the file).
    package func close() throws(RecordsError) {
        do { try database.close() } catch { throw RecordsError.wrapping(error) }
    }

    /// True for 32 lowercase hex digits, the shape of every request id.
    package static func isRequestID(_ text: String) -> Bool {
        text.utf8.count == 32
            && text.utf8.allSatisfy {
                (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
                    || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0)
            }
    }

    // MARK: Running transactions

    func write<T: Sendable>(_ body: @escaping @Sendable (any SQLSession) throws -> T) async throws(RecordsError) -> T {
        do { return try await database.write(body) } catch { throw RecordsError.wrapping(error) }
    }

    func write<T>(_ body: (any SQLSession) throws -> T) throws(RecordsError) -> T {
        do { return try database.write(body) } catch { throw RecordsError.wrapping(error) }
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLSession) throws -> T) async throws(RecordsError) -> T {
        do { return try await database.read(body) } catch { throw RecordsError.wrapping(error) }
    }

    func read<T>(_ body: (any SQLSession) throws -> T) throws(RecordsError) -> T {
        do { return try database.read(body) } catch { throw RecordsError.wrapping(error) }
    }

    func today(_ now: Date) -> CalendarDate { CalendarDate(now, utcOffsetSeconds: configuration.utcOffsetSeconds) }
}

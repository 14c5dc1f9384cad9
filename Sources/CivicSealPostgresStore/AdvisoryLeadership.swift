import CivicSealPostgres
import Synchronization

/// One leader among every instance sharing a PostgreSQL database, for a job that must run once at a time (the
/// issuance sweeper): the leader holds a **session-level** `pg_try_advisory_lock(key)` on a connection of its own.
///
/// - The lock lives as long as that connection: when the leading instance dies (SIGKILL, power, network), the server
///   ends its session and releases the lock, and the next ``tryLead()`` of another instance takes it over.
/// - ``tryLead()`` is cheap while leading (one `SELECT 1` on the dedicated connection, which also finds out that the
///   connection was lost); a follower tries the lock once per call. Call it before each run of the job.
/// - Never throws: a database that cannot be reached means "not leading now" (the job waits for the next attempt).
package final class AdvisoryLeadership: Sendable {
    /// The advisory lock key of the issuance sweeper: "CSsweep1" in ASCII, as a bigint (distinct from the write lock).
    package static let sweeperKey: Int64 = 0x4353_7377_6565_7031

    package let key: Int64
    private let configuration: PostgresConfiguration
    /// The connection holding the lock, while leading. Only ``tryLead()`` and ``resign()`` touch it, one at a time.
    private let held = Mutex<PostgresConnection?>(nil)
    private let turn = Mutex<Bool>(false)

    package init(configuration: PostgresConfiguration, key: Int64 = AdvisoryLeadership.sweeperKey) {
        self.configuration = configuration
        self.key = key
    }

    /// Whether this instance leads now: it still holds the lock (its connection answers), or it just took it.
    package func tryLead() async -> Bool {
        // One attempt at a time per instance (the job's loop calls this serially; a second caller just waits its turn
        // by seeing "not leading" rather than opening a second connection).
        let mine = turn.withLock { busy -> Bool in
            if busy { return false }
            busy = true
            return true
        }
        guard mine else { return isLeading }
        defer { turn.withLock { $0 = false } }
        if let connection = held.withLock({ $0 }) {
            if !connection.isBroken, (try? await connection.query("SELECT 1")) != nil { return true }
            held.withLock { $0 = nil }
            await connection.close()
        }
        let connection: PostgresConnection
        do { connection = try await PostgresConnection.connect(configuration) } catch { return false }
        let acquired: Bool
        do {
            let rows = try await connection.query("SELECT pg_try_advisory_lock($1)", [.int64(key)])
            acquired = try rows.first?.decode(Bool.self, at: 0) ?? false
        } catch {
            acquired = false
        }
        guard acquired else {
            await connection.close()
            return false
        }
        held.withLock { $0 = connection }
        return true
    }

    /// Whether this instance held the lock at its last ``tryLead()`` (without asking the server).
    package var isLeading: Bool { held.withLock { $0 != nil } }

    /// Gives up the lead (closing the connection releases the lock); another instance's next attempt takes it.
    package func resign() async {
        let connection = held.withLock { value -> PostgresConnection? in
            defer { value = nil }
            return value
        }
        guard let connection else { return }
        await connection.close()
    }
}

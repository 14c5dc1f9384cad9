import CivicSealCasework
import CivicSealPostgresStore
import CivicSealStorage
import Synchronization

/// Per-client budgets shared by every instance on one PostgreSQL database: table `rate_windows`, one row per key
/// (the SHA-256 of the limiter's namespace and the client's address key: no address is stored), upserted with
/// `INSERT … ON CONFLICT (key) DO UPDATE … RETURNING count`, which is atomic without any lock of ours: it runs on
/// the store's own threads without the records' write lock (``PostgresStore/unorderedWrite(_:)``), so a confirmation
/// never queues behind issuance, and never blocks the cooperative pool.
///
/// Bounded under attack: a key has one row whatever it sends, so the table holds at most the distinct clients of the
/// current window and the one before; every `window` (at most once per ``sweepInterval``) each instance deletes the
/// rows of finished windows. An attacker rotating addresses is therefore bounded by the distinct /64s (IPv6) or
/// addresses (IPv4) it can use within one window, each row 60 bytes or so.
package final class DatabaseRateCounter: SharedRateCounter {
    package let store: PostgresStore
    package let sweepInterval: Int64
    private let lastSweep = Mutex<Int64>(0)

    static let schema = """
        CREATE TABLE IF NOT EXISTS rate_windows (
            key bytea PRIMARY KEY CHECK (length(key) = 32),
            window_start bigint NOT NULL,
            window_seconds bigint NOT NULL,
            count bigint NOT NULL);
        CREATE INDEX IF NOT EXISTS rate_windows_end ON rate_windows ((window_start + window_seconds));
        """

    package init(store: PostgresStore, sweepInterval: Int64 = 60) throws {
        self.store = store
        self.sweepInterval = sweepInterval
        try store.writeSession { try $0.executeScript(Self.schema) }
    }

    package func increment(key: [UInt8], windowStart: Int64, window: Int64) async -> Int? {
        let sweep = lastSweep.withLock { last -> Bool in
            guard windowStart - last >= sweepInterval else { return false }
            last = windowStart
            return true
        }
        let count = try? await store.unorderedWrite { session -> Int64? in
            if sweep {
                try session.execute(
                    "DELETE FROM rate_windows WHERE window_start + window_seconds <= ?",
                    [
                        .integer(windowStart)
                    ])
            }
            return try session.scalar(
                "INSERT INTO rate_windows (key, window_start, window_seconds, count) VALUES (?, ?, ?, 1) "
                    + "ON CONFLICT (key) DO UPDATE SET count = CASE WHEN rate_windows.window_start = "
                    + "excluded.window_start THEN rate_windows.count + 1 ELSE 1 END, "
                    + "window_start = excluded.window_start, window_seconds = excluded.window_seconds RETURNING count",
                [.blob(key), .integer(windowStart), .integer(window)]
            ).int64
        }
        return (count ?? nil).map { Int($0) }
    }

    /// Rows held (for tests and metrics).
    package func rows() async -> Int {
        Int(((try? await store.readSession { try $0.scalar("SELECT count(*) FROM rate_windows").int64 }) ?? nil) ?? 0)
    }
}

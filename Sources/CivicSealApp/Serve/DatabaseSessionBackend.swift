import CivicSealCrypto
import CivicSealPages
import CivicSealPostgresStore
import CivicSealStorage
import CivicSealWebKit

/// The pages' sessions in PostgreSQL (`serve --database postgresql://…`), so that every instance behind the load
/// balancer sees the same sessions: sign-in on one, use and sign-out on any other.
///
/// Table `web_sessions`: the SHA-256 of the session id (never the id), the SHA-256 of the owner, the CSRF token,
/// the payload sealed under a key derived from the id (``SharedSessionRecord``), and creation / last-seen times in
/// microseconds of the **server's** clock (shared by every instance). Bounded as the in-memory store: expired rows
/// are deleted at every sign-in, an owner keeps at most `sessionsPerOwner`, a full table refuses new sign-ins.
///
/// Every call runs on the store's own threads (``PostgresStore/unorderedWrite(_:)`` and the async read), never on
/// the cooperative pool. Changes are short transactions **without** the records' write lock: sessions need no
/// global order, so a page view never queues behind issuance or audit appends. Each change is atomic on its own
/// (a rotation deletes the old row and inserts the new one in one transaction, so two instances rotating one
/// session at once give one winner); a sign-in takes a transaction-scoped advisory lock on its owner only (a key
/// space of its own: two 32-bit keys), so one person's bound holds across instances. The capacity check is not
/// serialized: concurrent sign-ins on several instances may pass it together and exceed it by at most their number,
/// which keeps it what it is for, a bound against floods.
///
/// A lookup is a read; it moves `last_seen` only when that is older than ``touchInterval`` (so a busy page does not
/// write on each request): the idle timeout is therefore exact to within that interval. A database that cannot be
/// reached turns lookups into "not signed in" and sign-ins into ``SessionStoreError/Code/unavailable``, never a
/// crash.
package final class DatabaseSessionBackend: SharedSessionBackend {
    package let store: PostgresStore
    /// How stale `last_seen` may get before a lookup writes it.
    let touchInterval: Duration

    static let schema = """
        CREATE TABLE IF NOT EXISTS web_sessions (
            key bytea PRIMARY KEY CHECK (length(key) = 32),
            owner_key bytea NOT NULL CHECK (length(owner_key) = 32),
            csrf_token text NOT NULL,
            payload bytea NOT NULL CHECK (length(payload) <= 65536),
            created_us bigint NOT NULL,
            last_seen_us bigint NOT NULL);
        CREATE INDEX IF NOT EXISTS web_sessions_owner ON web_sessions (owner_key, last_seen_us);
        CREATE INDEX IF NOT EXISTS web_sessions_last_seen ON web_sessions (last_seen_us);
        CREATE INDEX IF NOT EXISTS web_sessions_created ON web_sessions (created_us);
        """
    static let now = "(extract(epoch FROM clock_timestamp()) * 1000000)::bigint"
    /// The first key of the per-owner sign-in lock ("Sess" in ASCII); the second is 32 bits of the owner's digest.
    static let ownerLockClass: Int32 = 0x5365_7373

    /// Creates the table if needed (once, under the records' write lock, so instances starting together agree).
    package init(store: PostgresStore, touchInterval: Duration = .seconds(30)) throws {
        self.store = store
        self.touchInterval = touchInterval
        try store.writeSession { try $0.executeScript(Self.schema) }
    }

    private static func microseconds(_ duration: Duration) -> Int64 {
        let components = duration.components
        return components.seconds * 1_000_000 + components.attoseconds / 1_000_000_000_000
    }

    /// 32 bits of an owner's digest, as `pg_advisory_xact_lock(int4, int4)` takes them.
    static func ownerLock(_ ownerKey: [UInt8]) -> Int64 {
        Int64(Int32(bitPattern: ownerKey.prefix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }))
    }

    /// Deletes sessions past their idle or absolute timeout.
    private static func deleteExpired(_ session: any SQLSession, limits: SessionLimits) throws {
        try session.execute(
            "DELETE FROM web_sessions WHERE last_seen_us <= \(now) - ? OR created_us <= \(now) - ?",
            [.integer(microseconds(limits.idleTimeout)), .integer(microseconds(limits.absoluteTimeout))])
    }

    package func create(key: [UInt8], record: SharedSessionRecord, limits: SessionLimits)
        async throws(SessionStoreError)
    {
        do {
            let full = try await store.unorderedWrite { session -> Bool in
                // One person's sign-ins, on whichever instance, one at a time: their bound is exact.
                try session.execute(
                    "SELECT pg_advisory_xact_lock(\(Self.ownerLockClass), (?)::int4)",
                    [.integer(Self.ownerLock(record.ownerKey))])
                try Self.deleteExpired(session, limits: limits)
                // The owner's own least recently seen sessions make room for this one.
                try session.execute(
                    "DELETE FROM web_sessions WHERE key IN (SELECT key FROM web_sessions WHERE owner_key = ? "
                        + "ORDER BY last_seen_us DESC OFFSET ?)",
                    [.blob(record.ownerKey), .integer(Int64(limits.sessionsPerOwner - 1))])
                let count = try session.scalar("SELECT count(*) FROM web_sessions").int64 ?? 0
                guard count < limits.capacity else { return true }
                try session.execute(
                    "INSERT INTO web_sessions (key, owner_key, csrf_token, payload, created_us, last_seen_us) "
                        + "VALUES (?, ?, ?, ?, \(Self.now), \(Self.now))",
                    [.blob(key), .blob(record.ownerKey), .text(record.csrfToken), .blob(record.sealedPayload)])
                return false
            }
            if full {
                throw SessionStoreError(.full, "the session store holds its maximum of \(limits.capacity) sessions")
            }
        } catch let error as SessionStoreError {
            throw error
        } catch {
            throw SessionStoreError(.unavailable, "the shared session store cannot be reached")
        }
    }

    package func lookup(key: [UInt8], limits: SessionLimits) async -> SharedSessionRecord? {
        let found = try? await store.readSession { session -> SharedSessionRecord? in
            guard
                let row = try session.queryFirst(
                    "SELECT owner_key, csrf_token, payload, \(Self.now) - created_us, \(Self.now) - last_seen_us "
                        + "FROM web_sessions WHERE key = ?", [.blob(key)]),
                let owner = row[0].bytes, let csrf = row[1].string, let payload = row[2].bytes,
                let age = row[3].int64, let idle = row[4].int64
            else { return nil }
            return SharedSessionRecord(
                ownerKey: owner, csrfToken: csrf, sealedPayload: payload, age: .microseconds(age),
                idle: .microseconds(idle))
        }
        guard let record = found ?? nil else { return nil }
        if record.idle >= limits.idleTimeout || record.age >= limits.absoluteTimeout {
            await remove(key: key)
            return nil
        }
        if record.idle >= touchInterval {
            _ = try? await store.unorderedWrite { session in
                try session.execute(
                    "UPDATE web_sessions SET last_seen_us = \(Self.now) WHERE key = ?", [.blob(key)])
            }
        }
        return record
    }

    package func replacePayload(key: [UInt8], sealedPayload: [UInt8], limits: SessionLimits) async -> Bool {
        let changed = try? await store.unorderedWrite { session -> Bool in
            try session.execute(
                "UPDATE web_sessions SET payload = ?, last_seen_us = \(Self.now) WHERE key = ? "
                    + "AND last_seen_us > \(Self.now) - ? AND created_us > \(Self.now) - ?",
                [
                    .blob(sealedPayload), .blob(key), .integer(Self.microseconds(limits.idleTimeout)),
                    .integer(Self.microseconds(limits.absoluteTimeout)),
                ])
            return session.changedRowCount == 1
        }
        return changed ?? false
    }

    package func remove(key: [UInt8]) async {
        _ = try? await store.unorderedWrite { session in
            try session.execute("DELETE FROM web_sessions WHERE key = ?", [.blob(key)])
        }
    }

    package func rotate(from oldKey: [UInt8], to newKey: [UInt8], record: SharedSessionRecord, limits: SessionLimits)
        async -> Bool
    {
        let moved = try? await store.unorderedWrite { session -> Bool in
            // The DELETE locks the old row: a second rotation of it waits, then finds it gone (one winner).
            try session.execute(
                "DELETE FROM web_sessions WHERE key = ? AND last_seen_us > \(Self.now) - ? "
                    + "AND created_us > \(Self.now) - ?",
                [
                    .blob(oldKey), .integer(Self.microseconds(limits.idleTimeout)),
                    .integer(Self.microseconds(limits.absoluteTimeout)),
                ])
            guard session.changedRowCount == 1 else { return false }
            try session.execute(
                "INSERT INTO web_sessions (key, owner_key, csrf_token, payload, created_us, last_seen_us) "
                    + "VALUES (?, ?, ?, ?, \(Self.now), \(Self.now))",
                [.blob(newKey), .blob(record.ownerKey), .text(record.csrfToken), .blob(record.sealedPayload)])
            return true
        }
        return moved ?? false
    }

    package func count(ownerKey: [UInt8]) async -> Int {
        let count = try? await store.readSession { session in
            try session.scalar("SELECT count(*) FROM web_sessions WHERE owner_key = ?", [.blob(ownerKey)]).int64
        }
        return Int((count ?? nil) ?? 0)
    }

    package func count() async -> Int {
        let count = try? await store.readSession { try $0.scalar("SELECT count(*) FROM web_sessions").int64 }
        return Int((count ?? nil) ?? 0)
    }

    /// The random secret every instance on this database shares (made by the first, read by the others): the pages
    /// derive their anonymous-CSRF and pre-sign-in keys from it. Readable by whoever reads the database, like the
    /// sessions table; it protects forms and a ten-minute sign-in cookie, never a signing key.
    package static func sharedSecret(_ store: any SQLStore, name: String = "web") throws -> [UInt8] {
        try store.writeSession { session -> [UInt8] in
            try session.executeScript(
                "CREATE TABLE IF NOT EXISTS instance_secrets (name text PRIMARY KEY, value bytea NOT NULL "
                    + "CHECK (length(value) = 32))")
            try session.execute(
                "INSERT INTO instance_secrets (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
                [.text(name), .blob(SecureRandom.bytes(32))])
            guard
                let value = try session.scalar("SELECT value FROM instance_secrets WHERE name = ?", [.text(name)]).bytes
            else { throw DatabaseError(.error, "instance secret \(name) missing") }
            return value
        }
    }
}

import CivicSealApp
import CivicSealCasework
import CivicSealCrypto
import CivicSealPostgresStore
import CivicSealStorage
import CivicSealTestSupport
import CivicSealWebKit
import Dispatch
import Foundation
import Synchronization
import Testing

/// The shared sessions and rate windows beside the records' writes, and beside a slow database: a page view never
/// waits for issuance's write lock, and a session call that waits for the database never holds a thread of Swift's
/// cooperative pool.
@Suite(.enabled(if: ExternalTool.isCI || ExternalTool.isUsable("initdb", "psql")))
struct SharedSessionsConcurrencyTests {
    /// The records' write lock (`PostgresStore`'s advisory key, "CivicSea" in ASCII).
    static let recordsWriteLock: Int64 = 0x4369_7669_6353_6561

    /// A transaction of `store` that holds what `statement` locks until ``release()``; started off the pool.
    final class HeldTransaction: Sendable {
        private let held = DispatchSemaphore(value: 0)
        private let gate = DispatchSemaphore(value: 0)
        private let released = Atomic<Bool>(false)
        let done: Task<Void, any Error>

        init(_ store: PostgresStore, locked: Bool, _ statement: String, _ arguments: [DatabaseValue] = []) {
            let held = held
            let gate = gate
            let body: @Sendable (any SQLSession) throws -> Void = { session in
                try session.execute(statement, arguments)
                held.signal()
                gate.wait()
            }
            done = Task {
                if locked { try await store.writeSession(body) } else { try await store.unorderedWrite(body) }
            }
        }

        /// Returns once the statement ran (its locks are held), waiting on a dispatch thread.
        func awaitHeld() async {
            let held = held
            await withCheckedContinuation { continuation in
                DispatchQueue.global().async {
                    held.wait()
                    continuation.resume()
                }
            }
        }

        /// Lets the transaction commit; true the first time.
        @discardableResult func release() -> Bool {
            guard !released.exchange(true, ordering: .acquiringAndReleasing) else { return false }
            gate.signal()
            return true
        }

        var isReleased: Bool { released.load(ordering: .acquiring) }

        /// A hang guard (minutes, never a timing): releases the transaction if the test has not by then, so a
        /// regression fails the test's ordering checks instead of hanging it.
        func releaseAfter(minutes: Int) {
            DispatchQueue.global().asyncAfter(deadline: .now() + .seconds(minutes * 60)) { [self] in release() }
        }
    }

    /// Waits (on a dispatch thread, bounded) until `count` backends of `database` wait for a lock.
    static func awaitLockWaiters(_ database: PostgresTestDatabase, count: Int) async throws {
        try await SharedStateTests.offPool {
            for _ in 0..<3000 {
                let waiters = try database.scalar(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                        + "AND wait_event_type = 'Lock'")
                if (Int(waiters) ?? 0) >= count { return }
                usleep(100_000)
            }
            throw CancellationError()
        }
    }

    @Test("sign-in, page views, rotation, sign-out and rate counts go on while records writes wait for the write lock")
    func sessionWritesDoNotTakeTheRecordsWriteLock() async throws {
        let folder = TemporaryDirectory("civicseal-shared-sessions")
        let database = try await SharedStateTests.database(folder)
        defer { database.drop() }
        // Instance A (records on two connections, sessions and rate windows beside them as `serve` wires them) and
        // instance B.
        let configuration = try SharedStateTests.configuration(database)
        let records = try await PostgresStore.open(configuration, maximumConnections: 2)
        let other = try await PostgresStore.open(configuration, maximumConnections: 1)
        defer { for store in [records, other] { try? store.close() } }
        let shared = try #require(try await SharedStateTests.offPool { try SharedWebDatabase.open(beside: records) })
        defer { shared.close() }
        let sessions = SessionStore(shared: shared.web.sessions, codec: SharedSessionsTests.codec)
        let counter = shared.rateCounter
        let limiter = RateLimiter(limit: 2, window: 60, shared: counter, namespace: "confirmation")

        // B is in the middle of a records write (an issuance, an audit append): it holds the lock. A's own records
        // writes wait for it: grouped into one transaction (group commit) on one of A's records connections.
        let issuance = HeldTransaction(other, locked: true, "SELECT 1")
        issuance.releaseAfter(minutes: 5)
        await issuance.awaitHeld()
        let queued = (0..<2).map { _ in Task { try await records.writeSession { try $0.execute("SELECT 1") } } }
        try await Self.awaitLockWaiters(database, count: 1)
        let holders = try await SharedStateTests.offPool {
            try database.scalar(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND "
                    + "\(SharedStateTests.thisDatabase) AND (objid::bigint | (classid::bigint << 32)) = "
                    + "\(Self.recordsWriteLock)")
        }
        #expect(holders == "1")

        let session = try await sessions.create("citizen Tuyết", owner: "citizen:tuyet")
        #expect(await sessions.update(session.id) { $0 += " (flash)" }?.payload == "citizen Tuyết (flash)")
        let rotated = try #require(await sessions.rotate(session.id))
        #expect(await sessions.lookup(rotated.id)?.payload == "citizen Tuyết (flash)")
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(await limiter.attempt("203.0.113.9", now: start) == nil)
        #expect(await limiter.attempt("203.0.113.9", now: start) == nil)
        #expect(await limiter.attempt("203.0.113.9", now: start) == 60)
        #expect(await counter.rows() == 1)
        await sessions.remove(rotated.id)
        #expect(await sessions.lookup(rotated.id) == nil)
        // All of it happened while the records write was still open.
        #expect(issuance.release(), "the session calls waited for the records' write lock")
        try await issuance.done.value
        for write in queued { try await write.value }
    }

    @Test("session calls waiting on the database hold no thread of the cooperative pool")
    func waitingSessionCallsLeaveThePoolFree() async throws {
        let folder = TemporaryDirectory("civicseal-shared-sessions")
        let database = try await SharedStateTests.database(folder)
        defer { database.drop() }
        let (sessions, _, stores) = try await SharedSessionsTests.instances(database)
        defer { for store in stores { try? store.close() } }
        let session = try await sessions.create("officer Lan", owner: "staff:lan")
        let key = Digest.sha256(Array(session.id.utf8))

        // The other instance holds the session's row: every change to it waits in the database.
        let holder = HeldTransaction(
            stores[1], locked: false, "SELECT key FROM web_sessions WHERE key = ? FOR UPDATE", [.blob(key)])
        holder.releaseAfter(minutes: 5)
        await holder.awaitHeld()
        let waiting = (0..<64).map { index in
            Task { await sessions.update(session.id) { $0 = "officer Lan \(index)" } != nil }
        }
        // Both connections of this instance wait for the row in the database, and the other calls for a connection:
        // more waiting calls than the pool has threads. Work that needs the pool still runs before the row is
        // released (with blocking calls it could not run until then).
        try await Self.awaitLockWaiters(database, count: 1)
        let probes = await withTaskGroup(of: Int.self) { group in
            for index in 0..<32 { group.addTask { index } }
            return await group.reduce(0, +)
        }
        #expect(probes == 496)
        #expect(holder.release(), "the pool was held by session calls waiting for the database")
        try await holder.done.value
        for call in waiting { #expect(await call.value) }
        #expect(await sessions.lookup(session.id)?.payload.hasPrefix("officer Lan ") == true)
    }
}

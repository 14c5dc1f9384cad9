import CivicSealApp
import CivicSealCasework
import CivicSealPostgres
import CivicSealPostgresStore
import CivicSealTestSupport
import Dispatch
import Foundation
import Testing

/// Several instances on one PostgreSQL database: what must be shared is shared (sweeper leadership, sessions).
@Suite(.enabled(if: ExternalTool.isCI || ExternalTool.isUsable("initdb", "psql")))
struct SharedStateTests {
    /// A fresh database (made off the cooperative pool: psql runs there) and its `--database` URL.
    static func database(_ folder: TemporaryDirectory) async throws -> PostgresTestDatabase {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try PostgresTestDatabase.make(in: folder.path, prefix: "shared") })
            }
        }
    }

    static func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
        }
    }

    static func configuration(_ database: PostgresTestDatabase) throws -> PostgresConfiguration {
        guard case .postgresql(let target) = try DatabaseURL(database.url) else { throw CancellationError() }
        return try target.configuration()
    }

    /// Advisory locks are per database and `pg_locks` shows the whole cluster, which other suites' databases share
    /// (their services lead their own sweepers under the same key): look at this test's database only.
    static let thisDatabase = "database = (SELECT oid FROM pg_database WHERE datname = current_database())"

    @Test("two sweepers on one database: one leads; when its connection dies the other takes over")
    func sweeperLeadershipIsHandedOver() async throws {
        let folder = TemporaryDirectory("civicseal-shared")
        let database = try await Self.database(folder)
        defer { database.drop() }
        let configuration = try Self.configuration(database)
        let first = AdvisoryLeadership(configuration: configuration)
        let second = AdvisoryLeadership(configuration: configuration)
        #expect(await first.tryLead())
        #expect(await !second.tryLead())
        // Still the same leader on later attempts (the lock is held, not re-contested).
        #expect(await first.tryLead())
        #expect(await !second.tryLead())
        let holders = try await Self.offPool {
            try database.scalar(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND \(Self.thisDatabase) "
                    + "AND (objid::bigint | (classid::bigint << 32)) = \(AdvisoryLeadership.sweeperKey)")
        }
        #expect(holders == "1")
        // The leader's instance dies: the server ends its session (as on SIGKILL), which releases the lock.
        _ = try await Self.offPool {
            try database.scalar(
                "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND \(Self.thisDatabase) "
                    + "AND (objid::bigint | (classid::bigint << 32)) = \(AdvisoryLeadership.sweeperKey)")
        }
        #expect(await second.tryLead())
        #expect(await !first.tryLead())
        #expect(!first.isLeading)
        // A leader that resigns hands over too.
        await second.resign()
        #expect(await first.tryLead())
        await first.resign()
    }

    @Test("a client's confirmation budget is one for two instances; finished windows are swept")
    func rateBudgetIsShared() async throws {
        let folder = TemporaryDirectory("civicseal-shared")
        let database = try await Self.database(folder)
        defer { database.drop() }
        let configuration = try Self.configuration(database)
        var stores: [PostgresStore] = []
        defer { for store in stores { try? store.close() } }
        var limiters: [RateLimiter] = []
        var counters: [DatabaseRateCounter] = []
        for _ in 0..<2 {
            let store = try await PostgresStore.open(configuration, maximumConnections: 2)
            stores.append(store)
            let counter = try await Self.offPool { try DatabaseRateCounter(store: store) }
            counters.append(counter)
            limiters.append(RateLimiter(limit: 4, window: 60, shared: counter, namespace: "confirmation"))
        }
        let start = Date(timeIntervalSince1970: 1_800_000_000)  // a multiple of 60: one window from here
        // Four attempts spread over both instances use the budget; the fifth is refused on either.
        for index in 0..<4 { #expect(await limiters[index % 2].attempt("203.0.113.7", now: start) == nil) }
        #expect(await limiters[0].attempt("203.0.113.7", now: start.addingTimeInterval(10)) == 50)
        #expect(await limiters[1].attempt("203.0.113.7", now: start.addingTimeInterval(10)) == 50)
        // Another client has its own budget; no address is stored, only digests.
        #expect(await limiters[1].attempt("198.51.100.1", now: start) == nil)
        #expect(await counters[0].rows() == 2)
        let keys = try await Self.offPool {
            try database.scalar("SELECT string_agg(encode(key, 'escape'), '') FROM rate_windows")
        }
        #expect(!keys.contains("203."))
        // The next window starts afresh, and the rows of finished windows are deleted.
        #expect(await limiters[0].attempt("203.0.113.7", now: start.addingTimeInterval(3600)) == nil)
        #expect(await counters[0].rows() == 1)
    }
}

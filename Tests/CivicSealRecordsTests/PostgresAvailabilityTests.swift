import CivicSealPostgres
import CivicSealPostgresStore
import CivicSealStorage
import CivicSealTestSupport
import Foundation
import Testing

@testable import CivicSealRecords

/// The PostgreSQL store when the server drops its connections (what a restart or a failover does to a client:
/// every backend ends with SQLSTATE 57P01) and when the server is gone: a clean storage error ("unavailable", which
/// the API answers with 503), never a crash, and recovery without restarting CivicSeal. Runs on a cluster of its own,
/// since it stops the server. (It terminates the backends rather than calling `PostgresCluster.restart()`, whose
/// `pg_ctl restart` hands the new server the fixture's output pipe, so the fixture waits for it forever.)
@Suite(.enabled(if: ExternalTool.isCI || ExternalTool.isUsable("initdb", "psql")))
struct PostgresAvailabilityTests {
    @Test(
        "after the server drops every connection the next transactions succeed; a stopped server is 'unavailable'")
    func droppedConnectionsAreSurvivedAndAStoppedServerIsUnavailable() async throws {
        let cluster = try PostgresCluster.start()
        defer { cluster.stop() }
        let postgres = try await PostgresStore.open(
            PostgresConfiguration(
                endpoint: .unixSocket(directory: cluster.directory, port: cluster.port), user: cluster.scramUser,
                password: cluster.scramPassword, database: cluster.database),
            maximumConnections: 3, migrations: RecordsSchema.postgresqlMigrations)
        let store = try RequestStore(database: postgres)
        // Several pooled connections, all of which the restart kills.
        async let first = store.submit(Fixtures.validated(person: 1), now: Fixtures.now)
        async let second = store.submit(Fixtures.validated(person: 2), now: Fixtures.now)
        async let third = store.submit(Fixtures.validated(person: 3), now: Fixtures.now)
        _ = try await [first, second, third]

        let terminated = try cluster.psql(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '\(cluster.database)' "
                + "AND pid <> pg_backend_pid()")
        #expect(Int(terminated.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0 >= 3)
        let after = try await store.submit(Fixtures.validated(person: 4), now: Fixtures.now)
        #expect(try await store.request(after.id, by: .system(), now: Fixtures.now).summary.id == after.id)
        #expect(try await store.verifyAudit().entryCount == 4)

        cluster.stop()
        let error = await #expect(throws: RecordsError.self) {
            _ = try await store.submit(Fixtures.validated(person: 5), now: Fixtures.now)
        }
        #expect(error?.code == .storage)
        #expect(error?.storageCode == .unavailable)
        #expect(store.isReadableNow() == false)
    }
}

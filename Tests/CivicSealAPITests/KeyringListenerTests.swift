import CivicSealApp
import CivicSealServiceTestSupport
import CivicSealTestSupport
import Foundation
import Testing

/// `serve` on PostgreSQL LISTENs on `civicseal_keyring`: when the server ends that connection the instance opens it
/// again by itself, and the next NOTIFY reloads the keyring (polling is set to a day here, so only the listener can
/// have brought the new seal).
@Suite(
    "Keyring notifications on PostgreSQL", .enabled(if: ExternalTool.isCI || ExternalTool.isUsable("initdb", "psql")))
struct KeyringListenerTests {
    static let listening = "state = 'idle' AND query = 'LISTEN \"civicseal_keyring\"'"

    @Test("a listener connection the server ended is opened again, and the next NOTIFY reloads the keyring")
    func lostListenerReconnects() async throws {
        let folder = TemporaryDirectory("civicseal-listen")
        let database = try PostgresTestDatabase.make(in: folder.path, prefix: "listen")
        defer { database.drop() }
        try await withLiveService(
            configure: {
                $0.database = database.url
                $0.keyringPollInterval = 86400
            }
        ) { live in
            func listener() async -> String {
                let pid = try? await Task.detached {
                    try database.scalar(
                        "SELECT coalesce(min(pid), 0) FROM pg_stat_activity WHERE datname = current_database() AND "
                            + Self.listening)
                }.value
                return pid ?? "0"
            }
            var first = "0"
            #expect(
                await eventually {
                    first = await listener()
                    return first != "0"
                }, "no LISTEN connection")
            let victim = first
            let terminated = try await Task.detached {
                try database.scalar("SELECT pg_terminate_backend(\(victim))")
            }.value
            #expect(terminated == "t")
            #expect(
                await eventually {
                    let now = await listener()
                    return now != "0" && now != victim
                }, "the LISTEN connection was not opened again")

            let before = try #require(live.service.keyring.department("justice-hanoi")).active.name
            let keys = live.keysDirectory
            let rotated = try await Task.detached {
                try DevelopmentPKI.rotate(directory: keys, departmentID: "justice-hanoi")
            }.value
            #expect(rotated != before)
            _ = try await Task.detached {
                try database.cluster.psql("NOTIFY civicseal_keyring", database: database.name)
            }
            .value
            #expect(
                await eventually { live.service.keyring.department("justice-hanoi")?.active.name == rotated },
                "the NOTIFY after the reconnection did not reload the keyring")
            #expect(live.service.keyrings.status.applied == 1)
        }
    }
}

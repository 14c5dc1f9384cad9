import CivicSealPostgres
import CivicSealTestSupport
import Foundation
import Testing

/// Cancellation, timeouts and LISTEN/NOTIFY against a real server.
@Suite("Postgres cancellation and notifications", .enabled(if: postgresIsUsable))
struct PostgresCancellationTests {
    @Test("Cancelling the task cancels a long pg_sleep on the server and the connection stays usable")
    func cancelLongSleep() async throws {
        let cluster = try PostgresCluster.shared()
        let connection = try await cluster.connect()
        let observer = try await cluster.connect()
        let pid = try #require(try await connection.query("SELECT pg_backend_pid()").first?.decode(Int32.self, at: 0))
        let started = ContinuousClock.now
        let sleeper = Task { try await connection.query("SELECT pg_sleep(120)") }
        let running = await eventually {
            let rows = try? await observer.query(
                "SELECT count(*) FROM pg_stat_activity WHERE pid = $1 AND state = 'active'", [.int32(pid)])
            return (try? rows?.first?.decode(Int.self, at: 0)) == 1
        }
        #expect(running)
        sleeper.cancel()
        do {
            _ = try await sleeper.value
            Issue.record("the sleep was not cancelled")
        } catch let error as PostgresError {
            #expect(error.kind == .cancelled)
            #expect(error.sqlState == "57014")
        }
        #expect(ContinuousClock.now - started < .seconds(100))
        #expect(try await connection.query("SELECT 2").first?.decode(Int.self, at: 0) == 2)
        await connection.close()
        await observer.close()
    }

    @Test("A statement over the query timeout is cancelled on the server and fails with timeout")
    func queryTimeout() async throws {
        let cluster = try PostgresCluster.shared()
        var configuration = cluster.configuration()
        configuration.queryTimeout = .milliseconds(300)
        let connection = try await PostgresConnection.connect(configuration)
        do {
            _ = try await connection.query("SELECT pg_sleep(60)")
            Issue.record("the statement outlived its timeout")
        } catch {
            #expect(error.kind == .timeout)
        }
        #expect(try await connection.query("SELECT 3").first?.decode(Int.self, at: 0) == 3)
        await connection.close()
    }

    @Test("LISTEN delivers every NOTIFY of its channel, in order, to the stream")
    func listenNotify() async throws {
        let cluster = try PostgresCluster.shared()
        let channel = uniqueTable("events")
        let listener = try await PostgresListener.listen(cluster.configuration(), channels: [channel, "other"])
        let sender = try await cluster.connect()
        for index in 0..<3 {
            _ = try await sender.query("SELECT pg_notify($1, $2)", [.text(channel), .text("payload \(index)")])
        }
        _ = try await sender.simpleQuery("NOTIFY other, 'last'")
        var received: [PostgresNotification] = []
        for await notification in listener.notifications {
            received.append(notification)
            if received.count == 4 { break }
        }
        #expect(received.map(\.payload) == ["payload 0", "payload 1", "payload 2", "last"])
        #expect(received.map(\.channel) == [channel, channel, channel, "other"])
        await listener.stop()
        await sender.close()
    }
}

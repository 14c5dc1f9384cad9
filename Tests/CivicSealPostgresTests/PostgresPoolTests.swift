import CivicSealPostgres
import CivicSealTestSupport
import Foundation
import Synchronization
import Testing

/// The pool under load, at its limit, and across a server restart.
@Suite("Postgres pool", .enabled(if: postgresIsUsable))
struct PostgresPoolTests {
    @Test("32 concurrent tasks share at most 4 connections and all succeed")
    func concurrentTasksShareFourConnections() async throws {
        let cluster = try PostgresCluster.shared()
        let pool = try PostgresPool(
            cluster.configuration(), options: .init(maximumConnections: 4, checkoutTimeout: .seconds(300)))
        let table = uniqueTable("pool")
        _ = try await pool.query("CREATE TABLE \(table) (task int4, backend int4)")
        let backends = try await withThrowingTaskGroup(of: Int32.self) { group in
            for task in 0..<32 {
                group.addTask {
                    try await pool.withConnection { connection throws(PostgresError) in
                        _ = try await connection.query(
                            "INSERT INTO \(table) VALUES ($1, pg_backend_pid())", [.int32(Int32(task))])
                        let rows = try await connection.query("SELECT pg_backend_pid(), pg_sleep(0.01)")
                        return try rows.first!.decode(Int32.self, at: 0)
                    }
                }
            }
            var all: [Int32] = []
            for try await backend in group { all.append(backend) }
            return all
        }
        #expect(backends.count == 32)
        #expect(Set(backends).count <= 4)
        let statistics = pool.statistics
        #expect(statistics.opened <= 4)
        #expect(statistics.waiting == 0)
        let count = try await pool.query("SELECT count(*), count(DISTINCT backend) FROM \(table)")
        #expect(try count.first?.decode(Int.self, at: 0) == 32)
        #expect(try count.first!.decode(Int.self, at: 1) <= 4)
        await pool.close()
    }

    @Test("A caller waits for a busy pool only until its checkout deadline")
    func checkoutTimesOut() async throws {
        let cluster = try PostgresCluster.shared()
        let pool = try PostgresPool(
            cluster.configuration(), options: .init(maximumConnections: 1, checkoutTimeout: .milliseconds(200)))
        try await pool.withConnection { connection throws(PostgresError) in
            _ = try await connection.query("SELECT 1")
            do throws(PostgresError) {
                _ = try await pool.query("SELECT 2")
                Issue.record("a second connection was handed out")
            } catch {
                #expect(error.kind == .timeout)
            }
        }
        #expect(try await pool.query("SELECT 3").first?.decode(Int.self, at: 0) == 3)
        await pool.close()
    }

    @Test("A caller cancelled while waiting for a connection stops waiting with a cancelled error")
    func cancelledWaiter() async throws {
        let cluster = try PostgresCluster.shared()
        let pool = try PostgresPool(
            cluster.configuration(), options: .init(maximumConnections: 1, checkoutTimeout: .seconds(300)))
        let started = ContinuousClock.now
        try await pool.withConnection { _ throws(PostgresError) in
            let waiter = Task { try await pool.query("SELECT 1") }
            let waiting = await eventually { pool.statistics.waiting == 1 }
            #expect(waiting)
            waiter.cancel()
            do {
                _ = try await waiter.value
                Issue.record("a cancelled waiter got a connection")
            } catch let error as PostgresError {
                #expect(error.kind == .cancelled)
            } catch {
                Issue.record("an unexpected error: \(error)")
            }
        }
        #expect(ContinuousClock.now - started < .seconds(250))
        #expect(pool.statistics.waiting == 0)
        #expect(try await pool.query("SELECT 4").first?.decode(Int.self, at: 0) == 4)
        await pool.close()
    }

    @Test("A server restart fails the calls on old connections cleanly, then the pool recovers")
    func serverRestart() async throws {
        let cluster = try await PostgresCluster.startOffPool()
        defer { cluster.stop() }
        let pool = try PostgresPool(
            cluster.configuration(), options: .init(maximumConnections: 2, healthCheckAfterIdle: .seconds(3600)))
        let table = uniqueTable("restart")
        _ = try await pool.query("CREATE TABLE \(table) (n int4)")
        _ = try await pool.query("INSERT INTO \(table) VALUES (1)")
        try await cluster.restart()
        var failures: [PostgresError] = []
        var recovered = false
        for attempt in 0..<5 {
            do {
                _ = try await pool.query("INSERT INTO \(table) VALUES ($1)", [.int32(Int32(attempt + 2))])
                recovered = true
                break
            } catch {
                failures.append(error)
            }
        }
        #expect(recovered)
        #expect(failures.count <= 2)
        #expect(failures.allSatisfy { $0.kind == .connection })
        let rows = try await pool.query("SELECT count(*) FROM \(table)")
        #expect(try rows.first?.decode(Int.self, at: 0) == 2)
        #expect(pool.statistics.dropped == failures.count)
        await pool.close()
    }
}

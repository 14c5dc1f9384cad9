import CivicSealPostgres
import CivicSealProcess
import Foundation
import Synchronization

/// `civicseal-bench postgres [--seconds N]`: our PostgreSQL client against a throw-away cluster the benchmark
/// starts itself (initdb in a temporary directory, Unix socket only, fsync off, as the `postgres` OS user when
/// run as root).
///
/// - round trips/s: one `SELECT $1::int8` at a time on one connection (a prepared statement, Bind/Execute/Sync);
/// - pipelined inserts/s: rows inserted by pipelines of 100 `INSERT`s with one Sync each;
/// - pool statements/s: 16 tasks over a pool of 4 connections.
enum PostgresBenchmark {
    static func run(seconds: Double) throws {
        let cluster = try BenchmarkCluster.start()
        defer { cluster.stop() }
        let configuration = PostgresConfiguration(
            endpoint: .unixSocket(directory: cluster.directory, port: BenchmarkCluster.port), user: "postgres",
            database: "postgres", applicationName: "civicseal-bench")
        try blocking {
            let connection = try await PostgresConnection.connect(configuration)
            _ = try await connection.query("CREATE TABLE bench (id int8 PRIMARY KEY, label text, data bytea)")
            let roundTrips = try await rate(seconds: seconds) {
                _ = try await connection.query("SELECT $1::int8", [.int64(42)])
            }
            Report.figure("postgres.roundtrip.rate", roundTrips, "statements/s (one connection, Unix socket)")
            var next: Int64 = 0
            let data = PostgresValue.bytea(Array(repeating: 7, count: 64))
            let pipelines = try await rate(seconds: seconds) {
                let batch = (0..<100).map { offset in
                    PostgresStatement(
                        "INSERT INTO bench VALUES ($1, $2, $3)", [.int64(next + offset), .text("row"), data])
                }
                next += 100
                _ = try await connection.pipeline(batch)
            }
            Report.figure("postgres.pipelined-insert.rate", pipelines * 100, "rows/s (pipelines of 100 inserts)")
            await connection.close()

            let pool = try PostgresPool(configuration, options: .init(maximumConnections: 4))
            let perTask = 2_000
            let start = ContinuousClock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<16 {
                    group.addTask {
                        for _ in 0..<perTask { _ = try await pool.query("SELECT $1::int8", [.int64(1)]) }
                    }
                }
                try await group.waitForAll()
            }
            let elapsed = ContinuousClock.now - start
            let wall = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            Report.figure("postgres.pool.rate", Double(16 * perTask) / wall, "statements/s (16 tasks, 4 connections)")
            await pool.close()
        }
    }

    /// Operations per second of `body` over about `seconds`, after a warm-up.
    private static func rate(seconds: Double, _ body: () async throws -> Void) async rethrows -> Double {
        for _ in 0..<20 { try await body() }
        let start = ContinuousClock.now
        let deadline = start + .milliseconds(Int(seconds * 1000))
        var count = 0
        while ContinuousClock.now < deadline {
            try await body()
            count += 1
        }
        let elapsed = ContinuousClock.now - start
        return Double(count) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }

    /// Runs `work` as a task and waits for it on this (non-pool) thread.
    private static func blocking(_ work: @escaping @Sendable () async throws -> Void) throws {
        let outcome = Mutex<Result<Void, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task {
            let result: Result<Void, any Error>
            do {
                try await work()
                result = .success(())
            } catch {
                result = .failure(error)
            }
            outcome.withLock { $0 = result }
            done.signal()
        }
        done.wait()
        try outcome.withLock { $0 }?.get()
    }
}

/// A cluster for the benchmarks (`postgres`, `http --instances`): trust authentication on a Unix socket in a private
/// temporary directory.
struct BenchmarkCluster {
    static let port = 5432
    let directory: String
    let bin: String

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func start() throws -> BenchmarkCluster {
        let candidates = ["/usr/local/bin"] + (12...18).reversed().map { "/usr/lib/postgresql/\($0)/bin" }
        guard let bin = candidates.first(where: { FileManager.default.isExecutableFile(atPath: "\($0)/initdb") })
        else { throw Failure(description: "PostgreSQL (initdb) is not installed") }
        let directory =
            FileManager.default.temporaryDirectory.path + "/civicseal-bench-pg-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let cluster = BenchmarkCluster(directory: directory, bin: bin)
        if geteuid() == 0 { try cluster.check("/bin/chown", ["postgres:postgres", directory]) }
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: directory)
        try cluster.asPostgres(
            "initdb", ["-D", "\(directory)/data", "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8"])
        let settings = """

            listen_addresses = ''
            port = \(port)
            unix_socket_directories = '\(directory)'
            fsync = off
            synchronous_commit = off

            """
        let file = FileHandle(forWritingAtPath: "\(directory)/data/postgresql.conf")
        try file?.seekToEnd()
        try file?.write(contentsOf: Data(settings.utf8))
        try file?.close()
        try cluster.asPostgres("pg_ctl", ["-D", "\(directory)/data", "-l", "\(directory)/log", "-w", "start"])
        return cluster
    }

    func stop() {
        try? asPostgres("pg_ctl", ["-D", "\(directory)/data", "-m", "immediate", "-w", "stop"])
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func asPostgres(_ tool: String, _ arguments: [String]) throws {
        if geteuid() == 0 {
            try check("/usr/sbin/runuser", ["-u", "postgres", "--", "\(bin)/\(tool)"] + arguments)
        } else {
            try check("\(bin)/\(tool)", arguments)
        }
    }

    private func check(_ executable: String, _ arguments: [String]) throws {
        let collected = try ChildProcess(executable, arguments).collect()
        guard collected.termination == .exited(0) else {
            throw Failure(description: "\(executable) failed: \(String(decoding: collected.error, as: UTF8.self))")
        }
    }
}

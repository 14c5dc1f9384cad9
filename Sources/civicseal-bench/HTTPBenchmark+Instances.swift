import CivicSealApp
import CivicSealProcess
import Foundation

/// `civicseal-bench http --instances N [--seconds S]`: the same authenticated GET with the same load (`wrk`, 2
/// threads, 64 connections) against one `civicseal serve` direct and through HAProxy over N of them, in one run.
///
/// The bench starts everything itself (``BenchFleet``): a throw-away PostgreSQL cluster on a Unix socket, the
/// development keys, N `civicseal serve --database postgresql://…` processes (the `civicseal` built beside the bench)
/// sharing one data and one keys directory, and HAProxy with README's configuration (``HAProxyConfiguration``, checks
/// every 500 ms). It submits one request as a citizen, then reads it back with her bearer token:
/// `GET /v1/requests/{id}`, the token found in each instance's verified-token cache and a database read per request.
/// A third figure, HAProxy in front of the one instance, shows what the extra hop costs on its own.
extension HTTPBenchmark {
    static func runInstances(_ count: Int, seconds: Double) throws {
        let duration = max(3, Int(seconds.rounded()))
        let civicseal = try BenchFleet.sibling("civicseal")
        let haproxy = try BenchFleet.tool("haproxy")
        _ = try BenchFleet.tool("wrk")
        let fleet = try BenchFleet(timeLimit: .seconds(300 + 6 * duration))
        defer { fleet.stop() }
        print(
            "# civicseal-bench http --instances \(count) — wrk -t2 -c64 -d\(duration)s on 127.0.0.1; "
                + "GET /v1/requests/{id}, ES256 bearer token")
        print(
            "# sharing this machine's \(ProcessInfo.processInfo.activeProcessorCount) cores: \(count) civicseal serve "
                + "processes, HAProxy, PostgreSQL and wrk; the ratios say what\n# a balancer costs and gains HERE, not "
                + "how instances on machines of their own would scale")
        fflush(nil)

        let cluster = try fleet.startCluster()
        let database =
            "postgresql://postgres@localhost:\(BenchmarkCluster.port)/postgres?host=\(cluster.directory)"
            + "&sslmode=disable"
        let keys = fleet.directory + "/keys"
        let initialized = try ChildProcess(civicseal, ["keys", "init", "--dir", keys]).collect()
        guard initialized.termination == .exited(0) else {
            throw BenchFleet.Failure(
                description: "civicseal keys init: \(String(decoding: initialized.error, as: UTF8.self))")
        }
        // One data and one keys directory for all, on one machine (on PostgreSQL nothing the instances share lives in
        // the data directory: the time-stamp serials are reserved in the database).
        let shared = [
            "--data", fleet.directory + "/data", "--keys", keys, "--database", database, "--trusted-proxy", "127.0.0.1",
        ]
        let instances = try (1...count).map { try fleet.serve(civicseal, shared, name: "serve-\($0)") }
        for instance in instances { try awaitHealthy(port: instance.port, log: instance.log) }

        let front = try BenchFleet.freePort()
        let statistics = try BenchFleet.freePort()
        let frontOne = try BenchFleet.freePort()
        var balanced = HAProxyConfiguration(
            bind: "127.0.0.1:\(front)", servers: instances.map { "127.0.0.1:\($0.port)" })
        balanced.checkInterval = "500ms"
        balanced.statisticsBind = "127.0.0.1:\(statistics)"
        var single = HAProxyConfiguration(bind: "127.0.0.1:\(frontOne)", servers: ["127.0.0.1:\(instances[0].port)"])
        single.checkInterval = "500ms"
        let balancers = try [("haproxy", balanced), ("haproxy-one", single)].map { name, configuration in
            let path = "\(fleet.directory)/\(name).cfg"
            try configuration.text.write(toFile: path, atomically: true, encoding: .utf8)
            return try fleet.start(haproxy, ["-f", path, "-db"], log: "\(fleet.directory)/\(name).log")
        }
        try awaitHealthy(port: front, log: "\(fleet.directory)/haproxy.log")
        try awaitHealthy(port: frontOne, log: "\(fleet.directory)/haproxy-one.log")
        try awaitAllUp(statisticsPort: statistics, count: count)

        // A citizen submits one request (to the first instance), then reads it back through each path.
        let citizen = try DevelopmentTokens.mint(
            DevelopmentTokens.Citizen(
                personalID: "001190000042", name: "Nguyễn Thị Thử", birthdate: "1990-05-14", gender: "female"),
            directory: keys)
        let authorization = "Bearer \(citizen)"
        let submitted = try KeepAliveClient(port: instances[0].port).send(
            "POST", "/v1/requests",
            headers: [("Authorization", authorization), ("Content-Type", "application/json")],
            body: Array(submission.utf8))
        guard submitted.status == 201,
            let id = (try? JSONSerialization.jsonObject(with: Data(submitted.body)) as? [String: Any])?["id"]
                as? String
        else { throw BenchFleet.Failure(description: "submission: \(submitted.status) \(submitted.text)") }
        let target = "/v1/requests/\(id)"
        // Every instance answers it through the balancer (a new connection goes to the next one).
        for _ in 0..<(2 * count) {
            let read = try KeepAliveClient(port: front).send("GET", target, headers: [("Authorization", authorization)])
            guard read.status == 200 else {
                throw BenchFleet.Failure(description: "GET through HAProxy: \(read.status) \(read.text)")
            }
        }

        let script = try LoadGenerator.headerScript(
            [("Authorization", authorization)], path: fleet.directory + "/authorization.lua")
        func load(_ port: Int, seconds: Int) throws -> LoadGenerator.Result {
            try LoadGenerator.wrk(
                url: "http://127.0.0.1:\(port)\(target)", connections: 64, seconds: seconds, script: script,
                started: fleet.adopt)
        }
        /// A measured run, with the CPU seconds each part used meanwhile.
        func measure(_ port: Int, _ label: String, what: String, balancer: ChildProcess) throws -> LoadGenerator.Result
        {
            let sources = CPUAccount.Sources(
                instances: instances.map(\.process.pid), haproxy: balancer.pid,
                postmasterPIDFile: cluster.directory + "/data/postmaster.pid")
            let start = CPUAccount.sample(sources)
            let result = try load(port, seconds: duration)
            report(label, result, what: what)
            print("get_request_\(label)_cpu: \(CPUAccount.sample(sources).since(start).line(wall: duration))")
            return result
        }
        // Warm-up (every instance's token cache and prepared statements), not reported.
        _ = try load(front, seconds: 1)
        _ = try load(instances[0].port, seconds: 1)

        let direct = try measure(instances[0].port, "direct", what: "one instance, no balancer", balancer: balancers[0])
        let before = try servedByInstance(statisticsPort: statistics)
        let through = try measure(
            front, "haproxy_\(count)", what: "HAProxy round robin over \(count) instances", balancer: balancers[0])
        let after = try servedByInstance(statisticsPort: statistics)
        let total = Double(zip(after, before).map { $0 - $1 }.reduce(0, +))
        for (index, (now, then)) in zip(after, before).enumerated() {
            Report.figure(
                "get_request_haproxy_\(count)_share_civicseal\(index + 1)",
                total > 0 ? Double(now - then) / total * 100 : 0, "% of the 2xx responses (HAProxy's count)")
        }
        let oneBehind = try measure(
            frontOne, "haproxy_1", what: "HAProxy in front of the one instance", balancer: balancers[1])
        Report.ratio(
            "get_request_haproxy_\(count)_vs_direct", through.successfulPerSecond,
            reference: direct.successfulPerSecond, floorPercent: nil)
        Report.ratio(
            "get_request_haproxy_\(count)_vs_haproxy_1", through.successfulPerSecond,
            reference: oneBehind.successfulPerSecond, floorPercent: nil)
        if let ended = instances.first(where: { !BenchFleet.isRunning($0.process) }) {
            throw BenchFleet.Failure(
                description: "an instance ended during the run:\n\(BenchFleet.tail(of: ended.log))")
        }
    }

    private static func report(_ label: String, _ result: LoadGenerator.Result, what: String) {
        Report.figure("get_request_\(label)_rps", result.successfulPerSecond, "2xx responses/s (\(what))")
        Report.figure("get_request_\(label)_p50", result.p50Milliseconds, "ms")
        Report.figure("get_request_\(label)_p99", result.p99Milliseconds, "ms")
        Report.figure(
            "get_request_\(label)_errors", Double(result.non2xx + result.socketErrors), "non-2xx or socket errors")
    }

    /// Polls `GET /healthz` on `port` until it answers 200 (bounded: 2 minutes on a busy machine).
    private static func awaitHealthy(port: Int, log: String) throws {
        for _ in 0..<1200 {
            if let reply = try? KeepAliveClient(port: port, timeoutSeconds: 5).send("GET", "/healthz"),
                reply.status == 200
            {
                return
            }
            usleep(100_000)
        }
        throw BenchFleet.Failure(description: "127.0.0.1:\(port) never answered 200:\n\(BenchFleet.tail(of: log))")
    }

    /// Waits (bounded) until HAProxy reports every instance UP, so the balanced run spreads over all of them.
    private static func awaitAllUp(statisticsPort: Int, count: Int) throws {
        for _ in 0..<600 {
            let rows = try statisticsRows(port: statisticsPort)
            if rows.filter({ $0["status"] == "UP" }).count == count { return }
            usleep(100_000)
        }
        throw BenchFleet.Failure(description: "HAProxy never saw all \(count) instances UP")
    }

    /// The 2xx responses each instance has given through HAProxy so far, in server order.
    private static func servedByInstance(statisticsPort: Int) throws -> [Int] {
        try statisticsRows(port: statisticsPort).map { Int($0["hrsp_2xx"] ?? "") ?? 0 }
    }

    /// The server rows of HAProxy's CSV statistics (`/stats;csv`), each as column name → value.
    private static func statisticsRows(port: Int) throws -> [[String: String]] {
        let reply = try KeepAliveClient(port: port, timeoutSeconds: 5).send("GET", "/stats;csv")
        let lines = reply.text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        guard reply.status == 200, let header = lines.first, header.first?.hasPrefix("# ") == true else {
            throw BenchFleet.Failure(description: "HAProxy statistics: \(reply.status)")
        }
        let names = header.map { String($0.trimmingCharacters(in: .whitespaces).drop { $0 == "#" || $0 == " " }) }
        return lines.dropFirst().compactMap { fields -> [String: String]? in
            guard fields.count >= 2, fields[0] == "civicseal", fields[1].hasPrefix("civicseal") else { return nil }
            return Dictionary(zip(names, fields.map(String.init)), uniquingKeysWith: { first, _ in first })
        }
    }

    /// A criminal-record request (form 1) as the API takes it.
    private static let submission = SampleRequest.criminalRecord(email: "bench@example.vn")
}

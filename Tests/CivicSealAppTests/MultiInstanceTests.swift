import CivicSealApp
import CivicSealProcess
import CivicSealTestSupport
import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Three `civicseal serve --database postgresql://…` processes (the built binary) behind HAProxy, health-checked on
/// `/healthz`: the story over the API through the balancer, then a burst of submissions with one instance SIGKILLed
/// once a third of them were acknowledged (300 submissions) (observed, not slept).
@Suite(.enabled(if: ExternalTool.isCI || ExternalTool.isUsable("initdb", "psql", "haproxy", "curl")))
struct MultiInstanceTests {
    /// A TCP port nobody listens on now (bound to port 0 and released).
    static func freePort() throws -> Int { try LoopbackPort.free() }

    final class Acknowledged: Sendable { let ids = Mutex<[String]>([]) }

    struct Failure: Error, CustomStringConvertible { let description: String }

    /// What curl saw: the status (0 when nothing answered) and the body.
    struct Reply: Sendable {
        let status: Int
        let body: String
        var id: String? {
            (try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])?["id"] as? String
        }
    }

    static func curl(_ method: String, _ url: String, token: String? = nil, json: String? = nil) async throws -> Reply {
        var arguments = ["-s", "-X", method, "--max-time", "60", "-w", "\n%{http_code}"]
        if let token { arguments += ["-H", "Authorization: Bearer \(token)"] }
        if let json { arguments += ["-H", "Content-Type: application/json", "--data-binary", json] }
        let output = try await ExternalTool.runOnOwnThread("curl", arguments + [url])
        let text = output.text
        let split = text.range(of: "\n", options: .backwards)
        let status = Int(split.map { String(text[$0.upperBound...]) } ?? "") ?? 0
        return Reply(status: status, body: split.map { String(text[..<$0.lowerBound]) } ?? text)
    }

    /// Polls `url` until it answers 200. Bounded by a hang guard of minutes, never a timing: `serve` on a busy machine
    /// (the whole suite beside it) took more than the minute this once allowed. A `process` that has exited fails
    /// at once, with the tail of its `log`.
    static func awaitHealthy(_ url: String, process: Process? = nil, log: String? = nil) async throws {
        let end = ContinuousClock.now + .seconds(600)
        while ContinuousClock.now < end {
            if try await curl("GET", url).status == 200 { return }
            if let process, !process.isRunning {
                let text = log.flatMap { try? String(contentsOfFile: $0, encoding: .utf8) } ?? ""
                throw Failure(description: "\(url): serve exited (\(process.terminationStatus)): \(text.suffix(2_000))")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw Failure(description: "\(url) never answered 200")
    }

    static func submission(_ index: Int) -> String { SampleRequest.criminalRecord(email: "p\(index)@example.vn") }

    static func citizenToken(_ index: Int, keys: String) throws -> String {
        let digits = String(index)
        let personalID = "00119000" + String(repeating: "0", count: 4 - digits.count) + digits
        return try DevelopmentTokens.mint(
            DevelopmentTokens.Citizen(
                personalID: personalID, name: "Nguyễn Thị Thử", birthdate: "1990-05-14", gender: "female"),
            directory: keys)
    }

    @Test(
        "three instances behind HAProxy: the story, then a burst with one instance SIGKILLed; nothing lost or doubled")
    func instancesBehindHAProxy() async throws {
        let folder = TemporaryDirectory("civicseal-multi")
        // A cluster of its own: the test restarts it, which must not disturb other suites on the shared one.
        let cluster = try await PostgresCluster.startOffPool()
        defer { cluster.stop() }
        try cluster.psql("CREATE DATABASE multi OWNER \(cluster.scramUser)", database: "postgres")
        let passfile = try folder.write("pgpass", text: cluster.scramPassword + "\n")
        chmod(passfile, 0o600)
        let databaseURL =
            "postgresql://\(cluster.scramUser)@localhost:\(cluster.port)/multi?host=\(cluster.directory)"
            + "&sslmode=disable&passfile=\(passfile)"
        func scalar(_ sql: String) throws -> String {
            try cluster.psql(sql, database: "multi").trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let executable = try #require(BuiltProduct.path("civicseal"), "civicseal binary not built")
        let keys = folder.path + "/Keys"
        let initialized = try BuiltProduct.run("civicseal", ["keys", "init", "--dir", keys])
        #expect(initialized.status == 0, "\(initialized.errorText)")

        var instances: [Process] = []
        var ports: [Int] = []
        var logs: [String] = []
        defer { for process in instances where process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        for index in 0..<3 {
            let port = try Self.freePort()
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = [
                // A data directory each, as on separate machines: nothing the instances share lives there (on
                // PostgreSQL the time-stamp serials are reserved in the database).
                "serve", "--port", String(port), "--data", folder.path + "/data-\(index)", "--keys", keys,
                "--database", databaseURL,
            ]
            let log = folder.path + "/serve-\(index).log"
            FileManager.default.createFile(atPath: log, contents: nil)
            process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
            process.standardError = process.standardOutput
            try process.run()
            instances.append(process)
            ports.append(port)
            logs.append(log)
        }
        for (index, port) in ports.enumerated() {
            try await Self.awaitHealthy(
                "http://127.0.0.1:\(port)/healthz", process: instances[index], log: logs[index])
        }

        let front = try Self.freePort()
        // README's configuration (HAProxyConfigurationTests keeps the two the same), checking every 500 ms.
        var balancer = HAProxyConfiguration(bind: "127.0.0.1:\(front)", servers: ports.map { "127.0.0.1:\($0)" })
        balancer.checkInterval = "500ms"
        let configPath = try folder.write("haproxy.cfg", text: balancer.text)
        let haproxy = Process()
        haproxy.executableURL = URL(fileURLWithPath: ExternalTool.path("haproxy") ?? "/usr/sbin/haproxy")
        haproxy.arguments = ["-f", configPath, "-db"]
        haproxy.standardOutput = FileHandle.nullDevice
        haproxy.standardError = FileHandle.nullDevice
        try haproxy.run()
        defer { if haproxy.isRunning { kill(haproxy.processIdentifier, SIGKILL) } }
        let base = "http://127.0.0.1:\(front)"
        try await Self.awaitHealthy(base + "/healthz")

        // The story through the balancer: submit, claim, approve, download the sealed PDF.
        let citizen = try Self.citizenToken(9999, keys: keys)
        let officer = try DevelopmentTokens.mint(
            DevelopmentTokens.Staff(roles: ["justice.officer"], department: "justice-hanoi", name: "Trần Đức Lương"),
            directory: keys)
        let submitted = try await Self.curl("POST", base + "/v1/requests", token: citizen, json: Self.submission(0))
        #expect(submitted.status == 201, "\(submitted.body)")
        let id = try #require(submitted.id, "\(submitted.body)")
        let claimed = try await Self.curl("POST", base + "/v1/requests/\(id)/claim", token: officer, json: "")
        #expect(claimed.status == 200, "\(claimed.body)")
        let decided = try await Self.curl(
            "POST", base + "/v1/requests/\(id)/decision", token: officer,
            json: #"{"decision": "approve", "findings": {"convictions": [], "bans": []}}"#)
        #expect(decided.status == 200, "\(decided.body)")
        let status = try await Self.curl("GET", base + "/v1/requests/\(id)", token: citizen)
        #expect(status.status == 200, "\(status.body)")
        let pdf = folder.path + "/issued.pdf"
        var downloaded = 0
        for _ in 0..<100 where downloaded != 200 {
            let output = try await ExternalTool.runOnOwnThread(
                "curl",
                [
                    "-s", "--max-time", "60", "-o", pdf, "-w", "%{http_code}", "-H", "Authorization: Bearer \(citizen)",
                    base + "/v1/requests/\(id)/document",
                ])
            downloaded = Int(output.text) ?? 0
            if downloaded != 200 { try await Task.sleep(for: .milliseconds(200)) }
        }
        #expect(downloaded == 200)
        let verified = try await ExternalTool.runOnOwnThread(
            "curl",
            [
                "-s", "--max-time", "60", "-H", "Content-Type: application/pdf", "--data-binary", "@" + pdf,
                base + "/v1/verify",
            ])
        #expect(verified.text.contains(#""outcome":"valid""#), "\(verified.text)")
        let documentID = try scalar("SELECT id FROM documents")
        let revoker = try DevelopmentTokens.mint(
            DevelopmentTokens.Staff(roles: ["justice.revoker"], department: "justice-hanoi", name: "Hoàng Văn Thủ"),
            directory: keys)
        let revoked = try await Self.curl(
            "POST", base + "/v1/documents/\(documentID)/revoke", token: revoker,
            json: #"{"reasonCode": "issued-in-error", "reason": "Sai sót"}"#)
        #expect(revoked.status == 200, "\(revoked.body)")
        let publicStatus = try await Self.curl("GET", base + "/v1/documents/\(documentID)/status")
        #expect(publicStatus.body.contains(#""status":"revoked""#), "\(publicStatus.body)")

        // The burst: 3 clients × 100 submissions, distinct citizens; instance 0 is SIGKILLed after 100 acknowledged.
        let acknowledged = Acknowledged()
        let victim = instances[0].processIdentifier
        let tokens = try (0..<300).map { try Self.citizenToken($0, keys: keys) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for client in 0..<3 {
                group.addTask {
                    for index in stride(from: client, to: 300, by: 3) {
                        let reply = try await Self.curl(
                            "POST", base + "/v1/requests", token: tokens[index], json: Self.submission(index))
                        guard reply.status == 201, let id = reply.id else { continue }
                        let count = acknowledged.ids.withLock { ids in
                            ids.append(id)
                            return ids.count
                        }
                        if count == 100 { kill(victim, SIGKILL) }
                    }
                }
            }
            try await group.waitForAll()
        }
        let ids = acknowledged.ids.withLock { $0 }
        #expect(ids.count >= 200, "acknowledged \(ids.count) of 300")
        #expect(Set(ids).count == ids.count)
        // Every acknowledged request is in the database, once: each citizen's own list names it.
        let duplicates = try scalar(
            "SELECT count(*) FROM (SELECT subject_id FROM requests GROUP BY subject_id HAVING count(*) > 1) d")
        #expect(duplicates == "0")
        let stored = Int(try scalar("SELECT count(*) FROM requests")) ?? -1
        #expect(stored >= ids.count + 1 && stored <= 301, "stored \(stored)")
        for id in ids {
            let reply = try await Self.curl("GET", base + "/v1/requests/\(id)", token: officer)
            #expect(reply.status == 200, "\(id): \(reply.status)")
        }
        let verify = try BuiltProduct.run("civicseal", ["audit", "verify", "--database", databaseURL])
        #expect(verify.status == 0, "\(verify.errorText)")

        // The same burst with the PostgreSQL server restarted once 40 were acknowledged: while it is down requests
        // fail cleanly (503 with a problem body; never a 500 or a hang), and they succeed again by themselves.
        let second = Acknowledged()
        let refusals = Acknowledged()
        let restarted = Acknowledged()
        let secondTokens = try (1000..<1120).map { try Self.citizenToken($0, keys: keys) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for client in 0..<3 {
                group.addTask {
                    for index in stride(from: 0, to: 120, by: 1) where index % 3 == client {
                        let reply = try await Self.curl(
                            "POST", base + "/v1/requests", token: secondTokens[index], json: Self.submission(index))
                        guard reply.status == 201, let id = reply.id else {
                            refusals.ids.withLock { $0.append("\(reply.status) \(reply.body.prefix(200))") }
                            continue
                        }
                        let count = second.ids.withLock { ids in
                            ids.append(id)
                            return ids.count
                        }
                        if count == 40 {
                            try await cluster.restart()
                            restarted.ids.withLock { $0.append("restarted") }
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(restarted.ids.withLock { $0 } == ["restarted"])
        print(
            "multi-instance: burst 1 acknowledged \(ids.count)/300 with an instance SIGKILLed; burst 2 acknowledged "
                + "\(second.ids.withLock { $0.count })/120, refused \(refusals.ids.withLock { $0.count }) around the "
                + "PostgreSQL restart")
        for refusal in refusals.ids.withLock({ $0 }) {
            #expect(refusal.hasPrefix("503 ") && refusal.contains("\"status\""), "\(refusal)")
        }
        let after = try await Self.curl(
            "POST", base + "/v1/requests", token: try Self.citizenToken(5000, keys: keys), json: Self.submission(5000))
        #expect(after.status == 201, "after the restart: \(after.status) \(after.body)")
        #expect(
            try scalar(
                "SELECT count(*) FROM (SELECT subject_id FROM requests GROUP BY subject_id HAVING count(*) > 1) d")
                == "0")
        for id in second.ids.withLock({ $0 }) {
            let reply = try await Self.curl("GET", base + "/v1/requests/\(id)", token: officer)
            #expect(reply.status == 200, "\(id): \(reply.status)")
        }
        // The one approved request was issued once, whichever instance issued it.
        #expect(try scalar("SELECT count(*) FROM documents") == "1")
        let again = try BuiltProduct.run("civicseal", ["audit", "verify", "--database", databaseURL])
        #expect(again.status == 0, "\(again.errorText)")
    }
}

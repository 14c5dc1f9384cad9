import CivicSealApp
import CivicSealProcess
import CivicSealServiceTestSupport
import CivicSealTestSupport
import Foundation
import Testing

/// `civicseal serve` out of file descriptors, in a child process whose limit `prlimit` sets low (the limit is
/// per process: lowering it in the test process would break every test running beside this one).
@Suite("Live service: out of descriptors", .timeLimit(.minutes(10)))
struct DescriptorExhaustionTests {
    static let metricsToken = "descriptor-test-" + String(repeating: "9", count: 16)

    /// With every descriptor in use, a new client still gets a prompt 503 and a close (through the reserve
    /// descriptor) instead of hanging, and the event loops do not spin on the listener: the accept calls counted
    /// stay proportional to the connections made. Before, the listener stayed readable and the loops spun
    /// (8 CPU-seconds in 5 s) while new clients got no answer at all.
    @Test(
        "EMFILE: a new client gets 503 and a close, and the loops do not spin",
        .enabled(
            if: (BuiltProduct.path("civicseal") != nil && ExternalTool.path("prlimit") != nil) || ExternalTool.isCI))
    func outOfDescriptorsAnswers503WithoutSpinning() async throws {
        let civicseal = try #require(BuiltProduct.path("civicseal"), "civicseal is not built")
        let prlimit = try #require(ExternalTool.path("prlimit"), "prlimit (util-linux) is not installed")
        let folder = TemporaryDirectory("civicseal-emfile")
        _ = try DevelopmentPKI.initialize(directory: folder.path + "/keys")
        try Data(Self.metricsToken.utf8).write(to: URL(fileURLWithPath: folder.path + "/metrics-token"))
        let limit = 128
        let child = try ChildProcess(
            "/bin/sh",
            [
                "-c",
                "exec \"$0\" --nofile=\(limit):\(limit) -- \"$1\" serve --host 127.0.0.1 --port 0 --data \"$2/data\" "
                    + "--keys \"$2/keys\" --metrics-token-file \"$2/metrics-token\" 2>&1",
                prlimit, civicseal, folder.path,
            ])
        defer {
            child.signal(SIGKILL)
            _ = child.wait()
        }
        let port = try await Self.listeningPort(child)

        // Hold more connections than the process has descriptors, from several loopback addresses so that the
        // per-address limit is not what stops them. Nothing is sent: each holds a descriptor until its header deadline.
        var hoarders: [Connection] = []
        let attempts = limit + 40
        for index in 0..<attempts {
            hoarders.append(try Connection(port: port, timeout: 60, source: "127.0.0.\(2 + index % 8)"))
        }
        // A new client gets an answer without sending anything (before, it waited forever).
        let fresh = try Connection(port: port, timeout: 60, source: "127.0.0.20")
        let answer = try await HTTPClient.offPool { try fresh.readToEnd() }
        let response = try HTTPClient.parse(answer)
        #expect(response.status == 503, "\(response)")
        #expect(response.header("Connection") == "close")

        hoarders.removeAll()
        // Descriptors come back as the hoarders close; then the metrics say what the loops did meanwhile.
        var metrics: ClientResponse?
        #expect(
            await eventually(timeout: .seconds(60)) {
                metrics = try? await HTTPClient(port: port).get("/metrics", token: Self.metricsToken)
                return metrics?.status == 200
            })
        let text = try #require(metrics, "the service never answered again").text
        func events(_ name: String) -> Int {
            let prefix = #"civicseal_http_protection_events_total{event="\#(name)"} "#
            return text.split(separator: "\n").first { $0.hasPrefix(prefix) }.flatMap {
                Int($0.dropFirst(prefix.count))
            } ?? 0
        }
        #expect(events("descriptors_exhausted") >= 1, "\(text)")
        #expect(events("refused_out_of_descriptors") >= 1, "\(text)")
        // Each connection costs a few accept calls (one per loop woken, one failing, one through the reserve); a
        // loop spinning on a readable listener makes millions.
        let connections = attempts + 1 + 200
        #expect(
            events("accept_call") <= 10 * connections,
            "\(events("accept_call")) accept calls for \(connections) connections")
    }

    /// Reads the child's banner for the bound port.
    static func listeningPort(_ child: ChildProcess) async throws -> Int {
        try await HTTPClient.offPool {
            var seen = ""
            while true {
                let chunk = try child.readOutput()
                guard !chunk.isEmpty else { throw ClientFailure("civicseal serve ended before listening: \(seen)") }
                seen += String(decoding: chunk, as: UTF8.self)
                if let range = seen.range(of: "listening on http://127.0.0.1:") {
                    let digits = seen[range.upperBound...].prefix { $0.isNumber }
                    if let port = Int(digits), seen[range.upperBound...].count > digits.count { return port }
                }
            }
        }
    }

    struct ClientFailure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}

import CivicSealApp
import CivicSealTestSupport
import Foundation
import Testing

/// The HAProxy configuration README shows is the one the multi-instance tests and the bench run, and HAProxy
/// accepts it.
struct HAProxyConfigurationTests {
    /// README's example: two instances on a private network behind HAProxy on port 80.
    static let example = HAProxyConfiguration(bind: "*:80", servers: ["10.0.0.11:8080", "10.0.0.12:8080"])

    static func readme() throws -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
    }

    @Test("README's HAProxy example is the configuration the multi-instance tests and the bench run")
    func readmeShowsTheTestedConfiguration() throws {
        let readme = try Self.readme()
        let begin = "<!-- haproxy.cfg: begin (HAProxyConfigurationTests) -->\n```\n"
        let end = "```\n<!-- haproxy.cfg: end -->"
        let start = try #require(readme.range(of: begin), "README has no HAProxy example between the markers")
        let stop = try #require(readme.range(of: end, range: start.upperBound..<readme.endIndex))
        let shown = String(readme[start.upperBound..<stop.lowerBound])
        #expect(shown == Self.example.text, "README's HAProxy example is stale; it should read:\n\(Self.example.text)")
    }

    @Test("each instance is health-checked on /healthz, round robin, keep-alive, the statistics page only if asked")
    func configurationNamesEveryInstance() {
        var configuration = HAProxyConfiguration(bind: "127.0.0.1:9000", servers: ["127.0.0.1:9001", "127.0.0.1:9002"])
        configuration.checkInterval = "500ms"
        let lines = configuration.text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(lines.contains("server civicseal1 127.0.0.1:9001 check inter 500ms fall 3 rise 2"))
        #expect(lines.contains("server civicseal2 127.0.0.1:9002 check inter 500ms fall 3 rise 2"))
        for line in [
            "balance roundrobin", "option httpchk GET /healthz", "option http-keep-alive", "bind 127.0.0.1:9000",
        ] {
            #expect(lines.contains(line), "\(line)")
        }
        #expect(!lines.contains("stats enable"))
        configuration.statisticsBind = "127.0.0.1:9003"
        #expect(configuration.text.contains("stats uri /stats"))
    }

    @Test(
        "HAProxy accepts the configuration (haproxy -c)",
        .enabled(if: ExternalTool.isUsable("haproxy")))
    func haproxyAcceptsTheConfiguration() throws {
        let folder = TemporaryDirectory("civicseal-haproxy")
        var configuration = Self.example
        configuration.statisticsBind = "127.0.0.1:9003"
        let path = try folder.write("haproxy.cfg", text: configuration.text)
        let checked = try ExternalTool.run("haproxy", ["-c", "-f", path])
        #expect(checked.status == 0, "\(checked.text)\(checked.errorText)")
    }
}

/// The HAProxy configuration for several `civicseal serve` instances over one PostgreSQL database: README's example
/// under "Running several instances" (a test keeps the two the same), and what the multi-instance tests and
/// `civicseal-bench http --instances N` run, with their own addresses and a shorter check interval.
///
/// - Round robin over the instances, each health-checked with `GET /healthz` (200 while its database answers a read,
///   503 otherwise), marked down after 3 failed checks and up again after 2 good ones (HAProxy's `fall`/`rise`).
/// - A request whose connection to an instance fails is tried again, the last time on another instance
///   (`retries 2`, `option redispatch`); a request already sent to an instance that dies is not (HAProxy answers 502
///   or 504), so a client retries a submission with the same `Idempotency-Key`.
/// - Keep-alive on both sides: each client connection keeps its connection to an instance (`http-reuse safe`).
/// - `option forwardfor` adds `X-Forwarded-For`, which `serve --trusted-proxy <HAProxy's address>` reads to key the
///   per-client limits and the access log on the real client (from any other peer the header is ignored).
/// - `timeout server` outlasts the service's own 120 s handler deadline, so its 503 reaches the client.
package struct HAProxyConfiguration: Sendable, Equatable {
    /// The `bind` line's argument: where clients connect (`*:80`, `127.0.0.1:8080`).
    package var bind: String
    /// The instances, `HOST:PORT` each, named `civicseal1`, `civicseal2`, … in order.
    package var servers: [String]
    /// How often each instance's `/healthz` is asked (HAProxy time syntax: `2s`, `500ms`).
    package var checkInterval = "2s"
    /// Connections HAProxy accepts in all.
    package var maximumConnections = 4096
    /// Where HAProxy's own statistics are served (`/stats`, `/stats;csv`), if anywhere.
    package var statisticsBind: String?

    package init(bind: String, servers: [String]) {
        self.bind = bind
        self.servers = servers
    }

    /// The configuration file's text.
    package var text: String {
        var lines = [
            "global",
            "    maxconn \(maximumConnections)",
            "defaults",
            "    mode http",
            "    option http-keep-alive",
            "    http-reuse safe",
            "    option forwardfor",
            "    timeout connect 5s",
            "    timeout client 60s",
            "    timeout http-keep-alive 60s",
            "    timeout server 130s",
            "    retries 2",
            "    option redispatch",
            "frontend civicseal",
            "    bind \(bind)",
            "    default_backend civicseal",
            "backend civicseal",
            "    balance roundrobin",
            "    option httpchk GET /healthz",
            "    http-check expect status 200",
        ]
        for (index, server) in servers.enumerated() {
            lines.append("    server civicseal\(index + 1) \(server) check inter \(checkInterval) fall 3 rise 2")
        }
        if let statisticsBind {
            lines += ["frontend statistics", "    bind \(statisticsBind)", "    stats enable", "    stats uri /stats"]
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

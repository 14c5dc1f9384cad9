import CivicSealApp
import CivicSealHTTP
import CivicSealServiceTestSupport
import CivicSealTestSupport
import Foundation
import Testing

/// Per-client limits behind a reverse proxy: the client is the forwarded address, only from trusted proxies, and an
/// IPv6 client is its /64.
@Suite("Live API: client addresses and per-client limits")
struct ClientAddressTests {
    /// Five-field confirmations from `client` (as `X-Forwarded-For`) until the first refusal, at most 12: how many
    /// were answered.
    static func answeredBeforeRefusal(_ live: LiveService, from client: (Int) -> String?) async throws -> Int {
        let body =
            #"{"documentId": "00000000000000000000000000", "fullName": "Trần Văn Thử", "birthDate": "1985-03-02", "sex": "male", "personalId": "079085000001"}"#
        for attempt in 0..<12 {
            let headers = client(attempt).map { [("X-Forwarded-For", $0)] } ?? []
            let response = try await live.client.post("/v1/verify/details", json: body, headers: headers)
            if response.status == 429 { return attempt }
            #expect(response.status == 200, "\(response)")
        }
        return 12
    }

    @Test("behind a trusted proxy, each forwarded client has its own five-field budget; an IPv6 /64 shares one")
    func rateLimitKeysOnTheForwardedClient() async throws {
        // The service's clock stands still: the limit is per minute, and on a busy machine the attempts could span one.
        let now = Date()
        try await withLiveService(configure: {
            $0.trustedProxies = [IPAddressRange("127.0.0.1")!]
            $0.clock = { now }
        }) { live in
            let first = try await Self.answeredBeforeRefusal(live) { _ in "203.0.113.1" }
            #expect(first == 10)
            // Another client behind the same proxy is not locked out by the first.
            let second = try await Self.answeredBeforeRefusal(live) { _ in "203.0.113.2" }
            #expect(second == 10)
            // One IPv6 host holds a /64: changing the interface identifier does not buy more attempts...
            let sameNetwork = try await Self.answeredBeforeRefusal(live) { "2001:db8:5:6::\($0 + 1)" }
            #expect(sameNetwork == 10)
            // ...while the next /64 is another client.
            let nextNetwork = try await Self.answeredBeforeRefusal(live) { _ in "2001:db8:5:7::1" }
            #expect(nextNetwork == 10)
            #expect(await eventually { live.log.lines.contains { $0.contains(#""client":"203.0.113.2""#) } })
        }
    }

    @Test("from an untrusted peer, X-Forwarded-For buys nothing: the socket address is the client")
    func forwardedForFromAnUntrustedPeerIsIgnored() async throws {
        let now = Date()
        try await withLiveService(configure: { $0.clock = { now } }) { live in
            let answered = try await Self.answeredBeforeRefusal(live) { "198.51.100.\($0)" }
            #expect(answered == 10)
        }
    }

    @Test("--trusted-proxy values must be addresses or CIDR ranges")
    func trustedProxyFlagIsValidated() throws {
        #expect(
            try ServeOptions.trustedProxies(["10.0.0.0/8", "::1", "2001:db8::/32"]).map(\.description)
                == ["10.0.0.0/8", "::1/128", "2001:db8::/32"])
        #expect(throws: AppError.self) { try ServeOptions.trustedProxies(["10.0.0.0/40"]) }
        #expect(throws: AppError.self) { try ServeOptions.trustedProxies(["proxy.example"]) }
    }
}

/// `/metrics` is not public: it needs the metrics bearer token, and without a configured token it does not exist.
@Suite("Live API: metrics access")
struct MetricsAccessTests {
    static let token = "metrics-" + String(repeating: "7", count: 24)

    @Test("GET /metrics without a configured token is 404")
    func metricsAreOffWithoutAToken() async throws {
        try await withLiveService { live in
            let response = try await live.client.get("/metrics")
            #expect(response.status == 404, "\(response)")
            #expect(!response.text.contains("civicseal_http_requests_total"))
        }
    }

    @Test("GET /metrics answers 401 without the token or with a wrong one, 200 with it")
    func metricsNeedTheToken() async throws {
        try await withLiveService(configure: { $0.metricsToken = Self.token }) { live in
            let none = try await live.client.get("/metrics")
            #expect(none.status == 401, "\(none)")
            #expect(none.header("WWW-Authenticate")?.hasPrefix("Bearer") == true)
            #expect(!none.text.contains("civicseal_"))
            var wrong = Array(Self.token)
            wrong[wrong.count - 1] = "8"
            for presented in [String(wrong), String(Self.token.dropLast()), Self.token + "7", ""] {
                let response = try await live.client.get(
                    "/metrics", headers: [("Authorization", "Bearer \(presented)")])
                #expect(response.status == 401, "\(presented): \(response)")
            }
            let right = try await live.client.get("/metrics", token: Self.token)
            #expect(right.status == 200, "\(right)")
            #expect(right.text.contains("# TYPE civicseal_http_requests_total counter"))
        }
    }

    @Test("the metrics token comes from a file (first line) or the environment, and must be long enough")
    func metricsTokenSources() throws {
        let folder = TemporaryDirectory("metrics-token")
        let file = folder.path + "/token"
        try Data((Self.token + "\n").utf8).write(to: URL(fileURLWithPath: file))
        #expect(try ServeOptions.metricsToken(file: file, environment: "ignored-because-the-file-wins") == Self.token)
        #expect(try ServeOptions.metricsToken(file: nil, environment: Self.token) == Self.token)
        #expect(try ServeOptions.metricsToken(file: nil, environment: nil) == nil)
        #expect(throws: AppError.self) { try ServeOptions.metricsToken(file: nil, environment: "short") }
        #expect(throws: AppError.self) {
            try ServeOptions.metricsToken(file: folder.path + "/missing", environment: nil)
        }
    }
}

/// No blocking work on event-loop threads: only handlers that touch nothing but memory may run inline.
@Suite("Live API: event-loop hygiene")
struct InlineRouteTests {
    /// Static files, the language cookie, the published trust list and the cached health answer (its database
    /// check runs on a handler thread): no database, PDF or signature work.
    static let memoryOnly: Set<String> = [
        "GET /v1/trust", "GET /static/app.css", "GET /static/app.js", "GET /static/icon.svg", "GET /favicon.ico",
        "GET /language/{language}", "GET /healthz",
    ]

    @Test(
        "only memory-only routes run on the event loop; SQLite reads, PDF downloads and token checks run on handler threads"
    )
    func onlyMemoryOnlyRoutesAreInline() async throws {
        try await withLiveService { live in
            let inline = live.service.router.inlineRoutes.map(\.description)
            #expect(Set(inline) == Self.memoryOnly, "inline routes: \(inline.sorted())")
            for route in [
                "GET /v1/requests/{id}", "GET /v1/requests/{id}/document", "GET /v1/documents/{id}/status",
                "POST /v1/verify/details", "GET /citizen/requests/{id}/document", "POST /v/{id}",
            ] {
                #expect(!inline.contains(route), "\(route) does SQLite, PDF or token work on the event loop")
            }
        }
    }
}

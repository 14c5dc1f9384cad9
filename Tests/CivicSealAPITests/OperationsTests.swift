import CivicSealServiceTestSupport
import Foundation
import Testing

/// `/healthz`, `/metrics` and `/openapi.json` as an operator and a client generator see them.
@Suite("Live API: operations endpoints")
struct OperationsTests {
    /// The repository copy of the OpenAPI document.
    static let repositoryDocumentPath = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/CivicSealAPI/Resources/openapi.json").path

    static let httpMethods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    @Test("GET /healthz answers 200 {\"status\":\"ok\"} without a token")
    func healthzIsOK() async throws {
        try await withLiveService { live in
            let response = try await live.client.get("/healthz")
            #expect(response.status == 200, "\(response)")
            #expect(response.header("Content-Type")?.hasPrefix("application/json") == true)
            #expect(response.json as NSDictionary == ["status": "ok"] as NSDictionary)
        }
    }

    @Test(
        "GET /metrics serves Prometheus text: TYPE lines, requests by route and status, latency, requests by state"
    )
    func metricsExposition() async throws {
        try await withLiveService(transport: .socket, configure: { $0.metricsToken = MetricsAccessTests.token }) {
            live in
            let client = live.client
            var ids: [String] = []
            for number in 60..<63 {
                let response = try await client.post(
                    "/v1/requests", token: try live.token(for: .man(number)), json: Bodies.criminalRecord())
                ids.append(try #require(response.json["id"] as? String, "\(response)"))
            }
            #expect(
                try await client.post(
                    "/v1/requests", token: try live.token(for: .man(63)), json: Bodies.healthCertificate
                ).status == 201)
            #expect(
                try await client.post("/v1/requests/\(ids[0])/cancel", token: try live.token(for: .man(60)), json: "")
                    .status == 200)
            #expect(try await client.get("/v1/requests/\(ids[1])", token: try live.token(for: .man(60))).status == 404)

            let response = try await client.get("/metrics", token: MetricsAccessTests.token)
            #expect(response.status == 200)
            #expect(response.header("Content-Type")?.hasPrefix("text/plain") == true)
            let lines = response.text.split(separator: "\n").map(String.init)
            for family in [
                "civicseal_http_requests_total counter", "civicseal_http_request_duration_seconds histogram",
                "civicseal_requests gauge",
            ] {
                #expect(lines.contains("# TYPE \(family)"), "no # TYPE \(family) in\n\(response.text)")
            }
            func value(_ series: String) -> Double? {
                lines.first { $0.hasPrefix(series + " ") }.flatMap { Double($0.dropFirst(series.count + 1)) }
            }
            #expect(
                value(#"civicseal_http_requests_total{route="/v1/requests",status="201"}"#) == 4, "\(response.text)")
            #expect(value(#"civicseal_http_requests_total{route="/v1/requests/{id}/cancel",status="200"}"#) == 1)
            #expect(value(#"civicseal_http_requests_total{route="/v1/requests/{id}",status="404"}"#) == 1)
            #expect(
                lines.contains {
                    $0.hasPrefix(#"civicseal_http_request_duration_seconds_bucket{route="/v1/requests",le="+Inf"} 4"#)
                }, "\(response.text)")
            #expect(
                lines.contains {
                    $0.hasPrefix(#"civicseal_http_request_duration_seconds_count{route="/v1/requests"} 4"#)
                })
            #expect(
                lines.contains { $0.hasPrefix(#"civicseal_http_request_duration_seconds_sum{route="/v1/requests"}"#) })
            #expect(value(#"civicseal_requests{state="submitted"}"#) == 3, "\(response.text)")
            #expect(value(#"civicseal_requests{state="cancelled"}"#) == 1)
            #expect(value(#"civicseal_requests{state="approved"}"#) == 0)
            // No id or personal data in any label.
            for id in ids { #expect(!response.text.contains(id)) }
            #expect(!response.text.contains("079085"))
        }
    }

    @Test("GET /openapi.json is a JSON OpenAPI 3.1 document")
    func openAPIIsServed() async throws {
        try await withLiveService { live in
            let response = try await live.client.get("/openapi.json")
            #expect(response.status == 200)
            #expect(response.header("Content-Type")?.hasPrefix("application/json") == true)
            let version = try #require(response.json["openapi"] as? String)
            #expect(version.hasPrefix("3.1."), "openapi \(version)")
            #expect(response.json["paths"] is [String: Any])
            #expect((response.json["info"] as? [String: Any])?["title"] is String)
        }
    }

    @Test(
        "every route the server knows is in the OpenAPI paths with its method, and every documented operation is served"
    )
    func routesAndOpenAPIAgree() async throws {
        try await withLiveService { live in
            let response = try await live.client.get("/openapi.json")
            let paths = try #require(response.json["paths"] as? [String: [String: Any]])
            let documented = Set(
                paths.flatMap { path, item in
                    item.keys.filter { Self.httpMethods.contains($0) }.map { "\($0.uppercased()) \(path)" }
                })
            let all = live.service.routes.map { "\($0.method.rawValue) \($0.pattern)" }
            #expect(Set(all).count == all.count, "duplicate routes")
            // The HTML pages are for browsers, not part of the API — except /v/{id}, the address printed on every
            // document.
            let served = Set(
                live.service.routes.filter { !Self.isBrowserPage($0.pattern) }.map {
                    "\($0.method.rawValue) \($0.pattern)"
                })
            #expect(
                served.subtracting(documented).isEmpty,
                "served but not documented: \(served.subtracting(documented).sorted())")
            #expect(
                documented.subtracting(served).isEmpty,
                "documented but not served: \(documented.subtracting(served).sorted())")
            #expect(
                served.contains("POST /v1/requests") && served.contains("GET /openapi.json")
                    && served.contains("GET /v/{id}"))
        }
    }

    /// A route of the server-rendered pages (`/`, `/verify`, `/officer/…`, `/citizen/…`, `/static/…`…), other than
    /// the documents' public address `/v/{id}`.
    static func isBrowserPage(_ pattern: String) -> Bool {
        !(pattern.hasPrefix("/v1/") || ["/healthz", "/metrics", "/openapi.json", "/v/{id}"].contains(pattern))
    }

    @Test("Resources/openapi.json in the repository is the document the server serves")
    func repositoryCopyMatchesServedDocument() async throws {
        try await withLiveService { live in
            let served = try await live.client.get("/openapi.json")
            let repository = try Data(contentsOf: URL(fileURLWithPath: Self.repositoryDocumentPath))
            let servedValue = try JSONSerialization.jsonObject(with: Data(served.body)) as? NSDictionary
            let repositoryValue = try JSONSerialization.jsonObject(with: repository) as? NSDictionary
            #expect(
                servedValue != nil && servedValue == repositoryValue,
                "Resources/openapi.json differs from OpenAPIDocument.json")
            #expect(
                served.body == Array(repository) || served.body + [10] == Array(repository),
                "the two copies differ byte for byte")
        }
    }
}

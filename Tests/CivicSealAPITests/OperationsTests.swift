import CivicSealServiceTestSupport
import Foundation
import Testing

/// `/healthz` and `/metrics` as an operator sees them (`/openapi.json`: ``OpenAPIContractTests``).
@Suite("Live API: operations endpoints")
struct OperationsTests {
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
}

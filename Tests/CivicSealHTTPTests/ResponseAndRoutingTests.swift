import CivicSealHTTP
import Foundation
import Testing

@Suite("Responses, routing, problems, metrics")
struct ResponseAndRoutingTests {
    private func wire(_ response: HTTPResponse, closing: Bool = false) -> String {
        String(decoding: HTTPResponseWriter.serialize(response, closing: closing), as: UTF8.self)
    }

    @Test func headerValuesCannotSplitTheResponse() {
        var response = HTTPResponse.text("body")
        response.headers.add(name: "X-Echo", value: "a\r\nSet-Cookie: session=evil\r\n\r\n<html>")
        response.headers.add(name: "X-Nul", value: "a\u{0}b\nc\rd")
        response.headers.add(name: "Bad\r\nName", value: "v")
        let text = wire(response)
        #expect(!text.contains("\r\nSet-Cookie"))
        #expect(text.contains("X-Echo: a  Set-Cookie: session=evil    <html>\r\n"))
        #expect(text.contains("X-Nul: a b c d\r\n"))
        #expect(!text.contains("Bad"))
        // Exactly one blank line: the end of the header section.
        #expect(text.components(separatedBy: "\r\n\r\n").count == 2)
        #expect(!text.utf8.contains(0))
    }

    @Test func reasonPhraseIsSanitizedToo() {
        let response = HTTPResponse(status: HTTPStatus(code: 200, reasonPhrase: "OK\r\nX-Injected: 1"))
        #expect(!wire(response).contains("\r\nX-Injected"))
    }

    @Test func framingFieldsAreAlwaysTheServersOwn() {
        var response = HTTPResponse.text("four")
        response.headers.add(name: "Content-Length", value: "999")
        response.headers.add(name: "Transfer-Encoding", value: "chunked")
        response.headers.add(name: "Connection", value: "keep-alive")
        let text = wire(response, closing: true)
        #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(text.contains("Content-Length: 4\r\n"))
        #expect(!text.contains("999"))
        #expect(!text.contains("Transfer-Encoding"))
        #expect(text.contains("Connection: close\r\n"))
        #expect(text.hasSuffix("\r\n\r\nfour"))
    }

    @Test func noContentHasNoContentLength() {
        #expect(!wire(HTTPResponse(status: .noContent)).contains("Content-Length"))
    }

    private func router() throws -> HTTPRouter {
        var builder = HTTPRouter.Builder()
        builder.get("/v1/requests/{id}") { _, context in .text("one \(context.parameter("id") ?? "?")") }
        builder.get("/v1/requests/mine") { _, _ in .text("mine") }
        builder.post("/v1/requests") { _, _ in HTTPResponse(status: .created) }
        builder.get("/v1/requests") { _, _ in .text("list") }
        builder.post("/v1/requests/{id}/cancel") { _, _ in throw DomainError() }
        builder.post("/v1/crash") { _, _ in throw SecretError() }
        return try builder.build()
    }

    private struct DomainError: HTTPProblemConvertible {
        var problem: ProblemDetails {
            .validationFailed([.init(field: "reason", code: "required", message: "A reason is required.")])
        }
    }

    private struct SecretError: Error, CustomStringConvertible {
        var description: String { "SQLITE_CONSTRAINT at /var/lib/civicseal/db.sqlite key=secret" }
    }

    private func call(_ router: HTTPRouter, _ method: HTTPMethod, _ target: String) async -> HTTPResponse {
        await router.respond(
            to: HTTPRequest(method: method, target: target, headers: ["Host": "a"]),
            context: RequestContext(startTime: MonotonicInstant(nanoseconds: 0)))
    }

    @Test func routesMatchWithParametersAndLiteralsWin() async throws {
        let router = try router()
        let one = await call(router, .get, "/v1/requests/abc%20def?x=1")
        #expect(one.body == Array("one abc def".utf8))
        #expect(one.route == "/v1/requests/{id}")
        #expect(await call(router, .get, "/v1/requests/mine").body == Array("mine".utf8))
    }

    @Test func unknownPathIs404AndWrongMethodIs405WithAllow() async throws {
        let router = try router()
        let missing = await call(router, .get, "/nowhere")
        #expect(missing.status == .notFound)
        #expect(missing.headers["Content-Type"] == "application/problem+json")
        let wrong = await call(router, .delete, "/v1/requests")
        #expect(wrong.status == .methodNotAllowed)
        #expect(wrong.headers["Allow"] == "POST, GET, HEAD")
    }

    @Test func headIsServedByTheGetRoute() async throws {
        #expect(await call(try router(), .head, "/v1/requests").status == .ok)
    }

    @Test func routerListsItsRoutes() throws {
        let routes = Set(try router().routes.map(\.description))
        #expect(
            routes == [
                "GET /v1/requests/{id}", "GET /v1/requests/mine", "POST /v1/requests", "GET /v1/requests",
                "POST /v1/requests/{id}/cancel", "POST /v1/crash",
            ])
    }

    @Test func duplicateOrMalformedRoutesAreRefusedAtBuild() {
        var duplicate = HTTPRouter.Builder()
        duplicate.get("/a/{x}") { _, _ in .text("") }
        duplicate.get("/a/{y}") { _, _ in .text("") }
        #expect(throws: HTTPRouter.BuildError.self) { try duplicate.build() }
        var malformed = HTTPRouter.Builder()
        malformed.get("no-slash") { _, _ in .text("") }
        #expect(throws: HTTPRouter.BuildError.invalidPattern("no-slash")) { try malformed.build() }
    }

    @Test func domainErrorsBecomeTheirProblemAndOthersAGeneric500() async throws {
        let router = try router()
        let validation = await call(router, .post, "/v1/requests/1/cancel")
        #expect(validation.status.code == 422)
        let json = String(decoding: validation.body, as: UTF8.self)
        #expect(
            json
                == #"{"type":"https://civicseal.invalid/problems/validation-failed","title":"Validation "#
                + #"Failed","status":422,"detail":"The request is "#
                + #"invalid.","errors":[{"field":"reason","code":"required","message":"A reason is required."}]}"#
        )

        let crash = await call(router, .post, "/v1/crash")
        #expect(crash.status.code == 500)
        let text = String(decoding: crash.body, as: UTF8.self)
        #expect(!text.contains("SQLITE") && !text.contains("/var/lib") && !text.contains("secret"))
        #expect(text.contains("https://civicseal.invalid/problems/internal-error"))
    }

    /// A thousand ids span four refills of the 4 KiB random pool: all distinct, 32 lowercase hex digits each, and
    /// every hex digit turns up in every position (a pool that repeated or a fixed nibble would not).
    @Test func requestIDsAre128RandomBitsInHex() {
        let ids = (0..<1_000).map { _ in RequestContext.makeRequestID() }
        #expect(Set(ids).count == 1_000)
        #expect(
            ids.allSatisfy {
                $0.utf8.count == 32 && $0.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
            })
        for position in 0..<32 {
            let seen = Set(ids.map { Array($0.utf8)[position] })
            #expect(seen.count == 16, "position \(position) took only \(seen.count) values")
        }
    }

    /// Quotes, backslashes, controls, DEL, U+2028 and U+2029 are escaped; Vietnamese and other non-ASCII text is
    /// kept as UTF-8; the result parses back to the original with Foundation's JSON parser.
    @Test func problemTextIsEscapedAsJSONAndParsesBack() throws {
        let detail = "Trần \"Thị\" \\ a\nb\rc\td\u{01}\u{1F}\u{7F} \u{2028}\u{2029} — 🇻🇳 \u{2027}"
        let problem = ProblemDetails(slug: "x", title: "T", status: .badRequest, detail: detail)
        let json = String(decoding: problem.jsonBytes, as: UTF8.self)
        #expect(json.contains(#""detail":"Trần \"Thị\" \\ a\nb\rc\td\u0001\u001f\u007f \u2028\u2029 — 🇻🇳 \#u{2027}""#))
        let parsed = try JSONSerialization.jsonObject(with: Data(problem.jsonBytes)) as? [String: Any]
        #expect(parsed?["detail"] as? String == detail)
    }

    @Test func accessLogLineOfAnUnmatchedRequestHasANullRoute() throws {
        let record = AccessLogRecord(
            time: .init(timeIntervalSince1970: 0.999), requestID: "ab", method: HTTPMethod("PROPFIND"), route: nil,
            status: 404, duration: .nanoseconds(12_345_678), bytesOut: 0)
        #expect(
            record.jsonLine
                == #"{"time":"1970-01-01T00:00:00.999Z","requestId":"ab","method":"PROPFIND","route":null,"#
                + #""status":404,"durationMs":12.346,"bytesOut":0}"#
        )
    }

    @Test func metricsRenderInPrometheusTextFormat() {
        let registry = MetricsRegistry()
        let requests = registry.counter("http_requests_total", help: "Requests.", labelNames: ["route", "status"])
        requests.increment(labels: ["/v1/requests/{id}", "200"])
        requests.increment(labels: ["/v1/requests/{id}", "200"])
        let latency = registry.histogram("latency_seconds", help: "Latency.", labelNames: ["route"], buckets: [0.1, 1])
        latency.observe(0.05, labels: ["/a"])
        latency.observe(0.5, labels: ["/a"])
        latency.observe(5, labels: ["/a"])
        registry.gauge("open", help: "Open \"things\"\nnow.").set(3)
        let text = registry.exposition()
        #expect(
            text == """
                # HELP http_requests_total Requests.
                # TYPE http_requests_total counter
                http_requests_total{route="/v1/requests/{id}",status="200"} 2
                # HELP latency_seconds Latency.
                # TYPE latency_seconds histogram
                latency_seconds_bucket{route="/a",le="0.1"} 1
                latency_seconds_bucket{route="/a",le="1"} 2
                latency_seconds_bucket{route="/a",le="+Inf"} 3
                latency_seconds_sum{route="/a"} 5.55
                latency_seconds_count{route="/a"} 3
                # HELP open Open "things"\\nnow.
                # TYPE open gauge
                open 3

                """)
    }

    @Test func accessLogLineCarriesOnlyTheAgreedFields() {
        let record = AccessLogRecord(
            time: .init(timeIntervalSince1970: 1_800_000_000.25), requestID: "00ff", method: .get,
            route: "/v1/requests/{id}", status: 200, duration: .microseconds(1500), bytesOut: 42)
        #expect(
            record.jsonLine
                == #"{"time":"2027-01-15T08:00:00.250Z","requestId":"00ff","method":"GET","#
                + #""route":"/v1/requests/{id}","status":200,"durationMs":1.5,"bytesOut":42}"#
        )
    }
}

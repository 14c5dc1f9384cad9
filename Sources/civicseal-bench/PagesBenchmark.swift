import CivicSealApp
import CivicSealCrypto
import CivicSealWorkflow
import Foundation

/// `civicseal-bench pages`: the officer's queue page rendered by the server (`GET /officer/queue`: 50 rows, the
/// counts, the filters and the paging links) over real HTTP on one keep-alive connection on loopback, with 10,000
/// submitted requests in the justice-hanoi queue — beside the JSON API page of the same 50 rows
/// (`GET /v1/queues/justice-hanoi`) measured in the same run. The officer signs in through the sign-in page first
/// (session cookie and CSRF token from the GET, then the token posted), as a browser would.
/// `--requests N` (a multiple of 20, at most 1,000,000) changes the queue's size. Floor: the page's p99 under 50 ms.
enum PagesBenchmark {
    static let p99FloorMilliseconds = 50.0

    static func run(seconds: Double, arguments: [String]) throws {
        var queueSize = 10_000
        if let index = arguments.firstIndex(of: "--requests"), index + 1 < arguments.count,
            let value = Int(arguments[index + 1]),
            (1_000...1_000_000).contains(value)
        {
            queueSize = value / 20 * 20
        }
        let folder = NSTemporaryDirectory() + "civicseal-bench-pages-" + SecureRandom.identifier(byteCount: 6)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let service = try startBenchService(in: folder)
        defer { stop(service) }

        try fill(service, count: queueSize)
        let token = try DevelopmentTokens.mint(
            DevelopmentTokens.Staff(roles: ["justice.officer"], department: "justice-hanoi", name: "Lê Văn Hưởng"),
            directory: folder + "/keys", lifetime: 3600, now: Date())
        let client = try KeepAliveClient(port: service.port)
        let cookie = try signIn(client, token: token)
        print(
            "# civicseal-bench pages — \(queueSize) submitted requests in justice-hanoi; one keep-alive connection "
                + "on 127.0.0.1, "
                + "sequential requests, \(Report.format(seconds)) s per figure; reference: GET "
                + "/v1/queues/justice-hanoi (the same 50 rows as JSON)"
        )

        let page = [("Cookie", cookie)]
        let first = try client.send("GET", "/officer/queue", headers: page)
        guard first.status == 200, first.text.components(separatedBy: "data-request=").count == 51 else {
            throw LoadGenerator.Failure(description: "the queue page is not a page of 50 rows: \(first.status)")
        }
        Report.figure("pages.queue.bytes", Double(first.body.count), "bytes (50 rows, HTML)")
        let pageFigures = try measure(client, "pages.queue", seconds: seconds, headers: page, start: "/officer/queue")
        for (name, target) in [
            ("pages.queue.overdue", "/officer/queue?state=submitted&overdue=yes"),
            ("pages.queue.kind", "/officer/queue?state=submitted&kind=criminal-record"),
        ] {
            try measure(client, name, seconds: seconds, headers: page, start: target)
        }
        try measure(
            client, "pages.queue.paging", seconds: seconds, headers: page, start: "/officer/queue", next: nextPageLink)

        let api = [("Authorization", "Bearer \(token)")]
        let json = try client.send("GET", "/v1/queues/justice-hanoi", headers: api)
        guard json.status == 200 else {
            throw LoadGenerator.Failure(description: "GET /v1/queues/justice-hanoi: \(json.status) \(json.text)")
        }
        Report.figure("api.queue.bytes", Double(json.body.count), "bytes (50 rows, JSON)")
        let apiFigures = try measure(
            client, "api.queue", seconds: seconds, headers: api, start: "/v1/queues/justice-hanoi", floor: false)
        try measure(
            client, "api.queue.paging", seconds: seconds, headers: api, start: "/v1/queues/justice-hanoi", floor: false,
            next: nextCursor)
        Report.ratio("pages.queue_vs_api.rps", pageFigures.rate, reference: apiFigures.rate, floorPercent: nil)
    }

    /// `count` criminal-record requests (distinct synthetic people) in 20 groups received every 5 days back to 95
    /// days ago: many distinct due dates, the older ones overdue. Batches of at most 1,000 per transaction.
    static func fill(_ service: Service, count: Int) throws {
        let now = Date()
        let template = SyntheticRequests.validated(
            SyntheticRequests.criminalRecord(), person: 0, today: CalendarDate(now))
        var person = 0
        for group in 0..<20 {
            var remaining = count / 20
            while remaining > 0 {
                let size = min(1_000, remaining)
                remaining -= size
                let requests = (0..<size).map { _ -> ValidatedRequest in
                    let applicant = SyntheticRequests.applicant(person)
                    person += 1
                    return ValidatedRequest(
                        submission: template.submission, applicant: applicant, subject: applicant.identity,
                        complexity: template.complexity, routingProvince: template.routingProvince)
                }
                _ = try service.store.submitBatch(requests, now: now.addingTimeInterval(-Double(group * 5 * 86_400)))
            }
        }
    }

    /// Signs the officer in through the page: GET for the anonymous CSRF cookie and token, POST the token; returns
    /// the `Cookie` header value of the signed-in session.
    static func signIn(_ client: KeepAliveClient, token: String) throws -> String {
        let form = try client.send("GET", "/officer/sign-in")
        guard let nonce = cookie("civicseal_csrf", form),
            let csrf = attribute(after: #"name="csrf" value=""#, in: form.text)
        else {
            throw LoadGenerator.Failure(description: "the sign-in page gave no CSRF cookie or token")
        }
        // A CSRF token is base64url and a JWT is base64url with dots: nothing to escape in a urlencoded body.
        let signedIn = try client.send(
            "POST", "/officer/sign-in",
            headers: [("Cookie", "civicseal_csrf=\(nonce)"), ("Content-Type", "application/x-www-form-urlencoded")],
            body: Array("csrf=\(csrf)&token=\(token)".utf8))
        guard signedIn.status == 303, signedIn.header("Location") == "/officer/queue",
            let session = sessionCookie(signedIn)
        else {
            throw LoadGenerator.Failure(description: "sign-in refused: \(signedIn.status) \(signedIn.text.prefix(300))")
        }
        return "civicseal=\(session)"
    }

    static func sessionCookie(_ response: KeepAliveClient.Response) -> String? { cookie("civicseal", response) }

    /// The value of the cookie `name` the response sets, if any.
    static func cookie(_ name: String, _ response: KeepAliveClient.Response) -> String? {
        response.headers("Set-Cookie").first { $0.hasPrefix(name + "=") }.map {
            String($0.dropFirst(name.count + 1).prefix { $0 != ";" })
        }
    }

    /// The attribute value that follows `prefix` (up to the closing quote).
    static func attribute(after prefix: String, in text: String) -> String? {
        guard let start = text.range(of: prefix) else { return nil }
        return String(text[start.upperBound...].prefix { $0 != "\"" })
    }

    /// The queue page's "next" link, HTML entities undone; nil on the last page.
    static func nextPageLink(_ response: KeepAliveClient.Response) -> String? {
        let text = response.text
        guard let marker = text.range(of: #"" id="next-page""#),
            let open = text.range(of: #"<a href=""#, options: .backwards, range: text.startIndex..<marker.lowerBound)
        else { return nil }
        return text[open.upperBound..<marker.lowerBound].replacingOccurrences(of: "&amp;", with: "&")
    }

    /// The JSON page's `nextCursor` as the next request's target; nil on the last page.
    static func nextCursor(_ response: KeepAliveClient.Response) -> String? {
        guard let cursor = attribute(after: #""nextCursor":""#, in: response.text), !cursor.isEmpty else { return nil }
        return "/v1/queues/justice-hanoi?cursor="
            + (cursor.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
    }

    struct Figures {
        let rate: Double
        let p50: Double
        let p99: Double
    }

    /// Sequential `GET`s on the keep-alive connection for about `seconds` after a warm-up: `start` every time, or,
    /// with `next`, each response's next page (back to `start` after the last). Every response must be 200.
    /// Reports requests/s (wall clock, one connection) and the p50/p99 of the request latencies.
    @discardableResult
    static func measure(
        _ client: KeepAliveClient, _ name: String, seconds: Double, headers: [(String, String)], start: String,
        floor: Bool = true,
        next: ((KeepAliveClient.Response) -> String?)? = nil
    ) throws -> Figures {
        var target = start
        func once() throws -> (KeepAliveClient.Response, Double) {
            let began = ContinuousClock.now
            let response = try client.send("GET", target, headers: headers)
            let elapsed = ContinuousClock.now - began
            guard response.status == 200 else {
                throw LoadGenerator.Failure(
                    description: "\(name): GET \(target) gave \(response.status): \(response.text.prefix(300))")
            }
            if let next { target = next(response) ?? start }
            return (response, Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)
        }
        for _ in 0..<50 { _ = try once() }
        target = start
        var samples: [Double] = []
        samples.reserveCapacity(100_000)
        let clock = ContinuousClock()
        let began = clock.now
        let deadline = began + .milliseconds(Int(seconds * 1000))
        repeat { samples.append(try once().1) } while clock.now < deadline
        let wall = clock.now - began
        let rate =
            Double(samples.count) / (Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18)
        samples.sort()
        func at(_ quantile: Double) -> Double { samples[min(samples.count - 1, Int(Double(samples.count) * quantile))] }
        let figures = Figures(rate: rate, p50: at(0.50), p99: at(0.99))
        Report.figure("\(name).rps", figures.rate, "requests/s (\(samples.count) requests)")
        Report.figure("\(name).p50", figures.p50, "ms")
        let note =
            floor
            ? " (floor < \(Report.format(p99FloorMilliseconds)) ms: "
                + "\(figures.p99 < p99FloorMilliseconds ? "met" : "NOT MET"))"
            : ""
        Report.figure("\(name).p99", figures.p99, "ms\(note)")
        return figures
    }

    static func stop(_ service: Service) {
        let semaphore = DispatchSemaphore(value: 0)
        Task {
            await service.stop()
            semaphore.signal()
        }
        semaphore.wait()
    }
}

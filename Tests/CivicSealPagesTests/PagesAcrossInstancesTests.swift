import CivicSealApp
import CivicSealProcess
import CivicSealServiceTestSupport
import CivicSealTestSupport
import Dispatch
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The pages on three services sharing one PostgreSQL database behind HAProxy, as a browser uses them: each step of
/// a sign-in, a submission and a sign-out answered by another instance. HAProxy sends each request to the instance
/// the test names (`X-Test-Instance`) and says which one answered (`X-Served-By`), so every step is pinned and proved.
@Suite(.enabled(if: ExternalTool.isCI || ExternalTool.isUsable("initdb", "psql", "haproxy")))
struct PagesAcrossInstancesTests {
    /// Three services on `database`, one keys directory, each its own data directory, all naming the balancer's
    /// address as theirs (`publicBaseURL`: the sign-in's redirect URI is the same on every instance).
    final class Deployment: Sendable {
        let folder: TemporaryDirectory
        let services: [LiveService]
        let haproxy: pid_t
        let front: Int

        private init(folder: TemporaryDirectory, services: [LiveService], haproxy: pid_t, front: Int) {
            self.folder = folder
            self.services = services
            self.haproxy = haproxy
            self.front = front
        }

        static func start(_ database: PostgresTestDatabase, folder: TemporaryDirectory) async throws -> Deployment {
            let front = try LoopbackPort.free()
            let services = try await offPool { () throws -> [LiveService] in
                _ = try DevelopmentPKI.initialize(directory: folder.path + "/keys")
                return try (0..<3).map { index in
                    try LiveService.start(in: folder, transport: .socket) { options in
                        // A small pool each: the cluster is shared with every other suite.
                        options.database = database.url + "&pool_size=3"
                        options.dataDirectory = folder.path + "/data-\(index)"
                        options.publicBaseURL = "http://127.0.0.1:\(front)"
                    }
                }
            }
            let servers = services.enumerated().map { index, live in
                "    use-server s\(index) if { req.hdr(x-test-instance) -m str \(index) }\n"
                    + "    server s\(index) 127.0.0.1:\(live.service.port) check inter 500ms"
            }
            let configuration = """
                global
                    maxconn 256
                defaults
                    mode http
                    timeout connect 5s
                    timeout client 600s
                    timeout server 600s
                frontend front
                    bind 127.0.0.1:\(front)
                    default_backend civicseal
                backend civicseal
                    balance roundrobin
                    option httpchk GET /healthz
                    http-response set-header X-Served-By %[srv_name]
                \(servers.joined(separator: "\n"))

                """
            let haproxy = Process()
            haproxy.executableURL = URL(fileURLWithPath: ExternalTool.path("haproxy") ?? "/usr/sbin/haproxy")
            haproxy.standardOutput = FileHandle.nullDevice
            haproxy.standardError = FileHandle.nullDevice
            do {
                haproxy.arguments = ["-f", try folder.write("haproxy.cfg", text: configuration), "-db"]
                try haproxy.run()
            } catch {
                for live in services { await live.stop() }
                throw error
            }
            let deployment = Deployment(
                folder: folder, services: services, haproxy: haproxy.processIdentifier, front: front)
            // Up when every instance answers through the balancer (bounded: a hang guard, not a timing).
            let client = HTTPClient(port: front)
            for index in 0..<3 {
                var healthy = false
                for _ in 0..<600 where !healthy {
                    let answer = try? await client.get("/healthz", headers: [("X-Test-Instance", "\(index)")])
                    healthy = answer?.status == 200 && answer?.header("X-Served-By") == "s\(index)"
                    if !healthy { try await Task.sleep(for: .milliseconds(100)) }
                }
                guard healthy else {
                    await deployment.stop()
                    throw ClientError(description: "instance \(index) never answered through HAProxy")
                }
            }
            return deployment
        }

        func stop() async {
            kill(haproxy, SIGKILL)
            for live in services { await live.stop() }
        }
    }

    static func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
        }
    }

    /// One page request through the balancer to instance `index`; checks that instance answered.
    static func on(
        _ index: Int, _ browser: Browser, _ step: (Browser) async throws -> ClientResponse,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> ClientResponse {
        browser.sendAlways([("X-Test-Instance", "\(index)")])
        let response = try await step(browser)
        #expect(response.header("X-Served-By") == "s\(index)", "\(response)", sourceLocation: sourceLocation)
        return response
    }

    @Test("a citizen signs in on A and B, submits through C and signs out on A: one session row, ended everywhere")
    func signInSubmitAndSignOutAcrossInstances() async throws {
        let folder = TemporaryDirectory("civicseal-pages-instances")
        let database = try await Self.offPool { try PostgresTestDatabase.make(in: folder.path, prefix: "pages") }
        defer { database.drop() }
        let deployment = try await Deployment.start(database, folder: folder)
        func count(_ table: String) async throws -> String {
            try await Self.offPool { try database.scalar("SELECT count(*) FROM \(table)") }
        }
        do {
            let person = Person.man(901)
            let token = try deployment.services[0].token(for: person)
            let browser = Browser(client: HTTPClient(port: deployment.front))

            // A starts the sign-in: the pending sign-in is sealed into the browser's cookie, nothing is stored.
            let started = try await Self.on(0, browser) { try await $0.get("/citizen/sign-in/start") }
            #expect(started.status == 303, "\(started)")
            let authorize = try #require(started.header("Location"), "\(started)")
            #expect(authorize.hasPrefix("http://127.0.0.1:\(deployment.front)/dev-idp/authorize?"), "\(authorize)")
            #expect(try await count("web_sessions") == "0")
            // The development provider lives in each instance's memory (its codes too), so B answers both its page
            // and the callback; the pre-sign-in cookie A sealed opens on B (the instances share one secret).
            let form = try await Self.on(1, browser) { try await $0.get(try Browser.localTarget(authorize)) }
            #expect(form.status == 200, "\(form)")
            let posted = try await Self.on(1, browser) {
                try await $0.authorizeAtDevelopmentProvider(form, claims: try Browser.identityClaims(of: token))
            }
            let callback = try #require(posted.header("Location"), "\(posted)")
            let signedIn = try await Self.on(1, browser) { try await $0.get(try Browser.localTarget(callback)) }
            #expect(signedIn.status == 303 && signedIn.header("Location") == "/citizen", "\(signedIn)")
            let sessionID = try #require(browser.cookies["civicseal"], "no session cookie: \(signedIn)")
            #expect(try await count("web_sessions") == "1", "one session, one row")

            // C knows the session (and shows the notice B left, once); A then shows none: C's change reached it.
            let home = try await Self.on(2, browser) { try await $0.get("/citizen") }
            #expect(home.status == 200 && home.text.contains(person.name), "\(home)")
            #expect(home.element(id: "flash") == PageText.vi("signed-in"), "\(home)")
            let again = try await Self.on(0, browser) { try await $0.get("/citizen") }
            #expect(again.status == 200 && again.element(id: "flash") == nil, "\(again)")

            // C takes the request with the session's CSRF token (a forged token changes nothing).
            let new = try await Self.on(2, browser) {
                try await $0.get("/citizen/requests/new?kind=health-certificate")
            }
            let csrf = try #require(new.csrf, "\(new)")
            let key = try #require(new.firstMatch(#"name="idempotencyKey" value="([^"]+)""#), "\(new)")
            let fields: [(String, String)] =
                [
                    ("kind", "health-certificate"), ("idempotencyKey", key),
                    ("request.certificateType", "driving-licence"), ("request.licenceClass", "B"),
                    ("request.purpose", "Đổi giấy phép lái xe"),
                    ("particulars.currentResidence.line", "12 Phố Huế, Hà Nội"),
                ] + PageFlowTests.contact
            let forged = try await Self.on(2, browser) {
                try await $0.post("/citizen/requests", [("csrf", String(csrf.reversed()))] + fields)
            }
            #expect(forged.status == 403, "\(forged)")
            #expect(try await count("requests") == "0")
            let submitted = try await Self.on(2, browser) {
                try await $0.post("/citizen/requests", [("csrf", csrf)] + fields)
            }
            #expect(submitted.status == 303, "\(submitted)")
            let location = try #require(submitted.header("Location"), "\(submitted)")
            #expect(try await count("requests") == "1")
            // The notice C set is shown by B.
            let detail = try await Self.on(1, browser) { try await $0.get(location) }
            #expect(detail.status == 200 && detail.element(id: "flash") == PageText.vi("submitted"), "\(detail)")

            // A signs out: the row is gone, and the old cookie signs nobody in anywhere.
            let signOutCSRF = try #require(detail.csrf, "\(detail)")
            let signedOut = try await Self.on(0, browser) { try await $0.post("/sign-out", [("csrf", signOutCSRF)]) }
            #expect([200, 303].contains(signedOut.status), "\(signedOut)")
            #expect(signedOut.setCookies.contains { $0.name == "civicseal" && $0.expires }, "\(signedOut)")
            #expect(try await count("web_sessions") == "0")
            browser.setCookie("civicseal", sessionID)
            for index in 0..<3 {
                let replayed = try await Self.on(index, browser) { try await $0.get("/citizen") }
                #expect(replayed.status == 303 && replayed.header("Location") == "/citizen/sign-in", "\(replayed)")
            }
        } catch {
            await deployment.stop()
            throw error
        }
        await deployment.stop()
    }

    @Test("the confirmation budget is one for all instances: posts spread over three exhaust it together")
    func confirmationBudgetAcrossInstances() async throws {
        let folder = TemporaryDirectory("civicseal-pages-instances")
        let database = try await Self.offPool { try PostgresTestDatabase.make(in: folder.path, prefix: "pages") }
        defer { database.drop() }
        let deployment = try await Deployment.start(database, folder: folder)
        do {
            let person = Person.man(902)
            let browser = Browser(client: HTTPClient(port: deployment.front))
            let page = try await Self.on(0, browser) { try await $0.get("/verify") }
            // The anonymous token A signed (bound to this browser's nonce cookie) is accepted by every instance.
            let csrf = try #require(page.csrf, "\(page)")
            let fields = [
                ("csrf", csrf), ("fullName", person.name), ("birthDate", person.birthdate), ("sex", person.gender),
                ("personalId", person.personalID),
            ]
            // Ten compared attempts a minute per client: an unknown document answers 404 until the budget is spent.
            // Counted per instance, the first refusal would need 31 posts; shared, it comes at the 11th (the 21st
            // at most, should a minute's window end in between).
            var answered: [Int] = []
            var refusedAt: Int?
            for attempt in 1...31 where refusedAt == nil {
                let answer = try await Self.on(attempt % 3, browser) {
                    try await $0.post("/v/00000000000000000000000000", fields)
                }
                answered.append(answer.status)
                if answer.status == 429 {
                    refusedAt = attempt
                    #expect(answer.header("Retry-After").flatMap(Int.init).map { $0 >= 1 } == true, "\(answer)")
                }
            }
            let refused = try #require(refusedAt, "never refused: \(answered)")
            #expect(refused <= 21, "the budget was counted per instance: \(answered)")
            #expect(answered.dropLast().allSatisfy { $0 == 404 }, "\(answered)")
            let rows = try await Self.offPool { try database.scalar("SELECT count(*) FROM rate_windows") }
            #expect(rows == "1", "one row for the one client")
        } catch {
            await deployment.stop()
            throw error
        }
        await deployment.stop()
    }
}

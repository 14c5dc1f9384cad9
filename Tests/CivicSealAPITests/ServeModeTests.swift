import CivicSealApp
import CivicSealProcess
import CivicSealServiceTestSupport
import CivicSealTestSupport
import Foundation
import Testing

@testable import CivicSealAPI

/// Findings 9 and 22 of issue #12: development mode must be chosen, cookies are `Secure` and `__Host-` outside
/// loopback development, `--trust-proxy-bearer` works as documented, and the real `civicseal serve` creates its keys
/// owner-only on first start and stops cleanly on SIGTERM.
@Suite("Live service: development mode, cookies, proxy bearer, the real executable")
struct ServeModeTests {
    // MARK: Development mode

    @Test(
        "a non-loopback bind with development keys and issuer refuses to start unless development mode is asked"
    )
    func nonLoopbackRefusesDevelopmentMaterial() throws {
        let folder = TemporaryDirectory("civicseal-serve-mode")
        _ = try DevelopmentPKI.initialize(directory: folder.path + "/keys")
        let error = #expect(throws: AppError.self) {
            _ = try LiveService.start(in: folder, transport: .socket) { $0.host = "0.0.0.0" }
        }
        #expect(error?.code == .developmentModeRequired && error?.exitStatus == 78)
        #expect(
            error?.message.contains("development identity provider") == true
                && error?.message.contains("development keys") == true)
        #expect(error?.message.contains("--development") == true, "the way out is named")
        // Nor does it create development keys for a public address.
        let empty = TemporaryDirectory("civicseal-serve-mode")
        #expect(throws: AppError(.developmentModeRequired, "")) {
            _ = try LiveService.start(in: empty, transport: .socket) { $0.host = "0.0.0.0" }
        }
        #expect(!FileManager.default.fileExists(atPath: empty.path + "/keys"), "no keys were created")
    }

    @Test("the loopback default is development mode, said loudly, with plain-HTTP cookies")
    func loopbackDefaultIsDevelopmentMode() async throws {
        try await withLiveService(transport: .socket) { live in
            #expect(live.service.developmentMode)
            let banner = live.service.banner.joined(separator: "\n")
            #expect(
                banner.contains("DEVELOPMENT MODE") && banner.contains("development identity provider"), "\(banner)")
            let home = try await Browser(live).get("/")
            #expect(home.setCookies.contains { $0.name == "civicseal_csrf" && !$0.has("Secure") })
        }
    }

    @Test("with --development off loopback the service starts, and every cookie is Secure with the __Host- prefix")
    func developmentOffLoopbackHasSecureHostCookies() async throws {
        try await withLiveService(
            transport: .socket,
            configure: {
                $0.host = "0.0.0.0"
                $0.development = true
                // Off loopback the pages are served over HTTPS (a TLS proxy): the providers send the browser there.
                $0.publicBaseURL = "https://civicseal.test"
            }
        ) { live in
            #expect(live.service.developmentMode)
            #expect(live.service.banner.joined().contains("--development was given"))
            let browser = Browser(live)
            let form = try await browser.get("/citizen/sign-in")
            let csrf = try #require(form.setCookies.first { $0.name == "__Host-civicseal_csrf" }, "\(form.headers)")
            #expect(csrf.has("Secure") && csrf.has("HttpOnly") && csrf.attributes["path"] == "/" && !csrf.has("Domain"))
            #expect(!form.setCookies.contains { !$0.name.hasPrefix("__Host-") }, "no cookie without the prefix")
            let signedIn = try await browser.signIn("/citizen/sign-in", token: try live.token(for: .man(90)))
            let session = try #require(signedIn.setCookies.first { $0.name == "__Host-civicseal" }, "\(signedIn)")
            #expect(session.has("Secure") && session.has("HttpOnly") && session.attributes["samesite"] == "Strict")
            let language = try await browser.get("/language/en?next=/")
            #expect(language.setCookies.allSatisfy { $0.has("Secure") })
        }
    }

    @Test(
        "without development material loopback is not development mode (Secure __Host- cookies); public bind starts"
    )
    func productionKeysAreNotDevelopmentMode() async throws {
        let folder = TemporaryDirectory("civicseal-serve-mode")
        let keys = folder.path + "/keys"
        _ = try DevelopmentPKI.initialize(directory: keys)
        // What an operator with real keys has: no root private key on the machine, no issuer marked development.
        var manifest = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: keys + "/keyring.json")))
                as? [String: Any])
        manifest["rootKey"] = nil
        try JSONSerialization.data(withJSONObject: manifest).write(to: URL(fileURLWithPath: keys + "/keyring.json"))
        var issuers = try #require(
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: keys + "/trusted-issuers.json"))) as? [String: Any])
        issuers["issuers"] = (issuers["issuers"] as? [[String: Any]] ?? []).map { entry in
            var entry = entry
            entry["development"] = false
            return entry
        }
        try JSONSerialization.data(withJSONObject: issuers).write(
            to: URL(fileURLWithPath: keys + "/trusted-issuers.json"))

        let live = try LiveService.start(in: folder, transport: .socket)
        do {
            #expect(!live.service.developmentMode)
            #expect(!live.service.banner.joined().contains("DEVELOPMENT MODE"))
            let page = try await Browser(live).get("/verify")
            let cookie = try #require(page.setCookies.first, "\(page.headers)")
            #expect(
                cookie.name == "__Host-civicseal_csrf" && cookie.has("Secure"),
                "behind a local TLS proxy the cookie must be Secure")
        } catch {
            await live.stop()
            throw error
        }
        await live.stop()
        let publicBind = try LiveService.start(in: folder, transport: .socket) { $0.host = "0.0.0.0" }
        #expect(!publicBind.service.developmentMode)
        await publicBind.stop()
    }

    // MARK: --trust-proxy-bearer

    @Test(
        "--trust-proxy-bearer: the proxy's Authorization signs the officer in to the pages; else it is ignored"
    )
    func trustProxyBearer() async throws {
        try await withLiveService(transport: .socket, configure: { $0.trustProxyBearer = true }) { live in
            let submitted = try await live.client.post(
                "/v1/requests", token: try live.token(for: .man(91)), json: Bodies.criminalRecord())
            let id = try #require(submitted.json["id"] as? String)
            let bearer = [("Authorization", "Bearer \(try live.token(for: .justiceOfficer))")]
            let proxy = Browser(live)
            let queue = try await proxy.send("GET", "/officer/queue", headers: bearer)
            #expect(
                queue.status == 200 && queue.text.contains(StaffMember.justiceOfficer.name) && queue.text.contains(id),
                "\(queue)")
            #expect(
                !queue.setCookies.contains { $0.name == "civicseal" }, "no server-side session for a proxied officer")
            let detail = try await proxy.send("GET", "/officer/requests/\(id)", headers: bearer)
            #expect(detail.status == 200, "\(detail)")
            let csrf = try #require(detail.csrf)
            let version = try #require(detail.firstMatch(#"name="version" value="(\d+)""#))
            let form = "csrf=\(Browser.formEncoded(csrf))&version=\(version)"
            let claimed = try await proxy.send(
                "POST", "/officer/requests/\(id)/claim",
                headers: bearer + [("Content-Type", "application/x-www-form-urlencoded")],
                body: Array(form.utf8))
            #expect(claimed.status == 303 && claimed.header("Location") == "/officer/requests/\(id)", "\(claimed)")
            let state = try await live.client.get("/v1/requests/\(id)", token: try live.token(for: .justiceOfficer))
            #expect((state.json["request"] as? [String: Any])?["status"] as? String == "in_review", "\(state)")
            // Without the header, or with a citizen's token in it, there is no officer.
            #expect(try await Browser(live).get("/officer/queue").header("Location") == "/officer/sign-in")
            let citizen = try await Browser(live).send(
                "GET", "/officer/queue", headers: [("Authorization", "Bearer \(try live.token(for: .man(92)))")])
            #expect(citizen.header("Location") == "/officer/sign-in", "\(citizen)")
        }
        try await withLiveService(transport: .socket) { live in
            let ignored = try await Browser(live).send(
                "GET", "/officer/queue", headers: [("Authorization", "Bearer \(try live.token(for: .justiceOfficer))")])
            #expect(
                ignored.status == 303 && ignored.header("Location") == "/officer/sign-in",
                "the header counts only when trusted: \(ignored)")
        }
    }

    // MARK: The real executable

    /// `civicseal serve ARGUMENTS` with standard error folded into standard output; reads until it prints its
    /// address (then `whileRunning` runs and SIGTERM is sent) or exits. Returns everything printed and how it ended.
    static func serve(
        _ arguments: [String], directory: String,
        whileRunning: @escaping @Sendable (Int) async throws -> Void = { _ in }
    ) async throws -> (output: String, termination: ChildProcess.Termination, port: Int?) {
        let executable = try #require(BuiltProduct.path("civicseal"))
        let child = try ChildProcess(
            "/bin/sh", ["-c", #"exec "$0" serve "$@" 2>&1"#, executable] + arguments, directory: directory,
            error: .discard)
        var printed: [UInt8] = []
        var port: Int?
        while port == nil {
            let chunk = try await HTTPClient.offPool { try child.readOutput() }
            if chunk.isEmpty { break }  // it exited
            printed += chunk
            let text = String(decoding: printed, as: UTF8.self)
            if let range = text.range(of: #"listening on http://[0-9.]+:\d+"#, options: .regularExpression) {
                port = Int(text[range].split(separator: ":").last ?? "")
            }
        }
        if let port {
            do { try await whileRunning(port) } catch {
                child.signal(SIGKILL)
                _ = child.wait()
                throw error
            }
            child.signal(SIGTERM)
            while true {
                let chunk = try await HTTPClient.offPool { try child.readOutput() }
                if chunk.isEmpty { break }
                printed += chunk
            }
        }
        let termination = try await HTTPClient.offPool { child.wait() }
        return (String(decoding: printed, as: UTF8.self), termination, port)
    }

    @Test(
        "the real `civicseal serve`: owner-only keys, development mode, answers, SIGTERM exits 0, database closed",
        .enabled(if: BuiltProduct.path("civicseal") != nil || ExternalTool.isCI), .timeLimit(.minutes(10)))
    func realExecutableFirstStartAndSIGTERM() async throws {
        let folder = TemporaryDirectory("civicseal-serve-exe")
        let data = folder.path + "/data"
        let keys = folder.path + "/keys"
        let result = try await Self.serve(["--port", "0", "--data", data, "--keys", keys], directory: folder.path) {
            port in
            let health = try await HTTPClient(port: port).get("/healthz")
            #expect(health.status == 200, "\(health)")
        }
        #expect(result.port != nil, "it never said where it listens: \(result.output)")
        #expect(result.termination == .exited(0), "\(result.termination): \(result.output)")
        #expect(
            result.output.contains("Created DEVELOPMENT keys") && result.output.contains("DEVELOPMENT MODE"),
            "\(result.output)")
        #expect(result.output.contains("CivicSeal stopped."), "\(result.output)")

        // Every private key is readable by the owner only, in owner-only folders.
        let files = try #require(FileManager.default.subpaths(atPath: keys))
        let privateKeys = files.filter { $0.hasSuffix(".key.pem") || $0.hasSuffix("key.pem") }
        #expect(privateKeys.count >= 3, "root, one seal per department and the identity provider: \(files)")
        for file in privateKeys {
            let mode = try #require(
                try FileManager.default.attributesOfItem(atPath: "\(keys)/\(file)")[.posixPermissions] as? Int)
            #expect(mode == 0o600, "\(file) has mode \(String(mode, radix: 8))")
        }
        let privateFolder = try #require(
            try FileManager.default.attributesOfItem(atPath: keys + "/private")[.posixPermissions] as? Int)
        #expect(privateFolder == 0o700)
        let dataFolder = try #require(try FileManager.default.attributesOfItem(atPath: data)[.posixPermissions] as? Int)
        #expect(dataFolder == 0o700)

        // Closed cleanly: no write-ahead log left, and the audit chain verifies.
        let wal =
            (try? FileManager.default.attributesOfItem(atPath: data + "/civicseal.sqlite-wal")[.size] as? Int) ?? 0
        #expect(wal == 0, "a \(wal)-byte WAL was left behind")
        // Child processes are waited for off the cooperative pool, which the live services of other tests need.
        let verify = try await HTTPClient.offPool {
            try BuiltProduct.run("civicseal", ["audit", "verify", "--data", data])
        }
        #expect(verify.status == 0, "\(verify.text) \(verify.errorText)")
    }

    @Test(
        "the real `civicseal serve --host 0.0.0.0` with development keys exits 78 with why; --development serves",
        .enabled(if: BuiltProduct.path("civicseal") != nil || ExternalTool.isCI), .timeLimit(.minutes(10)))
    func realExecutableRefusesAPublicBindInDevelopment() async throws {
        let folder = TemporaryDirectory("civicseal-serve-exe")
        let keys = folder.path + "/keys"
        let initialised = try await HTTPClient.offPool {
            try BuiltProduct.run("civicseal", ["keys", "init", "--dir", keys])
        }
        #expect(initialised.status == 0)
        let refused = try await Self.serve(
            ["--host", "0.0.0.0", "--port", "0", "--data", folder.path + "/data", "--keys", keys],
            directory: folder.path)
        #expect(refused.port == nil, "it started: \(refused.output)")
        #expect(refused.termination == .exited(78), "\(refused.termination): \(refused.output)")
        #expect(refused.output.contains("development") && refused.output.contains("--development"), "\(refused.output)")
        let allowed = try await Self.serve(
            ["--host", "0.0.0.0", "--port", "0", "--data", folder.path + "/data", "--keys", keys, "--development"],
            directory: folder.path
        ) { port in
            let health = try await HTTPClient(port: port).get("/healthz")
            #expect(health.status == 200)
        }
        #expect(allowed.termination == .exited(0), "\(allowed.output)")
    }
}

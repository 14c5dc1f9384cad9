import CivicSealApp
import CivicSealJSON
import CivicSealServiceTestSupport
import CivicSealTestSupport
import Foundation
import Synchronization
import Testing

@testable import CivicSealPages

/// Signing in through the development identity provider, step by step, and every way it can fail: what the visitor
/// sees, and that nothing is stored.
@Suite("Live pages: sign-in with OpenID Connect, failures, step-up and sign-out")
struct SignInFlowTests {
    /// A browser stopped at the provider's authorize page: the page, the authorize URL's `state`.
    struct AtProvider {
        let form: ClientResponse
        let state: String
    }

    /// Opens `path`'s button and the provider's authorize page.
    static func startSignIn(_ browser: Browser, _ path: String, start: String? = nil) async throws -> AtProvider {
        let page = try await browser.get(path)
        let link = try #require(start ?? page.firstMatch(#"<a[^>]*href="([^"]*)"[^>]*id="sign-in""#), "\(page)")
        let started = try await browser.get(link)
        let location = try #require(started.header("Location"), "\(started)")
        #expect(started.status == 303, "\(started)")
        let state = try #require(
            URLComponents(string: location)?.queryItems?.first { $0.name == "state" }?.value, "\(location)")
        let form = try await browser.get(try Browser.localTarget(location))
        #expect(form.status == 200, "\(form)")
        return AtProvider(form: form, state: state)
    }

    /// Signs in at the provider's page as the person `token` names; the callback address it sends the browser to.
    static func callback(_ browser: Browser, _ at: AtProvider, token: String) async throws -> String {
        let posted = try await browser.authorizeAtDevelopmentProvider(
            at.form, claims: try Browser.identityClaims(of: token))
        let location = try #require(posted.header("Location"), "\(posted)")
        return try Browser.localTarget(location)
    }

    /// What a failure page must never show: the code, the state, a token.
    static func expectNothingSecret(_ response: ClientResponse, _ secrets: [String]) {
        for secret in secrets where secret.count > 6 {
            #expect(!response.text.contains(secret), "a secret on the page")
            #expect(!(response.header("Location") ?? "").contains(secret))
        }
    }

    @Test("a citizen signs in: pre-sign-in cookie sealed, Lax, /sign-in, 10 min; a new session; back to /citizen")
    func citizenSignsIn() async throws {
        try await withLiveService { live in
            let browser = Browser(live)
            let page = try await browser.get("/citizen/sign-in")
            #expect(page.element(id: "sign-in") == PageText.vi("sign-in-national-identity"))
            #expect(!page.text.contains("<textarea"), "no token-paste form")
            let started = try await browser.get("/citizen/sign-in/start")
            let cookie = try #require(started.setCookies.first { $0.name == "civicseal_signin" }, "\(started)")
            #expect(cookie.has("HttpOnly") && cookie.attributes["samesite"] == "Lax")
            #expect(cookie.attributes["path"] == "/sign-in" && cookie.attributes["max-age"] == "600")
            let location = try #require(started.header("Location"))
            let query = try #require(URLComponents(string: location)?.queryItems)
            let state = try #require(query.first { $0.name == "state" }?.value)
            #expect(query.first { $0.name == "code_challenge_method" }?.value == "S256", "PKCE S256: \(location)")
            #expect(!cookie.value.contains(state), "the state is sealed, not readable in the cookie")
            #expect(await live.service.site.sessions.count == 0, "starting a sign-in stores nothing")

            let token = try live.token(for: .man(80))
            let form = try await browser.get(try Browser.localTarget(location))
            let callback = try await browser.get(
                try Self.callback(browser, AtProvider(form: form, state: state), token: token))
            #expect(callback.status == 303 && callback.header("Location") == "/citizen", "\(callback)")
            #expect(callback.setCookies.first { $0.name == "civicseal_signin" }?.expires == true, "pending deleted")
            #expect(callback.setCookies.contains { $0.name == "civicseal" && !$0.expires })
            let home = try await browser.get("/citizen")
            #expect(home.status == 200 && home.text.contains(Person.man(80).name), "\(home)")
            #expect(home.element(id: "flash") == PageText.vi("signed-in"))
            #expect(await live.service.site.sessions.count == 1)
        }
    }

    @Test("a callback whose state is not this browser's is refused on a clear page; nothing stored")
    func wrongStateIsRefused() async throws {
        try await withLiveService { live in
            let browser = Browser(live)
            let at = try await Self.startSignIn(browser, "/citizen/sign-in")
            let callback = try await Self.callback(browser, at, token: try live.token(for: .man(81)))
            let forged = callback.replacingOccurrences(of: "state=" + at.state, with: "state=forged-state-value")
            #expect(forged != callback, "\(callback)")
            let refused = try await browser.get(forged)
            #expect(refused.status == 400, "\(refused)")
            #expect(refused.element(id: "failure-message") == PageText.vi("sign-in-failed-state"), "\(refused)")
            #expect(refused.text.contains(#"href="/citizen/sign-in" id="try-again""#), "a way to try again")
            Self.expectNothingSecret(refused, [at.state, callback])
            #expect(!refused.setCookies.contains { $0.name == "civicseal" && !$0.expires })
            #expect(await live.service.site.sessions.count == 0)
            #expect(try await browser.get("/citizen").header("Location") == "/citizen/sign-in")
        }
    }

    @Test("a code replayed from a copy of the browser is refused by the provider; the first sign-in stands alone")
    func replayedCodeIsRefused() async throws {
        try await withLiveService { live in
            let browser = Browser(live)
            let at = try await Self.startSignIn(browser, "/citizen/sign-in")
            let callback = try await Self.callback(browser, at, token: try live.token(for: .man(82)))
            let copy = Browser(live)
            for (name, value) in browser.cookies { copy.setCookie(name, value) }
            #expect(try await browser.get(callback).status == 303)
            let replayed = try await copy.get(callback)
            #expect(replayed.status == 400, "\(replayed)")
            #expect(replayed.element(id: "failure-message") == PageText.vi("sign-in-failed-code"), "\(replayed)")
            Self.expectNothingSecret(replayed, [at.state, callback])
            #expect(await live.service.site.sessions.count == 1, "only the first sign-in holds a session")
            #expect(try await copy.get("/citizen").header("Location") == "/citizen/sign-in")
            // The same browser again: its pending sign-in is gone.
            let again = try await browser.get(callback)
            #expect(again.element(id: "failure-message") == PageText.vi("sign-in-failed-expired"), "\(again)")
        }
    }

    @Test("a sign-in left more than ten minutes at the provider ends on the expired page; nothing stored")
    func expiredPendingIsRefused() async throws {
        let offset = Mutex<TimeInterval>(0)
        try await withLiveService(configure: { $0.clock = { Date().addingTimeInterval(offset.withLock { $0 }) } }) {
            live in
            let browser = Browser(live)
            let at = try await Self.startSignIn(browser, "/officer/sign-in")
            let callback = try await Self.callback(browser, at, token: try live.token(for: .justiceOfficer))
            offset.withLock { $0 = 601 }
            let refused = try await browser.get(callback)
            #expect(refused.status == 400, "\(refused)")
            #expect(refused.element(id: "failure-message") == PageText.vi("sign-in-failed-expired"), "\(refused)")
            #expect(refused.text.contains(#"href="/officer/sign-in" id="try-again""#))
            #expect(await live.service.site.sessions.count == 0)
        }
    }

    @Test("an altered pre-sign-in cookie, or none, is the expired page, in English too")
    func alteredPendingIsRefused() async throws {
        try await withLiveService { live in
            let browser = Browser(live)
            _ = try await browser.get("/language/en?next=/")
            let at = try await Self.startSignIn(browser, "/citizen/sign-in")
            let callback = try await Self.callback(browser, at, token: try live.token(for: .man(83)))
            let sealed = try #require(browser.cookies["civicseal_signin"])
            let flipped = (sealed.hasSuffix("A") ? sealed.dropLast() + "B" : sealed.dropLast() + "A")
            browser.setCookie("civicseal_signin", String(flipped))
            let refused = try await browser.get(callback)
            #expect(refused.element(id: "failure-message") == PageText.en("sign-in-failed-expired"), "\(refused)")
            #expect(refused.element(id: "failure-heading") == PageText.en("sign-in-failed"))
            #expect(await live.service.site.sessions.count == 0)
        }
    }

    @Test("the provider's error answer (access_denied) ends on the refused page with a way back; nothing stored")
    func providerErrorIsShown() async throws {
        try await withLiveService { live in
            let browser = Browser(live)
            let at = try await Self.startSignIn(browser, "/citizen/sign-in")
            let refused = try await browser.get(
                "/sign-in/callback?error=access_denied&error_description=User+cancelled&state=\(at.state)")
            #expect(refused.status == 403, "\(refused)")
            #expect(refused.element(id: "failure-message") == PageText.vi("sign-in-failed-provider"), "\(refused)")
            #expect(!refused.text.contains("User cancelled"), "the provider's text is not echoed")
            #expect(await live.service.site.sessions.count == 0)
        }
    }

    @Test("a level-1 citizen opening a criminal-record form steps up at the provider and comes back to the form")
    func stepUpReturnsToTheForm() async throws {
        try await withLiveService { live in
            let person = Person.man(84)
            let browser = Browser(live)
            #expect(
                try await browser.signIn("/citizen/sign-in", token: try live.token(for: person, level: 1)).status
                    == 303)
            let form = "/citizen/requests/new?kind=criminal-record"
            let stepUp = try await browser.get(form)
            #expect(stepUp.status == 403 && stepUp.element(id: "step-up-text") == PageText.vi("step-up-text"))
            let start = try #require(stepUp.firstMatch(#"href="([^"]*)" id="step-up""#), "\(stepUp)")
            // Refused again: the provider answers level 1.
            let refusedAt = try await Self.startSignIn(browser, form, start: start)
            let refusal = try await browser.get(
                try Self.callback(browser, refusedAt, token: try live.token(for: person, level: 1)))
            #expect(refusal.status == 403 && refusal.element(id: "failure-message") == PageText.vi("step-up-refused"))
            #expect(try await browser.get("/citizen").status == 200, "still signed in at level 1")
            // At level 2: back to the form, which opens now.
            let at = try await Self.startSignIn(browser, form, start: start)
            let back = try await browser.get(try Self.callback(browser, at, token: try live.token(for: person)))
            #expect(back.status == 303 && back.header("Location") == form, "\(back)")
            let opened = try await browser.get(form)
            #expect(opened.status == 200 && opened.element(id: "step-up-text") == nil, "\(opened)")
            #expect(await live.service.site.sessions.count == 1, "the level-1 session was replaced, not kept beside")
        }
    }

    @Test("a callback the provider's page started (Sec-Fetch-Site: cross-site) moves on by a same-site page")
    func crossSiteCallbackContinuesByPage() async throws {
        try await withLiveService { live in
            let browser = Browser(live)
            let at = try await Self.startSignIn(browser, "/officer/sign-in")
            let callback = try await Self.callback(browser, at, token: try live.token(for: .justiceOfficer))
            let answer = try await browser.send("GET", callback, headers: [("Sec-Fetch-Site", "cross-site")])
            #expect(answer.status == 200, "\(answer)")
            #expect(answer.text.contains(#"<meta http-equiv="refresh" content="0; url=/officer/queue">"#))
            #expect(answer.setCookies.contains { $0.name == "civicseal" && !$0.expires })
            #expect(try await browser.get("/officer/queue").status == 200)
        }
    }

    @Test("sign-out ends the session here and at the provider (RP-initiated), then home; the switch is local only")
    func signOutLocalAndAtTheProvider() async throws {
        try await withLiveService { live in
            let citizen = Browser(live)
            #expect(try await citizen.signIn("/citizen/sign-in", token: try live.token(for: .man(85))).status == 303)
            let home = try await citizen.get("/citizen")
            let out = try await citizen.post("/sign-out", [("csrf", try #require(home.csrf))])
            #expect(out.status == 200, "\(out)")
            #expect(out.setCookies.first { $0.name == "civicseal" }?.expires == true)
            let endSession = try #require(
                out.firstMatch(#"<meta http-equiv="refresh" content="0; url=([^"]*)">"#), "\(out)")
            let components = try #require(URLComponents(string: endSession))
            #expect(components.path.hasSuffix("/end-session"), "\(endSession)")
            #expect(components.queryItems?.contains { $0.name == "id_token_hint" } == true)
            let back = try #require(components.queryItems?.first { $0.name == "post_logout_redirect_uri" }?.value)
            #expect(back.hasSuffix("/") && URLComponents(string: back)?.path == "/", "\(back)")
            #expect(await live.service.site.sessions.count == 0)
            #expect(try await citizen.get("/citizen").header("Location") == "/citizen/sign-in")
            let provider = try await citizen.get(try Browser.localTarget(endSession))
            #expect([302, 303].contains(provider.status) && provider.header("Location") == back, "\(provider)")

            // "Sign out and continue as an officer" signs out here only, straight to the officer sign-in.
            #expect(try await citizen.signIn("/citizen/sign-in", token: try live.token(for: .man(85))).status == 303)
            let notice = try await citizen.get("/officer/sign-in")
            let local = try await citizen.post(
                "/sign-out", [("csrf", try #require(notice.csrf)), ("next", "/officer/sign-in")])
            #expect(local.status == 303 && local.header("Location") == "/officer/sign-in", "\(local)")
            #expect(await live.service.site.sessions.count == 0)
        }
    }

    @Test("a citizen provider that cannot be reached ends on the unreachable page (502); the officer side still works")
    func unreachableProviderIsExplained() async throws {
        let folder = TemporaryDirectory("civicseal-unreachable-provider")
        let keys = folder.path + "/keys"
        _ = try DevelopmentPKI.initialize(directory: keys)
        // A configured citizen provider, listed before the development one, on a port where nothing listens.
        let file = keys + "/trusted-issuers.json"
        guard case .object(var root) = try JSONValue(parsing: Array(try Data(contentsOf: URL(fileURLWithPath: file)))),
            case .array(let issuers) = root["issuers"]
        else { throw ClientError(description: "unexpected trusted-issuers.json") }
        _ = try folder.write("keys/private/unreachable.secret", text: "not-a-real-secret-0123456789\n")
        let unreachable: JSONValue = [
            "issuer": "https://127.0.0.1:1/unreachable", "discovery": true, "principals": ["citizen"],
            "algorithms": ["ES256"], "development": false, "clientID": "civicseal",
            "clientAuthentication": ["method": "client_secret_basic", "secretFile": "private/unreachable.secret"],
        ]
        root["issuers"] = .array([unreachable] + issuers)
        try Data(JSONValue.object(root).serialized().utf8).write(to: URL(fileURLWithPath: file))
        let live = try LiveService.start(in: folder)
        do {
            let browser = Browser(live)
            let refused = try await browser.signIn("/citizen/sign-in", token: try live.token(for: .man(86)))
            #expect(refused.status == 502, "\(refused)")
            #expect(refused.element(id: "failure-message") == PageText.vi("sign-in-failed-unreachable"), "\(refused)")
            #expect(!refused.text.contains("127.0.0.1:1"), "the provider's address is not shown")
            #expect(browser.cookies["civicseal_signin"] == nil, "nothing pending")
            #expect(await live.service.site.sessions.count == 0)
            let officer = Browser(live)
            #expect(
                try await officer.signIn("/officer/sign-in", token: try live.token(for: .justiceOfficer)).status == 303)
        } catch {
            await live.stop()
            throw error
        }
        await live.stop()
    }
}

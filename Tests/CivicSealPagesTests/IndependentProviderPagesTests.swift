import CivicSealApp
import CivicSealServiceTestSupport
import CivicSealTestSupport
import Foundation
import Testing

@testable import CivicSealPages

/// The sign-in pages against an OpenID provider nobody here wrote (Authlib's, over TLS under a test CA), configured
/// as an operator would: what a visitor sees when the provider signs them in, misbehaves, rotates its key, or is
/// asked for level 2.
@Suite(.enabled(if: IndependentProvider.isUsable), .serialized)
struct IndependentProviderPagesTests {
    /// Our public origin for these in-process runs (the browser here follows redirects by path).
    static let origin = "https://civicseal.test"

    /// The provider and a service that trusts it alone.
    static func withProvider(_ body: (IndependentProvider, LiveService) async throws -> Void) async throws {
        var options = IndependentProvider.Options()
        options.redirectURIs = [origin + "/sign-in/callback"]
        options.postLogoutRedirectURIs = [origin + "/"]
        let provider = try await IndependentProvider.start(options)
        defer { provider.stop() }
        let folder = TemporaryDirectory("civicseal-pages-provider")
        _ = try DevelopmentPKI.initialize(directory: folder.path + "/keys")
        try provider.trustAsOnlyProvider(keysDirectory: folder.path + "/keys")
        let live = try LiveService.start(in: folder) { $0.publicBaseURL = origin }
        do { try await body(provider, live) } catch {
            await live.stop()
            throw error
        }
        await live.stop()
    }

    /// The visitor's start (`start`, or the sign-in page's button), `user` picked at the provider, and the answer
    /// of our callback; `beforeCallback` runs while the browser is at the provider.
    static func signIn(
        _ browser: Browser, _ provider: IndependentProvider, _ user: IndependentProvider.User,
        start: String = "/citizen/sign-in/start", beforeCallback: () async throws -> Void = {}
    ) async throws -> ClientResponse {
        let started = try await browser.get(start)
        let location = try #require(started.header("Location"), "\(started)")
        #expect(location.hasPrefix(provider.issuer + "/"), "\(location)")
        let answer = try await provider.signIn(user, authorizationURL: location)
        try await beforeCallback()
        var callback = URLComponents()
        callback.queryItems = answer.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
        return try await browser.get("/sign-in/callback?" + (callback.percentEncodedQuery ?? ""))
    }

    @Test("a citizen and an officer (roles and department from the configured claims) sign in; sign-out goes there")
    func citizenAndOfficerSignIn() async throws {
        try await Self.withProvider { provider, live in
            let citizen = Browser(live)
            let signedIn = try await Self.signIn(citizen, provider, .citizenLevel2)
            #expect(signedIn.status == 303 && signedIn.header("Location") == "/citizen", "\(signedIn)")
            let home = try await citizen.get("/citizen")
            #expect(home.status == 200 && home.text.contains("Nguyễn Thị Ánh Tuyết"), "\(home)")
            #expect(try await citizen.get("/citizen/requests/new?kind=criminal-record").status == 200, "level 2")

            let officer = Browser(live)
            let staff = try await Self.signIn(officer, provider, .justiceOfficer, start: "/officer/sign-in/start")
            #expect(staff.status == 303 && staff.header("Location") == "/officer/queue", "\(staff)")
            let queue = try await officer.get("/officer/queue")
            #expect(queue.status == 200 && queue.text.contains("Trần Đức Lương"), "\(queue)")

            let out = try await citizen.post("/sign-out", [("csrf", try #require(home.csrf))])
            let endSession = try #require(out.firstMatch(#"<meta http-equiv="refresh" content="0; url=([^"]*)">"#))
            #expect(endSession.hasPrefix(provider.issuer + "/"), "\(endSession)")
            let atProvider = try await provider.curl([endSession])
            #expect(atProvider.location == Self.origin + "/", "\(atProvider.status) \(atProvider.body)")
            #expect(try await provider.endSessions() == 1)
            #expect(await live.service.site.sessions.count == 1, "the officer is still signed in")
        }
    }

    @Test("an ID token with a wrong nonce, or for another audience, ends on the refused page; nothing stored")
    func wrongNonceAndAudienceAreRefused() async throws {
        try await Self.withProvider { provider, live in
            for misbehaviour in [
                IndependentProvider.Misbehaviour(wrongNonce: true),
                IndependentProvider.Misbehaviour(wrongNonce: false, wrongAudience: true),
            ] {
                try await provider.setMisbehaviour(misbehaviour)
                let browser = Browser(live)
                let refused = try await Self.signIn(browser, provider, .citizenLevel2)
                #expect(refused.status == 400, "\(misbehaviour): \(refused)")
                #expect(refused.element(id: "failure-message") == PageText.vi("sign-in-failed-token"), "\(refused)")
                #expect(refused.text.contains(#"href="/citizen/sign-in" id="try-again""#))
                #expect(await live.service.site.sessions.count == 0)
            }
        }
    }

    @Test("a code that expired at the provider ends on the code page; a key rotated between two sign-ins is fine")
    func expiredCodeAndKeyRotation() async throws {
        try await Self.withProvider { provider, live in
            let late = try await Self.signIn(Browser(live), provider, .citizenLevel2) {
                try await provider.expireCodes()
            }
            #expect(late.element(id: "failure-message") == PageText.vi("sign-in-failed-code"), "\(late)")
            #expect(try await Self.signIn(Browser(live), provider, .citizenLevel2).status == 303)
            _ = try await provider.rotate(dropPrevious: true)
            let afterRotation = try await Self.signIn(
                Browser(live), provider, .justiceOfficer, start: "/officer/sign-in/start")
            #expect(afterRotation.status == 303, "the new key is fetched, no restart: \(afterRotation)")
        }
    }

    @Test("a level-1 citizen is sent back for level 2 (acr_values asked); the provider's level 1 is refused clearly")
    func stepUpAtTheProvider() async throws {
        try await Self.withProvider { provider, live in
            let browser = Browser(live)
            #expect(try await Self.signIn(browser, provider, .citizenLevel1).status == 303)
            let stepUp = try await browser.get("/citizen/requests/new?kind=criminal-record")
            let start = try #require(stepUp.firstMatch(#"href="([^"]*)" id="step-up""#), "\(stepUp)")
            let started = try await browser.get(start)
            let location = try #require(started.header("Location"))
            #expect(
                URLComponents(string: location)?.queryItems?.first { $0.name == "acr_values" }?.value == "level2",
                "\(location)")
            let answer = try await provider.signIn(.citizenLevel1, authorizationURL: location)
            var callback = URLComponents()
            callback.queryItems = answer.map { URLQueryItem(name: $0.key, value: $0.value) }
            let refused = try await browser.get("/sign-in/callback?" + (callback.percentEncodedQuery ?? ""))
            #expect(refused.status == 403 && refused.element(id: "failure-message") == PageText.vi("step-up-refused"))
            #expect(try await browser.get("/citizen").status == 200, "still signed in at level 1")
        }
    }
}

import CivicSealApp
import CivicSealServiceTestSupport
import CivicSealTestSupport
import Foundation
import Testing

@testable import CivicSealPages

/// Finding 6 of issue #12: session floods must not log anyone out. Anonymous visitors keep nothing on the server;
/// one person's sign-ins end only their own older sessions; a full store refuses new sign-ins and keeps everyone.
/// Small configured capacities keep every loop short.
@Suite("Live pages: session floods")
struct SessionFloodTests {
    @Test(
        "120 cookieless page views and sign-in starts store nothing; an earlier visitor still signs in"
    )
    func anonymousFloodStoresNothing() async throws {
        try await withLiveService(configure: { $0.sessionCapacity = 2 }) { live in
            let web = live.service.site
            let victim = Browser(live)
            _ = try await victim.get("/citizen/sign-in")
            let pages = [
                "/", "/verify", "/officer/sign-in", "/citizen/sign-in", "/v/00000000000000000000000000",
                "/citizen/sign-in/start", "/officer/sign-in/start",
            ]
            for index in 0..<120 { _ = try await Browser(live).get(pages[index % pages.count]) }
            #expect(await web.sessions.count == 0, "anonymous page views created sessions")
            let signedIn = try await victim.signIn("/citizen/sign-in", token: try live.token(for: .man(60)))
            #expect(signedIn.status == 303 && signedIn.header("Location") == "/citizen", "\(signedIn)")
            #expect(try await victim.get("/citizen").status == 200)
            #expect(await web.sessions.count == 1)
        }
    }

    @Test("sixty sign-ins with one citizen token keep that citizen at ten sessions and never sign the officer out")
    func oneCitizensSignInsDoNotEvictAnOfficer() async throws {
        try await withLiveService(configure: { $0.sessionCapacity = 30 }) { live in
            let web = live.service.site
            let officer = Browser(live)
            #expect(
                try await officer.signIn("/officer/sign-in", token: try live.token(for: .justiceOfficer))
                    .status == 303)
            let token = try live.token(for: .man(61))
            var browsers: [Browser] = []
            for _ in 0..<60 {
                let browser = Browser(live)
                let response = try await browser.signIn("/citizen/sign-in", token: token)
                #expect(response.status == 303, "\(response)")
                browsers.append(browser)
            }
            let queue = try await officer.get("/officer/queue")
            #expect(queue.status == 200, "the officer was signed out by someone else's sign-ins: \(queue)")
            #expect(await web.sessions.count == 11)
            // The citizen's ten most recent sign-ins work; the earliest ones have ended.
            #expect(try await browsers.last!.get("/citizen").status == 200)
            #expect(try await browsers.first!.get("/citizen").header("Location") == "/citizen/sign-in")
        }
    }

    @Test(
        "a full session store answers a sign-in with a 503 page and Retry-After; everyone signed in stays so"
    )
    func fullStoreRefusesNewSignIns() async throws {
        try await withLiveService(configure: { $0.sessionCapacity = 3 }) { live in
            let officer = Browser(live)
            #expect(
                try await officer.signIn("/officer/sign-in", token: try live.token(for: .justiceOfficer))
                    .status == 303)
            var citizens: [Browser] = []
            for number in 62...63 {
                let browser = Browser(live)
                #expect(
                    try await browser.signIn(
                        "/citizen/sign-in", token: try live.token(for: .man(number))
                    ).status == 303)
                citizens.append(browser)
            }
            for number in 64..<74 {  // newcomers, and each retrying
                let newcomer = Browser(live)
                let refused = try await newcomer.signIn("/citizen/sign-in", token: try live.token(for: .man(number)))
                #expect(refused.status == 503, "\(refused)")
                #expect(refused.header("Retry-After") == "60")
                #expect(refused.text.contains(PageText.vi("error-busy-text")), "a clear page says why")
                #expect(
                    !refused.setCookies.contains { $0.name == "civicseal" }, "no session cookie for a refused sign-in")
            }
            #expect(try await officer.get("/officer/queue").status == 200)
            for citizen in citizens { #expect(try await citizen.get("/citizen").status == 200) }
            // When someone signs out, the next sign-in fits.
            let csrf = try #require(try await citizens[0].get("/citizen").csrf)
            #expect(try await citizens[0].post("/sign-out", [("csrf", csrf)]).status == 200)
            #expect(
                try await Browser(live).signIn("/citizen/sign-in", token: try live.token(for: .man(64)))
                    .status == 303)
        }
    }
}

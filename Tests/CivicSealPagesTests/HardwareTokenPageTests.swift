import CivicSealApp
import CivicSealServiceTestSupport
import CivicSealTestSupport
import Foundation
import Testing

/// The officer's pages when the signing keys live in a PKCS#11 token that goes away (issue #17).
@Suite("Pages with keys in a PKCS#11 token", .enabled(if: ExternalTool.isUsable("softhsm2-util")))
struct HardwareTokenPageTests {
    @Test("approving while the token is gone: a 503 page says the decision is recorded and the document will follow")
    func approvalWithVanishedTokenSaysTheDecisionIsRecorded() async throws {
        let token = try SoftHSMToken.make()
        let folder = TemporaryDirectory("civicseal-token-pages")
        let pinFile = try folder.write("token-pin", text: token.pin + "\n")
        chmod(pinFile, 0o600)
        let location = try TokenLocation(
            uri: token.uri.description, module: token.modulePath, pin: "file:\(pinFile)", context: "test")
        _ = try DevelopmentPKI.initialize(directory: folder.path + "/keys", token: location)
        let live = try LiveService.start(in: folder)
        do {
            let person = Person.man(474)
            let submitted = try await live.client.post(
                "/v1/requests", token: try live.token(for: person), json: Bodies.criminalRecord())
            let id = try #require(submitted.json["id"] as? String, "\(submitted)")
            let officer = Browser(live)
            #expect(
                try await officer.signIn("/officer/sign-in", token: try live.token(for: .justiceOfficer)).status == 303)
            let detail = try await officer.get("/officer/requests/\(id)")
            let version = try #require(detail.firstMatch(#"name="version" value="(\d+)""#))
            let claimed = try await officer.post(
                "/officer/requests/\(id)/claim", [("csrf", try #require(detail.csrf)), ("version", version)])
            #expect(claimed.status == 303, "\(claimed)")
            let review = try await officer.get("/officer/requests/\(id)")
            let reviewVersion = try #require(review.firstMatch(#"name="version" value="(\d+)""#))
            try token.remove()
            let findings =
                ["judgmentDate", "judgmentNumber", "court", "crime", "articles", "mainPenalty"].map {
                    ("findings.convictions[0].\($0)", "")
                } + [("step", "confirm")]
            let approved = try await officer.post(
                "/officer/requests/\(id)/approve",
                [("csrf", try #require(review.csrf)), ("version", reviewVersion)] + findings)
            #expect(approved.status == 503, "\(approved)")
            #expect(approved.header("Retry-After") == "30")
            #expect(approved.text.contains(PageText.vi("error-signing-key-text")), "\(approved)")
            #expect(!approved.text.contains(token.pin))
            let after = try await officer.get("/officer/requests/\(id)")
            #expect(after.firstMatch(#"id="request-state" data-state="([a-z_]+)""#) == "approved")
        } catch {
            await live.stop()
            throw error
        }
        await live.stop()
    }
}

import CivicSealApp
import CivicSealServiceTestSupport
import CivicSealTestSupport
import Foundation
import Testing

@testable import CivicSealPages

/// Finding 22 of issue #12: the page flows that only had refusals tested, now carried through to success as a
/// browser without JavaScript does — health-certificate and extract forms, request-info then supplement, reject,
/// cancel — each checked by what the citizen and the API then show.
@Suite("Live pages: the whole flows")
struct PageFlowTests {
    /// The fields every citizen form ends with.
    static let contact: [(String, String)] = [
        ("contact.phone", "0987654321"), ("contact.email", "thu@example.vn"), ("copies", "1"),
        ("delivery.method", "electronic"),
        ("delivery.postalAddress.line", ""),
    ]

    static func signedInCitizen(_ live: LiveService, _ person: Person) async throws -> Browser {
        let browser = Browser(live)
        let signedIn = try await browser.signIn("/citizen/sign-in", token: try live.token(for: person))
        #expect(signedIn.status == 303, "\(signedIn)")
        return browser
    }

    /// Posts the form for `kind` with `fields`; returns the new request's id from the redirect.
    static func submit(_ browser: Browser, kind: String, _ fields: [(String, String)]) async throws -> String {
        let form = try await browser.get("/citizen/requests/new?kind=\(kind)")
        #expect(form.status == 200, "\(form)")
        let key = try #require(form.firstMatch(#"name="idempotencyKey" value="([^"]+)""#))
        let posted = try await browser.post(
            "/citizen/requests",
            [("csrf", try #require(form.csrf)), ("kind", kind), ("idempotencyKey", key)] + fields + contact)
        #expect(posted.status == 303, "\(kind): \(posted.status) \(posted.text.prefix(2000))")
        let location = try #require(posted.header("Location"), "\(kind): no redirect")
        #expect(location.hasPrefix("/citizen/requests/"))
        return String(location.dropFirst("/citizen/requests/".count))
    }

    static func state(_ page: ClientResponse) -> String? {
        page.firstMatch(#"id="request-state" data-state="([a-z_]+)""#)
    }

    @Test(
        "a citizen sends a health-certificate request by form: stored as typed, routed to health, submitted"
    )
    func healthCertificateFormSucceeds() async throws {
        try await withLiveService { live in
            let person = Person.man(71)
            let browser = try await Self.signedInCitizen(live, person)
            let id = try await Self.submit(
                browser, kind: "health-certificate",
                [
                    ("request.certificateType", "driving-licence"), ("request.licenceClass", "B"),
                    ("request.purpose", "Đổi giấy phép lái xe"),
                    ("particulars.currentResidence.line", "12 Phố Huế, Hà Nội"),
                ])
            let page = try await browser.get("/citizen/requests/\(id)")
            #expect(page.status == 200 && Self.state(page) == "submitted", "\(page)")
            #expect(page.element(id: "flash") == PageText.vi("submitted"))
            let detail = try await live.client.get("/v1/requests/\(id)", token: try live.token(for: person))
            let request = try #require(detail.json["request"] as? [String: Any], "\(detail)")
            #expect(
                request["kind"] as? String == "health-certificate"
                    && request["department"] as? String == "health-hanoi", "\(detail)")
            #expect(
                detail.text.contains("driving-licence") && detail.text.contains("Đổi giấy phép lái xe"), "\(detail)")
            // The health officer sees it in the queue.
            let queue = try await live.client.get("/v1/queues/health-hanoi", token: try live.token(for: .healthOfficer))
            #expect(queue.text.contains(id), "\(queue)")
        }
    }

    @Test("a citizen sends a health-book extract request through the form with the sections ticked")
    func extractFormSucceeds() async throws {
        try await withLiveService { live in
            let person = Person.man(72)
            let browser = try await Self.signedInCitizen(live, person)
            let id = try await Self.submit(
                browser, kind: "health-book-extract",
                [
                    ("request.sections.vaccinations", "yes"), ("request.sections.allergies", "yes"),
                    ("request.from", "2020-01-01"),
                    ("request.to", ""), ("request.purpose", "Nộp hồ sơ du học"),
                    ("particulars.currentResidence.line", "12 Phố Huế, Hà Nội"),
                ])
            let page = try await browser.get("/citizen/requests/\(id)")
            #expect(Self.state(page) == "submitted", "\(page)")
            let detail = try await live.client.get("/v1/requests/\(id)", token: try live.token(for: person))
            #expect(
                (detail.json["request"] as? [String: Any])?["kind"] as? String == "health-book-extract", "\(detail)")
            #expect(
                detail.text.contains("vaccinations") && detail.text.contains("allergies")
                    && !detail.text.contains("encounters"), "\(detail)")
        }
    }

    /// A criminal-record request (through the API), claimed by the justice officer through the pages; returns the id,
    /// the officer's browser and the request page's CSRF token and version after the claim.
    static func claimed(_ live: LiveService, _ person: Person) async throws -> (
        String, Browser, csrf: String, version: String
    ) {
        let submitted = try await live.client.post(
            "/v1/requests", token: try live.token(for: person), json: Bodies.criminalRecord())
        let id = try #require(submitted.json["id"] as? String, "\(submitted)")
        let officer = Browser(live)
        #expect(
            try await officer.signIn("/officer/sign-in", token: try live.token(for: .justiceOfficer))
                .status == 303)
        let detail = try await officer.get("/officer/requests/\(id)")
        let version = try #require(detail.firstMatch(#"name="version" value="(\d+)""#))
        let claim = try await officer.post(
            "/officer/requests/\(id)/claim", [("csrf", try #require(detail.csrf)), ("version", version)])
        #expect(claim.status == 303, "\(claim)")
        let review = try await officer.get("/officer/requests/\(id)")
        #expect(Self.state(review) == "in_review")
        return (
            id, officer, try #require(review.csrf), try #require(review.firstMatch(#"name="version" value="(\d+)""#))
        )
    }

    @Test(
        "officer asks for information by page; citizen reads why, supplements by form; the request is queued again"
    )
    func requestInfoThenSupplement() async throws {
        try await withLiveService { live in
            let person = Person.man(73)
            let (id, officer, csrf, version) = try await Self.claimed(live, person)
            let asked = try await officer.post(
                "/officer/requests/\(id)/request-info",
                [("csrf", csrf), ("version", version), ("info.reason", "Bổ sung nơi cư trú từ năm 2004")])
            #expect(asked.status == 303 && asked.header("Location") == "/officer/requests/\(id)", "\(asked)")
            #expect(Self.state(try await officer.get("/officer/requests/\(id)")) == "needs_info")

            let citizen = try await Self.signedInCitizen(live, person)
            let page = try await citizen.get("/citizen/requests/\(id)")
            #expect(Self.state(page) == "needs_info" && page.text.contains("Bổ sung nơi cư trú từ năm 2004"), "\(page)")
            let form = try await citizen.get("/citizen/requests/\(id)/supplement")
            #expect(
                form.status == 200 && form.inputValue(id: "f-request-purpose") == "Xin việc",
                "the form starts from what was sent: \(form)")
            var fields = WebPagesTests.criminalRecordForm(
                key: "unused", purpose: "Xin việc làm", phone: "0987654321",
                rows: [
                    ["1985-03-02", "2003-12-31", "45 Lê Lợi, TP Hồ Chí Minh", "Học sinh"],
                    ["2004-01-01", "", "12 Phố Huế, Hà Nội", "Kỹ sư"],
                ])
            fields.removeAll { $0.0 == "kind" || $0.0 == "idempotencyKey" }
            let sent = try await citizen.post(
                "/citizen/requests/\(id)/supplement", [("csrf", try #require(form.csrf))] + fields)
            #expect(
                sent.status == 303 && sent.header("Location") == "/citizen/requests/\(id)",
                "\(sent.status) \(sent.text.prefix(3000))")
            let after = try await citizen.get("/citizen/requests/\(id)")
            #expect(after.element(id: "flash") == PageText.vi("supplemented"))
            #expect(Self.state(after) != "needs_info", "\(Self.state(after) ?? "?")")
            let detail = try await live.client.get("/v1/requests/\(id)", token: try live.token(for: person))
            #expect(
                detail.text.contains("Xin việc làm") && detail.text.contains("12 Phố Huế, Hà Nội"),
                "the supplement is stored: \(detail)")
            let queue = try await live.client.get(
                "/v1/queues/justice-hanoi?status=\(Self.state(after) ?? "submitted")",
                token: try live.token(for: .justiceOfficer))
            #expect(queue.text.contains(id), "back in the department's queue: \(queue)")
        }
    }

    @Test(
        "an officer rejects by page with reasons; the citizen sees the rejection and reason, and cannot cancel"
    )
    func rejectThroughThePage() async throws {
        try await withLiveService { live in
            let person = Person.man(74)
            let (id, officer, csrf, version) = try await Self.claimed(live, person)
            let rejected = try await officer.post(
                "/officer/requests/\(id)/reject",
                [("csrf", csrf), ("version", version), ("reject.reason", "Không thuộc thẩm quyền")])
            #expect(rejected.status == 303, "\(rejected)")
            #expect(try await officer.get("/officer/requests/\(id)").element(id: "flash") == PageText.vi("rejected"))
            let citizen = try await Self.signedInCitizen(live, person)
            let page = try await citizen.get("/citizen/requests/\(id)")
            #expect(Self.state(page) == "rejected" && page.text.contains("Không thuộc thẩm quyền"), "\(page)")
            #expect(!page.text.contains("/cancel"), "a rejected request offers no cancel")
        }
    }

    @Test(
        "a citizen withdraws via a confirmation page; an unconfirmed post changes nothing; it leaves the queue"
    )
    func cancelThroughThePage() async throws {
        try await withLiveService { live in
            let person = Person.man(75)
            let citizen = try await Self.signedInCitizen(live, person)
            let submitted = try await live.client.post(
                "/v1/requests", token: try live.token(for: person), json: Bodies.criminalRecord())
            let id = try #require(submitted.json["id"] as? String)
            let page = try await citizen.get("/citizen/requests/\(id)")
            // The request page links to the confirmation; it has no one-click withdrawal form.
            #expect(page.text.contains(#"href="/citizen/requests/\#(id)/cancel""#), "\(page)")
            #expect(!page.text.contains(#"action="/citizen/requests/\#(id)/cancel""#), "\(page)")
            let confirm = try await citizen.get("/citizen/requests/\(id)/cancel")
            #expect(confirm.status == 200 && confirm.text.contains(PageText.vi("citizen-withdraw-title")), "\(confirm)")
            #expect(
                confirm.text.contains(#"href="/citizen/requests/\#(id)" id="keep-request""#), "a way back: \(confirm)")
            // A post without the confirmation (an old page, a crafted form) only shows the question.
            let unconfirmed = try await citizen.post(
                "/citizen/requests/\(id)/cancel", [("csrf", try #require(page.csrf))])
            #expect(
                unconfirmed.status == 303 && unconfirmed.header("Location") == "/citizen/requests/\(id)/cancel",
                "\(unconfirmed)")
            #expect(Self.state(try await citizen.get("/citizen/requests/\(id)")) == "submitted")
            let cancelled = try await citizen.post(
                "/citizen/requests/\(id)/cancel", [("csrf", try #require(confirm.csrf)), ("confirm", "yes")])
            #expect(
                cancelled.status == 303 && cancelled.header("Location") == "/citizen/requests/\(id)", "\(cancelled)")
            let after = try await citizen.get("/citizen/requests/\(id)")
            #expect(
                Self.state(after) == "cancelled" && after.element(id: "flash") == PageText.vi("cancelled"), "\(after)")
            let queue = try await live.client.get(
                "/v1/queues/justice-hanoi", token: try live.token(for: .justiceOfficer))
            #expect(!queue.text.contains(id), "\(queue)")
        }
    }
}

import CivicSealApp
import CivicSealDocuments
import CivicSealRecords
import CivicSealServiceTestSupport
import CivicSealTestSupport
import CivicSealWebKit
import CivicSealWorkflow
import Foundation
import Testing

@testable import CivicSealPages

/// The server-rendered pages over a live server, as a browser (or an attacker with one) sees them: cookies, CSRF,
/// sign-in and the citizen's form with its messages. The officer's pages, verification and the catalogue have their own
/// suites; the helpers here serve all of them.
@Suite("Live pages: sessions, CSRF, sign-in, the citizen's form")
struct WebPagesTests {
    // MARK: Sessions and cookies

    @Test(
        "anonymous visitors get only a CSRF nonce cookie (HttpOnly, SameSite=Strict, host-only), set once; no session"
    )
    func anonymousCookieOnLoopback() async throws {
        try await withLiveService { live in
            let browser = Browser(live)
            let home = try await browser.get("/")
            #expect(home.status == 200, "\(home)")
            let cookie = try #require(home.setCookies.first { $0.name == "civicseal_csrf" }, "\(home.headers)")
            #expect(cookie.value.count == 43, "256 random bits as base64url")
            #expect(
                cookie.has("HttpOnly") && cookie.attributes["samesite"] == "Strict" && cookie.attributes["path"] == "/")
            #expect(!cookie.has("Secure"), "plain-HTTP loopback development: a Secure cookie would never come back")
            #expect(
                !cookie.has("Domain") && !cookie.has("Max-Age") && !cookie.has("Expires"),
                "host-only, ends with the browser")
            #expect(
                !home.setCookies.contains { $0.name.hasPrefix("__Host-") || $0.name == "civicseal" },
                "no session before sign-in")
            #expect(home.header("Cache-Control") == "no-store")
            #expect(home.header("X-Frame-Options") == "DENY")
            // The cookie is sent back: no new cookie.
            let again = try await browser.get("/verify")
            #expect(again.status == 200 && again.setCookies.isEmpty, "\(again.headers)")
            #expect(browser.cookies["civicseal_csrf"] == cookie.value)
            // A made-up session id is not adopted: it signs nobody in.
            let planted = Browser(live)
            planted.setCookie("civicseal", String(repeating: "A", count: 43))
            let refused = try await planted.get("/officer/queue")
            #expect(refused.status == 303 && refused.header("Location") == "/officer/sign-in", "\(refused)")
            #expect(await live.service.site.sessions.count == 0, "anonymous visits keep nothing on the server")
        }
    }

    @Test("with secureCookies the session cookie is __Host-civicseal with Secure (and the pages work with it)")
    func secureCookiesUseTheHostPrefix() async throws {
        try await withLiveService(configure: { $0.secureCookies = true }) { live in
            let browser = Browser(live)
            let page = try await browser.get("/officer/sign-in")
            let cookie = try #require(page.setCookies.first { $0.name == "__Host-civicseal_csrf" }, "\(page.headers)")
            #expect(cookie.has("Secure") && cookie.has("HttpOnly") && cookie.attributes["samesite"] == "Strict")
            #expect(cookie.attributes["path"] == "/" && !cookie.has("Domain"), "__Host- requires Path=/ and no Domain")
            #expect(!page.setCookies.contains { $0.name == "civicseal" || $0.name == "civicseal_csrf" })
            let language = try await browser.get("/language/en?next=/verify")
            #expect(language.setCookies.first { $0.name == "civicseal_lang" }?.has("Secure") == true)
            let signedIn = try await browser.signIn("/officer/sign-in", token: try live.token(for: .justiceOfficer))
            #expect(signedIn.status == 303 && signedIn.header("Location") == "/officer/queue", "\(signedIn)")
            let session = try #require(signedIn.setCookies.first { $0.name == "__Host-civicseal" })
            #expect(
                session.has("Secure") && session.has("HttpOnly") && session.attributes["path"] == "/"
                    && !session.has("Domain"))
            #expect(session.value != cookie.value)
            #expect(try await browser.get("/officer/queue").status == 200)
        }
    }

    // MARK: CSRF

    @Test(
        "every form POST without session cookie, or a missing or foreign CSRF token, is a 403 that changes nothing"
    )
    func formPostsWithoutSessionOrTokenAreRefused() async throws {
        try await withLiveService { live in
            let person = Person.man(51)
            let citizenToken = try live.token(for: person)
            let officerToken = try live.token(for: .justiceOfficer)
            let submitted = try await live.client.post(
                "/v1/requests", token: citizenToken, json: Bodies.criminalRecord())
            let requestID = try #require(submitted.json["id"] as? String, "\(submitted)")

            let citizen = Browser(live)
            #expect(try await citizen.signIn("/citizen/sign-in", token: citizenToken).status == 303)
            let officer = Browser(live)
            #expect(try await officer.signIn("/officer/sign-in", token: officerToken).status == 303)
            let verifier = Browser(live)
            let citizenCSRF = try #require(try await citizen.get("/citizen/requests/new?kind=criminal-record").csrf)
            let officerCSRF = try #require(try await officer.get("/officer/requests/\(requestID)").csrf)
            let verifierCSRF = try #require(try await verifier.get("/verify").csrf)
            let form = Self.criminalRecordForm(
                key: "csrf-test", purpose: "Xin việc", phone: "0987654321", rows: Self.validRows)

            // (browser, path, fields besides csrf, that browser's own token)
            let posts: [(Browser, String, [(String, String)], String)] = [
                (citizen, "/citizen/requests", form, citizenCSRF),
                (citizen, "/citizen/requests/\(requestID)/cancel", [], citizenCSRF),
                (citizen, "/citizen/requests/\(requestID)/supplement", form, citizenCSRF),
                (citizen, "/sign-out", [], citizenCSRF),
                (officer, "/officer/requests/\(requestID)/claim", [("version", "1")], officerCSRF),
                (officer, "/officer/requests/\(requestID)/approve", [("version", "1")], officerCSRF),
                (
                    officer, "/officer/requests/\(requestID)/request-info",
                    [("version", "1"), ("info.reason", "Thiếu giấy tờ")], officerCSRF
                ),
                (
                    officer, "/officer/requests/\(requestID)/reject",
                    [("version", "1"), ("reject.reason", "Không đủ điều kiện")], officerCSRF
                ),
                (
                    officer, "/officer/requests/\(requestID)/revoke",
                    [("revoke.reasonCode", "issued-in-error"), ("revoke.reason", "Thu hồi")], officerCSRF
                ),
                (
                    officer, "/officer/requests/\(requestID)/revoke-confirm",
                    [
                        ("documentId", "00000000000000000000000000"), ("revoke.reasonCode", "issued-in-error"),
                        ("revoke.reason", "Thu hồi"),
                    ],
                    officerCSRF
                ),
                (
                    officer, "/officer/requests/\(requestID)/set-complexity",
                    [("complexity", "foreigner"), ("complexity.reason", "Lý do")], officerCSRF
                ),
                (officer, "/sign-out", [], officerCSRF),
                (verifier, "/v/00000000000000000000000000", [("fullName", person.name)], verifierCSRF),
            ]
            for (browser, path, fields, token) in posts {
                let foreign = token == officerCSRF ? citizenCSRF : officerCSRF
                // no cookie at all: what a cross-site form post arrives as under SameSite=Strict
                let stranger = Browser(live)
                let attempts: [(String, Browser, [(String, String)])] = [
                    ("no session cookie", stranger, [("csrf", token)] + fields),
                    ("no csrf field", browser, fields),
                    ("empty csrf", browser, [("csrf", "")] + fields),
                    ("another session's csrf", browser, [("csrf", foreign)] + fields),
                    (
                        "altered csrf", browser,
                        [("csrf", String(token.dropLast()) + (token.hasSuffix("A") ? "B" : "A"))] + fields
                    ),
                ]
                for (label, sender, body) in attempts {
                    let response = try await sender.post(path, body)
                    #expect(response.status == 403, "\(path), \(label): \(response)")
                    #expect(response.text.contains(PageText.vi("error-session")), "\(path), \(label)")
                    #expect(response.header("Location") == nil)
                }
            }
            // The verification upload is multipart; the same rule holds.
            let pdf = Array("%PDF-1.7\n".utf8)
            for (label, sender, fields) in [
                ("no session cookie", Browser(live), [("csrf", verifierCSRF)]), ("no csrf field", verifier, []),
                ("another session's csrf", verifier, [("csrf", citizenCSRF)]),
            ] {
                let response = try await sender.postMultipart(
                    "/verify", fields, file: ("document", "x.pdf", "application/pdf", pdf))
                #expect(response.status == 403, "/verify, \(label): \(response)")
                #expect(!response.text.contains("data-outcome="), "/verify, \(label): no verdict")
            }

            // Nothing happened: one request, still submitted, never claimed; both still signed in.
            let list = try await live.client.get("/v1/requests", token: citizenToken)
            #expect((list.json["items"] as? [[String: Any]])?.count == 1, "\(list)")
            let detail = try await live.client.get("/v1/requests/\(requestID)", token: citizenToken)
            #expect((detail.json["request"] as? [String: Any])?["status"] as? String == "submitted", "\(detail)")
            #expect((detail.json["history"] as? [[String: Any]])?.count == 1, "\(detail)")
            #expect(try await citizen.get("/citizen").status == 200, "the sign-out without a token did not sign out")
            #expect(try await officer.get("/officer/queue").status == 200)
            // A callback this browser never started signs nobody in.
            let visitor = Browser(live)
            _ = try await visitor.get("/officer/sign-in")
            #expect(try await visitor.get("/sign-in/callback?code=forged&state=forged").status == 400)
            #expect(try await visitor.get("/officer/queue").header("Location") == "/officer/sign-in")
        }
    }

    // MARK: Signing in

    @Test("officer sign-in refuses a citizen and a clinician on a clear page, stores nothing, rotates the id")
    func officerSignIn() async throws {
        try await withLiveService { live in
            let browser = Browser(live)
            let form = try await browser.get("/officer/sign-in")
            #expect(
                browser.cookies["civicseal"] == nil && browser.cookies["civicseal_csrf"] != nil,
                "no session before sign-in")
            #expect(form.element(id: "sign-in") == PageText.vi("sign-in-national-identity"), "\(form)")
            let citizenToken = try live.token(for: .man(52))
            let officerToken = try live.token(for: .justiceOfficer)
            let refusals: [(String, String)] = [
                ("citizen", citizenToken), ("clinician", try live.token(for: .clinician)),
            ]
            for (label, token) in refusals {
                let response = try await browser.signIn("/officer/sign-in", token: token)
                #expect(response.status == 403, "\(label): \(response)")
                #expect(
                    response.header("Location") == nil && !response.setCookies.contains { $0.name == "civicseal" },
                    "\(label): not signed in")
                #expect(
                    response.element(id: "failure-message") == PageText.vi("sign-in-wrong-role-officer"), "\(label)")
                #expect(response.text.contains(#"href="/officer/sign-in" id="try-again""#), "\(label): try again")
            }
            #expect(browser.cookies["civicseal"] == nil, "refusals start no session")
            #expect(await live.service.site.sessions.count == 0)
            // The other way round: a citizen page refuses an officer.
            let citizenPage = Browser(live)
            let refused = try await citizenPage.signIn("/citizen/sign-in", token: officerToken)
            #expect(refused.element(id: "failure-message") == PageText.vi("sign-in-wrong-role-citizen"), "\(refused)")

            let signedIn = try await browser.signIn("/officer/sign-in", token: officerToken)
            #expect(signedIn.status == 303 && signedIn.header("Location") == "/officer/queue", "\(signedIn)")
            #expect(
                !signedIn.text.contains(officerToken) && !(signedIn.header("Location") ?? "").contains(officerToken))
            let after = try #require(signedIn.setCookies.first { $0.name == "civicseal" }?.value)
            #expect(after != browser.cookies["civicseal_csrf"], "the session id is new, not the CSRF nonce")
            let queue = try await browser.get("/officer/queue")
            #expect(queue.status == 200 && queue.text.contains(StaffMember.justiceOfficer.name), "\(queue)")
            #expect(queue.element(id: "flash") == PageText.vi("signed-in"))
            #expect(!queue.text.contains(officerToken))

            // Whoever planted the CSRF nonce as a session id holds nothing (no id exists before sign-in to fix).
            let fixation = Browser(live)
            fixation.setCookie("civicseal", try #require(browser.cookies["civicseal_csrf"]))
            let stale = try await fixation.get("/officer/queue")
            #expect(stale.status == 303 && stale.header("Location") == "/officer/sign-in", "\(stale)")
            // Signing out ends the session: the cookie is deleted and the id stops working.
            let csrf = try #require(queue.csrf)
            let out = try await browser.post("/sign-out", [("csrf", csrf)])
            #expect(out.status == 200 && out.element(id: "sign-out-heading") == PageText.vi("sign-out-provider"))
            #expect(out.setCookies.first { $0.name == "civicseal" }?.expires == true)
            let replay = Browser(live)
            replay.setCookie("civicseal", after)
            #expect(try await replay.get("/officer/queue").header("Location") == "/officer/sign-in")
        }
    }

    // MARK: The citizen's form

    @Test(
        "a criminal-record form with mistakes returns each message by its field, all typed kept; then stored once"
    )
    func citizenFormMessagesAndResubmission() async throws {
        try await withLiveService { live in
            let person = Person.man(53)
            let token = try live.token(for: person)
            let browser = Browser(live)
            #expect(try await browser.signIn("/citizen/sign-in", token: token).status == 303)
            let blank = try await browser.get("/citizen/requests/new?kind=criminal-record")
            #expect(blank.status == 200, "\(blank)")
            let csrf = try #require(blank.csrf)
            let key = try #require(blank.firstMatch(#"name="idempotencyKey" value="([^"]+)""#))
            #expect(
                blank.firstMatch(
                    #"<select id="f-particulars-nationality"[^>]*>(?:(?!</select>).)*?<option value="(VN)" selected>"#)
                    != nil,
                "the nationality of the identity token is chosen")

            // Purpose left empty, a phone that is not one, and a residence period that ends before it starts — in
            // the third row, with the second left blank (the form skips blank rows; messages must still land on row 3).
            var rows = Self.validRows
            rows[1] = ["", "", "", ""]
            rows[2] = ["2010-06-01", "2005-01-01", "12 Phố Huế, Hà Nội", "Kỹ sư"]
            let wrong = Self.criminalRecordForm(key: key, purpose: "", phone: "abc", rows: rows, currentResidence: "")
            let refused = try await browser.post("/citizen/requests", [("csrf", csrf)] + wrong)
            #expect(refused.status == 200, "\(refused)")
            let expected: [(field: String, key: String)] = [
                ("f-request-purpose", "validation.field.required"),
                ("f-particulars-currentResidence-line", "validation.field.required"),
                ("f-contact-phone", "validation.contact.phone-invalid"),
                ("f-residenceHistory-2--to", "validation.residenceHistory.inverted-period"),
            ]
            for (field, key) in expected {
                #expect(
                    refused.text.contains(#"<p class="error" id="\#(field)-error">"#), "no message next to \(field)")
                // A residence row's message names its row.
                let row = field.hasPrefix("f-residenceHistory-2-") ? "Dòng 3: " : ""
                #expect(refused.element(id: "\(field)-error") == row + PageText.vi(key), "\(field)")
                #expect(refused.text.contains("href=\"#\(field)\""), "the error summary links to \(field)")
                #expect(
                    refused.firstMatch(#"<(?:input|textarea)[^>]*id="\#(field)"[^>]*(aria-invalid="true")"#) != nil,
                    "\(field) is marked invalid")
            }
            #expect(
                refused.allMatches(#"<p class="error" id="([^"]+)-error">"#).count == expected.count,
                "\(refused.allMatches(#"<p class="error" id="([^"]+)""#))")
            // What was typed is still there, wrong values included.
            #expect(refused.inputValue(id: "f-contact-phone") == "abc")
            #expect(refused.inputValue(id: "f-request-purpose") == "")
            #expect(refused.inputValue(id: "f-particulars-birthPlace") == "TP Hồ Chí Minh")
            #expect(refused.inputValue(id: "f-particulars-fatherName") == "Trần Văn An")
            #expect(refused.inputValue(id: "f-residenceHistory-0--from") == "1985-03-02")
            #expect(refused.inputValue(id: "f-residenceHistory-2--from") == "2010-06-01")
            #expect(refused.inputValue(id: "f-residenceHistory-2--to") == "2005-01-01")
            #expect(refused.inputValue(id: "f-residenceHistory-2--address") == "12 Phố Huế, Hà Nội")
            #expect(refused.inputValue(id: "f-contact-email") == "thu@example.vn")
            #expect(refused.firstMatch(#"name="idempotencyKey" value="([^"]+)""#) == key, "the same form, the same key")
            #expect(refused.firstMatch(#"<option value="1"( selected)>"#) != nil, "form 1 still chosen")
            let none = try await live.client.get("/v1/requests", token: token)
            #expect((none.json["items"] as? [[String: Any]])?.isEmpty == true, "nothing stored: \(none)")

            // Corrected and sent — twice, as a double click or a reload would.
            let right = Self.criminalRecordForm(
                key: key, purpose: "Xin việc", phone: "0987654321", rows: Self.validRows)
            let csrfAgain = try #require(refused.csrf)
            let stored = try await browser.post("/citizen/requests", [("csrf", csrfAgain)] + right)
            #expect(stored.status == 303, "\(stored)")
            let location = try #require(stored.header("Location"))
            let requestID = String(location.dropFirst("/citizen/requests/".count))
            #expect(location.hasPrefix("/citizen/requests/") && RequestStore.isRequestID(requestID), "\(location)")
            let viaAPI = try await live.client.get("/v1/requests/\(requestID)", token: token)
            #expect(viaAPI.status == 200, "\(viaAPI)")
            #expect((viaAPI.json["request"] as? [String: Any])?["status"] as? String == "submitted")
            let repeated = try await browser.post("/citizen/requests", [("csrf", csrfAgain)] + right)
            #expect(repeated.status == 303 && repeated.header("Location") == location, "\(repeated)")
            let list = try await live.client.get("/v1/requests", token: token)
            #expect((list.json["items"] as? [[String: Any]])?.count == 1, "stored once: \(list)")

            let shown = try await browser.get(location)
            #expect(shown.status == 200 && shown.text.contains(requestID))
            #expect(shown.element(id: "flash") == PageText.vi("submitted"))
            #expect(shown.firstMatch(#"id="request-state" data-state="([a-z_]+)""#) == "submitted")
            // The flash shows once.
            #expect(try await browser.get(location).element(id: "flash") == nil)
            let mine = try await browser.get("/citizen")
            #expect(mine.text.contains(#"href="/citizen/requests/\#(requestID)""#))
        }
    }

    @Test("a blank form reports every missing field at once, and each field the server requires is marked required")
    func blankFormReportsEveryRequiredField() async throws {
        try await withLiveService { live in
            let browser = Browser(live)
            #expect(
                try await browser.signIn("/citizen/sign-in", token: try live.token(for: .man(58))).status == 303)
            let form = try await browser.get("/citizen/requests/new?kind=criminal-record")
            let csrf = try #require(form.csrf)
            // What a browser sends when every text box is emptied (the selects always send a choice).
            var blank = Self.criminalRecordForm(
                key: "blank-form", purpose: "", phone: "", rows: Array(repeating: ["", "", "", ""], count: 4),
                currentResidence: "")
            blank = blank.map { name, value in
                ["kind", "idempotencyKey", "request.form", "delivery.method"].contains(name)
                    ? (name, value) : (name, "")
            }
            let refused = try await browser.post("/citizen/requests", [("csrf", csrf)] + blank)
            #expect(refused.status == 200, "\(refused)")
            let inError = refused.allMatches(#"<p class="error" id="([^"]+)-error">"#)
            for field in [
                "f-request-purpose", "f-particulars-birthPlace", "f-particulars-permanentResidence-line", "f-copies",
            ] {
                #expect(inError.contains(field), "\(field) has no message; shown: \(inError)")
            }
            #expect(
                refused.element(id: "f-contact-phone-error") == PageText.vi("validation.contact.phone-or-email"),
                "a phone or an e-mail")
            let required = PageText.vi("validation.field.required")
            for field in inError where refused.element(id: "\(field)-error") == required {
                #expect(
                    refused.firstMatch(#"<(?:input|select|textarea)[^>]*id="\#(field)"[^>]*( required)"#) != nil,
                    "\(field) is refused as required but not marked required")
            }
        }
    }

    // MARK: Helpers

    /// Request ids of the queue table's rows, in page order.
    static func queueRows(_ page: ClientResponse) -> [String] {
        page.allMatches(#"<tr[^>]*data-request="([^"]+)""#)
    }

    /// Residence since birth in TP Hồ Chí Minh, then Hà Nội: four form rows (from, to, address, occupation).
    static let validRows: [[String]] = [
        ["1985-03-02", "2003-08-31", "45 Lê Lợi, TP Hồ Chí Minh", "Học sinh"],
        ["2003-09-01", "", "12 Phố Huế, Hà Nội", "Kỹ sư"],
        ["", "", "", ""],
        ["", "", "", ""],
    ]

    /// The criminal-record form as a browser posts it: every control, blank ones included (csrf not included).
    static func criminalRecordForm(
        key: String, purpose: String, phone: String, rows: [[String]], currentResidence: String = "12 Phố Huế, Hà Nội"
    ) -> [(String, String)] {
        var fields: [(String, String)] = [
            ("kind", "criminal-record"), ("idempotencyKey", key), ("request.form", "1"), ("request.purpose", purpose),
            ("particulars.birthPlace", "TP Hồ Chí Minh"), ("particulars.ethnicity", "Kinh"),
            ("particulars.nationality", "VN"),
            ("particulars.permanentResidence.line", "45 Lê Lợi, phường Bến Thành"),
            ("particulars.currentResidence.line", currentResidence),
            ("particulars.fatherName", "Trần Văn An"), ("particulars.motherName", "Lê Thị Bích"),
            ("particulars.spouseName", ""),
        ]
        // Each row's place as the selects send it: Việt Nam by default, and the province of a row that is filled in.
        fields.append(("residenceRows", String(rows.count)))
        for (index, row) in rows.enumerated() {
            for (part, value) in zip(["from", "to", "address", "occupation"], row) {
                fields.append(("residenceHistory[\(index)].\(part)", value))
            }
            let blank = row.allSatisfy(\.isEmpty)
            fields.append(("residenceHistory[\(index)].countryCode", "VN"))
            fields.append(
                (
                    "residenceHistory[\(index)].provinceCode",
                    blank ? "" : row[2].contains("Hồ Chí Minh") ? "079" : "001"
                ))
        }
        fields += [
            ("contact.phone", phone), ("contact.email", "thu@example.vn"), ("copies", "1"),
            ("delivery.method", "electronic"),
            ("delivery.postalAddress.line", ""),
        ]
        return fields
    }

    /// Signs `officer` in with `token`, then claims and approves (no conviction) request `id` through the pages.
    static func approve(_ id: String, officer: Browser, token: String) async throws {
        let signedIn = try await officer.signIn("/officer/sign-in", token: token)
        #expect(signedIn.status == 303, "\(signedIn)")
        let queue = try await officer.get("/officer/queue")
        #expect(queue.text.contains(#"href="/officer/requests/\#(id)""#), "the queue lists the request")
        let detail = try await officer.get("/officer/requests/\(id)")
        #expect(detail.status == 200, "\(detail)")
        let version = try #require(detail.firstMatch(#"name="version" value="(\d+)""#))
        let claimed = try await officer.post(
            "/officer/requests/\(id)/claim", [("csrf", try #require(detail.csrf)), ("version", version)])
        #expect(claimed.status == 303 && claimed.header("Location") == "/officer/requests/\(id)", "\(claimed)")
        let review = try await officer.get("/officer/requests/\(id)")
        #expect(review.element(id: "flash") == PageText.vi("claimed"))
        #expect(review.firstMatch(#"id="request-state" data-state="([a-z_]+)""#) == "in_review")
        let reviewVersion = try #require(review.firstMatch(#"name="version" value="(\d+)""#))
        // No conviction: the blank first row is no row. "Confirm and seal" directly (the review step is its own test).
        let findings =
            ["judgmentDate", "judgmentNumber", "court", "crime", "articles", "mainPenalty"].map {
                ("findings.convictions[0].\($0)", "")
            }
            + [("step", "confirm")]
        let approved = try await officer.post(
            "/officer/requests/\(id)/approve",
            [("csrf", try #require(review.csrf)), ("version", reviewVersion)] + findings)
        #expect(approved.status == 303 && approved.header("Location") == "/officer/requests/\(id)", "\(approved)")
        let after = try await officer.get("/officer/requests/\(id)")
        #expect(after.element(id: "flash") == PageText.vi("approved"), "\(after.element(id: "flash") ?? "no flash")")
    }

    /// A criminal-record request by `person` (through the API), approved by the justice officer through the pages;
    /// returns its id with the officer's and the (signed-in) citizen's browsers.
    static func approveThroughPages(_ live: LiveService, person: Person) async throws -> (String, Browser, Browser) {
        let citizenToken = try live.token(for: person)
        let submitted = try await live.client.post("/v1/requests", token: citizenToken, json: Bodies.criminalRecord())
        let id = try #require(submitted.json["id"] as? String, "\(submitted)")
        let officer = Browser(live)
        try await approve(id, officer: officer, token: try live.token(for: .justiceOfficer))
        let citizen = Browser(live)
        #expect(try await citizen.signIn("/citizen/sign-in", token: citizenToken).status == 303)
        return (id, officer, citizen)
    }
}

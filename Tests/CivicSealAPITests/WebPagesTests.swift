import CivicSealApp
import CivicSealDocuments
import CivicSealRecords
import CivicSealTestSupport
import CivicSealWeb
import CivicSealWorkflow
import Foundation
import Testing

@testable import CivicSealAPI

/// The server-rendered pages over a live server, as a browser (or an attacker with one) sees them: cookies, CSRF,
/// sign-in, forms with their messages, the officer queue, approval to download, verification and languages.
@Suite("Live pages: sessions, forms, queue, verification")
struct WebPagesTests {
    // MARK: Sessions and cookies

    @Test(
        "anonymous visitors get only a CSRF nonce cookie (HttpOnly, SameSite=Strict, host-only, no Secure on loopback development), set once; no session"
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
            #expect(live.service.api.web?.sessions.count == 0, "anonymous visits keep nothing on the server")
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
            let signedIn = try await Self.signIn(
                browser, "/officer/sign-in", token: try live.token(for: .justiceOfficer))
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
        "every form POST without the session cookie, or with a missing or foreign CSRF token, is a 403 page that changes nothing"
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
            #expect(try await Self.signIn(citizen, "/citizen/sign-in", token: citizenToken).status == 303)
            let officer = Browser(live)
            #expect(try await Self.signIn(officer, "/officer/sign-in", token: officerToken).status == 303)
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
                (citizen, "/citizen/sign-in", [("token", citizenToken)], citizenCSRF),
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
                (officer, "/officer/sign-in", [("token", officerToken)], officerCSRF),
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
            // A sign-in without its token signs nobody in.
            let visitor = Browser(live)
            _ = try await visitor.get("/officer/sign-in")
            #expect(try await visitor.post("/officer/sign-in", [("token", officerToken)]).status == 403)
            #expect(try await visitor.get("/officer/queue").header("Location") == "/officer/sign-in")
        }
    }

    // MARK: Signing in

    @Test(
        "officer sign-in refuses citizen, clinician and garbage tokens next to the field, never echoes a token, and rotates the session id"
    )
    func officerSignIn() async throws {
        try await withLiveService { live in
            let browser = Browser(live)
            let form = try await browser.get("/officer/sign-in")
            #expect(
                browser.cookies["civicseal"] == nil && browser.cookies["civicseal_csrf"] != nil,
                "no session before sign-in")
            #expect(form.text.contains(#"<textarea id="token" name="token""#))
            let citizenToken = try live.token(for: .man(52))
            let officerToken = try live.token(for: .justiceOfficer)
            let tampered = String(officerToken.dropLast(4)) + (officerToken.hasSuffix("AAAA") ? "BBBB" : "AAAA")
            let refusals: [(String, String, String)] = [
                ("citizen", citizenToken, "sign-in-wrong-role-officer"),
                ("clinician", try live.token(for: .clinician), "sign-in-wrong-role-officer"),
                ("garbage", "not-a-token", "sign-in-refused"),
                ("altered signature", tampered, "sign-in-refused"),
                ("blank", "   ", "sign-in-missing"),
            ]
            for (label, token, key) in refusals {
                let csrf = try #require(try await browser.get("/officer/sign-in").csrf)
                let response = try await browser.post("/officer/sign-in", [("csrf", csrf), ("token", token)])
                #expect(response.status == 200, "\(label): \(response)")
                #expect(response.header("Location") == nil && response.setCookies.isEmpty, "\(label): not signed in")
                #expect(response.text.contains(#"<p class="error" id="token-error">"#), "\(label)")
                #expect(response.element(id: "token-error") == PageText.vi(key), "\(label)")
                #expect(
                    response.text.contains(#"aria-describedby="token-hint token-error""#)
                        && response.text.contains(#"aria-invalid="true""#))
                if token.count > 8 { #expect(!response.text.contains(token), "\(label): the token is not echoed") }
                #expect(response.element(id: "token")?.isEmpty == true, "\(label): the field comes back empty")
            }
            #expect(browser.cookies["civicseal"] == nil, "refusals start no session")
            // The other way round: a citizen page refuses an officer.
            let citizenPage = Browser(live)
            let refused = try await Self.signIn(citizenPage, "/citizen/sign-in", token: officerToken)
            #expect(refused.element(id: "token-error") == PageText.vi("sign-in-wrong-role-citizen"), "\(refused)")

            let signedIn = try await Self.signIn(browser, "/officer/sign-in", token: officerToken)
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
            #expect(out.status == 303 && out.header("Location") == "/")
            #expect(out.setCookies.first { $0.name == "civicseal" }?.expires == true)
            let replay = Browser(live)
            replay.setCookie("civicseal", after)
            #expect(try await replay.get("/officer/queue").header("Location") == "/officer/sign-in")
        }
    }

    // MARK: The citizen's form

    @Test(
        "a criminal-record form with mistakes comes back with each message next to its field and everything typed; then it is stored once"
    )
    func citizenFormMessagesAndResubmission() async throws {
        try await withLiveService { live in
            let person = Person.man(53)
            let token = try live.token(for: person)
            let browser = Browser(live)
            #expect(try await Self.signIn(browser, "/citizen/sign-in", token: token).status == 303)
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
                try await Self.signIn(browser, "/citizen/sign-in", token: try live.token(for: .man(58))).status == 303)
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

    // MARK: The officer's queue

    @Test(
        "the officer queue lists the department's requests earliest due first, filters overdue ones and pages 50 at a time"
    )
    func officerQueueFiltersAndPages() async throws {
        try await withLiveService { live in
            // 3 requests received 90 days ago (long overdue) and 60 received today, all for justice-hanoi.
            let store = live.service.store
            let past = Date().addingTimeInterval(-90 * 86_400)
            let old = try store.submitBatch(
                (0..<3).map {
                    SyntheticRequests.validated(
                        SyntheticRequests.criminalRecord(), person: 100 + $0, today: CalendarDate(past))
                },
                now: past)
            let fresh = try store.submitBatch(
                (0..<60).map {
                    SyntheticRequests.validated(
                        SyntheticRequests.criminalRecord(), person: 200 + $0, today: CalendarDate(Date()))
                },
                now: Date())
            let overdueIDs = Set(old.map(\.id))

            let browser = Browser(live)
            #expect(
                try await Self.signIn(browser, "/officer/sign-in", token: try live.token(for: .justiceOfficer)).status
                    == 303)
            let first = try await browser.get("/officer/queue")
            #expect(first.status == 200, "\(first)")
            let firstRows = Self.queueRows(first)
            #expect(firstRows.count == 50, "50 a page")
            #expect(Set(firstRows.prefix(3)) == overdueIDs, "overdue requests come first (earliest due date)")
            #expect(Set(first.allMatches(#"<tr class="overdue" data-request="([^"]+)""#)) == overdueIDs)
            #expect(
                first.element(id: "queue-count")
                    == "63 \(PageText.vi("count-requests")) · 3 \(PageText.vi("count-overdue"))")
            #expect(
                first.allMatches(#"<a href="/officer/requests/([^"]+)">"#) == firstRows, "each row links to its request"
            )
            let next = try #require(
                first.firstMatch(#"<a href="([^"]+)" id="next-page""#), "a next link with 63 requests")
            #expect(next.hasPrefix("/officer/queue?state=submitted&after="), "\(next)")
            #expect(first.element(id: "first-page") == nil)

            let second = try await browser.get(next)
            #expect(second.status == 200, "\(second)")
            let secondRows = Self.queueRows(second)
            #expect(secondRows.count == 13)
            #expect(
                Set(firstRows + secondRows) == overdueIDs.union(fresh.map(\.id)), "every request once across the pages")
            #expect(Set(firstRows).isDisjoint(with: secondRows))
            #expect(second.firstMatch(#"<a href="([^"]+)" id="first-page""#) == "/officer/queue?state=submitted")
            #expect(second.firstMatch(#"<a href="([^"]+)" id="next-page""#) == nil)

            let overdue = try await browser.get("/officer/queue?state=submitted&overdue=yes")
            #expect(Set(Self.queueRows(overdue)) == overdueIDs, "\(overdue)")
            #expect(Self.queueRows(overdue).count == 3)
            #expect(overdue.text.contains(#"name="overdue" value="yes" checked"#), "the filter stays ticked")
            #expect(
                overdue.element(id: "queue-count")
                    == "3 \(PageText.vi("count-requests")) · 3 \(PageText.vi("count-overdue"))")
            let kindAndOverdue = try await browser.get(
                "/officer/queue?state=submitted&kind=criminal-record&overdue=yes")
            #expect(Set(Self.queueRows(kindAndOverdue)) == overdueIDs)
            let otherKind = try await browser.get("/officer/queue?state=submitted&kind=health-certificate")
            #expect(Self.queueRows(otherKind).isEmpty && otherKind.text.contains(PageText.vi("queue-empty")))
            let inReview = try await browser.get("/officer/queue?state=in_review")
            #expect(Self.queueRows(inReview).isEmpty)
            // A cursor edited by hand starts over rather than failing.
            let edited = try await browser.get("/officer/queue?state=submitted&after=not-a-cursor")
            #expect(edited.status == 303 && edited.header("Location") == "/officer/queue", "\(edited)")
            // The other department sees none of them.
            let health = Browser(live)
            #expect(
                try await Self.signIn(health, "/officer/sign-in", token: try live.token(for: .healthOfficer)).status
                    == 303)
            #expect(Self.queueRows(try await health.get("/officer/queue")).isEmpty)
        }
    }

    // MARK: From approval to download

    @Test(
        "an officer claims and approves through the pages; the request is issued and only its owner downloads the PDF")
    func officerApprovesAndOwnerDownloads() async throws {
        try await withLiveService { live in
            let person = Person.man(54)
            let (requestID, officer, citizen) = try await Self.approveThroughPages(live, person: person)
            let detail = try await live.client.get("/v1/requests/\(requestID)", token: try live.token(for: person))
            #expect((detail.json["request"] as? [String: Any])?["status"] as? String == "issued", "\(detail)")
            let officerView = try await officer.get("/officer/requests/\(requestID)")
            #expect(officerView.firstMatch(#"id="request-state" data-state="([a-z_]+)""#) == "issued")
            #expect(!officerView.text.contains(#"id="revoke""#), "a deciding officer is not offered revocation")
            let revoker = Browser(live)
            #expect(
                try await Self.signIn(revoker, "/officer/sign-in", token: try live.token(for: .justiceRevoker)).status
                    == 303)
            let revokerView = try await revoker.get("/officer/requests/\(requestID)")
            #expect(
                revokerView.text.contains(#"id="revoke""#),
                "the department's revoker can revoke the issued document from here")
            #expect(!revokerView.text.contains(#"id="claim""#) && !revokerView.text.contains(#"id="approve""#))

            let page = try await citizen.get("/citizen/requests/\(requestID)")
            #expect(page.firstMatch(#"id="request-state" data-state="([a-z_]+)""#) == "issued", "\(page)")
            let download = try #require(
                page.firstMatch(#"<a class="button" href="([^"]+)" id="download""#), "a download link")
            #expect(download == "/citizen/requests/\(requestID)/document")
            let documentID = try IssuanceTests.documentID(live, request: requestID)
            #expect(page.text.contains(#"href="/v/\#(documentID)""#), "the public status page is linked")
            let pdf = try await citizen.get(download)
            #expect(
                pdf.status == 200 && pdf.header("Content-Type") == "application/pdf", "\(pdf.status) \(pdf.headers)")
            #expect(pdf.body.starts(with: Array("%PDF-".utf8)))
            #expect(pdf.header("Content-Disposition")?.contains(documentID) == true)
            #expect(try live.service.store.documentPDF(id: documentID) == pdf.body)

            // Another citizen's session, the officer's session and no session get no PDF.
            let other = Browser(live)
            #expect(
                try await Self.signIn(other, "/citizen/sign-in", token: try live.token(for: .man(55))).status == 303)
            let foreign = try await other.get(download)
            #expect(foreign.status == 404 && foreign.header("Content-Type") != "application/pdf", "\(foreign)")
            #expect(!foreign.body.starts(with: Array("%PDF-".utf8)))
            let asOfficer = try await officer.get(download)
            #expect(asOfficer.status == 303 && asOfficer.header("Location") == "/citizen/sign-in")
            let anonymous = try await Browser(live).get(download)
            #expect(anonymous.status == 303 && anonymous.header("Location") == "/citizen/sign-in")
            #expect(try await other.get("/citizen/requests/\(requestID)").status == 404, "nor the request page")
        }
    }

    @Test(
        "an officer revokes through the page: a reason code from the list is required, the grounds stay internal, /v/{id} shows the code"
    )
    func officerRevokesWithAReasonCode() async throws {
        try await withLiveService { live in
            let (requestID, _, _) = try await Self.approveThroughPages(live, person: .man(57))
            // Revocation is the department revoker's role, not the deciding officer's.
            let officer = Browser(live)
            #expect(
                try await Self.signIn(officer, "/officer/sign-in", token: try live.token(for: .justiceRevoker)).status
                    == 303)
            let documentID = try IssuanceTests.documentID(live, request: requestID)
            let form = try await officer.get("/officer/requests/\(requestID)")
            let csrf = try #require(form.csrf)
            for code in RevocationReason.selectable {
                #expect(form.text.contains(#"value="\#(code.rawValue)""#), "the form offers \(code.rawValue)")
            }
            #expect(!form.text.contains(#"value="unspecified""#), "unspecified is not offered")
            let grounds = "Ghi chú nội bộ 4471: nhầm hồ sơ"
            // Without a code, or with one not on the list: the page again, the message next to the field, nothing
            // revoked.
            for code in ["", "criminal-conviction"] {
                let refused = try await officer.post(
                    "/officer/requests/\(requestID)/revoke",
                    [("csrf", csrf), ("revoke.reasonCode", code), ("revoke.reason", grounds)])
                #expect(
                    refused.text.contains(PageText.vi("field-revocation-code-required")), "\(code): \(refused.text)")
                #expect(
                    try live.service.store.documentEntry(id: documentID)?.status == .valid,
                    "\(code) revoked the document")
            }
            // A complete form shows the confirmation page (issue 13, finding 11); only the confirmation revokes.
            let confirmation = try await officer.post(
                "/officer/requests/\(requestID)/revoke",
                [("csrf", csrf), ("revoke.reasonCode", "superseded"), ("revoke.reason", grounds)])
            #expect(
                confirmation.status == 200 && confirmation.element(id: "revoke-grounds") == grounds, "\(confirmation)")
            #expect(try live.service.store.documentEntry(id: documentID)?.status == .valid)
            let revoked = try await officer.post(
                "/officer/requests/\(requestID)/revoke-confirm",
                [
                    ("csrf", csrf), ("documentId", documentID), ("revoke.reasonCode", "superseded"),
                    ("revoke.reason", grounds),
                ])
            #expect(revoked.status == 303, "\(revoked)")
            guard
                case .revoked(let kept, .superseded, _)? = try live.service.store.documentEntry(id: documentID)?.status
            else {
                Issue.record("not revoked with its code")
                return
            }
            #expect(kept == grounds)
            let publicPage = try await Browser(live).get("/v/\(documentID)")
            #expect(
                publicPage.element(id: "revocation-reason") == PageText.vi("revocation-superseded"),
                "\(publicPage.text)")
            #expect(
                !publicPage.text.contains("4471") && !publicPage.text.contains("nhầm hồ sơ"),
                "the grounds are not public")
        }
    }

    @Test(
        "with valid sessions and tokens, another department's officer and another citizen can neither see nor change a request"
    )
    func pagesKeepToTheirOwnRequests() async throws {
        try await withLiveService { live in
            let ownerToken = try live.token(for: .man(59))
            let submitted = try await live.client.post("/v1/requests", token: ownerToken, json: Bodies.criminalRecord())
            let id = try #require(submitted.json["id"] as? String, "\(submitted)")

            let health = Browser(live)
            #expect(
                try await Self.signIn(health, "/officer/sign-in", token: try live.token(for: .healthOfficer)).status
                    == 303)
            #expect(try await health.get("/officer/requests/\(id)").status == 404)
            let healthCSRF = try #require(try await health.get("/officer/queue").csrf)
            let claim = try await health.post(
                "/officer/requests/\(id)/claim", [("csrf", healthCSRF), ("version", "1")])
            #expect(claim.status == 404, "\(claim)")
            let reject = try await health.post(
                "/officer/requests/\(id)/reject",
                [("csrf", healthCSRF), ("version", "1"), ("reject.reason", "Không thuộc thẩm quyền")])
            #expect(reject.status == 404, "\(reject)")

            let stranger = Browser(live)
            #expect(
                try await Self.signIn(stranger, "/citizen/sign-in", token: try live.token(for: .man(60))).status == 303)
            #expect(try await stranger.get("/citizen/requests/\(id)").status == 404)
            let strangerCSRF = try #require(try await stranger.get("/citizen").csrf)
            let cancel = try await stranger.post("/citizen/requests/\(id)/cancel", [("csrf", strangerCSRF)])
            #expect(cancel.status == 404, "\(cancel)")
            #expect(try await stranger.get("/citizen/requests/\(id)/supplement").status == 404)

            let detail = try await live.client.get("/v1/requests/\(id)", token: ownerToken)
            #expect((detail.json["request"] as? [String: Any])?["status"] as? String == "submitted", "\(detail)")
            #expect((detail.json["history"] as? [[String: Any]])?.count == 1, "nothing was recorded against it")
        }
    }

    @Test("no link, form action or redirect of any page carries personal data, a token, a session id or a CSRF token")
    func noPersonalDataOrTokensInURLs() async throws {
        try await withLiveService { live in
            let person = Person.man(56)
            let citizenToken = try live.token(for: person)
            let officerToken = try live.token(for: .justiceOfficer)
            // A request made through the pages this time, then the approval, the download, verification and languages.
            let citizen = Browser(live)
            #expect(try await Self.signIn(citizen, "/citizen/sign-in", token: citizenToken).status == 303)
            let form = try await citizen.get("/citizen/requests/new?kind=criminal-record")
            let csrf = try #require(form.csrf)
            let key = try #require(form.firstMatch(#"name="idempotencyKey" value="([^"]+)""#))
            _ = try await citizen.post(
                "/citizen/requests",
                [("csrf", csrf)] + Self.criminalRecordForm(key: key, purpose: "", phone: "x", rows: Self.validRows))
            let stored = try await citizen.post(
                "/citizen/requests",
                [("csrf", csrf)]
                    + Self.criminalRecordForm(key: key, purpose: "Xin việc", phone: "0987654321", rows: Self.validRows))
            let location = try #require(stored.header("Location"), "\(stored)")
            let requestID = String(location.dropFirst("/citizen/requests/".count))
            let officer = Browser(live)
            try await Self.approve(requestID, officer: officer, token: officerToken)
            for path in [
                location, "/citizen", "/citizen/requests/\(requestID)/document", "/language/en?next=\(location)",
                location,
            ] {
                _ = try await citizen.get(path)
            }
            let documentID = try IssuanceTests.documentID(live, request: requestID)
            let verifier = Browser(live)
            let statusPage = try await verifier.get("/v/\(documentID)")
            _ = try await verifier.post(
                "/v/\(documentID)",
                [
                    ("csrf", statusPage.csrf ?? ""), ("fullName", person.name), ("birthDate", person.birthdate),
                    ("sex", "male"),
                    ("personalId", person.personalID),
                ])
            _ = try await verifier.get("/verify/lookup?code=\(documentID)")
            let responses = [citizen, officer, verifier].flatMap { $0.seen.map { $0.response } }
            let csrfTokens = Set(responses.compactMap { $0.csrf })
            let sessionIDs = Set(responses.flatMap { $0.setCookies.map { $0.value } }).filter { $0.count == 43 }
            let secrets: [(String, String)] =
                [
                    ("personal ID", person.personalID), ("name", person.name),
                    ("name, encoded", Browser.formEncoded(person.name)),
                    ("family name", "Trần"), ("birth date", person.birthdate), ("citizen token", citizenToken),
                    ("officer token", officerToken), ("token prefix", String(citizenToken.prefix(20))),
                ] + csrfTokens.map { ("csrf token", $0) } + sessionIDs.map { ("session id", $0) }
            var scanned = 0
            for browser in [citizen, officer, verifier] {
                for (path, response) in browser.seen {
                    for url in [path] + response.linkedURLs {
                        scanned += 1
                        let decoded = url.removingPercentEncoding ?? url
                        for (label, secret) in secrets where url.contains(secret) || decoded.contains(secret) {
                            Issue.record("\(label) in \(url) (on \(path))")
                        }
                    }
                }
            }
            #expect(scanned > 100, "the scan saw the pages' links (\(scanned))")
            #expect(!csrfTokens.isEmpty && !sessionIDs.isEmpty)
        }
    }

    // MARK: Languages

    @Test("the language switch sets a cookie and goes back to a local path only; the page is then in English")
    func languageSwitch() async throws {
        try await withLiveService { live in
            let browser = Browser(live)
            let vietnamese = try await browser.get("/verify")
            #expect(vietnamese.text.contains(#"<html lang="vi">"#))
            #expect(vietnamese.text.contains(#"href="/language/en?next=/verify""#), "the switch link comes back here")
            let switched = try await browser.get("/language/en?next=/verify")
            #expect(switched.status == 303 && switched.header("Location") == "/verify", "\(switched)")
            let cookie = try #require(switched.setCookies.first { $0.name == "civicseal_lang" })
            #expect(
                cookie.value == "en" && cookie.attributes["path"] == "/" && cookie.attributes["samesite"] == "Strict")
            #expect(!cookie.has("Secure"), "loopback")
            let english = try await browser.get("/verify")
            #expect(english.text.contains(#"<html lang="en">"#), "\(english.text.prefix(200))")
            #expect(
                english.text.contains(PageText.en("verify-title"))
                    && !english.text.contains(PageText.vi("verify-title")))
            #expect(english.text.contains(#"href="/language/vi?next=/verify""#))
            let back = try await browser.get("/language/vi?next=/verify")
            #expect(back.header("Location") == "/verify")
            #expect(try await browser.get("/verify").text.contains(#"<html lang="vi">"#))

            for next in [
                "//evil.example", "https://evil", "https:%2F%2Fevil", "%2F%2Fevil.example", "/%5Cevil.example",
                "javascript:alert(1)", "", "evil", "/ok%0d%0aSet-Cookie:%20x=1",
            ] {
                let response = try await Browser(live).get("/language/en?next=\(next)")
                #expect(
                    response.status == 303 && response.header("Location") == "/", "next=\(next): \(response.headers)")
            }
            #expect(try await Browser(live).get("/language/en").header("Location") == "/")
            #expect(try await Browser(live).get("/language/fr?next=/verify").status == 404)
        }
    }

    // MARK: Verification

    @Test(
        "/verify: the sealed PDF is valid, a flipped byte invalid, a non-PDF says so; a code lookup goes to /v/{code}")
    func verifyUploadAndLookup() async throws {
        try await withLiveService { live in
            let (requestID, _, citizen) = try await Self.approveThroughPages(live, person: .man(57))
            let pdf = try await citizen.get("/citizen/requests/\(requestID)/document").body
            #expect(pdf.starts(with: Array("%PDF-".utf8)))
            let documentID = try IssuanceTests.documentID(live, request: requestID)

            let verifier = Browser(live)
            let page = try await verifier.get("/verify")
            #expect(page.text.contains(#"enctype="multipart/form-data""#))
            let csrf = try #require(page.csrf)
            func upload(_ bytes: [UInt8], type: String = "application/pdf") async throws -> ClientResponse {
                try await verifier.postMultipart(
                    "/verify", [("csrf", csrf)], file: ("document", "tai-lieu.pdf", type, bytes))
            }
            let valid = try await upload(pdf)
            #expect(valid.status == 200, "\(valid)")
            #expect(valid.firstMatch(#"data-outcome="([a-z]+)""#) == "valid", "\(valid.text)")
            #expect(valid.element(id: "verdict-heading") == PageText.vi("verdict-valid"))
            #expect(valid.text.contains(#"href="/v/\#(documentID)""#))
            #expect(!valid.text.contains(#"class="fail""#), "every check passed")

            var flipped = pdf
            let stream = try #require(pdf.firstRange(of: Array("stream".utf8)))
            flipped[stream.upperBound + 16] ^= 0x01
            let invalid = try await upload(flipped)
            #expect(invalid.firstMatch(#"data-outcome="([a-z]+)""#) == "invalid", "\(invalid.text)")
            #expect(invalid.text.contains(#"class="fail" data-check="digest""#), "the digest check names the change")

            let notPDF = try await upload(Array("Xin chào, đây không phải PDF".utf8), type: "text/plain")
            #expect(notPDF.status == 200)
            #expect(notPDF.element(id: "document-error") == PageText.vi("verify-not-pdf"), "\(notPDF.text)")
            #expect(!notPDF.text.contains("data-outcome="))
            let empty = try await upload([])
            #expect(empty.element(id: "document-error") == PageText.vi("verify-no-file"))

            let lookup = try await verifier.get("/verify/lookup?code=%20\(documentID.lowercased())%20")
            #expect(lookup.status == 303 && lookup.header("Location") == "/v/\(documentID)", "\(lookup)")
            let unknown = try await verifier.get("/verify/lookup?code=00000000000000000000000000")
            #expect(unknown.status == 200 && unknown.element(id: "code-error") == PageText.vi("verify-unknown-code"))
            let hostile = try await verifier.get("/verify/lookup?code=%3Cscript%3Ealert(1)%3C%2Fscript%3E")
            #expect(hostile.element(id: "code-error") == PageText.vi("verify-code-bad-number"))
            #expect(!hostile.text.contains("<script>alert") && hostile.text.contains("&lt;script&gt;alert(1)"))

            // After revocation the same file is reported revoked.
            _ = try await live.client.post(
                "/v1/documents/\(documentID)/revoke", token: try live.token(for: .justiceRevoker),
                json: #"{"reasonCode": "superseded", "reason": "Thu hồi"}"#)
            #expect(try await upload(pdf).firstMatch(#"data-outcome="([a-z]+)""#) == "revoked")
        }
    }

    // MARK: Templates and messages

    @Test(
        "a message written twice in messages.json is refused at load, naming it, instead of one copy silently winning")
    func duplicateMessageKeyIsRefused() throws {
        let folder = TemporaryDirectory("civicseal-messages")
        let file = try folder.write(
            "messages.json", text: #"{"a": ["Một", "One"], "b": ["Hai", "Two"], "a": ["Ba", "Three"]}"#)
        #expect(throws: WebMessages.LoadError.self) { try WebMessages(file: file) }
        do {
            _ = try WebMessages(file: file)
        } catch {
            #expect(error.description.contains("duplicate") && error.description.contains("a"), "\(error.description)")
        }
        let good = try folder.write("good.json", text: #"{"a": ["Một", "One"]}"#)
        #expect(try WebMessages(file: good).lookup("a", .english) == "One")
        // The repository's catalogue loads under the same rule.
        _ = try WebMessages(file: PageText.directory + "/messages.json")
    }

    @Test("every {{@key}} of Templates/web exists in messages.json in Vietnamese and English")
    func templateKeysHaveBothLanguages() throws {
        let directory = PageText.directory
        let files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".html") }
            .sorted()
        #expect(files.count >= 10, "\(files)")
        let pattern = try NSRegularExpression(pattern: #"\{\{\s*@\s*([^}\s]+)\s*\}\}"#)
        var used: Set<String> = []
        for file in files {
            let text = try String(contentsOfFile: "\(directory)/\(file)", encoding: .utf8)
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                guard let range = Range(match.range(at: 1), in: text) else { continue }
                let key = String(text[range])
                used.insert(key)
                let pair = PageText.catalogue[key]
                #expect(pair?.count == 2, "\(file): {{@\(key)}} is not in messages.json as [vi, en]")
                #expect(
                    pair?.allSatisfy { !$0.trimmingCharacters(in: .whitespaces).isEmpty } == true,
                    "\(file): \(key) has an empty text")
            }
        }
        #expect(used.count > 100, "the scan found the keys (\(used.count))")
        #expect(PageText.catalogue.values.allSatisfy { $0.count == 2 }, "every entry is [vi, en]")
    }

    @Test(
        "every template renders in both languages, every section open and every section closed; keys built in code exist"
    )
    func everyTemplateRenders() throws {
        let site = try WebSite(configuration: WebConfiguration(directory: PageText.directory, secureCookies: false))
        let names = site.templates.names
        #expect(names.contains("layout") && names.contains("officer-queue") && names.contains("document"), "\(names)")
        // Every name any tag mentions, set to true: sections open (partials included), variables print "true".
        var tagged: Set<String> = []
        let pattern = try NSRegularExpression(pattern: #"\{\{\{?\s*[#^/]?\s*([A-Za-z_][A-Za-z0-9_-]*)"#)
        for name in names {
            let text = try String(contentsOfFile: "\(PageText.directory)/\(name).html", encoding: .utf8)
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                if let range = Range(match.range(at: 1), in: text) { tagged.insert(String(text[range])) }
            }
        }
        let open = TemplateValue.object(Dictionary(uniqueKeysWithValues: tagged.map { ($0, TemplateValue.bool(true)) }))
        for language in WebLanguage.allCases {
            for name in names {
                for context in [open, TemplateValue.object([:])] {
                    do {
                        let html = try site.templates.render(
                            name, context, messages: { site.messages.lookup($0, language) })
                        #expect(!html.isEmpty, "\(name) rendered nothing")
                    } catch {
                        Issue.record("\(name) (\(language.rawValue)): \(error)")
                    }
                }
            }
        }
        // Keys the page code builds from values (kinds, states, roles…) rather than writing them in a template.
        var built: [String] = []
        built +=
            RequestKind.allCases.map { "kind-\($0.rawValue)" } + RequestState.allCases.map { "state-\($0.rawValue)" }
        built += ActorRole.allCases.map { "role-\($0.rawValue)" } + Sex.allCases.map { "sex-\($0.rawValue)" }
        built += LifecycleAction.allCases.map { "action-name-\($0.rawValue)" } + ["action-name-submit"]
        built += HealthBookSection.allCases.map { "section-\($0.rawValue)" }
        built += DeliveryChoice.Method.allCases.map { "delivery-\($0.rawValue)" }
        built += ValidationPolicy().healthCertificateTypes.map { "certificate-\($0)" }
        built += ["valid", "invalid", "revoked"].flatMap { ["verdict-\($0)", "verdict-\($0)-text"] }
        built += ["status-valid", "status-revoked", "form-1", "form-2"]
        built += RevocationReason.allCases.map { "revocation-\($0.rawValue)" }
        for key in built {
            for language in WebLanguage.allCases {
                #expect(site.messages.lookup(key, language) != nil, "messages.json lacks \(key)")
            }
        }
    }

    // MARK: Helpers

    /// Opens `path` (a sign-in page) for its CSRF token, then posts `token`.
    static func signIn(_ browser: Browser, _ path: String, token: String) async throws -> ClientResponse {
        let form = try await browser.get(path)
        let csrf = try #require(form.csrf, "\(path) has no CSRF field: \(form)")
        return try await browser.post(path, [("csrf", csrf), ("token", token)])
    }

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
        let signedIn = try await signIn(officer, "/officer/sign-in", token: token)
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
        #expect(try await signIn(citizen, "/citizen/sign-in", token: citizenToken).status == 303)
        return (id, officer, citizen)
    }
}

/// `Templates/web/messages.json` as the tests read it: key → [Vietnamese, English].
enum PageText {
    static let directory = WebSite.repositoryDirectory(templates: DocumentRenderer.repositoryTemplateDirectory())

    static let catalogue: [String: [String]] = {
        guard let data = FileManager.default.contents(atPath: directory + "/messages.json"),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: [String]]
        else { return [:] }
        return object
    }()

    static func vi(_ key: String) -> String { catalogue[key]?.first ?? "<no message \(key)>" }
    static func en(_ key: String) -> String { catalogue[key]?.last ?? "<no message \(key)>" }
}

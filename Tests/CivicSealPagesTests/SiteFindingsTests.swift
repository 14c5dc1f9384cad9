import CivicSealApp
import CivicSealRecords
import CivicSealServiceTestSupport
import CivicSealWorkflow
import Foundation
import Testing

@testable import CivicSealPages

/// Issue 13, helper D's findings as a client and a browser without JavaScript see them: the Art. 48 complexity an
/// officer sets (3), names in the queue and history (10), the revocation's confirmation (11), the citizen who clicks
/// "Cán bộ" (13), HTML errors in the visitor's language (14), the five-field check's form errors (18), the code
/// look-up (19) and the verify page's plain words (21).
@Suite("Issue 13: verifier, site pages, officer queue, complexity, revocation")
struct SiteFindingsTests {
    // MARK: 3 — complexity

    /// The due date `workingDays` working days after `received`, as the service's default calendar counts.
    static func dueDate(_ received: String, _ workingDays: Int) throws -> String {
        let day = try #require(CalendarDate(received))
        return StatutoryDeadline(receivedOn: day, workingDays: workingDays, calendar: WorkingDayCalendar()).dueDate
            .description
    }

    @Test(
        "Art. 48 complexity over the API: due in 15 working days not 10, audited with reasons, outlives a supplement"
    )
    func officerSetsComplexity() async throws {
        try await withLiveService { live in
            let citizen = try live.token(for: .man(301))
            let officer = try live.token(for: .justiceOfficer)
            let submitted = try await live.client.post("/v1/requests", token: citizen, json: Bodies.criminalRecord())
            let id = try #require(submitted.json["id"] as? String, "\(submitted)")
            let received = try #require(submitted.json["receivedOn"] as? String)
            #expect(
                submitted.json["dueDate"] as? String == (try Self.dueDate(received, 10)),
                "one province: the ordinary case")

            // Missing reason, unknown reason, duplicate: refused, nothing changes.
            for body in [
                #"{"reasons": ["lived-abroad"], "reason": "  "}"#, #"{"reasons": ["lived-abroad"]}"#,
                #"{"reasons": ["moon"], "reason": "x"}"#, #"{"reasons": ["foreigner", "foreigner"], "reason": "x"}"#,
            ] {
                let refused = try await live.client.post("/v1/requests/\(id)/complexity", token: officer, json: body)
                #expect(refused.status == 422, "\(body): \(refused)")
            }
            // A citizen, a revoker and another department's officer may not.
            #expect(
                try await live.client.post(
                    "/v1/requests/\(id)/complexity", token: citizen, json: #"{"reasons": [], "reason": "x"}"#
                ).status == 403)
            #expect(
                try await live.client.post(
                    "/v1/requests/\(id)/complexity", token: try live.token(for: .justiceRevoker),
                    json: #"{"reasons": [], "reason": "x"}"#
                ).status == 403)
            #expect(
                try await live.client.post(
                    "/v1/requests/\(id)/complexity", token: try live.token(for: .healthOfficer),
                    json: #"{"reasons": [], "reason": "x"}"#
                ).status == 404)
            let unchanged = try await live.client.get("/v1/requests/\(id)", token: officer)
            #expect(
                (unchanged.json["request"] as? [String: Any])?["dueDate"] as? String == (try Self.dueDate(received, 10))
            )

            let set = try await live.client.post(
                "/v1/requests/\(id)/complexity", token: officer,
                json:
                    #"{"reasons": ["lived-abroad"], "#
                    + #""reason": "Đã làm việc tại Nhật Bản 2010–2012 (xác minh qua hộ chiếu)"}"#
            )
            #expect(set.status == 200, "\(set)")
            #expect(set.json["dueDate"] as? String == (try Self.dueDate(received, 15)), "lived abroad: 15 working days")

            let record = try await live.service.store.request(id, by: .system(), now: Date())
            #expect(record.complexityOverride == CaseComplexity(reasons: [.livedAbroad]))
            let step = try #require(record.history.last)
            #expect(step.action == "set-complexity" && step.toState == .submitted && step.fromState == .submitted)
            #expect(step.reason == "[lived-abroad] Đã làm việc tại Nhật Bản 2010–2012 (xác minh qua hộ chiếu)")
            #expect(step.actorName == StaffMember.justiceOfficer.name)
            #expect(try await live.service.store.verifyAudit().isIntact, "the audit chain covers the step")

            // Claimed, sent back for information and supplemented: the clock restarts, the officer's complexity stays.
            #expect(try await live.client.post("/v1/requests/\(id)/claim", token: officer, json: "").status == 200)
            let info = try await live.client.post(
                "/v1/requests/\(id)/decision", token: officer,
                json: #"{"decision": "request-info", "reason": "Bổ sung hộ chiếu"}"#)
            #expect(info.status == 200, "\(info)")
            let supplemented = try await live.client.post(
                "/v1/requests/\(id)/supplement", token: citizen, json: Bodies.criminalRecord())
            #expect(supplemented.status == 200, "\(supplemented)")
            let again = try #require(supplemented.json["receivedOn"] as? String)
            #expect(supplemented.json["dueDate"] as? String == (try Self.dueDate(again, 15)), "\(supplemented)")
        }
    }

    @Test(
        "the officer's request page shows the deadline and why; setting it needs a reason, next to the field"
    )
    func complexityOnThePage() async throws {
        try await withLiveService { live in
            let (id, officer, csrf, version) = try await PageFlowTests.claimed(live, .man(302))
            let page = try await officer.get("/officer/requests/\(id)")
            #expect(
                page.element(id: "complexity-current")?.hasPrefix("10 ") == true,
                "\(page.element(id: "complexity-current") ?? page.text)")
            let missing = try await officer.post(
                "/officer/requests/\(id)/set-complexity",
                [("csrf", csrf), ("version", version), ("complexity", "several-provinces")])
            #expect(missing.status == 200)
            #expect(
                missing.element(id: "f-complexity-reason-error") == PageText.vi("field-reason-required"),
                "\(missing.text)")
            #expect(missing.text.contains(#"value="several-provinces" checked"#), "the ticked reason is kept")
            let set = try await officer.post(
                "/officer/requests/\(id)/set-complexity",
                [
                    ("csrf", csrf), ("version", version), ("complexity", "several-provinces"),
                    ("complexity.reason", "Sống ở Đà Nẵng 2005–2010"),
                ])
            #expect(set.status == 303, "\(set)")
            let after = try await officer.get("/officer/requests/\(id)")
            #expect(after.element(id: "complexity-current")?.hasPrefix("15 ") == true, "\(after.text)")
            #expect(after.text.contains(PageText.vi("queue-complexity-reason-several-provinces")))
            #expect(
                after.text.contains("Sống ở Đà Nẵng 2005–2010") && after.text.contains(StaffMember.justiceOfficer.name),
                "history")
        }
    }

    // MARK: 10 — names and filters

    @Test(
        "the queue names claiming officer and applicant, offers each state and all, only the department's kinds"
    )
    func queueShowsNames() async throws {
        try await withLiveService { live in
            let person = Person.man(303)
            let (id, officer, _, _) = try await PageFlowTests.claimed(live, person)
            let queue = try await officer.get("/officer/queue?state=in_review")
            #expect(queue.status == 200, "\(queue)")
            let row = try #require(queue.firstMatch(#"<tr[^>]*data-request="\#(id)"[^>]*>(.*?)</tr>"#), "\(queue.text)")
            #expect(row.contains(StaffMember.justiceOfficer.name), "the assignee's name: \(row)")
            #expect(!row.contains("dev-staff") && !row.contains("staff-"), "no staff id: \(row)")
            #expect(row.contains(person.name), "the applicant's name: \(row)")
            for state in RequestState.allCases {
                #expect(queue.text.contains(#"<option value="\#(state.rawValue)""#), "\(state)")
            }
            #expect(queue.text.contains(#"<option value="all""#))
            #expect(
                !queue.text.contains(#"value="health-certificate""#)
                    && !queue.text.contains(#"value="health-book-extract""#))
            let all = try await officer.get("/officer/queue?state=all")
            #expect(WebPagesTests.queueRows(all).contains(id), "all states lists the claimed request")
            let detail = try await officer.get("/officer/requests/\(id)")
            #expect(detail.text.contains(StaffMember.justiceOfficer.name), "the history names the officer")
        }
    }

    // MARK: 11 — revocation confirmation

    @Test("revoking shows a confirmation page first; nothing is revoked until the officer confirms")
    func revocationIsConfirmed() async throws {
        try await withLiveService { live in
            let (requestID, _, _) = try await WebPagesTests.approveThroughPages(live, person: .man(304))
            let revoker = Browser(live)
            #expect(
                try await revoker.signIn("/officer/sign-in", token: try live.token(for: .justiceRevoker))
                    .status == 303)
            let documentID = try live.documentID(forRequest: requestID)
            let csrf = try #require(try await revoker.get("/officer/requests/\(requestID)").csrf)
            let fields = [("revoke.reasonCode", "issued-in-error"), ("revoke.reason", "Nhầm người 5521")]
            let confirmation = try await revoker.post(
                "/officer/requests/\(requestID)/revoke", [("csrf", csrf)] + fields)
            #expect(confirmation.status == 200, "\(confirmation)")
            #expect(confirmation.element(id: "revoke-document-id") == documentID)
            #expect(confirmation.element(id: "revoke-grounds") == "Nhầm người 5521")
            #expect(confirmation.element(id: "revoke-reason-code") == PageText.vi("revocation-issued-in-error"))
            #expect(
                try live.service.store.documentEntry(id: documentID)?.status == .valid, "nothing revoked before confirm"
            )
            let edit = try await revoker.post("/officer/requests/\(requestID)/revoke-edit", [("csrf", csrf)] + fields)
            #expect(edit.status == 200 && edit.text.contains("Nhầm người 5521"), "edit keeps the grounds")
            #expect(try live.service.store.documentEntry(id: documentID)?.status == .valid)
            // A confirmation for another document (the page was stale) is refused.
            let stale = try await revoker.post(
                "/officer/requests/\(requestID)/revoke-confirm",
                [("csrf", csrf), ("documentId", "00000000000000000000000000")] + fields)
            #expect(stale.status == 409, "\(stale)")
            let confirmed = try await revoker.post(
                "/officer/requests/\(requestID)/revoke-confirm", [("csrf", csrf), ("documentId", documentID)] + fields)
            #expect(confirmed.status == 303, "\(confirmed)")
            guard case .revoked(_, .issuedInError, _)? = try live.service.store.documentEntry(id: documentID)?.status
            else {
                Issue.record("not revoked after confirm")
                return
            }
        }
    }

    // MARK: 13 — a citizen who clicks "Cán bộ"

    @Test("a signed-in citizen opening the officer pages is told so and stays signed in until they choose to sign out")
    func citizenOnOfficerPages() async throws {
        try await withLiveService { live in
            let person = Person.man(305)
            let citizen = try await PageFlowTests.signedInCitizen(live, person)
            let queue = try await citizen.get("/officer/queue")
            #expect(queue.status == 303 && queue.header("Location") == "/officer/sign-in")
            let notice = try await citizen.get("/officer/sign-in")
            #expect(notice.status == 200)
            #expect(notice.element(id: "switch-explanation")?.contains(person.name) == true, "\(notice.text)")
            #expect(notice.element(id: "sign-in") == nil, "no officer sign-in button while signed in as a citizen")
            #expect(try await citizen.get("/citizen").status == 200, "still signed in as the citizen")
            let out = try await citizen.post(
                "/sign-out", [("csrf", try #require(notice.csrf)), ("next", "/officer/sign-in")])
            #expect(out.status == 303 && out.header("Location") == "/officer/sign-in", "\(out)")
            let signIn = try await citizen.get("/officer/sign-in")
            #expect(signIn.element(id: "sign-in") != nil, "now the officer sign-in button")
            #expect(try await citizen.get("/citizen").status == 303, "signed out")
        }
    }

    // MARK: 14 — HTML errors in the visitor's language

    @Test(
        "unknown pages: an HTML 404 in the visitor's language; GET of a POST address goes to its form; API: problem"
    )
    func pagesAnswerInHTML() async throws {
        try await withLiveService { live in
            let browser = Browser(live)
            let missing = try await browser.get("/khong-co-trang-nay")
            #expect(missing.status == 404)
            #expect(missing.header("Content-Type")?.hasPrefix("text/html") == true, "\(missing)")
            #expect(
                missing.text.contains(#"<html lang="vi">"#) && missing.text.contains(PageText.vi("error-not-found")))
            browser.setCookie("civicseal_lang", "en")
            let english = try await browser.get("/officer/requests/0123/nothing/here")
            #expect(
                english.status == 404 && english.text.contains(#"<html lang="en">"#)
                    && english.text.contains(PageText.en("error-not-found")))
            let api = try await browser.get("/v1/nothing")
            #expect(
                api.status == 404 && api.header("Content-Type")?.hasPrefix("application/problem+json") == true, "\(api)"
            )
            let apiMethod = try await browser.send("DELETE", "/v1/requests")
            #expect(
                apiMethod.status == 405
                    && apiMethod.header("Content-Type")?.hasPrefix("application/problem+json") == true)
            // The language switch after a refused form GETs the POST address: it lands on the form's page.
            let reject = try await browser.get("/officer/requests/0123456789abcdef0123456789abcdef/reject")
            #expect(
                reject.status == 303
                    && reject.header("Location") == "/officer/requests/0123456789abcdef0123456789abcdef", "\(reject)")
            let newRequest = try await browser.get("/citizen/requests")
            #expect(
                newRequest.status == 303 && newRequest.header("Location") == "/citizen/requests/new", "\(newRequest)")
            let switched = try await browser.get("/language/vi?next=/citizen/requests")
            #expect(switched.status == 303 && switched.header("Location") == "/citizen/requests")
        }
    }

    @Test("the fallback's form page for a POST-only address")
    func formPageForPostOnly() {
        #expect(WebPages.formPage(forPostOnly: "/officer/requests/abc/approve") == "/officer/requests/abc")
        #expect(WebPages.formPage(forPostOnly: "/citizen/requests/abc/cancel") == "/citizen/requests/abc")
        #expect(WebPages.formPage(forPostOnly: "/citizen/requests") == "/citizen/requests/new")
        #expect(WebPages.formPage(forPostOnly: "/sign-out") == "/")
        #expect(WebPages.formPage(forPostOnly: "/verify") == "/")
        #expect(
            WebPages.isAPIPath("/v1/requests") && WebPages.isAPIPath("/healthz") && !WebPages.isAPIPath("/v1x")
                && !WebPages.isAPIPath("/v/ABC"))
    }

    // MARK: 18 — the five-field check

    @Test("the five-field check's form problems are found before comparing, field by field; nothing is ever cut")
    func confirmationProblems() throws {
        let today = try #require(CalendarDate("2026-12-04"))
        let good = ["fullName": "Trần Văn Thử", "birthDate": "1985-03-02", "sex": "male", "personalId": "079085000306"]
        #expect(WebPages.confirmationProblems(good, today: today).isEmpty)
        #expect(
            WebPages.confirmationProblems(good.merging(["personalId": "079 085 000 306"]) { $1 }, today: today).isEmpty,
            "spaces between groups")
        func problem(_ field: String, _ value: String) -> String? {
            WebPages.confirmationProblems(good.merging([field: value]) { $1 }, today: today)[field]
        }
        #expect(
            problem("personalId", "0790850003061") == "verify-personal-id-long", "13 digits are refused, not cut to 12")
        #expect(problem("personalId", "07908500030") == "verify-personal-id-short")
        #expect(problem("personalId", "07908500030A") == "verify-personal-id-digits")
        #expect(
            problem("personalId", "０７９０８５０００３０６") == "verify-personal-id-digits",
            "full-width digits are not ASCII digits")
        #expect(problem("personalId", "") == "verify-personal-id-required")
        #expect(problem("fullName", "  ") == "verify-name-required")
        #expect(problem("fullName", "Trần\u{0007}Văn") == "verify-name-invalid")
        #expect(problem("fullName", String(repeating: "a", count: 201)) == "verify-name-too-long")
        #expect(problem("birthDate", "") == "verify-birth-date-required")
        #expect(problem("birthDate", "1985-02-30") == "verify-birth-date-invalid")
        #expect(problem("birthDate", "14052004") == "verify-birth-date-invalid")
        #expect(problem("birthDate", "2027-01-01") == "verify-birth-date-future")
        #expect(problem("sex", "") == "verify-sex-required")
        #expect(problem("sex", "other") == "verify-sex-invalid")
    }

    @Test(
        "on /v/{id} a malformed form says what is wrong per field, costs no attempt; a 13-digit ID never matches"
    )
    func malformedConfirmationCostsNoAttempt() async throws {
        try await withLiveService { live in
            let person = Person.man(306)
            let (requestID, _, _) = try await WebPagesTests.approveThroughPages(live, person: person)
            let documentID = try live.documentID(forRequest: requestID)
            let verifier = Browser(live)
            let page = try await verifier.get("/v/\(documentID)")
            #expect(!page.text.contains(#"maxlength="12""#), "no silent cut of the ID number")
            let csrf = try #require(page.csrf)
            func post(_ id: String) async throws -> ClientResponse {
                try await verifier.post(
                    "/v/\(documentID)",
                    [
                        ("csrf", csrf), ("fullName", person.name), ("birthDate", person.birthdate),
                        ("sex", person.gender), ("personalId", id),
                    ])
            }
            // Twelve malformed posts (the limit is 10 a minute): each answered with the field's message, none charged.
            for _ in 0..<12 {
                let thirteen = try await post(person.personalID + "7")
                #expect(thirteen.status == 200, "\(thirteen)")
                #expect(
                    thirteen.element(id: "f-personalId-error") == PageText.vi("verify-personal-id-long"),
                    "\(thirteen.text)")
                #expect(thirteen.element(id: "confirmation") == nil, "no comparison")
                #expect(thirteen.text.contains(#"id="error-summary""#))
            }
            let confirmed = try await post(person.personalID)
            #expect(confirmed.status == 200, "\(confirmed)")
            #expect(confirmed.element(id: "confirmation") == PageText.vi("confirm-yes"), "\(confirmed.text)")
        }
    }

    // MARK: 19 — the code look-up

    @Test(
        "document references: the ID (spaces, case, O/0, I/1 forgiven) or printed number; else refused with why"
    )
    func documentReferences() throws {
        let id = "N03RW44HBZ7QH2KX9V4M3TBCJ5"
        #expect(try DocumentReference.parse(id) == .id(id))
        #expect(try DocumentReference.parse(" n03rw 44hbz-7qh2k x9v4m 3tbcj5 ") == .id(id))
        #expect(try DocumentReference.parse("NO3RW44HBZ7QH2KX9V4M3TBCJ5") == .id(id), "O read as 0")
        #expect(
            try DocumentReference.parse("I1L1000000000000000000000A") == .id("1111000000000000000000000A"),
            "I and L read as 1")
        #expect(
            try DocumentReference.parse("Số / No.: N03RW44HBZ/2026/LLTP")
                == .number(prefix: "N03RW44HBZ", year: 2026, suffix: "LLTP"))
        #expect(
            try DocumentReference.parse("n03rw44hbz / 2026 / lltp")
                == .number(prefix: "N03RW44HBZ", year: 2026, suffix: "LLTP"))
        #expect(try DocumentReference.parse("NO3RW44HBZ/2026/GKSK").printedNumber == "N03RW44HBZ/2026/GKSK")
        #expect(throws: DocumentReference.ParseError.empty) { try DocumentReference.parse("   ") }
        #expect(throws: DocumentReference.ParseError.wrongLength) { try DocumentReference.parse(id + "X") }
        #expect(throws: DocumentReference.ParseError.wrongLength) { try DocumentReference.parse(String(id.dropLast())) }
        #expect(throws: DocumentReference.ParseError.badCharacter) {
            try DocumentReference.parse("U03RW44HBZ7QH2KX9V4M3TBCJ5")
        }
        #expect(throws: DocumentReference.ParseError.badNumber) { try DocumentReference.parse("N03RW44HBZ/26/LLTP") }
        #expect(throws: DocumentReference.ParseError.badNumber) { try DocumentReference.parse("N03RW44HB/2026/LLTP") }
        #expect(throws: DocumentReference.ParseError.badNumber) { try DocumentReference.parse("N03RW44HBZ/2026/ABC") }
    }

    @Test("the look-up accepts the number printed at the top of the certificate and the ID as typed from paper")
    func lookUpByPrintedNumber() async throws {
        try await withLiveService { live in
            let (requestID, _, _) = try await WebPagesTests.approveThroughPages(live, person: .man(307))
            let documentID = try live.documentID(forRequest: requestID)
            let verifier = Browser(live)
            let page = try await verifier.get("/v/\(documentID)")
            let number = try #require(
                page.element(id: "document-number"), "the page shows the printed number: \(page.text)")
            #expect(number.hasPrefix(String(documentID.prefix(10)) + "/") && number.hasSuffix("/LLTP"))
            let typed = "Số / No.: " + number.lowercased().replacingOccurrences(of: "/", with: " / ")
            let byNumber = try await verifier.get("/verify/lookup?code=" + Browser.formEncoded(typed))
            #expect(byNumber.status == 303 && byNumber.header("Location") == "/v/\(documentID)", "\(byNumber)")
            let misread = documentID.replacingOccurrences(of: "0", with: "O").replacingOccurrences(of: "1", with: "I")
            let spaced = stride(from: 0, to: 26, by: 5).map { start in
                String(misread.dropFirst(start).prefix(5))
            }.joined(separator: " ")
            let byID = try await verifier.get("/verify/lookup?code=" + Browser.formEncoded(spaced))
            #expect(byID.status == 303 && byID.header("Location") == "/v/\(documentID)", "\(spaced): \(byID)")
            let wrongYear = number.replacingOccurrences(of: "/20", with: "/21")
            let unknown = try await verifier.get("/verify/lookup?code=" + Browser.formEncoded(wrongYear))
            #expect(unknown.element(id: "code-error") == PageText.vi("verify-unknown-code"), "\(unknown.text)")
        }
    }

    // MARK: 21 — plain words

    @Test("English amounts read VND 205,000; Vietnamese 205.000 đ")
    func money() {
        #expect(WebPages.money(205_000, .english) == "VND 205,000")
        #expect(WebPages.money(205_000, .vietnamese) == "205.000 đ")
        #expect(WebPages.money(5_000_000, .english) == "VND 5,000,000")
        #expect(WebPages.money(0, .english) == "VND 0")
    }

    @Test("the rate-limit page says how long to wait")
    func rateLimitPageGivesTheWait() async throws {
        try await withLiveService { live in
            let person = Person.man(308)
            let (requestID, _, _) = try await WebPagesTests.approveThroughPages(live, person: person)
            let documentID = try live.documentID(forRequest: requestID)
            let verifier = Browser(live)
            let csrf = try #require(try await verifier.get("/v/\(documentID)").csrf)
            var last: ClientResponse?
            for _ in 0..<11 {
                last = try await verifier.post(
                    "/v/\(documentID)",
                    [
                        ("csrf", csrf), ("fullName", "Người Khác"), ("birthDate", person.birthdate),
                        ("sex", person.gender), ("personalId", person.personalID),
                    ])
            }
            let limited = try #require(last)
            #expect(limited.status == 429, "\(limited)")
            let wait = try #require(limited.header("Retry-After").flatMap(Int.init))
            let expected = PageText.vi("site-too-many-wait").replacingOccurrences(of: "{seconds}", with: String(wait))
            #expect(limited.text.contains(expected), "\(limited.text)")
        }
    }
}

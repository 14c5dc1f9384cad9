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

/// The officer's queue, approval to download and verification, over a live server as a browser sees them.
@Suite("Live pages: queue, approval to download, verification")
struct WebPagesOfficerTests {
    // MARK: The officer's queue

    @Test(
        "the officer queue lists the department's requests earliest due first, filters overdue, pages 50"
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
                try await browser.signIn("/officer/sign-in", token: try live.token(for: .justiceOfficer)).status
                    == 303)
            let first = try await browser.get("/officer/queue")
            #expect(first.status == 200, "\(first)")
            let firstRows = WebPagesTests.queueRows(first)
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
            let secondRows = WebPagesTests.queueRows(second)
            #expect(secondRows.count == 13)
            #expect(
                Set(firstRows + secondRows) == overdueIDs.union(fresh.map(\.id)), "every request once across the pages")
            #expect(Set(firstRows).isDisjoint(with: secondRows))
            #expect(second.firstMatch(#"<a href="([^"]+)" id="first-page""#) == "/officer/queue?state=submitted")
            #expect(second.firstMatch(#"<a href="([^"]+)" id="next-page""#) == nil)

            let overdue = try await browser.get("/officer/queue?state=submitted&overdue=yes")
            #expect(Set(WebPagesTests.queueRows(overdue)) == overdueIDs, "\(overdue)")
            #expect(WebPagesTests.queueRows(overdue).count == 3)
            #expect(overdue.text.contains(#"name="overdue" value="yes" checked"#), "the filter stays ticked")
            #expect(
                overdue.element(id: "queue-count")
                    == "3 \(PageText.vi("count-requests")) · 3 \(PageText.vi("count-overdue"))")
            let kindAndOverdue = try await browser.get(
                "/officer/queue?state=submitted&kind=criminal-record&overdue=yes")
            #expect(Set(WebPagesTests.queueRows(kindAndOverdue)) == overdueIDs)
            let otherKind = try await browser.get("/officer/queue?state=submitted&kind=health-certificate")
            #expect(WebPagesTests.queueRows(otherKind).isEmpty && otherKind.text.contains(PageText.vi("queue-empty")))
            let inReview = try await browser.get("/officer/queue?state=in_review")
            #expect(WebPagesTests.queueRows(inReview).isEmpty)
            // A cursor edited by hand starts over rather than failing.
            let edited = try await browser.get("/officer/queue?state=submitted&after=not-a-cursor")
            #expect(edited.status == 303 && edited.header("Location") == "/officer/queue", "\(edited)")
            // The other department sees none of them.
            let health = Browser(live)
            #expect(
                try await health.signIn("/officer/sign-in", token: try live.token(for: .healthOfficer)).status
                    == 303)
            #expect(WebPagesTests.queueRows(try await health.get("/officer/queue")).isEmpty)
        }
    }

    // MARK: From approval to download

    @Test(
        "an officer claims and approves through the pages; the request is issued and only its owner downloads the PDF")
    func officerApprovesAndOwnerDownloads() async throws {
        try await withLiveService { live in
            let person = Person.man(54)
            let (requestID, officer, citizen) = try await WebPagesTests.approveThroughPages(live, person: person)
            let detail = try await live.client.get("/v1/requests/\(requestID)", token: try live.token(for: person))
            #expect((detail.json["request"] as? [String: Any])?["status"] as? String == "issued", "\(detail)")
            let officerView = try await officer.get("/officer/requests/\(requestID)")
            #expect(officerView.firstMatch(#"id="request-state" data-state="([a-z_]+)""#) == "issued")
            #expect(!officerView.text.contains(#"id="revoke""#), "a deciding officer is not offered revocation")
            let revoker = Browser(live)
            #expect(
                try await revoker.signIn("/officer/sign-in", token: try live.token(for: .justiceRevoker)).status
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
            let documentID = try live.documentID(forRequest: requestID)
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
                try await other.signIn("/citizen/sign-in", token: try live.token(for: .man(55))).status == 303)
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
        "an officer revokes by page: a listed reason code is required, grounds stay internal, /v/{id} shows the code"
    )
    func officerRevokesWithAReasonCode() async throws {
        try await withLiveService { live in
            let (requestID, _, _) = try await WebPagesTests.approveThroughPages(live, person: .man(57))
            // Revocation is the department revoker's role, not the deciding officer's.
            let officer = Browser(live)
            #expect(
                try await officer.signIn("/officer/sign-in", token: try live.token(for: .justiceRevoker)).status
                    == 303)
            let documentID = try live.documentID(forRequest: requestID)
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
        "with valid sessions, another department's officer and another citizen can neither see nor change a request"
    )
    func pagesKeepToTheirOwnRequests() async throws {
        try await withLiveService { live in
            let ownerToken = try live.token(for: .man(59))
            let submitted = try await live.client.post("/v1/requests", token: ownerToken, json: Bodies.criminalRecord())
            let id = try #require(submitted.json["id"] as? String, "\(submitted)")

            let health = Browser(live)
            #expect(
                try await health.signIn("/officer/sign-in", token: try live.token(for: .healthOfficer)).status
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
                try await stranger.signIn("/citizen/sign-in", token: try live.token(for: .man(60))).status == 303)
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
            #expect(try await citizen.signIn("/citizen/sign-in", token: citizenToken).status == 303)
            let form = try await citizen.get("/citizen/requests/new?kind=criminal-record")
            let csrf = try #require(form.csrf)
            let key = try #require(form.firstMatch(#"name="idempotencyKey" value="([^"]+)""#))
            _ = try await citizen.post(
                "/citizen/requests",
                [("csrf", csrf)]
                    + WebPagesTests.criminalRecordForm(key: key, purpose: "", phone: "x", rows: WebPagesTests.validRows)
            )
            let stored = try await citizen.post(
                "/citizen/requests",
                [("csrf", csrf)]
                    + WebPagesTests.criminalRecordForm(
                        key: key, purpose: "Xin việc", phone: "0987654321", rows: WebPagesTests.validRows))
            let location = try #require(stored.header("Location"), "\(stored)")
            let requestID = String(location.dropFirst("/citizen/requests/".count))
            let officer = Browser(live)
            try await WebPagesTests.approve(requestID, officer: officer, token: officerToken)
            for path in [
                location, "/citizen", "/citizen/requests/\(requestID)/document", "/language/en?next=\(location)",
                location,
            ] {
                _ = try await citizen.get(path)
            }
            let documentID = try live.documentID(forRequest: requestID)
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

    // MARK: Verification

    @Test(
        "/verify: the sealed PDF is valid, a flipped byte invalid, a non-PDF says so; a code lookup goes to /v/{code}")
    func verifyUploadAndLookup() async throws {
        try await withLiveService { live in
            let (requestID, _, citizen) = try await WebPagesTests.approveThroughPages(live, person: .man(57))
            let pdf = try await citizen.get("/citizen/requests/\(requestID)/document").body
            #expect(pdf.starts(with: Array("%PDF-".utf8)))
            let documentID = try live.documentID(forRequest: requestID)

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
            // Each signature is listed: the officer's, the seal's and the document timestamp, all passed.
            for role in ["officer", "seal", "document-timestamp"] {
                #expect(valid.text.contains(#"data-role="\#(role)" data-state="pass""#), "\(role): \(valid.text)")
            }
            #expect(valid.element(id: "verdict-level") == "B-LTA")
            #expect(valid.text.contains(PageText.vi("signature-role-officer")))
            // How fresh the registry status the verdict relied on is: read just now, in Hà Nội time.
            let asOf = try #require(valid.element(id: "verdict-status-as-of"), "\(valid.text)")
            #expect(asOf.contains(PageText.vi("verdict-status-live")) && asOf.contains("UTC+7"), "\(asOf)")

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
            let documentPage = try await verifier.get("/v/\(documentID)")
            #expect(
                documentPage.element(id: "document-status-as-of")?.contains(PageText.vi("verdict-status-live")) == true,
                "\(documentPage.text)")
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
}

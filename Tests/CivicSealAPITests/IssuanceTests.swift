import CivicSealApp
import CivicSealCrypto
import CivicSealRecords
import CivicSealServiceTestSupport
import CivicSealTestSupport
import CivicSealWorkflow
import Foundation
import Testing

/// Issuance on approval and the public verification surface, over a live server, as clients see them.
@Suite("Live API: issuance and verification")
struct IssuanceTests {
    /// Submits a criminal-record request for `person`, claims and approves it; returns the request id.
    static func approvedRequest(_ live: LiveService, person: Person, officer: StaffMember = .justiceOfficer)
        async throws -> String
    {
        let citizen = try live.token(for: person)
        let officerToken = try live.token(for: officer)
        let submitted = try await live.client.post("/v1/requests", token: citizen, json: Bodies.criminalRecord())
        let id = try #require(submitted.json["id"] as? String, "\(submitted)")
        #expect(try await live.client.post("/v1/requests/\(id)/claim", token: officerToken, json: "").status == 200)
        let approved = try await live.client.post(
            "/v1/requests/\(id)/decision", token: officerToken, json: Bodies.noConviction)
        #expect(approved.status == 200, "\(approved)")
        #expect(approved.json["status"] as? String == "issued", "\(approved)")
        return id
    }

    static func documentID(_ live: LiveService, request id: String) throws -> String {
        try live.documentID(forRequest: id)
    }

    static func root(_ live: LiveService) -> String { live.keysDirectory + "/trust/root-ca.cert.pem" }

    @Test("approval issues a sealed PDF that the owner downloads and pdfsig and pyHanko accept; others get 404")
    func approvalIssuesAVerifiablePDF() async throws {
        try await withLiveService { live in
            let id = try await Self.approvedRequest(live, person: .man(41))
            let download = try await live.client.get(
                "/v1/requests/\(id)/document", token: try live.token(for: .man(41)))
            #expect(download.status == 200, "\(download)")
            #expect(download.header("Content-Type") == "application/pdf")
            #expect(download.body.starts(with: Array("%PDF-".utf8)))
            let documentID = try Self.documentID(live, request: id)
            #expect(documentID.count == 26 && DocumentID.isValid(documentID))
            #expect(download.header("Content-Disposition")?.contains(documentID) == true)
            let entry = try #require(try live.service.store.documentEntry(id: documentID))
            #expect(
                entry.pdfSHA256 == Hex.encode(Digest.sha256(download.body)),
                "the registry holds the hash of what the owner gets")
            #expect(
                entry.signerCertificateSHA256
                    == live.service.keyring.department("justice-hanoi")?.active.certificate.fingerprintHex)
            #expect(entry.templateID == "criminal-record-form-1")

            // Another citizen, an officer, and no token: nothing to see.
            #expect(
                try await live.client.get("/v1/requests/\(id)/document", token: try live.token(for: .man(42))).status
                    == 404)
            #expect(
                try await live.client.get("/v1/requests/\(id)/document", token: try live.token(for: .justiceOfficer))
                    .status == 403)
            #expect(try await live.client.get("/v1/requests/\(id)/document").status == 401)

            let path = try live.folder.write("issued.pdf", download.body)
            if PDFValidators.pdfsigUsable {
                let result = try PDFValidators.pdfsig(path, root: Self.root(live), in: live.folder.path)
                #expect(result.accepted, "\(result.output)")
            }
            if PDFValidators.pyHankoUsable {
                let result = try PDFValidators.pyHanko(path, root: Self.root(live))
                #expect(result.accepted, "\(result.output)")
            }
            // The registry verdict through the API.
            let verdict = try await live.client.send(
                "POST", "/v1/verify", headers: [("Content-Type", "application/pdf")], body: download.body)
            #expect(verdict.status == 200, "\(verdict)")
            #expect(verdict.json["outcome"] as? String == "valid", "\(verdict)")
        }
    }

    @Test("the public status shows valid, then revoked after the issuing department revokes it; the request is revoked")
    func statusThenRevocation() async throws {
        try await withLiveService { live in
            let id = try await Self.approvedRequest(live, person: .man(43))
            let documentID = try Self.documentID(live, request: id)
            let status = try await live.client.get("/v1/documents/\(documentID)/status")
            #expect(status.status == 200, "\(status)")
            #expect(status.json["status"] as? String == "valid")
            #expect(status.json["kind"] as? String == "criminal-record")
            #expect((status.json["department"] as? [String: Any])?["id"] as? String == "justice-hanoi")
            #expect((status.json["issueDate"] as? String)?.count == 10)
            for personal in ["079085", "Trần Văn Thử", "1985-03-02"] {
                #expect(!status.text.contains(personal), "status leaks \(personal)")
            }

            // The other department's revoker cannot revoke it, a deciding officer cannot either, and a reason is
            // required.
            let foreign = try await live.client.post(
                "/v1/documents/\(documentID)/revoke", token: try live.token(for: .healthRevoker),
                json: #"{"reasonCode": "issued-in-error", "reason": "Sai sót"}"#)
            #expect(foreign.status == 404, "\(foreign)")
            let officer = try await live.client.post(
                "/v1/documents/\(documentID)/revoke", token: try live.token(for: .justiceColleague),
                json: #"{"reason": "Sai sót"}"#)
            #expect(officer.status == 403, "revocation is the revoker's role: \(officer)")
            let unreasoned = try await live.client.post(
                "/v1/documents/\(documentID)/revoke", token: try live.token(for: .justiceRevoker),
                json: #"{"reasonCode": "issued-in-error", "reason": "  "}"#)
            #expect(unreasoned.status == 422, "\(unreasoned)")
            // The public reason is a code from the fixed list: missing or unknown is refused, naming the field.
            for body in [
                #"{"reason": "Sai sót"}"#, #"{"reasonCode": "criminal-conviction", "reason": "Sai sót"}"#,
                #"{"reasonCode": "unspecified", "reason": "Sai sót"}"#,
            ] {
                let refused = try await live.client.post(
                    "/v1/documents/\(documentID)/revoke", token: try live.token(for: .justiceRevoker), json: body)
                #expect(refused.status == 422, "\(body): \(refused)")
                #expect(refused.text.contains("reasonCode"), "\(refused)")
            }
            #expect(
                try await live.client.get("/v1/documents/\(documentID)/status").json["status"] as? String == "valid",
                "nothing was revoked")
            // Grounds an officer might write: a conviction and an ID number. They stay internal.
            let grounds =
                "Bản án số 12/2020/HS-ST tội trộm cắp tài sản của người có CCCD 079085000099 — nhập nhầm hồ sơ"
            let revoked = try await live.client.post(
                "/v1/documents/\(documentID)/revoke", token: try live.token(for: .justiceRevoker),
                json: #"{"reasonCode": "issued-in-error", "reason": "\#(grounds)"}"#)
            #expect(revoked.status == 200, "\(revoked)")
            #expect(revoked.json["status"] as? String == "revoked")
            #expect(revoked.json["revocationReason"] as? String == "issued-in-error")
            let after = try await live.client.get("/v1/documents/\(documentID)/status")
            #expect(after.json["status"] as? String == "revoked")
            #expect(after.json["revocationReason"] as? String == "issued-in-error")
            #expect((after.json["revocationDate"] as? String)?.count == 10)
            let secrets = ["HS-ST", "12/2020", "trộm cắp", "079085000099", "nhập nhầm"]
            for secret in secrets {
                #expect(!after.text.contains(secret), "the grounds are not public: /status shows \(secret)")
            }
            let detail = try await live.client.get("/v1/requests/\(id)", token: try live.token(for: .man(43)))
            #expect((detail.json["request"] as? [String: Any])?["status"] as? String == "revoked", "\(detail)")
            // Officers and the registry keep the grounds.
            if case .revoked(let kept, let code, _)? = try live.service.store.documentEntry(id: documentID)?.status {
                #expect(kept == grounds && code == .issuedInError)
            } else {
                Issue.record("the registry does not record the revocation")
            }
            // Revoking twice is a refused transition.
            let again = try await live.client.post(
                "/v1/documents/\(documentID)/revoke", token: try live.token(for: .justiceRevoker),
                json: #"{"reasonCode": "superseded", "reason": "again"}"#)
            #expect(again.status == 409, "\(again)")

            // Every anonymous way to check the document says revoked, with the code and date, and never the grounds.
            let pdf = try #require(try live.service.store.documentPDF(id: documentID))
            let verdict = try await live.client.send(
                "POST", "/v1/verify", headers: [("Content-Type", "application/pdf")], body: pdf)
            #expect(verdict.json["outcome"] as? String == "revoked", "\(verdict)")
            let revocation = try #require(verdict.json["revocation"] as? [String: Any], "\(verdict)")
            #expect(revocation["reason"] as? String == "issued-in-error")
            // The verdict's instant (ISO 8601 UTC) falls on the status's revocation day in Hà Nội time, at any hour of
            // the day.
            let revokedAt = try #require(
                (revocation["date"] as? String).flatMap { ISO8601DateFormatter().date(from: $0) }, "\(revocation)")
            #expect(
                HanoiTime.day(of: revokedAt).description == after.json["revocationDate"] as? String,
                "\(revocation) \(after)")
            for secret in secrets { #expect(!verdict.text.contains(secret), "POST /v1/verify shows \(secret)") }

            let browser = Browser(live)
            let csrf = try #require(try await browser.get("/verify").csrf)
            let page = try await browser.postMultipart(
                "/verify", [("csrf", csrf)], file: ("document", "tai-lieu.pdf", "application/pdf", pdf))
            #expect(page.firstMatch(#"data-outcome="([a-z]+)""#) == "revoked", "\(page.text)")
            #expect(
                page.element(id: "verdict-revocation-reason") == PageText.vi("revocation-issued-in-error"),
                "\(page.text)")
            for secret in secrets { #expect(!page.text.contains(secret), "the /verify page shows \(secret)") }
            let qrPage = try await browser.get("/v/\(documentID)")
            #expect(
                qrPage.element(id: "revocation-reason") == PageText.vi("revocation-issued-in-error"), "\(qrPage.text)")
            for secret in secrets { #expect(!qrPage.text.contains(secret), "/v/<code> shows \(secret)") }
            #expect(try await live.client.get("/v1/documents/00000000000000000000000000/status").status == 404)
            #expect(try await live.service.store.verifyAudit().isIntact)
        }
    }

    @Test(
        "five-field confirmation: true when all match (names case/space-insensitive), one false answer otherwise"
    )
    func detailsConfirmation() async throws {
        try await withLiveService { live in
            let person = Person.man(44)
            let id = try await Self.approvedRequest(live, person: person)
            let documentID = try Self.documentID(live, request: id)
            func ask(_ id: String, _ name: String, _ birth: String, _ sex: String, _ personal: String) async throws
                -> ClientResponse
            {
                try await live.client.post(
                    "/v1/verify/details",
                    json:
                        #"{"documentId": "\#(id)", "fullName": "\#(name)", "birthDate": "\#(birth)", "sex": "#
                        + #""\#(sex)", "personalId": "\#(personal)"}"#
                )
            }
            let right = try await ask(
                documentID.lowercased(), "  trần  VĂN thử 44 ", person.birthdate, "male", person.personalID)
            #expect(right.status == 200, "\(right)")
            #expect(right.json["confirmed"] as? Bool == true, "\(right)")
            #expect(right.json["status"] as? String == "valid")
            #expect(right.json["kind"] as? String == "criminal-record")
            #expect(!right.text.contains(person.personalID), "the answer repeats no personal data")
            let wrongName = try await ask(documentID, "Trần Văn Thử 45", person.birthdate, "male", person.personalID)
            let wrongID = try await ask(documentID, person.name, person.birthdate, "male", "079085000045")
            let wrongSex = try await ask(documentID, person.name, person.birthdate, "female", person.personalID)
            let unknownDocument = try await ask(
                "00000000000000000000000000", person.name, person.birthdate, "male", person.personalID)
            for answer in [wrongName, wrongID, wrongSex, unknownDocument] {
                #expect(answer.status == 200)
                #expect(answer.text == #"{"confirmed":false}"#, "\(answer)")
            }
            let missing = try await live.client.post("/v1/verify/details", json: #"{"documentId": "\#(documentID)"}"#)
            #expect(missing.status == 400, "\(missing)")
            // 5 counted attempts so far from this address (the malformed one is refused before counting); the 11th is
            // refused.
            for _ in 0..<5 { _ = try await ask(documentID, person.name, person.birthdate, "male", person.personalID) }
            let limited = try await ask(documentID, person.name, person.birthdate, "male", person.personalID)
            #expect(limited.status == 429, "\(limited)")
            #expect(limited.header("Retry-After") != nil)
        }
    }

    @Test(
        "QR page /v/{id}: escaped HTML, strict CSP, nothing personal; its form (session, CSRF) says match or not"
    )
    func verificationPage() async throws {
        try await withLiveService { live in
            let person = Person.man(46)
            let id = try await Self.approvedRequest(live, person: person)
            let documentID = try Self.documentID(live, request: id)
            let verifier = Browser(live)
            let page = try await verifier.get("/v/\(documentID)")
            #expect(page.status == 200, "\(page)")
            #expect(page.header("Content-Type") == "text/html; charset=utf-8")
            let csp = try #require(page.header("Content-Security-Policy"))
            for directive in [
                "default-src 'none'", "script-src 'self'", "style-src 'self'", "form-action 'self'",
                "frame-ancestors 'none'",
            ] {
                #expect(csp.contains(directive), "CSP lacks \(directive): \(csp)")
            }
            #expect(!csp.contains("unsafe"), "no unsafe-inline or unsafe-eval: \(csp)")
            for text in [
                PageText.vi("status-valid"), PageText.vi("kind-criminal-record"), "Sở Tư pháp thành phố Hà Nội",
                #"data-status="valid""#,
                #"name="personalId""#, #"action="/v/\#(documentID)""#,
            ] {
                #expect(page.text.contains(text), "page lacks \(text)")
            }
            // Scripts only from files (none inline), no inline style, no event-handler attributes.
            #expect(
                page.allMatches(#"<script([^>]*)>"#).allSatisfy { $0.contains(#"src="/static/"#) }, "no inline script")
            #expect(
                page.allMatches(#"<script[^>]*>(.*?)</script>"#).allSatisfy { $0.isEmpty }, "script elements are empty")
            #expect(page.firstMatch(#"(<style)"#) == nil && page.firstMatch(#"\s(style)="#) == nil, "no inline style")
            #expect(page.firstMatch(#"\s(on[a-z]+)="#) == nil, "no event handlers")
            #expect(
                !page.text.contains(person.personalID) && !page.text.contains("Thử 46") && !page.text.contains("1985"),
                "nothing personal")
            let english = Browser(live)
            english.setCookie("civicseal_lang", "en")
            let inEnglish = try await english.get("/v/\(documentID)")
            #expect(
                inEnglish.text.contains(#"<html lang="en">"#) && inEnglish.text.contains(PageText.en("status-valid")))
            let css = try await live.client.get("/static/app.css")
            #expect(css.status == 200 && css.header("Content-Type")?.hasPrefix("text/css") == true)

            let csrf = try #require(page.csrf, "the form carries a CSRF token")
            func confirm(_ name: String, sex: String = "male", csrf: String? = csrf, as browser: Browser? = nil)
                async throws -> ClientResponse
            {
                var fields = [
                    ("documentId", documentID), ("fullName", name), ("birthDate", person.birthdate), ("sex", sex),
                    ("personalId", person.personalID),
                ]
                if let csrf { fields.insert(("csrf", csrf), at: 0) }
                return try await (browser ?? verifier).post("/v/\(documentID)", fields)
            }
            let confirmed = try await confirm(person.name)
            #expect(confirmed.status == 200, "\(confirmed)")
            #expect(confirmed.element(id: "confirmation") == PageText.vi("confirm-yes"), "\(confirmed.text)")
            #expect(confirmed.text.contains(#"class="confirmed""#))
            let wrongSex = try await confirm(person.name, sex: "female")
            #expect(wrongSex.element(id: "confirmation") == PageText.vi("confirm-no"))
            let hostile = try await confirm("<script>alert(1)</script>")
            #expect(hostile.element(id: "confirmation") == PageText.vi("confirm-no"))
            #expect(!hostile.text.contains("<script>alert"), "nothing typed is echoed unescaped")
            #expect(hostile.inputValue(id: "f-fullName") == "<script>alert(1)</script>", "kept, escaped, in the field")
            #expect(hostile.text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            // Without the session's token, or without a session, the form does nothing.
            let tokenless = try await confirm(person.name, csrf: nil)
            #expect(tokenless.status == 403 && tokenless.element(id: "confirmation") == nil, "\(tokenless)")
            let sessionless = try await confirm(person.name, as: Browser(live))
            #expect(sessionless.status == 403 && sessionless.element(id: "confirmation") == nil, "\(sessionless)")

            _ = try await live.client.post(
                "/v1/documents/\(documentID)/revoke", token: try live.token(for: .justiceRevoker),
                json: #"{"reasonCode": "superseded", "reason": "Thu hồi"}"#)
            let revoked = try await verifier.get("/v/\(documentID)")
            #expect(
                revoked.text.contains(PageText.vi("status-revoked"))
                    && revoked.text.contains(#"data-status="revoked""#), "\(revoked.text)")
            #expect(revoked.text.contains(PageText.vi("document-revoked")), "the revocation date is shown")
            let missing = try await verifier.get("/v/00000000000000000000000000")
            #expect(missing.status == 404 && missing.text.contains(PageText.vi("error-not-found")), "\(missing)")
            let hostilePath = try await verifier.get("/v/%3Cscript%3E")
            #expect(hostilePath.status == 404 && !hostilePath.text.contains("<script>"))
        }
    }

    @Test("the trust endpoint publishes PEMs that parse: the root and each department's certificates")
    func trustEndpoint() async throws {
        try await withLiveService { live in
            let trust = try await live.client.get("/v1/trust")
            #expect(trust.status == 200, "\(trust)")
            let anchors = try #require(trust.json["trustAnchors"] as? [[String: Any]])
            #expect(anchors.count == 1)
            let rootPEM = try #require(anchors.first?["pem"] as? String)
            let root = try Certificate(pem: rootPEM)
            #expect(root.isSelfSigned)
            let departments = try #require(trust.json["departments"] as? [[String: Any]])
            #expect(Set(departments.compactMap { $0["id"] as? String }) == ["justice-hanoi", "health-hanoi"])
            for department in departments {
                let certificates = try #require(department["certificates"] as? [[String: Any]])
                #expect(certificates.count == 1 && certificates[0]["status"] as? String == "active")
                let chain = try Certificate.chain(pem: try #require(certificates[0]["pem"] as? String))
                #expect(chain.first?.fingerprintHex == certificates[0]["sha256"] as? String)
                #expect(chain.last == root)
            }
        }
    }

    @Test(
        "key rotation: after a new active seal, new documents use it and documents sealed with the old one still verify"
    )
    func keyRotation() async throws {
        let first = try LiveService.start()
        let oldID: String
        let oldPDF: [UInt8]
        let oldSeal: String
        do {
            let id = try await Self.approvedRequest(first, person: .man(47))
            oldID = try Self.documentID(first, request: id)
            oldPDF = try #require(try first.service.store.documentPDF(id: oldID))
            oldSeal = try #require(first.service.keyring.department("justice-hanoi")?.active.certificate.fingerprintHex)
        } catch {
            await first.stop()
            throw error
        }
        await first.stop()
        let newSealName = try DevelopmentPKI.rotate(directory: first.keysDirectory, departmentID: "justice-hanoi")
        let second = try LiveService.start(in: first.folder)
        do {
            let department = try #require(second.service.keyring.department("justice-hanoi"))
            #expect(department.active.name == newSealName && department.seals.count == 2)
            let id = try await Self.approvedRequest(second, person: .man(48))
            let newEntry = try #require(try second.service.store.documentEntry(forRequest: id))
            #expect(newEntry.signerCertificateSHA256 == department.active.certificate.fingerprintHex)
            #expect(newEntry.signerCertificateSHA256 != oldSeal)
            #expect(try second.service.store.documentEntry(id: oldID)?.signerCertificateSHA256 == oldSeal)

            let trust = try await second.client.get("/v1/trust")
            let justice = (trust.json["departments"] as? [[String: Any]] ?? []).first {
                $0["id"] as? String == "justice-hanoi"
            }
            let statuses = (justice?["certificates"] as? [[String: Any]] ?? []).compactMap { $0["status"] as? String }
            #expect(statuses.sorted() == ["active", "retired"], "\(trust)")

            let newPDF = try #require(try second.service.store.documentPDF(id: newEntry.documentID))
            for (name, pdf) in [("old.pdf", oldPDF), ("new.pdf", newPDF)] {
                let verdict = try await second.client.send(
                    "POST", "/v1/verify", headers: [("Content-Type", "application/pdf")], body: pdf)
                #expect(verdict.json["outcome"] as? String == "valid", "\(name): \(verdict)")
                let path = try second.folder.write(name, pdf)
                if PDFValidators.pdfsigUsable {
                    let result = try PDFValidators.pdfsig(path, root: Self.root(second), in: second.folder.path)
                    #expect(result.accepted, "\(name): \(result.output)")
                }
                if PDFValidators.pyHankoUsable {
                    let result = try PDFValidators.pyHanko(path, root: Self.root(second))
                    #expect(result.accepted, "\(name): \(result.output)")
                }
            }
        } catch {
            await second.stop()
            throw error
        }
        await second.stop()
    }

    @Test(
        "POST /v1/verify: non-PDF bytes are a 200 `invalid` verdict with a failed structure check; others 415"
    )
    func verifyRejectsMalformed() async throws {
        try await withLiveService { live in
            let garbage = try await live.client.send(
                "POST", "/v1/verify", headers: [("Content-Type", "application/pdf")],
                body: Array("%PDF-1.7 not really".utf8))
            #expect(garbage.status == 200, "\(garbage)")
            #expect(garbage.json["outcome"] as? String == "invalid")
            let checks = garbage.json["checks"] as? [[String: Any]] ?? []
            #expect(
                checks.contains { $0["name"] as? String == "structure" && $0["passed"] as? Bool == false }, "\(garbage)"
            )
            let wrongType = try await live.client.send(
                "POST", "/v1/verify", headers: [("Content-Type", "text/plain")], body: Array("x".utf8))
            #expect(wrongType.status == 415)
            let empty = try await live.client.send("POST", "/v1/verify", headers: [("Content-Type", "application/pdf")])
            #expect(empty.status == 400)
        }
    }
}

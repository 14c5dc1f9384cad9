import CivicSealApp
import CivicSealCrypto
import CivicSealJSON
import CivicSealServiceTestSupport
import CivicSealTestSupport
import CivicSealVerification
import Foundation
import Testing

/// What the public sees of a document re-issued after its seal's key was compromised, on `serve`: the status route
/// (JSON and signed JWS), `POST /v1/verify`, the `/v/{id}` page, `civicseal verify --status-url`, and the owner's
/// download.
@Suite("Live API: documents superseded after a key compromise")
struct KeyCompromiseStatusTests {
    @Test("after keys compromise the old document says revoked: key compromise; superseded by the new one")
    func supersededDocumentEverywhere() async throws {
        try await withLiveService(transport: .socket) { live in
            let request = try await IssuanceTests.approvedRequest(live, person: .man(47))
            let oldID = try IssuanceTests.documentID(live, request: request)
            let oldPDF = try await live.client.get(
                "/v1/requests/\(request)/document", token: try live.token(for: .man(47)))
            let oldPath = try live.folder.write("old.pdf", oldPDF.body)
            let seal = try #require(live.service.keyring.department("justice-hanoi")).active.certificate.fingerprintHex

            var options = KeyCompromise.Options(seal: seal)
            options.dataDirectory = live.dataDirectory
            options.keysDirectory = live.keysDirectory
            options.operatorName = "operator:live-test"
            let report = try await Task.detached {
                try KeyCompromise.run(options, progress: { _ in }, output: { _ in })
            }.value
            #expect(report?.finished == true && report?.totals.notified == 1)
            let newID = try IssuanceTests.documentID(live, request: request)
            #expect(newID != oldID)

            let status = try await live.client.get("/v1/documents/\(oldID)/status")
            #expect(status.json["status"] as? String == "revoked", "\(status)")
            #expect(status.json["revocationReason"] as? String == "key-compromise")
            #expect(status.json["supersededBy"] as? String == newID)
            let current = try await live.client.get("/v1/documents/\(newID)/status")
            #expect(current.json["status"] as? String == "valid" && current.json["supersedes"] as? String == oldID)

            let signed = try await live.client.get(
                "/v1/documents/\(oldID)/status", headers: [("Accept", "application/jose")])
            let validator = try ChainValidator(trustAnchors: live.service.keyring.trustAnchors)
            let statement = try SignedDocumentStatus(compact: signed.text, validator: validator)
            #expect(statement.supersededBy == newID && statement.reason == "key-compromise")
            #expect(statement.summary == "revoked: key compromise; superseded by \(newID)")

            let url = "http://127.0.0.1:\(live.service.port)/v1/documents/\(oldID)/status"
            let arguments = ["verify", oldPath, "--trust", live.keysDirectory + "/trust", "--status-url", url]
            let printed = try await Task.detached { try BuiltProduct.run("civicseal", arguments) }.value
            #expect(printed.status == 1, "\(printed.text) \(printed.errorText)")
            #expect(printed.text.contains("revoked: key compromise; superseded by \(newID)"), "\(printed.text)")

            let verdict = try await live.client.send(
                "POST", "/v1/verify", headers: [("Content-Type", "application/pdf")], body: oldPDF.body)
            let revocation = try #require(verdict.json["revocation"] as? [String: Any], "\(verdict)")
            #expect(revocation["reason"] as? String == "key-compromise")
            #expect(revocation["supersededBy"] as? String == newID)

            let page = try await live.client.get("/v/\(oldID)")
            #expect(page.text.contains(#"id="superseded-by""#) && page.text.contains(newID), "\(page.text)")
            let browser = Browser(live)
            let csrf = try #require(try await browser.get("/verify").csrf)
            let uploaded = try await browser.postMultipart(
                "/verify", [("csrf", csrf)], file: ("document", "cu.pdf", "application/pdf", oldPDF.body))
            #expect(uploaded.element(id: "verdict-superseded-by") == newID, "\(uploaded.text)")
            #expect(
                uploaded.element(id: "verdict-revocation-reason") == PageText.vi("revocation-key-compromise"),
                "\(uploaded.text)")

            // The running service takes the fresh seal without a restart (it reads keyring.json every minute: a check
            // now stands in for that minute), and the next approval is sealed with it, never under the leaked key.
            let reloaded = await Task.detached { live.service.keyrings.check() }.value
            #expect(live.service.keyrings.status.failure == nil, "\(reloaded)")
            let fresh = try #require(live.service.keyring.department("justice-hanoi")).active.certificate
            #expect(fresh.fingerprintHex != seal)
            let officer = try live.token(for: .justiceOfficer)
            let submitted = try await live.client.post(
                "/v1/requests", token: try live.token(for: .man(48)), json: Bodies.criminalRecord())
            let next = try #require(submitted.json["id"] as? String, "\(submitted)")
            #expect(try await live.client.post("/v1/requests/\(next)/claim", token: officer, json: "").status == 200)
            let decided = try await live.client.post(
                "/v1/requests/\(next)/decision", token: officer, json: Bodies.noConviction)
            #expect(decided.status == 200 && decided.json["status"] as? String == "issued", "\(decided)")
            #expect(
                try live.service.store.documentEntry(forRequest: next)?.signerCertificateSHA256 == fresh.fingerprintHex)

            // The holder downloads the new document, sealed with the fresh seal.
            let download = try await live.client.get(
                "/v1/requests/\(request)/document", token: try live.token(for: .man(47)))
            #expect(download.status == 200)
            #expect(
                Hex.encode(Digest.sha256(download.body)) == (try live.service.store.documentEntry(id: newID))?.pdfSHA256
            )
        }
    }

    @Test("a health-book extract re-issued after the compromise states the entries the original stated, no later one")
    func reissuedExtractStatesTheOriginalEntries() async throws {
        try await withLiveService { live in
            let person = Person.man(206)
            let entries = "/v1/health-books/\(person.personalID)/entries"
            let clinician = try live.token(for: .clinician)
            #expect(try await live.client.post(entries, token: clinician, json: Bodies.vaccination).status == 201)
            let body = """
                {"request": {"kind": "health-book-extract", "sections": ["vaccinations"]}, "relation": "self",
                 "particulars": {"currentResidence": {"line": "7 Tràng Tiền, phường Hoàn Kiếm", "provinceCode": "001"}},
                 "contact": {"phone": "0987654321"}, "copies": 1, "delivery": {"method": "electronic"}}
                """
            let id = try await DocumentTruthTests.claimed(live, person, body: body, officer: .healthOfficer)
            let approved = try await DocumentTruthTests.approve(
                live, id, officer: .healthOfficer, findings: #"{"sections": ["vaccinations"]}"#)
            #expect(approved.json["status"] as? String == "issued", "\(approved)")
            let oldID = try IssuanceTests.documentID(live, request: id)
            // A vaccination recorded after the extract was issued.
            #expect(try await live.client.post(entries, token: clinician, json: Bodies.vaccination).status == 201)

            let seal = try #require(live.service.keyring.department("health-hanoi")).active.certificate.fingerprintHex
            var options = KeyCompromise.Options(seal: seal)
            options.dataDirectory = live.dataDirectory
            options.keysDirectory = live.keysDirectory
            let report = try await Task.detached {
                try KeyCompromise.run(options, progress: { _ in }, output: { _ in })
            }.value
            #expect(report?.finished == true)
            let newID = try IssuanceTests.documentID(live, request: id)
            #expect(newID != oldID)
            func findings(_ document: String) throws -> String {
                let json = try #require(try live.service.store.documentRecordJSON(id: document))
                let object = try #require(try JSONValue(parsing: Array(json.utf8)).objectValue)
                return try #require(object["findings"]).serialized()
            }
            let original = try findings(oldID)
            #expect(try findings(newID) == original)
            #expect(original.contains(#""vaccinations":1"#), "\(original)")
        }
    }
}

import CivicSealApp
import CivicSealCrypto
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

            // The running service still holds the compromised seal: it refuses to seal with it (its certificate is
            // revoked) and leaves the next approval waiting for a restart, never issuing under the leaked key.
            let officer = try live.token(for: .justiceOfficer)
            let submitted = try await live.client.post(
                "/v1/requests", token: try live.token(for: .man(48)), json: Bodies.criminalRecord())
            let waiting = try #require(submitted.json["id"] as? String, "\(submitted)")
            #expect(try await live.client.post("/v1/requests/\(waiting)/claim", token: officer, json: "").status == 200)
            let decided = try await live.client.post(
                "/v1/requests/\(waiting)/decision", token: officer, json: Bodies.noConviction)
            #expect(decided.status == 200 && decided.json["status"] as? String == "approved", "\(decided)")
            #expect(try live.service.store.documentEntry(forRequest: waiting) == nil)

            // The holder downloads the new document, sealed with the fresh seal.
            let download = try await live.client.get(
                "/v1/requests/\(request)/document", token: try live.token(for: .man(47)))
            #expect(download.status == 200)
            #expect(
                Hex.encode(Digest.sha256(download.body)) == (try live.service.store.documentEntry(id: newID))?.pdfSHA256
            )
        }
    }
}

import CivicSealApp
import CivicSealCrypto
import CivicSealServiceTestSupport
import CivicSealTestSupport
import CivicSealVerification
import Foundation
import Testing

/// `GET /v1/documents/{id}/status` as a signed JWS, and `POST /pki/tsa` with the keyring's own TSA, on `serve`.
@Suite("Live API: signed status and the time-stamp authority")
struct SignedStatusRouteTests {
    @Test("Accept: application/jose answers a JWS by the status signer: valid, then revoked; JSON stays the default")
    func signedStatus() async throws {
        try await withLiveService { live in
            let id = try await IssuanceTests.approvedRequest(live, person: .man(44))
            let documentID = try IssuanceTests.documentID(live, request: id)
            let validator = try ChainValidator(trustAnchors: live.service.keyring.trustAnchors)
            let plain = try await live.client.get("/v1/documents/\(documentID)/status")
            #expect(plain.header("Content-Type")?.hasPrefix("application/json") == true)
            let signed = try await live.client.get(
                "/v1/documents/\(documentID)/status", headers: [("Accept", "application/jose")])
            #expect(signed.status == 200, "\(signed)")
            #expect(signed.header("Content-Type") == "application/jose")
            let status = try SignedDocumentStatus(compact: signed.text, validator: validator)
            #expect(status.documentID == documentID && status.status == "valid" && status.reason == nil)
            #expect(abs(status.asOf.timeIntervalSinceNow) < 600)
            #expect(status.nextUpdate == status.asOf.addingTimeInterval(3600))
            #expect(StatusFreshnessPolicy().isFresh(status, at: Date()))

            let revoked = try await live.client.post(
                "/v1/documents/\(documentID)/revoke", token: try live.token(for: .justiceRevoker),
                json: #"{"reasonCode": "issued-in-error", "reason": "Nhập nhầm"}"#)
            #expect(revoked.status == 200, "\(revoked)")
            let after = try await live.client.get(
                "/v1/documents/\(documentID)/status", headers: [("Accept", "application/json;q=0.5, application/jose")])
            let revokedStatus = try SignedDocumentStatus(compact: after.text, validator: validator)
            #expect(revokedStatus.isRevoked && revokedStatus.reason == "issued-in-error")
            #expect(revokedStatus.revokedAt != nil)
            // The payload (base64url, so decoded first) names the public reason code, never the officer's grounds.
            let payload = after.text.split(separator: ".").dropFirst().first.map(String.init) ?? ""
            let decoded = String(decoding: try Base64URL.decode(payload), as: UTF8.self)
            #expect(decoded.contains("issued-in-error") && !decoded.contains("Nhập nhầm"), "the grounds stay internal")
        }
    }

    @Test(
        "serve's POST /pki/tsa signs with the keyring's TSA, which openssl ts -verify trusts from the root",
        .enabled(if: ExternalTool.isUsable("openssl")))
    func serveTimeStampAuthority() async throws {
        try await withLiveService { live in
            let data = Array("Phiếu lý lịch tư pháp".utf8)
            let request = TimeStampRequest(hashing: data)
            let reply = try await live.client.send(
                "POST", "/pki/tsa", headers: [("Content-Type", "application/timestamp-query")], body: request.der)
            #expect(reply.status == 200, "\(reply)")
            #expect(reply.header("Content-Type") == "application/timestamp-reply")
            let token = try TimeStampToken(response: reply.body)
            #expect(token.covers(data) && token.nonce == request.nonce)
            #expect(token.policy == CivicSealPolicy.timeStamping)
            #expect(token.signerCertificate == live.service.keyring.timeStampingSigner?.certificate)
            let serials = try String(contentsOfFile: live.dataDirectory + "/tsa-serials", encoding: .utf8)
            #expect(UInt64(serials.trimmingCharacters(in: .whitespacesAndNewlines)) != nil)

            let folder = live.folder
            try folder.write("data.bin", data)
            try folder.write("r.tsr", reply.body)
            try folder.write("tsa.pem", text: try #require(token.signerCertificate).pem)
            let verify = try await ExternalTool.runOnOwnThread(
                "openssl",
                [
                    "ts", "-verify", "-data", "data.bin", "-in", "r.tsr", "-CAfile", IssuanceTests.root(live),
                    "-untrusted", "tsa.pem",
                ], directory: folder.path)
            #expect(verify.text.contains("Verification: OK"), "\(verify.text) \(verify.errorText)")
        }
    }

    @Test("civicseal verify --status-url fetches the signed status from serve and prints how fresh it is")
    func verifyCommandFetchesStatus() async throws {
        try await withLiveService(transport: .socket) { live in
            let id = try await IssuanceTests.approvedRequest(live, person: .man(45))
            let documentID = try IssuanceTests.documentID(live, request: id)
            let download = try await live.client.get(
                "/v1/requests/\(id)/document", token: try live.token(for: .man(45)))
            let pdf = try live.folder.write("issued.pdf", download.body)
            let url = "http://127.0.0.1:\(live.service.port)/v1/documents/\(documentID)/status"
            let arguments = ["verify", pdf, "--trust", live.keysDirectory + "/trust", "--status-url", url]
            let fetched = try await Task.detached { try BuiltProduct.run("civicseal", arguments) }.value
            #expect(
                fetched.text.contains("Trạng thái đăng ký / Registry status: CÒN HIỆU LỰC / VALID"), "\(fetched.text)")
            #expect(
                fetched.text.contains("(cách đây 0 s / 0 s ago)") || fetched.text.contains("s ago)"), "\(fetched.text)")
            #expect(fetched.status == 0 || fetched.status == 2, "\(fetched.text) \(fetched.errorText)")

            let revoked = try await live.client.post(
                "/v1/documents/\(documentID)/revoke", token: try live.token(for: .justiceRevoker),
                json: #"{"reasonCode": "issued-in-error", "reason": "Nhập nhầm"}"#)
            #expect(revoked.status == 200, "\(revoked)")
            let after = try await Task.detached { try BuiltProduct.run("civicseal", arguments) }.value
            #expect(after.status == 1, "\(after.text)")
            #expect(after.text.contains("ĐÃ BỊ THU HỒI / REVOKED"), "\(after.text)")
        }
    }
}

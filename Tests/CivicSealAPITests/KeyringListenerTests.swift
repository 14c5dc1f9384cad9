import CivicSealApp
import CivicSealCasework
import CivicSealCrypto
import CivicSealServiceTestSupport
import CivicSealTestSupport
import CivicSealVerification
import Foundation
import Testing

/// `serve` on PostgreSQL LISTENs on `civicseal_keyring`: when the server ends that connection the instance opens it
/// again by itself, and the next NOTIFY reloads the keyring (polling is set to a day here, so only the listener can
/// have brought the new seal).
@Suite(
    "Keyring notifications on PostgreSQL", .enabled(if: ExternalTool.isCI || ExternalTool.isUsable("initdb", "psql")))
struct KeyringListenerTests {
    static let listening = "state = 'idle' AND query = 'LISTEN \"civicseal_keyring\"'"

    @Test("a listener connection the server ended is opened again, and the next NOTIFY reloads the keyring")
    func lostListenerReconnects() async throws {
        let folder = TemporaryDirectory("civicseal-listen")
        let database = try PostgresTestDatabase.make(in: folder.path, prefix: "listen")
        defer { database.drop() }
        try await withLiveService(
            configure: {
                $0.database = database.url
                $0.keyringPollInterval = 86400
            }
        ) { live in
            func listener() async -> String {
                let pid = try? await Task.detached {
                    try database.scalar(
                        "SELECT coalesce(min(pid), 0) FROM pg_stat_activity WHERE datname = current_database() AND "
                            + Self.listening)
                }.value
                return pid ?? "0"
            }
            var first = "0"
            #expect(
                await eventually {
                    first = await listener()
                    return first != "0"
                }, "no LISTEN connection")
            let victim = first
            let terminated = try await Task.detached {
                try database.scalar("SELECT pg_terminate_backend(\(victim))")
            }.value
            #expect(terminated == "t")
            #expect(
                await eventually {
                    let now = await listener()
                    return now != "0" && now != victim
                }, "the LISTEN connection was not opened again")

            let before = try #require(live.service.keyring.department("justice-hanoi")).active.name
            let keys = live.keysDirectory
            let rotated = try await Task.detached {
                try DevelopmentPKI.rotate(directory: keys, departmentID: "justice-hanoi")
            }.value
            #expect(rotated != before)
            _ = try await Task.detached {
                try database.cluster.psql("NOTIFY civicseal_keyring", database: database.name)
            }
            .value
            #expect(
                await eventually { live.service.keyring.department("justice-hanoi")?.active.name == rotated },
                "the NOTIFY after the reconnection did not reload the keyring")
            #expect(live.service.keyrings.status.applied == 1)
        }
    }
}

/// `keys rotate-services` while `serve` runs (SQLite): the next poll takes the new time-stamp authority, OCSP
/// responder and status signer.
@Suite("Live service: service identities rotated without a restart")
struct ServiceIdentityReloadTests {
    @Test("keys rotate-services reaches a running service: new documents are time-stamped and statuses signed anew")
    func rotatedServiceIdentitiesAreUsedWithoutRestart() async throws {
        // Polling off (a day): the test's own check must be the one that takes the rotation (on a busy machine the
        // minute's poll came first, and the check found nothing new).
        try await withLiveService(configure: { $0.keyringPollInterval = 86_400 }) { live in
            let first = try await IssuanceTests.approvedRequest(live, person: .man(71))
            let firstPDF = try #require(try live.service.store.documentPDF(id: try live.documentID(forRequest: first)))
            let before = try #require(live.service.keyring.timeStampingSigner).certificate
            let keys = live.keysDirectory
            _ = try await Task.detached {
                try DevelopmentPKI.rotateServices(directory: keys, names: ["tsa", "ocsp", "status"])
            }.value
            // The minute's poll, now.
            guard case .applied(let changes) = await Task.detached(operation: { live.service.keyrings.check() }).value
            else {
                Issue.record("the rotated services were not taken: \(live.service.keyrings.status)")
                return
            }
            let rotated = try Keyring(directory: keys)
            let tsa = try #require(rotated.timeStampingSigner).certificate
            let statusSigner = try #require(rotated.statusSigner).certificate
            #expect(tsa != before)
            #expect(changes.contains { $0.contains("time-stamp authority") }, "\(changes)")

            let second = try await IssuanceTests.approvedRequest(live, person: .man(72))
            let documentID = try live.documentID(forRequest: second)
            let secondPDF = try #require(try live.service.store.documentPDF(id: documentID))
            let token = try TimeStampToken(der: try #require(IssuancePipeline.lastSignatureContents(in: secondPDF)))
            #expect(token.signerCertificate == tsa, "the document timestamp is not by the new TSA")
            let signed = try await live.client.get(
                "/v1/documents/\(documentID)/status", headers: [("Accept", "application/jose")])
            let validator = try ChainValidator(trustAnchors: live.service.keyring.trustAnchors)
            #expect(try SignedDocumentStatus(compact: signed.text, validator: validator).signer == statusSigner)
            // Both documents verify: the one time-stamped before the rotation and the one after.
            for pdf in [firstPDF, secondPDF] {
                let verdict = try await live.client.send(
                    "POST", "/v1/verify", headers: [("Content-Type", "application/pdf")], body: pdf)
                #expect(verdict.json["outcome"] as? String == "valid", "\(verdict)")
            }
        }
    }
}

import CivicSealApp
import CivicSealRecords
import CivicSealServiceTestSupport
import CivicSealTestSupport
import Foundation
import Testing

/// `serve --database postgresql://…`: the same API over the PostgreSQL store, from submission to a verified
/// document, and the audit chain intact in the server afterwards.
@Suite("Live API on PostgreSQL", .enabled(if: ExternalTool.isCI || ExternalTool.isUsable("initdb", "psql")))
struct PostgresServiceTests {
    @Test("submit, claim, approve and issue, download, verify, revoke: all on PostgreSQL, the chain intact")
    func theWholeStoryRunsOnPostgreSQL() async throws {
        let folder = TemporaryDirectory("civicseal-api-pg")
        let database = try PostgresTestDatabase.make(in: folder.path, prefix: "api")
        defer { database.drop() }
        try await withLiveService(configure: { $0.database = database.url }) { live in
            #expect(try await live.client.get("/healthz").status == 200)
            let id = try await IssuanceTests.approvedRequest(live, person: .man(61))
            let download = try await live.client.get(
                "/v1/requests/\(id)/document", token: try live.token(for: .man(61)))
            #expect(download.status == 200, "\(download)")
            let verdict = try await live.client.send(
                "POST", "/v1/verify", headers: [("Content-Type", "application/pdf")], body: download.body)
            #expect(verdict.json["outcome"] as? String == "valid", "\(verdict)")
            let documentID = try live.documentID(forRequest: id)
            let revoked = try await live.client.post(
                "/v1/documents/\(documentID)/revoke", token: try live.token(for: .justiceRevoker),
                json: #"{"reasonCode": "issued-in-error", "reason": "Cấp nhầm hồ sơ"}"#)
            #expect(revoked.status == 200, "\(revoked)")
            let status = try await live.client.get("/v1/documents/\(documentID)/status")
            #expect(status.json["status"] as? String == "revoked", "\(status)")
            #expect(live.service.store.sqliteDatabase == nil, "the service runs on PostgreSQL")
            #expect(!FileManager.default.fileExists(atPath: live.folder.path + "/data/civicseal.sqlite"))
            #expect(try await live.service.store.verifyAudit().isIntact)
        }
        #expect(try database.scalar("SELECT state FROM requests") == "revoked")
        #expect(try database.scalar("SELECT count(*) FROM documents") == "1")
    }
}

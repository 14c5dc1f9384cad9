import CivicSealRecords
import CivicSealStorage
import CivicSealTestSupport
import CivicSealWorkflow
import Foundation
import Testing

/// The key-compromise playbook's records: every step of a document is one transaction that runs at most once, a
/// request keeps exactly one current document, and the audit chain explains both documents of a request.
@Suite("Records: key-compromise runs, items, re-issue and outbox")
struct CompromiseRecordsTests {
    static let seal = String(repeating: "0", count: 64)

    static func replacement(for requestID: String) -> NewDocument {
        NewDocument(
            documentID: DocumentID.generate(), requestID: requestID, kind: .criminalRecord,
            departmentID: "justice-hanoi", templateID: "criminal-record-form-1", templateVersion: "1",
            templateSHA256: seal, recordJSON: "{}", pdf: Array("%PDF-1.7 re-issued".utf8),
            signerCertificateSHA256: String(repeating: "1", count: 64), issuedAt: Fixtures.now)
    }

    @Test(
        "each step of a document runs once: repeating it changes nothing, and the chain explains both documents",
        arguments: RecordsBackend.all)
    func stepsRunOnceAndTheChainAgrees(backend: RecordsBackend) async throws {
        let fixture = try StoreFixture(backend: backend)
        let store = fixture.store
        let first = try await DocumentAuditTests.issue(store, person: 1)
        let second = try await DocumentAuditTests.issue(store, person: 2)
        let run = try store.startCompromiseRun(
            sealFingerprint: Self.seal, departmentID: "justice-hanoi", since: nil, by: "operator:test",
            now: Fixtures.now)
        #expect(throws: RecordsError.self) {
            try store.startCompromiseRun(
                sealFingerprint: Self.seal, departmentID: "justice-hanoi", since: nil, by: "x", now: Fixtures.now)
        }
        #expect(try store.collectCompromiseItems(run, now: Fixtures.now) == 2)
        #expect(try store.collectCompromiseItems(run, now: Fixtures.now) == 0)
        let items = try store.compromiseItems(runID: run.id)
        #expect(items.map(\.documentID) == [first, second] && items.allSatisfy { $0.state == .found })

        let item = items[0]
        #expect(try store.revokeCompromised(item, grounds: "key", by: "operator:test", now: Fixtures.now) == .revoked)
        #expect(
            try store.revokeCompromised(item, grounds: "key", by: "operator:test", now: Fixtures.now) == .alreadyDone)
        let old = try #require(try store.documentEntry(id: first))
        let new = Self.replacement(for: old.requestID)
        #expect(try store.registerReissue(item, replacement: new, by: "operator:test", now: Fixtures.now))
        #expect(
            !(try store.registerReissue(
                item, replacement: Self.replacement(for: old.requestID), by: "x", now: Fixtures.now)))
        #expect(try store.queueReissueNotice(item, by: "operator:test", now: Fixtures.now) == new.documentID)
        #expect(try store.queueReissueNotice(item, by: "operator:test", now: Fixtures.now) == nil)

        #expect(try store.documentEntry(forRequest: old.requestID)?.documentID == new.documentID)
        #expect(try store.documentEntry(id: first)?.supersededBy == new.documentID)
        #expect(try store.documentEntry(id: new.documentID)?.supersedes == first)
        let notices = try store.undeliveredNotices()
        #expect(notices.count == 1 && notices[0].kind == "document-reissued")
        #expect(notices[0].payload.contains(new.documentID) && notices[0].payload.contains(first))
        #expect(try await store.verifyAudit().isIntact)

        // The new document revoked later by an officer: the chain still explains both documents of the request.
        _ = try await store.revokeDocument(
            new.documentID, reason: "Cấp nhầm", code: .issuedInError, by: Fixtures.justiceOfficer, now: Fixtures.now)
        let verdict = try await store.verifyAudit()
        #expect(verdict.isIntact, "\(verdict.description)")

        // A second current document for one request is refused by the schema.
        #expect(throws: (any Error).self) {
            try fixture.execute(
                "UPDATE documents SET superseded_by = NULL WHERE id = '\(first)'")
        }
    }

    @Test(
        "a document an officer withdrew after it was listed is skipped, never revoked again or re-issued",
        arguments: RecordsBackend.all)
    func withdrawnDocumentIsSkipped(backend: RecordsBackend) async throws {
        let fixture = try StoreFixture(backend: backend)
        let store = fixture.store
        let document = try await DocumentAuditTests.issue(store, person: 3)
        let run = try store.startCompromiseRun(
            sealFingerprint: Self.seal, departmentID: "justice-hanoi", since: nil, by: "operator:test",
            now: Fixtures.now)
        try store.collectCompromiseItems(run, now: Fixtures.now)
        _ = try await store.revokeDocument(
            document, reason: "Cấp nhầm", code: .issuedInError, by: Fixtures.justiceOfficer, now: Fixtures.now)
        let item = try #require(try store.compromiseItems(runID: run.id).first)
        #expect(try store.revokeCompromised(item, grounds: "key", by: "operator:test", now: Fixtures.now) == .skipped)
        let after = try #require(try store.compromiseItems(runID: run.id).first)
        #expect(after.state == .skipped && after.state.isFinal)
        guard case .revoked(_, let code, _)? = try store.documentEntry(id: document)?.status else {
            Issue.record("the withdrawn document is no longer revoked")
            return
        }
        #expect(code == .issuedInError)
        #expect(try await store.verifyAudit().isIntact)
    }
}

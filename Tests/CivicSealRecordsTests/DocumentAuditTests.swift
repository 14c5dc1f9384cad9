import CivicSealRecords
import CivicSealStorage
import CivicSealTestSupport
import CivicSealWorkflow
import Foundation
import Testing

/// Finding 11 of issue #12: `documents.status` is covered by the audit chain. Issuance and revocation are audited
/// transitions; `audit verify` recomputes each document's status, grounds and time from them and names every
/// document whose row was changed behind the chain's back.
@Suite("Audit: documents agree with the chain")
struct DocumentAuditTests {
    /// Submits, claims, approves and registers a document for person `number`; returns the document id.
    static func issue(_ store: RequestStore, person number: Int) async throws -> String {
        let id = try await store.submit(Fixtures.validated(person: number), now: Fixtures.now).id
        _ = try await store.claim(id, by: Fixtures.justiceOfficer, now: Fixtures.now)
        _ = try await store.decide(
            id, .approve(findingsJSON: #"{"bans":[],"convictions":[]}"#), by: Fixtures.justiceOfficer, now: Fixtures.now
        )
        let documentID = DocumentID.generate()
        let zeros = String(repeating: "0", count: 64)
        _ = try await store.register(
            NewDocument(
                documentID: documentID, requestID: id, kind: .criminalRecord, departmentID: "justice-hanoi",
                templateID: "criminal-record-form-1",
                templateVersion: "1", templateSHA256: zeros, recordJSON: "{}", pdf: Array("%PDF-1.7 test".utf8),
                signerCertificateSHA256: zeros,
                issuedAt: Fixtures.now),
            now: Fixtures.now)
        return documentID
    }

    @Test(
        "a revoked document flipped back to valid, and a valid one flipped to revoked, are each reported by id",
        arguments: RecordsBackend.all)
    func statusFlippedWithRawSQLIsReported(backend: RecordsBackend) async throws {
        let fixture = try StoreFixture(backend: backend)
        let revoked = try await Self.issue(fixture.store, person: 1)
        let valid = try await Self.issue(fixture.store, person: 2)
        let untouched = try await Self.issue(fixture.store, person: 3)
        _ = try await fixture.store.revokeDocument(
            revoked, reason: "Cấp nhầm", code: .issuedInError, by: Fixtures.justiceOfficer, now: Fixtures.now)
        #expect(try await fixture.store.verifyAudit().isIntact)

        try fixture.execute(
            "UPDATE documents SET status = 'valid', revocation_reason = NULL, revoked_at = NULL WHERE id = '\(revoked)'"
        )
        try fixture.execute(
            "UPDATE documents SET status = 'revoked', revocation_reason = 'x', revoked_at = 1 WHERE id = '\(valid)'")
        let verdict = try await fixture.store.verifyAudit()
        #expect(!verdict.isIntact)
        #expect(verdict.damage == nil, "the chain itself is intact: only the table lies")
        #expect(verdict.documentMismatches.map(\.documentID) == [revoked, valid])
        #expect(verdict.documentMismatches.allSatisfy { $0.problem == .statusDisagrees })
        #expect(verdict.description.contains(revoked) && verdict.description.contains(valid))
        #expect(!verdict.description.contains(untouched))
    }

    @Test(
        "changed revocation grounds, reason code or time, or a moved issuance pointer, are reported too",
        arguments: RecordsBackend.all)
    func revocationDetailsAndIssuancePointerAreChecked(backend: RecordsBackend) async throws {
        let fixture = try StoreFixture(backend: backend)
        let first = try await Self.issue(fixture.store, person: 1)
        let second = try await Self.issue(fixture.store, person: 2)
        let third = try await Self.issue(fixture.store, person: 3)
        _ = try await fixture.store.revokeDocument(
            first, reason: "Cấp nhầm", code: .issuedInError, by: Fixtures.justiceOfficer, now: Fixtures.now)
        _ = try await fixture.store.revokeDocument(
            third, reason: "Cấp nhầm", code: .issuedInError, by: Fixtures.justiceOfficer, now: Fixtures.now)
        #expect(try await fixture.store.verifyAudit().isIntact)
        try fixture.execute("UPDATE documents SET revocation_reason = 'Theo yêu cầu' WHERE id = '\(first)'")
        try fixture.execute("UPDATE documents SET audit_sequence = 1 WHERE id = '\(second)'")
        // The code verifiers are shown is audited too: a softer public reason written into the table is caught.
        try fixture.execute("UPDATE documents SET revocation_code = 'holder-request' WHERE id = '\(third)'")
        let mismatches = try await fixture.store.verifyAudit().documentMismatches
        #expect(mismatches.map(\.documentID) == [first, second, third])
        #expect(mismatches.map(\.problem) == [.revocationDisagrees, .issuanceNotInChain, .revocationDisagrees])
    }

    @Test(
        "a flip made with the sqlite3 shell makes `civicseal audit verify` exit 65 naming the document",
        .enabled(if: ExternalTool.isCI || (ExternalTool.isUsable("sqlite3") && BuiltProduct.path("civicseal") != nil)))
    func auditVerifyCommandNamesTheDocument() async throws {
        let folder = TemporaryDirectory("civicseal-audit-documents")
        let path = folder.path + "/civicseal.sqlite"
        let store = try RequestStore.open(path: path)
        let documentID = try await Self.issue(store, person: 1)
        _ = try await store.revokeDocument(
            documentID, reason: "Cấp nhầm", code: .issuedInError, by: Fixtures.justiceOfficer, now: Fixtures.now)
        try store.close()
        let before = try BuiltProduct.run("civicseal", ["audit", "verify", "--data", folder.path])
        #expect(before.status == 0, "\(before.text) \(before.errorText)")

        let flip = try ExternalTool.run(
            "sqlite3",
            [
                path,
                "UPDATE documents SET status = 'valid', revocation_reason = NULL, revoked_at = NULL WHERE id = "
                    + "'\(documentID)';",
            ])
        #expect(flip.status == 0, "\(flip.errorText)")
        let after = try BuiltProduct.run("civicseal", ["audit", "verify", "--data", folder.path])
        #expect(after.status == 65, "\(after.text) \(after.errorText)")
        #expect((after.text + after.errorText).contains(documentID), "the damaged document is named")
    }
}

import CivicSealCrypto
import CivicSealRecords
import CivicSealStorage
import CivicSealTestSupport
import CivicSealWorkflow
import Foundation
import Testing

/// The hash chain: canonical encoding, append-only triggers, and tampering found by the verifier.
@Suite struct AuditTrailTests {
    static func entry(actor: String = "a", action: String = "claim", reason: String? = nil) -> AuditEntry {
        AuditEntry(
            sequence: 1, recordedAtMilliseconds: 1_784_000_000_000, actorID: actor, actorRole: "officer",
            action: action, requestID: String(repeating: "a", count: 32), fromState: "submitted", toState: "in_review",
            reason: reason, previousHash: AuditEntry.genesisHash)
    }

    @Test func canonicalEncodingSeparatesFieldsAndAbsence() {
        // Moving bytes across a field boundary, or an absent versus empty reason, changes the encoding.
        #expect(
            AuditCanonicalEncoding.encode(Self.entry(actor: "ab", action: "c"))
                != AuditCanonicalEncoding.encode(Self.entry(actor: "a", action: "bc")))
        #expect(Self.entry(reason: nil).hash != Self.entry(reason: "").hash)
        let bytes = AuditCanonicalEncoding.encode(Self.entry(actor: "ab"))
        #expect(bytes.starts(with: Array("civicseal-audit-v1".utf8) + [0, 1, 0, 0, 0, 1, UInt8(ascii: "1")]))
        #expect(Self.entry().hash == Hex.encode(Digest.sha256(AuditCanonicalEncoding.encode(Self.entry()))))
    }

    @Test(arguments: RecordsBackend.all) func triggersRefuseUpdateAndDeleteOfAuditRows(backend: RecordsBackend)
        async throws
    {
        let fixture = try StoreFixture(backend: backend)
        _ = try await fixture.store.submit(Fixtures.validated(), now: Fixtures.now)
        for sql in ["UPDATE audit_log SET reason = 'x'", "DELETE FROM audit_log"] {
            let error = #expect(throws: DatabaseError.self) { try fixture.execute(sql) }
            #expect(error?.isConstraintViolation == true)
        }
        #expect(try fixture.count("audit_log") == 1)
    }

    /// A request with a reasoned rejection, so there is an audit reason to falsify. Returns the audit entries.
    static func rejectedRequest(in store: RequestStore) async throws -> [AuditEntry] {
        for number in 1...3 { _ = try await store.submit(Fixtures.validated(person: number), now: Fixtures.now) }
        let id = try await store.submit(Fixtures.validated(person: 4), now: Fixtures.now).id
        _ = try await store.claim(id, by: Fixtures.justiceOfficer, now: Fixtures.now)
        _ = try await store.decide(id, .reject(reason: "Thiếu giấy tờ"), by: Fixtures.justiceOfficer, now: Fixtures.now)
        _ = try await store.submit(Fixtures.validated(person: 5), now: Fixtures.now)
        return try await store.auditEntries()
    }

    @Test(.enabled(if: ExternalTool.isUsable("sqlite3")), arguments: RecordsBackend.all)
    func reasonEditedWithTheSqliteShellIsFoundAtThatEntry(backend: RecordsBackend) async throws {
        let fixture = try StoreFixture(backend: backend)
        let entries = try await Self.rejectedRequest(in: fixture.store)
        let rejection = try #require(entries.first { $0.action == "reject" })
        #expect(try await fixture.store.verifyAudit().isIntact)
        let output = try fixture.shell(
            backend.dropTrigger("audit_log_no_update")
                + " UPDATE audit_log SET reason = 'Hồ sơ hợp lệ' WHERE sequence = "
                + "\(rejection.sequence);")
        #expect(output.status == 0, "\(output.errorText)")
        let verdict = try await fixture.store.verifyAudit()
        #expect(verdict.damage == AuditVerdict.Damage(sequence: rejection.sequence, problem: .hashMismatch))
        #expect(verdict.missingTriggers == ["audit_log_no_update"])
        #expect(verdict.description.contains("entry \(rejection.sequence)"))
    }

    @Test(.enabled(if: ExternalTool.isUsable("sqlite3")), arguments: RecordsBackend.all)
    func rechainedDeletedAndTruncatedEntriesAreNamed(backend: RecordsBackend) async throws {
        // Recomputing the edited entry's own hash moves the damage to the link of the next entry.
        let fixture = try StoreFixture(backend: backend)
        let entries = try await Self.rejectedRequest(in: fixture.store)
        let target = entries[2]
        let forged = AuditEntry(
            sequence: target.sequence, recordedAtMilliseconds: target.recordedAtMilliseconds, actorID: "someone-else",
            actorRole: target.actorRole, action: target.action, requestID: target.requestID,
            fromState: target.fromState,
            toState: target.toState, reason: target.reason, previousHash: target.previousHash)
        _ = try fixture.shell(
            """
            \(backend.dropTrigger("audit_log_no_update"))
            UPDATE audit_log SET actor_id = 'someone-else', hash = '\(forged.hash)' WHERE sequence =
            \(target.sequence);
            """)
        #expect(
            try await fixture.store.verifyAudit().damage == .init(sequence: target.sequence + 1, problem: .brokenLink))

        let deleted = try StoreFixture(backend: backend)
        let deletedEntries = try await Self.rejectedRequest(in: deleted.store)
        _ = try deleted.shell(backend.dropTrigger("audit_log_no_delete") + " DELETE FROM audit_log WHERE sequence = 3;")
        #expect(try await deleted.store.verifyAudit().damage == .init(sequence: 4, problem: .gap))

        _ = try deleted.shell("DELETE FROM audit_log WHERE sequence >= 2;")
        let verdict = try await deleted.store.verifyAudit()
        #expect(verdict.damage == .init(sequence: 2, problem: .truncated))
        #expect(deletedEntries.count == 7)
    }
}

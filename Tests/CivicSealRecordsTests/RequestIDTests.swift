import CivicSealCrypto
import CivicSealStorage
import CivicSealTestSupport
import CivicSealWorkflow
import Foundation
import Testing

@testable import CivicSealRecords

/// Public request ids derived from row numbers (migration 4): unguessable, per-database, and reversible only with the
/// database's key; ids issued before migration 4 keep working.
@Suite struct RequestIDTests {
    @Test(arguments: RecordsBackend.all) func idsAreDerivedFromRowNumbersUnderTheDatabasesOwnKey(
        backend: RecordsBackend
    ) async throws {
        let first = try StoreFixture(backend: backend)
        let second = try StoreFixture(backend: backend)
        var ids: [String] = []
        for person in 1...20 {
            let summary = try await first.store.submit(
                Fixtures.validated(Fixtures.healthCertificate(), person: person, today: Fixtures.date("2026-07-15")),
                now: Fixtures.now)
            #expect(RequestStore.isRequestID(summary.id))
            #expect(try first.seq(summary.id) == Int64(person))
            ids.append(summary.id)
        }
        #expect(Set(ids).count == 20)
        // No visible order: consecutive rows share no prefix beyond chance.
        #expect(zip(ids, ids.dropFirst()).filter { $0.prefix(4) == $1.prefix(4) }.count < 3)
        // Another database has another key: its row 1 has another id, and ours means nothing there.
        let other = try await second.store.submit(
            Fixtures.validated(Fixtures.healthCertificate(), person: 1, today: Fixtures.date("2026-07-15")),
            now: Fixtures.now)
        #expect(other.id != ids[0])
        #expect(try second.seq(ids[0]) == nil)
        let key = try first.scalar("SELECT key FROM records_keys WHERE name = 'request-id'")
        #expect(key.bytes?.count == 16)
    }

    @Test(arguments: RecordsBackend.all) func forgedAndAlteredIdsAreNotFound(backend: RecordsBackend) async throws {
        let fixture = try StoreFixture(backend: backend)
        let summary = try await fixture.store.submit(Fixtures.validated(person: 1), now: Fixtures.now)
        var altered = Array(summary.id)
        altered[31] = altered[31] == "0" ? "1" : "0"
        for id in [String(altered), String(repeating: "0", count: 32), SecureRandom.identifier()] {
            let error = await #expect(throws: RecordsError.self) {
                _ = try await fixture.store.request(id, by: .system(), now: Fixtures.now)
            }
            #expect(error?.code == .notFound)
        }
        #expect(try await fixture.store.request(summary.id, by: .system(), now: Fixtures.now).summary.id == summary.id)
    }

    @Test func theCodecRefusesBlocksWithoutItsTag() throws {
        let ids = try RequestIDs(key: SecureRandom.bytes(16))
        for seq in [1, 2, 255, 65_536, Int64(Int32.max), Int64.max] as [Int64] {
            #expect(ids.seq(ids.publicID(seq: seq)) == seq)
        }
        let foreign = try RequestIDs(key: SecureRandom.bytes(16))
        #expect(foreign.seq(ids.publicID(seq: 7)) == nil)
        #expect(ids.seq("not an id") == nil)
        #expect(ids.seq(String(repeating: "A", count: 32)) == nil)  // upper case is not an id
        #expect(throws: RecordsError.self) { try RequestIDs(key: [1, 2, 3]) }
    }

    /// A database written before migration 4 (random ids, a `request_events` table, a document) migrates in one
    /// transaction: the old ids resolve, history comes back from the audit trail, the document still belongs to its
    /// request, foreign keys are intact and on again, and new requests get derived ids.
    @Test func aVersion3DatabaseMigratesKeepingItsIdsHistoryAndDocuments() async throws {
        let folder = TemporaryDirectory("civicseal-records-v3")
        let path = folder.path + "/records.sqlite"
        let legacyID = SecureRandom.identifier()
        do {
            let old = try Database(path: path, migrations: Array(RecordsSchema.migrations.prefix(3)))
            try await old.write { connection in
                let submit = try AuditLog.append(
                    in: connection, recordedAtMilliseconds: 1_000, actorID: "001190000001", actorRole: "citizen",
                    action: "submit", requestID: legacyID, fromState: nil, toState: "submitted", reason: nil)
                let claim = try AuditLog.append(
                    in: connection, recordedAtMilliseconds: 2_000, actorID: "officer-lan", actorRole: "officer",
                    action: "claim", requestID: legacyID, fromState: "submitted", toState: "in_review", reason: nil)
                try connection.execute(
                    """
                    INSERT INTO requests (seq, id, owner_id, subject_id, kind, form, department_id, state, assignee_id,
                        received_on, working_days, due_date, fee_vnd, fee_category, created_at, updated_at, version,
                        submission)
                    VALUES (7, ?, '001190000001', '001190000001', 'criminal-record', 1, 'justice-hanoi', 'in_review',
                        'officer-lan', '2026-07-15', 10, '2026-07-29', 200000, 'standard', 1000, 2000, 2, ?)
                    """,
                    [
                        .text(legacyID),
                        .text(String(decoding: Fixtures.criminalRecord().sortedKeysJSON(), as: UTF8.self)),
                    ])
                for (number, audit) in [(1, submit), (2, claim)] {
                    try connection.execute(
                        """
                        INSERT INTO request_events (request_seq, number, occurred_at, action, from_state, to_state,
                            actor_id, actor_role, reason, audit_sequence)
                        VALUES (7, ?, ?, ?, ?, ?, ?, ?, NULL, ?)
                        """,
                        [
                            .integer(Int64(number)), .integer(audit.recordedAtMilliseconds), .text(audit.action),
                            DatabaseValue(audit.fromState.map(DatabaseValue.text)), .text(audit.toState ?? ""),
                            .text(audit.actorID), .text(audit.actorRole), .integer(audit.sequence),
                        ])
                }
                let hash = String(repeating: "a", count: 64)
                try connection.execute(
                    """
                    INSERT INTO documents (id, request_seq, kind, department_id, template_id, template_version,
                        template_sha256, record_sha256, pdf_sha256, signer_certificate_sha256, issued_at,
                        audit_sequence,
                        record, pdf)
                    VALUES (?, 7, 'criminal-record', 'justice-hanoi', 'criminal-record-1', '1', ?, ?, ?, ?, 3000, ?,
                        '{}', x'255044462d')
                    """,
                    [
                        .text(DocumentID.generate()), .text(hash), .text(hash), .text(hash), .text(hash),
                        .integer(claim.sequence),
                    ])
            }
            try await old.close()
        }

        let store = try RequestStore.open(path: path)
        defer { try? store.close() }
        let record = try await store.request(legacyID, by: .system(), now: Fixtures.now)
        #expect(record.summary.id == legacyID)
        #expect(record.summary.state == .inReview)
        #expect(record.history.map(\.action) == ["submit", "claim"])
        #expect(record.history.map(\.number) == [1, 2])
        #expect(record.history.last?.actorID == "officer-lan")
        #expect(try store.documentEntry(forRequest: legacyID)?.requestID == legacyID)
        // The legacy request still moves through its lifecycle, its history growing from the trail.
        let approved = try await store.decide(
            legacyID, .approve(findingsJSON: #"{"convictions":[]}"#), by: Fixtures.justiceOfficer, now: Fixtures.now)
        #expect(approved.id == legacyID && approved.state == .approved)
        #expect(try await store.history(of: legacyID, by: .system()).map(\.action) == ["submit", "claim", "approve"])
        // New requests come after it, with derived ids.
        let fresh = try await store.submit(Fixtures.validated(person: 2), now: Fixtures.now)
        #expect(fresh.id != legacyID)
        #expect(store.ids.seq(fresh.id) == 8)
        let checks = try await store.database.read { connection in
            (
                try connection.query("PRAGMA foreign_key_check").count,
                try connection.scalar("SELECT count(*) FROM sqlite_schema WHERE name = 'request_events'").int64
            )
        }
        #expect(checks.0 == 0)
        #expect(checks.1 == 0)
        let foreignKeys = try await store.database.write { try $0.scalar("PRAGMA foreign_keys").int64 }
        #expect(foreignKeys == 1)
        let verdict = try await store.verifyAudit()
        #expect(verdict.damage == nil && verdict.missingTriggers.isEmpty, "the chain survives the migration")
        // The synthetic document above hangs on the claim entry, not on an issuance: audit verify says exactly that.
        #expect(verdict.documentMismatches.map(\.problem) == [.issuanceNotInChain])
    }
}

import CivicSealApp
import CivicSealRecords
import CivicSealStorage
import CivicSealTestSupport
import CivicSealWorkflow
import Foundation
import Testing

/// `civicseal migrate --from sqlite:PATH --to postgresql://…`, run as the built executable against the shared
/// throw-away cluster: everything arrives (ids, sequences, the audit chain byte for byte), a second run and a
/// damaged chain are refused without writing anything.
@Suite(.enabled(if: ExternalTool.isCI || ExternalTool.isUsable("initdb", "psql")))
struct MigrateCommandTests {
    static let officer = Participant.officer(
        "officer-justice-hanoi", department: "justice-hanoi", name: "Trần Đức Lương")

    /// A SQLite data directory with requests in every state: issued (real sealed PDFs), revoked, approved, in review,
    /// needing information, rejected, cancelled and submitted. Returns the fixture, request ids and document ids.
    static func populatedSQLite() async throws -> (KeyCompromiseFixture, [String], [String]) {
        let fixture = try KeyCompromiseFixture()
        let documents = try fixture.issue(justice: 3, health: 1).values.flatMap { $0 }
        let store = try RequestStore.open(path: fixture.database)
        defer { try? store.close() }
        let today = CalendarDate(Date())
        var ids: [String] = []
        for person in 100..<106 {
            let request = SyntheticRequests.validated(SyntheticRequests.criminalRecord(), person: person, today: today)
            let id = try await store.submit(request, now: Date()).id
            ids.append(id)
            switch person {
            case 101: _ = try await store.claim(id, by: officer, now: Date())
            case 102:
                _ = try await store.claim(id, by: officer, now: Date())
                _ = try await store.decide(id, .requestInfo(reason: "Thiếu bản sao"), by: officer, now: Date())
            case 103:
                _ = try await store.claim(id, by: officer, now: Date())
                _ = try await store.decide(
                    id, .approve(findingsJSON: #"{"bans":[],"convictions":[]}"#), by: officer,
                    officerName: "Trần Đức Lương", now: Date())
            case 104:
                _ = try await store.claim(id, by: officer, now: Date())
                _ = try await store.decide(id, .reject(reason: "Không đủ điều kiện"), by: officer, now: Date())
            case 105: _ = try await store.cancel(id, by: .citizen(request.applicant.identity.personalID), now: Date())
            default: break
            }
        }
        let justice = try #require(try await store.documentEntry(id: documents.sorted()[0]))
        _ = try await store.revokeDocument(
            justice.documentID, reason: "Cấp nhầm", code: .issuedInError,
            by: .officer("officer-\(justice.departmentID)", department: justice.departmentID), now: Date())
        return (fixture, ids, documents)
    }

    /// Every row of every records table as text, ordered: what the database holds, whichever backend.
    static func dump(_ store: RequestStore) throws -> [String] {
        try store.database.read { session in
            var lines: [String] = []
            for table in [
                "records_keys", "requests", "idempotency_keys", "audit_log", "audit_actor_names",
                "health_book_entries", "documents", "document_versions", "issued_certificates", "crl_numbers",
                "compromise_runs", "compromise_items", "outbox",
            ] {
                for row in try session.query("SELECT * FROM \(table) ORDER BY 1, 2") {
                    lines.append(
                        table + ": " + (0..<row.count).map { KeyCompromiseFixture.text(row[$0]) }.joined(separator: "|")
                    )
                }
            }
            return lines
        }
    }

    static func migrate(_ from: String, _ to: String) throws -> (status: Int32, output: String, error: String) {
        try RecordsCommandTests.civicseal(["migrate", "--from", "sqlite:" + from, "--to", to])
    }

    @Test("migrate copies every table; PostgreSQL answers the same queries as SQLite and takes new requests")
    func migrateCopiesEverything() async throws {
        let (fixture, ids, documents) = try await Self.populatedSQLite()
        let target = try PostgresTestDatabase.make(in: fixture.folder.path, prefix: "migrate")
        defer { target.drop() }
        let run = try Self.migrate(fixture.database, target.url)
        #expect(run.status == 0, "\(run.error)")
        #expect(run.output.contains("copied requests: 10 rows"), "\(run.output)")
        #expect(run.output.contains("row counts match; audit chain intact"), "\(run.output)")

        let sqlite = try RequestStore.open(path: fixture.database)
        defer { try? sqlite.close() }
        let postgres = try DatabaseOption.open(DatabaseOption.location(target.url, dataDirectory: nil), mustExist: true)
        defer { try? postgres.close() }
        #expect(try Self.dump(postgres) == Self.dump(sqlite))
        let now = Date()
        for state in [RequestState.submitted, .inReview, .needsInfo, .approved, .issued, .rejected, .revoked] {
            let expected = try await sqlite.departmentQueue(for: Self.officer, state: state, now: now)
            let actual = try await postgres.departmentQueue(for: Self.officer, state: state, now: now)
            #expect(actual == expected)
        }
        for id in ids {
            let expected = try sqlite.storedRequest(id, by: Self.officer, now: now)
            #expect(try postgres.storedRequest(id, by: Self.officer, now: now) == expected)
        }
        for id in documents {
            let expected = try await sqlite.documentEntry(id: id)
            let actual = try await postgres.documentEntry(id: id)
            #expect(actual != nil && actual == expected)
            let expectedPDF = try await sqlite.documentPDF(id: id)
            let actualPDF = try await postgres.documentPDF(id: id)
            #expect(actualPDF != nil && actualPDF == expectedPDF)
        }
        let expectedVerdict = try await sqlite.verifyAudit()
        let verdict = try await postgres.verifyAudit()
        #expect(verdict == expectedVerdict && verdict.isIntact)
        let verify = try RecordsCommandTests.civicseal(["audit", "verify", "--database", target.url])
        #expect(verify.status == 0, "\(verify.error)")
        // The sequences were set past the copied ids: a new request gets a fresh number and a valid id.
        let next = SyntheticRequests.validated(
            SyntheticRequests.criminalRecord(), person: 500, today: CalendarDate(now))
        let fresh = try await postgres.submit(next, now: now)
        #expect(!ids.contains(fresh.id) && RequestStore.isRequestID(fresh.id))
        #expect(try await postgres.verifyAudit().isIntact)
    }

    @Test("a second migrate into the same database is refused (exit 73) and changes nothing")
    func secondMigrateIsRefused() async throws {
        let (fixture, _, _) = try await Self.populatedSQLite()
        let target = try PostgresTestDatabase.make(in: fixture.folder.path, prefix: "migrate")
        defer { target.drop() }
        #expect(try Self.migrate(fixture.database, target.url).status == 0)
        let postgres = try DatabaseOption.open(DatabaseOption.location(target.url, dataDirectory: nil), mustExist: true)
        let before = try Self.dump(postgres)
        try postgres.close()
        let again = try Self.migrate(fixture.database, target.url)
        #expect(again.status == 73)
        #expect(again.error.contains("migrate refused"), "\(again.error)")
        // A database holding any table is refused as well, and keeps only that table.
        let other = try PostgresTestDatabase.make(in: fixture.folder.path, prefix: "migrate")
        defer { other.drop() }
        _ = try other.scalar("CREATE TABLE unrelated (x int); INSERT INTO unrelated VALUES (1)")
        let intoOther = try Self.migrate(fixture.database, other.url)
        #expect(intoOther.status == 73)
        #expect(intoOther.error.contains("unrelated"), "\(intoOther.error)")
        #expect(try other.scalar("SELECT count(*) FROM information_schema.tables WHERE table_name = 'requests'") == "0")
        let reopened = try DatabaseOption.open(
            DatabaseOption.location(target.url, dataDirectory: nil), mustExist: true)
        defer { try? reopened.close() }
        #expect(try Self.dump(reopened) == before)
    }

    @Test("a SQLite audit chain edited behind the trigger's back is refused (exit 65); nothing is written")
    func damagedChainIsRefused() async throws {
        let (fixture, _, _) = try await Self.populatedSQLite()
        let edit = try ExternalTool.run(
            "sqlite3",
            [
                fixture.database,
                "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET actor_id = 'intruder' WHERE sequence = 4;",
            ])
        #expect(edit.status == 0, "\(edit.errorText)")
        let target = try PostgresTestDatabase.make(in: fixture.folder.path, prefix: "migrate")
        defer { target.drop() }
        let run = try Self.migrate(fixture.database, target.url)
        #expect(run.status == 65)
        #expect(run.error.contains("entry 4"), "\(run.error)")
        #expect(
            try target.scalar("SELECT count(*) FROM information_schema.tables WHERE table_name = 'requests'") == "0")
        // Nothing was written: a migrate of an intact file into that database still works afterwards.
        let clean = try await Self.populatedSQLite()
        #expect(try Self.migrate(clean.0.database, target.url).status == 0)
    }

    @Test("keys compromise --database postgresql://… runs the playbook on the records in PostgreSQL")
    func compromiseRunsOnPostgreSQL() async throws {
        let fixture = try KeyCompromiseFixture()
        let issued = try fixture.issue(justice: 3, health: 1)
        let affected = try #require(issued["justice-hanoi"])
        let target = try PostgresTestDatabase.make(in: fixture.folder.path, prefix: "compromise")
        defer { target.drop() }
        #expect(try Self.migrate(fixture.database, target.url).status == 0)
        let sqliteBefore = try fixture.snapshot()
        let compromised = try fixture.sealFingerprint("justice-hanoi")
        let run = try fixture.compromise(["--seal", compromised, "--by", "operator:test", "--database", target.url])
        #expect(run.status == 0, "\(run.error)")
        #expect(run.error.split(separator: "\n").filter { $0.contains("] reissued ") }.count == 3, "\(run.error)")
        let revoked = try target.scalar(
            "SELECT count(*) FROM documents WHERE revocation_code = 'key-compromise' AND superseded_by IS NOT NULL")
        #expect(revoked == "3")
        #expect(try target.scalar("SELECT count(*) FROM compromise_runs WHERE finished_at IS NOT NULL") == "1")
        #expect(try target.scalar("SELECT count(*) FROM outbox") == "3")
        let ids = affected.map { "'\($0)'" }.joined(separator: ", ")
        #expect(try target.scalar("SELECT count(*) FROM compromise_items WHERE document_id IN (\(ids))") == "3")
        let verify = try RecordsCommandTests.civicseal(["audit", "verify", "--database", target.url])
        #expect(verify.status == 0, "\(verify.error)")
        // The SQLite file of the data directory was not touched.
        #expect(try fixture.snapshot() == sqliteBefore)
    }
}

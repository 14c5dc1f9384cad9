import CivicSealApp
import CivicSealRecords
import CivicSealStorage
import CivicSealTestSupport
import CivicSealWorkflow
import Foundation
import Testing

/// `civicseal migrate` of a database larger than one chunk: thousands of requests written by the records layer
/// (batched submissions, claims and decisions, sealed documents, a revocation) arrive complete, streamed in chunks
/// of bounded size, and the audit chain checks on arrival walk it page by page.
@Suite(.enabled(if: ExternalTool.isCI || ExternalTool.isUsable("initdb", "psql")))
struct MigrateCommandLargeTests {
    static let requests = 3_000
    static let decided = 120
    /// The chunk bound the migration is run with: far below the database's size, above any one row.
    static let chunkBytes = 128 << 10

    /// A SQLite data directory holding sealed documents (one revoked), `requests` batched submissions and
    /// `decided` of them claimed then sent back, rejected or approved, all through the records layer.
    static func largeSQLite() async throws -> KeyCompromiseFixture {
        let (fixture, documents, ids) = try await onOwnThread {
            let fixture = try KeyCompromiseFixture()
            let documents = try fixture.issue(justice: 2, health: 1).values.flatMap { $0 }
            let store = try RequestStore.open(path: fixture.database)
            defer { try? store.close() }
            let today = CalendarDate(Date())
            var ids: [String] = []
            for first in stride(from: 1_000, to: 1_000 + requests, by: 500) {
                // Even people ask for a criminal record (justice-hanoi), odd ones for a health certificate.
                let batch = (first..<(first + 500)).map { person in
                    SyntheticRequests.validated(
                        person % 2 == 0 ? SyntheticRequests.criminalRecord() : SyntheticRequests.healthCertificate(),
                        person: person, today: today)
                }
                ids += try store.submitBatch(batch, now: Date()).map(\.id)
            }
            return (fixture, documents, ids)
        }
        let store = try RequestStore.open(path: fixture.database)
        defer { try? store.close() }
        for (index, id) in ids.prefix(decided).enumerated() {
            let justice = index % 2 == 0
            let officer = Participant.officer(
                justice ? "officer-justice" : "officer-health", department: justice ? "justice-hanoi" : "health-hanoi",
                name: "Trần Đức Lương")
            _ = try await store.claim(id, by: officer, now: Date())
            let decision: OfficerDecision =
                switch index % 3 {
                case 0: .requestInfo(reason: "Thiếu bản sao số \(index)")
                case 1: .reject(reason: "Không đủ điều kiện")
                default:
                    .approve(
                        findingsJSON: justice ? #"{"bans":[],"convictions":[]}"# : KeyCompromiseFixture.healthFindings)
                }
            _ = try await store.decide(id, decision, by: officer, officerName: "Trần Đức Lương", now: Date())
        }
        let revoked = try #require(try await store.documentEntry(id: documents.sorted()[0]))
        _ = try await store.revokeDocument(
            revoked.documentID, reason: "Cấp nhầm", code: .issuedInError,
            by: .officer("officer-\(revoked.departmentID)", department: revoked.departmentID), now: Date())
        return fixture
    }

    /// Runs `work` on a thread of its own: the migration blocks for seconds, and the cooperative pool is shared.
    static func onOwnThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
        }
    }

    @Test("a migrate of thousands of requests with documents arrives complete, in chunks of bounded size")
    func largeDatabaseArrivesCompleteInBoundedChunks() async throws {
        let fixture = try await Self.largeSQLite()
        let target = try PostgresTestDatabase.make(in: fixture.folder.path, prefix: "migrate_large")
        defer { target.drop() }
        let database = fixture.database
        let url = target.url
        let copied = try await Self.onOwnThread {
            try MigrateCommand.migrate(from: "sqlite:" + database, to: url, chunkBytes: Self.chunkBytes) { _ in }
        }

        let sqlite = try RequestStore.open(path: fixture.database)
        defer { try? sqlite.close() }
        let postgres = try DatabaseOption.open(DatabaseOption.location(target.url, dataDirectory: nil), mustExist: true)
        defer { try? postgres.close() }
        // Complete: every row of every table, byte for byte (PDFs included), and the counts the summary reports.
        let (sqliteRows, sqliteBytes, largestPDF) = try await Self.onOwnThread {
            let rows = try MigrateCommandTests.dump(sqlite)
            let sizes = try sqlite.database.read { session in
                (
                    try session.scalar(
                        "SELECT sum(length(submission) + length(history)) FROM requests"
                    ).int64 ?? 0,
                    try session.scalar("SELECT max(length(pdf)) FROM documents").int64 ?? 0
                )
            }
            return (rows, sizes.0, sizes.1)
        }
        let postgresRows = try await Self.onOwnThread { try MigrateCommandTests.dump(postgres) }
        #expect(postgresRows.count == sqliteRows.count)
        #expect(postgresRows == sqliteRows)
        #expect(copied.rows == sqliteRows.count)
        #expect(sqliteRows.count { $0.hasPrefix("requests: ") } == Self.requests + 3)
        #expect(sqliteRows.count { $0.hasPrefix("documents: ") } == 3)
        let auditEntries = sqliteRows.count { $0.hasPrefix("audit_log: ") }
        #expect(copied.auditEntries == auditEntries && auditEntries > Self.requests + 2 * Self.decided)
        // Bounded: no chunk carried more than the bound (every row is smaller), yet the data was many times larger.
        try #require(largestPDF > 0 && largestPDF < Self.chunkBytes - (16 << 10), "largest PDF \(largestPDF) bytes")
        #expect(copied.largestChunkBytes > 0 && copied.largestChunkBytes <= Self.chunkBytes)
        #expect(copied.largestFlightBytes <= MigrateCommand.maximumFlightChunks * Self.chunkBytes)
        #expect(Int(sqliteBytes) > 2 * MigrateCommand.maximumFlightChunks * Self.chunkBytes)
        #expect(sqliteBytes > 8 * Self.chunkBytes)
        #expect(copied.chunks >= Int(sqliteBytes) / Self.chunkBytes)

        // The chain on arrival: the same verdict as the source's, walked in pages smaller than the chain.
        let expected = try await sqlite.verifyAudit()
        let paged = try await postgres.database.read { session in try AuditVerifier.verify(session, pageSize: 97) }
        #expect(paged.isIntact && paged == expected)
        #expect(paged.entryCount == auditEntries)
        let verify = try await Self.onOwnThread {
            try RecordsCommandTests.civicseal(["audit", "verify", "--database", url])
        }
        #expect(verify.status == 0, "\(verify.error)")
        // Spot check through the records layer: a document's bytes and a decided request's state.
        let documentID = try #require(sqliteDocumentID(sqliteRows))
        let sqlitePDF = try await sqlite.documentPDF(id: documentID)
        let postgresPDF = try await postgres.documentPDF(id: documentID)
        #expect(sqlitePDF != nil && postgresPDF == sqlitePDF)
    }

    /// The first document id in a dump's `documents` rows (the second field: `seq|id|…`).
    private func sqliteDocumentID(_ rows: [String]) -> String? {
        rows.first { $0.hasPrefix("documents: ") }.map {
            String($0.dropFirst("documents: ".count).split(separator: "|")[1])
        }
    }
}

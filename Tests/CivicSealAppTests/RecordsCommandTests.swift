import CivicSealApp
import CivicSealRecords
import CivicSealStorage
import CivicSealTestSupport
import Foundation
import Testing

/// The real `civicseal` executable: crash durability, audit verification after tampering, backups.
@Suite struct RecordsCommandTests {
    /// The `civicseal` binary built next to the test bundle (`swift test` builds every product).
    static let executable: String? = {
        var candidates: [URL] = []
        if let bundle = Bundle.main.executableURL { candidates.append(bundle.deletingLastPathComponent()) }
        candidates.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        candidates.append(root.appendingPathComponent(".build/debug"))
        return candidates.map { $0.appendingPathComponent("civicseal").path }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    static func civicseal(_ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
        let result = try ExternalTool.run(try #require(executable, "civicseal binary not built"), arguments)
        return (result.status, result.text, result.errorText)
    }

    @Test func everyReportedSubmissionSurvivesSIGKILLAndTheChainVerifies() throws {
        let folder = TemporaryDirectory("civicseal-crash")
        // Killed mid-burst once 300 submissions were reported; only complete lines count as reported.
        let (ids, termination) = try ExternalTool.killedAfter(
            lines: 300, try #require(Self.executable, "civicseal binary not built"),
            ["dev", "submit-burst", "--data", folder.path, "--count", "1000000"])
        #expect(termination == .signalled(SIGKILL))
        #expect(ids.count >= 300)
        #expect(ids.allSatisfy(RequestStore.isRequestID))

        let store = try RequestStore.open(path: folder.path + "/civicseal.sqlite")
        defer { try? store.close() }
        let stored = try store.database.read { try $0.scalar("SELECT count(*) FROM requests").int64 ?? 0 }
        // Each acknowledged id opens its request through the store, as a citizen's link would.
        let lost = ids.filter { id in (try? store.storedRequest(id, by: .system(), now: Date())) == nil }
        #expect(lost.isEmpty, "\(lost.count) acknowledged ids lost")
        #expect(stored >= Int64(ids.count))
        let verdict = try store.verifyAudit()
        #expect(verdict.isIntact)
        #expect(Int64(verdict.entryCount) == stored)
        #expect(try store.database.read { try $0.scalar("PRAGMA integrity_check") } == .text("ok"))
    }

    @Test(.enabled(if: ExternalTool.isUsable("sqlite3")))
    func auditVerifyNamesTheEntryEditedWithTheSqliteShell() throws {
        let folder = TemporaryDirectory("civicseal-tamper")
        #expect(try Self.civicseal(["dev", "submit-burst", "--data", folder.path, "--count", "6"]).status == 0)
        let intact = try Self.civicseal(["audit", "verify", "--data", folder.path])
        #expect(intact.status == 0)
        #expect(intact.output.hasPrefix("OK 6 entries"))

        let shell = try ExternalTool.run(
            "sqlite3",
            [
                folder.path + "/civicseal.sqlite",
                "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET reason = 'approved by phone' WHERE sequence "
                    + "= 4;",
            ])
        #expect(shell.status == 0, "\(shell.errorText)")
        let damaged = try Self.civicseal(["audit", "verify", "--data", folder.path])
        #expect(damaged.status == 65)
        #expect(damaged.error.contains("DAMAGED at entry 4: hash-mismatch"), "\(damaged.error)")
        #expect(damaged.error.contains("audit_log_no_update"))
    }

    @Test func auditVerifyOfAMissingDatabaseFailsWithoutCreatingOne() throws {
        let folder = TemporaryDirectory("civicseal-empty")
        let result = try Self.civicseal(["audit", "verify", "--data", folder.path + "/nothing"])
        #expect(result.status == 74)
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/nothing"))
    }

    @Test func backupIsAConsistentCopyAndNeverOverwrites() throws {
        let folder = TemporaryDirectory("civicseal-backup")
        #expect(try Self.civicseal(["dev", "submit-burst", "--data", folder.path, "--count", "25"]).status == 0)
        let copy = folder.path + "/copy.sqlite"
        let made = try Self.civicseal(["backup", "--data", folder.path, "--to", copy])
        #expect(made.status == 0, "\(made.error)")
        #expect(SecureFile.mode(copy) == 0o600)

        func contents(_ path: String) throws -> (ids: [String], audit: [String]) {
            // Rows with their key: the copy must answer the same public ids.
            let database = try Database(path: path, migrations: RecordsSchema.migrations)
            defer { try? database.close() }
            return try database.read { connection in
                (
                    try connection.query(
                        "SELECT seq || ':' || state || ':' || history || ':' || hex((SELECT key FROM records_keys)) "
                            + "FROM requests ORDER BY seq"
                    ).compactMap { $0[0].string },
                    try connection.query("SELECT hash FROM audit_log ORDER BY sequence").compactMap { $0[0].string }
                )
            }
        }
        let original = try contents(folder.path + "/civicseal.sqlite")
        let backup = try contents(copy)
        #expect(original.ids.count == 25)
        #expect(backup.ids == original.ids)
        #expect(backup.audit == original.audit)
        let copyFolder = folder.path + "/restored"
        try FileManager.default.createDirectory(atPath: copyFolder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: copy, toPath: copyFolder + "/civicseal.sqlite")
        #expect(try Self.civicseal(["audit", "verify", "--data", copyFolder]).status == 0)

        let before = try Data(contentsOf: URL(fileURLWithPath: copy))
        let again = try Self.civicseal(["backup", "--data", folder.path, "--to", copy])
        #expect(again.status == 74)
        #expect(try Data(contentsOf: URL(fileURLWithPath: copy)) == before)
    }
}

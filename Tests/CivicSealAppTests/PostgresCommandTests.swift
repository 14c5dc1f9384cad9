import CivicSealRecords
import CivicSealTestSupport
import Foundation
import Testing

/// The `civicseal` executable on PostgreSQL (`--database postgresql://…`): acknowledged submissions survive a
/// SIGKILL, `audit verify` checks the chain in the server, `backup` points at pg_dump.
@Suite(.enabled(if: ExternalTool.isCI || ExternalTool.isUsable("initdb", "psql")))
struct PostgresCommandTests {
    /// A fresh database in the shared cluster and a `--database` URL for it (password in a 0600 passfile).
    static func database(_ folder: TemporaryDirectory) throws -> (cluster: PostgresCluster, name: String, url: String) {
        let database = try PostgresTestDatabase.make(in: folder.path, prefix: "cli")
        return (database.cluster, database.name, database.url)
    }

    @Test("every submission reported before a SIGKILL is in PostgreSQL once, and `audit verify` passes")
    func acknowledgedSubmissionsSurviveSIGKILL() throws {
        let folder = TemporaryDirectory("civicseal-pg-cli")
        let (cluster, name, url) = try Self.database(folder)
        let executable = try #require(BuiltProduct.path("civicseal"), "civicseal binary not built")
        let (ids, termination) = try ExternalTool.killedAfter(
            lines: 100, executable,
            ["dev", "submit-burst", "--data", folder.path, "--database", url, "--count", "1000000"])
        #expect(termination == .signalled(SIGKILL))
        #expect(ids.count >= 100 && ids.allSatisfy(RequestStore.isRequestID))
        let stored = Int(try cluster.psql("SELECT count(*) FROM requests", database: name).trimmed) ?? -1
        #expect(stored >= ids.count)
        let audited = Int(try cluster.psql("SELECT count(*) FROM audit_log", database: name).trimmed) ?? -1
        #expect(audited == stored)
        // No SQLite file appears in the data directory: the records went to the server.
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/civicseal.sqlite"))
        let verify = try BuiltProduct.run("civicseal", ["audit", "verify", "--database", url])
        #expect(verify.status == 0, "\(verify.errorText)")
        #expect(verify.text.contains("\(stored)"), "\(verify.text)")
    }

    @Test("`audit verify` on PostgreSQL exits 65 after an entry is edited behind the trigger's back")
    func auditVerifyFindsAnEditedEntry() throws {
        let folder = TemporaryDirectory("civicseal-pg-cli")
        let (cluster, name, url) = try Self.database(folder)
        let burst = try BuiltProduct.run(
            "civicseal", ["dev", "submit-burst", "--data", folder.path, "--database", url, "--count", "5"])
        #expect(burst.status == 0, "\(burst.errorText)")
        try cluster.psql(
            "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update; UPDATE audit_log SET actor_id = 'x' "
                + "WHERE sequence = 3; ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update;",
            database: name)
        let verify = try BuiltProduct.run("civicseal", ["audit", "verify", "--database", url])
        #expect(verify.status == 65)
        #expect(verify.errorText.contains("entry 3"), "\(verify.errorText)")
    }

    @Test("`backup` refuses a PostgreSQL database and names pg_dump; a password in the URL is refused")
    func backupPointsAtPgDumpAndPasswordsStayOutOfURLs() throws {
        let folder = TemporaryDirectory("civicseal-pg-cli")
        let backup = try BuiltProduct.run(
            "civicseal",
            ["backup", "--to", folder.path + "/copy", "--database", "postgresql://someone@db.invalid/civicseal"])
        #expect(backup.status == 64)
        #expect(backup.errorText.contains("pg_dump"), "\(backup.errorText)")
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/copy"))
        let withPassword = try BuiltProduct.run(
            "civicseal", ["audit", "verify", "--database", "postgresql://someone:hunter2@db.invalid/civicseal"])
        #expect(withPassword.status == 64)
        #expect(!withPassword.errorText.contains("hunter2"))
    }
}

extension String {
    fileprivate var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}

import CivicSealProcess
import CivicSealTestSupport
import Foundation
import Testing

@testable import CivicSealStorage

/// WAL with `synchronous=NORMAL` keeps every committed transaction when the *process* dies
/// (the WAL is in the OS page cache); only power loss can drop the last commits. This drives the
/// `sqlite3` shell as a stand-in process, kills it with SIGKILL after a commit, and reopens.
@Suite struct CrashDurabilityTests {
    /// The `sqlite3` shell on PATH; under `CI=true` the test runs (and fails) even when it is missing.
    static let shell = ExternalTool.path("sqlite3") ?? "/usr/bin/sqlite3"

    @Test(.enabled(if: ExternalTool.isUsable("sqlite3")))
    func committedRowsSurviveAProcessKilledWithoutClosing() throws {
        let folder = try TemporaryDirectory()
        let path = folder.path("crash.sqlite")
        try Database(path: path, migrations: DatabaseTests.ledger).close()

        let shell = try ChildProcess(Self.shell, [path], pipesInput: true, error: .inherit)
        let script = """
            PRAGMA journal_mode=WAL;
            PRAGMA synchronous=NORMAL;
            PRAGMA wal_autocheckpoint=0;
            BEGIN IMMEDIATE;
            INSERT INTO ledger (amount) VALUES (10), (-10);
            COMMIT;
            .print committed

            """
        try shell.writeInput(Array(script.utf8))
        var seen = ""
        while !seen.contains("committed") {
            let chunk = try shell.readOutput()
            guard !chunk.isEmpty else { break }
            seen += String(decoding: chunk, as: UTF8.self)
        }
        #expect(seen.contains("committed"))
        // The shell still holds the database open, with the commit only in the WAL.
        #expect(FileManager.default.fileExists(atPath: path + "-wal"))
        shell.signal(SIGKILL)
        #expect(shell.wait() == .signalled(SIGKILL))

        let database = try Database(path: path, migrations: DatabaseTests.ledger)
        #expect(try database.read { try $0.scalar("SELECT count(*) FROM ledger") } == 2)
        #expect(try database.read { try $0.scalar("PRAGMA integrity_check") } == "ok")
    }
}

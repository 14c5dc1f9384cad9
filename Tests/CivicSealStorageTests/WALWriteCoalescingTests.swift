import CivicSealTestSupport
import Foundation
import Testing

@testable import CivicSealStorage

/// The VFS that writes a transaction's WAL frames in one `pwrite`: fewer system calls, and nothing another connection,
/// another process or recovery can observe differs from SQLite's default VFS.
@Suite struct WALWriteCoalescingTests {
    let folder: TemporaryDirectory
    var path: String { folder.path("coalescing.sqlite") }

    init() throws {
        folder = try TemporaryDirectory()
    }

    static let schema = [
        "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, body BLOB NOT NULL)",
        "CREATE INDEX items_name ON items (name)",
    ]

    static func configuration(coalescing: Bool = true) -> DatabaseConfiguration {
        DatabaseConfiguration(backgroundCheckpoint: nil, coalescesWALWrites: coalescing)
    }

    @Test func aTransactionOfSeveralPagesReachesTheWALInOneWrite() throws {
        let writer = try Connection(path: path, configuration: Self.configuration())
        for statement in Self.schema { try writer.execute(statement) }
        try writer.execute("PRAGMA wal_autocheckpoint=0")
        let before = try #require(writer.walWriteStatistics(), "the WAL was not opened through the coalescing VFS")
        try writer.transaction {
            // Rows spread over the table and the index: several dirty pages, each a frame of two writes.
            for number in 0..<40 {
                try writer.execute(
                    "INSERT INTO items (name, body) VALUES (?, ?)",
                    [.text("name \(number * 7919 % 40)"), .blob(Array(repeating: UInt8(number), count: 400))])
            }
        }
        let after = try #require(writer.walWriteStatistics())
        let received = after.writesReceived - before.writesReceived
        #expect(received >= 8, "the transaction wrote \(received) times; expected several frames")
        #expect(after.discards == 0)
        #expect(after.writesIssued - before.writesIssued == 1, "SQLite's \(received) writes reached the file in one")

        // The same transaction through the default VFS: every write is its own.
        let plain = try Connection(
            path: folder.path("plain.sqlite"), configuration: Self.configuration(coalescing: false))
        #expect(plain.walWriteStatistics() == nil)
    }

    @Test func aCommitIsVisibleToAnotherConnectionAndToTheSqliteShellAtOnce() throws {
        let writer = try Connection(path: path, configuration: Self.configuration())
        for statement in Self.schema { try writer.execute(statement) }
        try writer.execute("PRAGMA wal_autocheckpoint=0")  // everything stays in the WAL
        let reader = try Connection(path: path, mode: .readOnly, configuration: Self.configuration(coalescing: false))
        for round in 1...20 {
            try writer.transaction {
                for _ in 0..<round { try writer.execute("INSERT INTO items (name, body) VALUES ('r', x'01')") }
            }
            let expected = Int64(round * (round + 1) / 2)
            #expect(try reader.scalar("SELECT count(*) FROM items") == .integer(expected))
        }
        if ExternalTool.isUsable("sqlite3") {
            let shell = try ExternalTool.run("sqlite3", [path, "SELECT count(*) FROM items; PRAGMA integrity_check;"])
            #expect(shell.status == 0)
            #expect(shell.text == "210\nok\n")
        }
    }

    /// A transaction larger than the page cache spills frames that are not commit frames, reads them back and
    /// rewrites them in place; one larger than ``WALWriteCoalescing/limit`` is written out in parts. Both must leave
    /// exactly the database the default VFS leaves.
    @Test func spilledRewrittenAndOversizedTransactionsMatchTheDefaultVFS() throws {
        func build(_ file: String, coalescing: Bool) throws -> (Int64, String) {
            let connection = try Connection(
                path: folder.path(file), configuration: Self.configuration(coalescing: coalescing))
            for statement in Self.schema { try connection.execute(statement) }
            try connection.execute("PRAGMA cache_size=20")  // 20 pages: the transaction below spills
            try connection.transaction {
                for number in 0..<3_000 {
                    try connection.execute(
                        "INSERT INTO items (name, body) VALUES (?, ?)",
                        [
                            .text("n\(number * 104_729 % 3_000)"),
                            .blob(Array(repeating: UInt8(number & 0xFF), count: 300)),
                        ])
                }
                // Pages already written to the WAL in this transaction are changed again.
                try connection.execute("UPDATE items SET name = name || '!' WHERE id % 3 = 0")
            }
            try connection.transaction {
                // 8 MB in one transaction: more than the buffer's limit.
                try connection.execute("INSERT INTO items (name, body) VALUES ('large', zeroblob(8000000))")
            }
            try connection.transaction {
                try connection.execute("DELETE FROM items WHERE id % 5 = 0")
            }
            let count = try connection.scalar("SELECT count(*) FROM items").int64 ?? -1
            let digest =
                try connection.scalar(
                    "SELECT group_concat(id || ':' || name || ':' || length(body) || ':' || hex(substr(body, 1, 4)), "
                        + "',') FROM items"
                ).string ?? ""
            #expect(try connection.scalar("PRAGMA integrity_check") == .text("ok"))
            return (count, digest)
        }
        let coalesced = try build("coalesced.sqlite", coalescing: true)
        let plain = try build("plain.sqlite", coalescing: false)
        #expect(coalesced.0 == 2_401)
        #expect(coalesced == plain)
        // Reopened through the default VFS (recovery reads the WAL the coalescing VFS wrote).
        let reopened = try Connection(
            path: folder.path("coalesced.sqlite"), configuration: Self.configuration(coalescing: false))
        #expect(try reopened.scalar("SELECT count(*) FROM items") == .integer(2_401))
        #expect(try reopened.scalar("PRAGMA integrity_check") == .text("ok"))
    }

    @Test func aRolledBackTransactionLeavesNothingAndTheNextCommitLands() throws {
        let writer = try Connection(path: path, configuration: Self.configuration())
        for statement in Self.schema { try writer.execute(statement) }
        try writer.execute("PRAGMA cache_size=10")  // so the doomed transaction spills frames to the WAL
        struct Abandon: Error {}
        #expect(throws: Abandon.self) {
            try writer.transaction {
                for _ in 0..<2_000 {
                    try writer.execute("INSERT INTO items (name, body) VALUES ('doomed', zeroblob(500))")
                }
                throw Abandon()
            }
        }
        try writer.transaction {
            try writer.execute("INSERT INTO items (name, body) VALUES ('kept', x'02')")
        }
        let reader = try Connection(path: path, mode: .readOnly, configuration: Self.configuration(coalescing: false))
        #expect(try reader.scalar("SELECT group_concat(name) FROM items") == .text("kept"))
        #expect(try reader.scalar("PRAGMA integrity_check") == .text("ok"))
    }

    @Test func checkpointsRestartAndTruncateTheWALBetweenCommits() throws {
        let database = try Database(path: path, migrations: [Migration("items", statements: Self.schema)])
        for round in 0..<200 {
            try database.write { connection in
                try connection.execute(
                    "INSERT INTO items (name, body) VALUES (?, zeroblob(2000))", [.text("r\(round)")])
            }
            if round % 50 == 49 { _ = try database.checkpoint(.truncate) }
        }
        #expect(try database.read { try $0.scalar("SELECT count(*) FROM items") } == .integer(200))
        #expect(try database.read { try $0.scalar("PRAGMA integrity_check") } == .text("ok"))
        try database.close()
        let reopened = try Connection(path: path, configuration: Self.configuration(coalescing: false))
        #expect(try reopened.scalar("SELECT count(*) FROM items") == .integer(200))
    }
}

extension WALWriteCoalescingTests {
    /// A transaction that spilled frames and then rolled back leaves them buffered; they must be dropped when the write
    /// lock is released, never written later over frames another connection has committed since.
    @Test func framesOfARolledBackTransactionNeverOverwriteAnotherWritersCommits() throws {
        let first = try Connection(path: path, configuration: Self.configuration())
        for statement in Self.schema { try first.execute(statement) }
        try first.execute("PRAGMA wal_autocheckpoint=0")
        try first.execute("PRAGMA cache_size=10")
        // An empty WAL: the rollback then reloads the pages it still holds from the database file, so nothing reads
        // the WAL (which would write the buffer out while the lock is still held) before the lock is released.
        _ = try first.checkpoint(.truncate)
        struct Abandon: Error {}
        #expect(throws: Abandon.self) {
            try first.transaction {
                // Insert until the page cache spills frames into the WAL buffer, then roll back with them buffered.
                for _ in 0..<20_000 {
                    try first.execute("INSERT INTO items (name, body) VALUES ('doomed', zeroblob(500))")
                    if try #require(first.walWriteStatistics()).bufferedBytes > 0 { throw Abandon() }
                }
            }
        }
        let afterRollback = try #require(first.walWriteStatistics())
        #expect(
            afterRollback.discards == 1,
            "the rolled-back transaction's buffered frames were not dropped: \(afterRollback)")
        #expect(afterRollback.bufferedBytes == 0)

        // Another writer (the default VFS, as another process would be) appends where those frames would have gone.
        let second = try Connection(path: path, configuration: Self.configuration(coalescing: false))
        for number in 0..<50 {
            try second.transaction {
                try second.execute(
                    "INSERT INTO items (name, body) VALUES (?, zeroblob(700))", [.text("second \(number)")])
            }
        }
        // The first connection reads (its WAL handle's first operation since the rollback), then writes again.
        #expect(try first.scalar("SELECT count(*) FROM items") == .integer(50))
        try first.transaction { try first.execute("INSERT INTO items (name, body) VALUES ('first', x'03')") }
        #expect(try second.scalar("SELECT count(*) FROM items WHERE name LIKE 'second %'") == .integer(50))
        #expect(try second.scalar("SELECT count(*) FROM items WHERE name = 'doomed'") == .integer(0))
        #expect(try second.scalar("PRAGMA integrity_check") == .text("ok"))
        // What recovery would find if the process died now: a copy of the database and its WAL, opened afresh, replays
        // the WAL frame by frame and stops at the first frame whose checksum does not follow (a stale one).
        let copy = folder.path("copy.sqlite")
        try FileManager.default.copyItem(atPath: path, toPath: copy)
        try FileManager.default.copyItem(atPath: path + "-wal", toPath: copy + "-wal")
        let recovered = try Connection(path: copy, configuration: Self.configuration(coalescing: false))
        #expect(try recovered.scalar("SELECT count(*) FROM items") == .integer(51))
        #expect(try recovered.scalar("PRAGMA integrity_check") == .text("ok"))
        first.close()
        second.close()
        let reopened = try Connection(path: path, configuration: Self.configuration(coalescing: false))
        #expect(try reopened.scalar("SELECT count(*) FROM items") == .integer(51))
        #expect(try reopened.scalar("PRAGMA integrity_check") == .text("ok"))
    }
}

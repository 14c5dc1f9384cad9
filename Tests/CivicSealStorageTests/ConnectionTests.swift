import Foundation
import Testing

@testable import CivicSealStorage

@Suite struct ConnectionTests {
    let folder: TemporaryDirectory
    let connection: Connection

    init() throws {
        folder = try TemporaryDirectory()
        connection = try Connection(path: folder.path("db.sqlite"))
    }

    @Test func openingVerifiesWalModeAndTheWalFileAppears() throws {
        #expect(try connection.scalar("PRAGMA journal_mode") == .text("wal"))
        #expect(try connection.scalar("PRAGMA synchronous") == .integer(1))  // NORMAL
        #expect(try connection.scalar("PRAGMA busy_timeout") == .integer(5000))
        try connection.execute("CREATE TABLE t (x)")
        try connection.execute("INSERT INTO t VALUES (1)")
        #expect(FileManager.default.fileExists(atPath: folder.path("db.sqlite-wal")))
    }

    @Test func busyTimeoutIsConfigurable() throws {
        let other = try Connection(
            path: folder.path("other.sqlite"), configuration: DatabaseConfiguration(busyTimeoutMilliseconds: 250))
        #expect(try other.scalar("PRAGMA busy_timeout") == .integer(250))
    }

    @Test func foreignKeysAreEnforced() throws {
        try connection.executeScript(
            """
            CREATE TABLE citizen (id INTEGER PRIMARY KEY);
            CREATE TABLE document (id INTEGER PRIMARY KEY, citizen INTEGER NOT NULL REFERENCES citizen(id));
            """)
        #expect(try connection.scalar("PRAGMA foreign_keys") == .integer(1))
        let error = #expect(throws: DatabaseError.self) {
            try connection.execute("INSERT INTO document (citizen) VALUES (?)", [42])
        }
        #expect(error?.code == .constraintForeignKey)
        #expect(error?.isConstraintViolation == true)
    }

    @Test func embeddedNulInTextRoundTrips() throws {
        try connection.execute("CREATE TABLE t (x TEXT)")
        let text = "before\u{0}after"
        try connection.execute("INSERT INTO t VALUES (?)", [.text(text)])
        #expect(try connection.scalar("SELECT length(CAST(x AS BLOB)) FROM t") == .integer(12))
        #expect(try connection.scalar("SELECT x FROM t") == .text(text))
        let statement = try connection.prepare("SELECT x FROM t")
        #expect(try statement.step())
        #expect(statement.string(at: 0).map { Array($0.utf8) } == Array(text.utf8))
    }

    @Test func emptyBlobRoundTripsAsEmptyBlobNotNull() throws {
        try connection.execute("CREATE TABLE t (x BLOB)")
        try connection.execute("INSERT INTO t VALUES (?)", [.blob([])])
        #expect(try connection.scalar("SELECT typeof(x) FROM t") == .text("blob"))
        #expect(try connection.scalar("SELECT x FROM t") == .blob([]))
        let statement = try connection.prepare("SELECT x FROM t")
        #expect(try statement.step())
        #expect(statement.bytes(at: 0) == [])
        #expect(!statement.isNull(at: 0))
    }

    @Test func emptyTextRoundTripsAsEmptyTextNotNull() throws {
        try connection.execute("CREATE TABLE t (x)")
        try connection.execute("INSERT INTO t VALUES (?)", [""])
        #expect(try connection.scalar("SELECT typeof(x) FROM t") == .text("text"))
        #expect(try connection.scalar("SELECT x FROM t") == .text(""))
    }

    @Test func blobBytesRoundTrip() throws {
        try connection.execute("CREATE TABLE t (x BLOB)")
        let bytes: [UInt8] = [0, 1, 2, 0xFF, 0, 0x80]
        try connection.execute("INSERT INTO t VALUES (?)", [.blob(bytes)])
        #expect(try connection.scalar("SELECT x FROM t") == .blob(bytes))
    }

    @Test func vietnameseTextRoundTripsByteForByte() throws {
        try connection.execute("CREATE TABLE citizen (name TEXT)")
        let precomposed = "Nguyễn Thị Ánh Tuyết"
        let decomposed = precomposed.decomposedStringWithCanonicalMapping
        try connection.execute("INSERT INTO citizen VALUES (?)", [.text(precomposed)])
        try connection.execute("INSERT INTO citizen VALUES (?)", [.text(decomposed)])
        let names = try connection.query("SELECT name FROM citizen ORDER BY rowid").map { $0["name"]?.string }
        #expect(names.map { $0.map { Array($0.utf8) } } == [Array(precomposed.utf8), Array(decomposed.utf8)])
        #expect(try connection.scalar("SELECT count(*) FROM citizen WHERE name = ?", [.text(precomposed)]) == 1)
    }

    @Test func typedBindingsRoundTrip() throws {
        try connection.execute("CREATE TABLE t (i INTEGER, r REAL, s TEXT, b BLOB, n)")
        let statement = try connection.prepare("INSERT INTO t VALUES (?, ?, ?, ?, ?)")
        try statement.bind(Int64.min, at: 1)
        try statement.bind(3.25, at: 2)
        try statement.bind("text", at: 3)
        try statement.bind([1, 2, 3] as [UInt8], at: 4)
        try statement.bindNull(at: 5)
        #expect(try !statement.step())
        let row = try #require(try connection.queryFirst("SELECT * FROM t"))
        #expect(row.values == [.integer(.min), .real(3.25), .text("text"), .blob([1, 2, 3]), .null])
        #expect(row.columnNames == ["i", "r", "s", "b", "n"])
        #expect(row["S"] == .text("text"))
    }

    @Test func databaseErrorShowsSQLAndExtendedCodeButNeverBoundValues() throws {
        try connection.execute("CREATE TABLE citizen (cccd TEXT UNIQUE, name TEXT CHECK (length(name) < 100))")
        let secret = "079201001234-Nguyễn Thị Ánh Tuyết"
        let sql = "INSERT INTO citizen (cccd, name) VALUES (?, ?)"
        try connection.execute(sql, [.text(secret), "a"])
        let error = #expect(throws: DatabaseError.self) {
            try connection.execute(sql, [.text(secret), "b"])
        }
        let failure = try #require(error)
        #expect(failure.code == .constraintUnique)
        #expect(failure.extendedResultCode == 2067)  // SQLITE_CONSTRAINT_UNIQUE
        #expect(failure.primaryResultCode == 19)  // SQLITE_CONSTRAINT
        #expect(failure.sql == sql)
        #expect(failure.description.contains(sql))
        #expect(failure.description.contains("SQLITE_CONSTRAINT_UNIQUE"))
        #expect(failure.description.contains("2067"))
        #expect(failure.message == "UNIQUE constraint failed: citizen.cccd")
        #expect(!failure.description.contains("079201001234"))
        #expect(!failure.description.contains("Nguyễn"))
        #expect(!String(reflecting: failure).contains("079201001234"))
        #expect(!"\(failure.message)".contains("079201001234"))
    }

    @Test func constraintViolationsAreDistinguishableByCode() throws {
        try connection.executeScript(
            """
            CREATE TABLE parent (id INTEGER PRIMARY KEY);
            CREATE TABLE child (
                id INTEGER PRIMARY KEY,
                code TEXT UNIQUE,
                amount INTEGER CHECK (amount > 0),
                label TEXT NOT NULL,
                parent INTEGER REFERENCES parent(id));
            """)
        try connection.execute("INSERT INTO child (id, code, amount, label) VALUES (1, 'a', 1, 'x')")
        func code(_ sql: String) -> DatabaseError.Code? {
            do {
                try connection.execute(sql)
                return nil
            } catch {
                #expect(error.isConstraintViolation)
                return error.code
            }
        }
        #expect(code("INSERT INTO child (code, amount, label) VALUES ('a', 1, 'x')") == .constraintUnique)
        #expect(code("INSERT INTO child (id, amount, label) VALUES (1, 1, 'x')") == .constraintPrimaryKey)
        #expect(code("INSERT INTO child (amount, label) VALUES (0, 'x')") == .constraintCheck)
        #expect(code("INSERT INTO child (amount) VALUES (1)") == .constraintNotNull)
        #expect(code("INSERT INTO child (amount, label, parent) VALUES (1, 'x', 9)") == .constraintForeignKey)
        #expect(DatabaseError(resultCode: 2067, message: "one") == DatabaseError(resultCode: 2067, message: "two"))
        #expect(DatabaseError(resultCode: 2067, message: "x") != DatabaseError(resultCode: 787, message: "x"))
    }

    @Test func cachedStatementsArePreparedOnce() throws {
        try connection.execute("CREATE TABLE t (x)")
        let before = connection.preparedStatementCount
        for value in 0..<20 {
            try connection.execute("INSERT INTO t VALUES (?)", [.integer(Int64(value))])
        }
        #expect(connection.preparedStatementCount == before + 1)
        #expect(try connection.scalar("SELECT sum(x) FROM t") == .integer(190))
    }

    @Test func statementCacheIsBoundedAndEvictsLeastRecentlyUsed() throws {
        let small = try Connection(
            path: folder.path("small.sqlite"), configuration: DatabaseConfiguration(statementCacheCapacity: 2))
        let before = small.preparedStatementCount
        _ = try small.scalar("SELECT 1")
        _ = try small.scalar("SELECT 2")
        _ = try small.scalar("SELECT 1")  // cached; now "SELECT 2" is least recently used
        _ = try small.scalar("SELECT 3")  // evicts "SELECT 2"
        #expect(small.cachedStatementCount == 2)
        #expect(small.preparedStatementCount == before + 3)
        _ = try small.scalar("SELECT 1")  // still cached
        #expect(small.preparedStatementCount == before + 3)
        _ = try small.scalar("SELECT 2")  // prepared again
        #expect(small.preparedStatementCount == before + 4)
    }

    @Test func nestedQueryWithTheSameSQLDoesNotDisturbTheOuterOne() throws {
        try connection.executeScript("CREATE TABLE t (x); INSERT INTO t VALUES (1), (2), (3);")
        var pairs: [[Int64]] = []
        try connection.forEachRow("SELECT x FROM t ORDER BY x") { outer in
            let x = outer.int64(at: 0)
            let inner = try connection.query("SELECT x FROM t ORDER BY x").count
            pairs.append([x, Int64(inner)])
        }
        #expect(pairs == [[1, 3], [2, 3], [3, 3]])
    }

    @Test func prepareRefusesSeveralStatementsButAllowsTrailingComments() throws {
        #expect(throws: DatabaseError(.invalidUse, "")) {
            _ = try connection.prepare("SELECT 1; SELECT 2")
        }
        _ = try connection.prepare("SELECT 1; -- a comment\n  ")
    }

    @Test func argumentCountMustMatch() throws {
        #expect(throws: DatabaseError(.invalidUse, "")) {
            try connection.execute("SELECT ?, ?", [1])
        }
    }

    @Test func transactionRollsBackWhenTheBodyThrows() throws {
        struct Refused: Error {}
        try connection.execute("CREATE TABLE t (x)")
        #expect(throws: Refused.self) {
            try connection.transaction {
                try connection.execute("INSERT INTO t VALUES (1)")
                throw Refused()
            }
        }
        #expect(!connection.isInTransaction)
        #expect(try connection.scalar("SELECT count(*) FROM t") == 0)
    }

    @Test func nestedTransactionRollsBackOnlyItsOwnPart() throws {
        struct Refused: Error {}
        try connection.execute("CREATE TABLE t (x)")
        try connection.transaction {
            try connection.execute("INSERT INTO t VALUES (1)")
            try? connection.transaction {
                try connection.execute("INSERT INTO t VALUES (2)")
                throw Refused()
            }
        }
        #expect(try connection.query("SELECT x FROM t").map(\.values) == [[1]])
    }

    @Test func readOnlyConnectionCannotWrite() throws {
        try connection.execute("CREATE TABLE t (x)")
        let reader = try Connection(path: folder.path("db.sqlite"), mode: .readOnly)
        #expect(try reader.scalar("PRAGMA query_only") == 1)
        let error = #expect(throws: DatabaseError.self) {
            try reader.execute("INSERT INTO t VALUES (1)")
        }
        #expect(error?.primaryResultCode == 8)  // SQLITE_READONLY
    }

    @Test func closedConnectionThrowsClosed() throws {
        connection.close()
        #expect(connection.isClosed)
        #expect(throws: DatabaseError(.closed, "")) { try connection.execute("SELECT 1") }
    }

    @Test func openingAMissingFileReadOnlyFails() throws {
        let error = #expect(throws: DatabaseError.self) {
            _ = try Connection(path: folder.path("missing.sqlite"), mode: .readOnly)
        }
        #expect(error?.code == .cannotOpen)
    }

    @Test func valueDescriptionsHideContents() {
        #expect(DatabaseValue.text("079201001234").description == "TEXT(12 bytes)")
        #expect(DatabaseValue.blob([1, 2]).description == "BLOB(2 bytes)")
    }
}

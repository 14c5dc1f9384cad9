internal import CSQLite

/// The one error type of the storage layer.
///
/// A SQLite failure keeps its extended result code, that code's stable name, the message from
/// `sqlite3_errmsg` and the SQL text of the statement. It never keeps bound values: SQL text is
/// written by us, bound values come from citizens. (GRDB's `DatabaseError` draws the same line.)
///
/// Errors compare by ``code`` only, so callers match on what went wrong, not on wording.
package struct DatabaseError: Error, Sendable, CustomStringConvertible, Equatable {
    /// A stable, machine-readable reason: the SQLite name of the extended result code
    /// (`SQLITE_CONSTRAINT_UNIQUE`), or a `civicseal-…` name for failures the storage layer itself detects.
    package struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        package let rawValue: String
        package init(rawValue: String) { self.rawValue = rawValue }
        package var description: String { rawValue }

        /// The stable name of a SQLite (extended) result code.
        package init(resultCode: Int32) { self.init(rawValue: DatabaseError.name(ofResultCode: resultCode)) }

        package static let error = Code(rawValue: "SQLITE_ERROR")
        package static let busy = Code(rawValue: "SQLITE_BUSY")
        package static let readOnly = Code(rawValue: "SQLITE_READONLY")
        package static let misuse = Code(rawValue: "SQLITE_MISUSE")
        package static let cannotOpen = Code(rawValue: "SQLITE_CANTOPEN")
        package static let notADatabase = Code(rawValue: "SQLITE_NOTADB")
        package static let corrupt = Code(rawValue: "SQLITE_CORRUPT")
        package static let constraintUnique = Code(rawValue: "SQLITE_CONSTRAINT_UNIQUE")
        package static let constraintPrimaryKey = Code(rawValue: "SQLITE_CONSTRAINT_PRIMARYKEY")
        package static let constraintForeignKey = Code(rawValue: "SQLITE_CONSTRAINT_FOREIGNKEY")
        package static let constraintCheck = Code(rawValue: "SQLITE_CONSTRAINT_CHECK")
        package static let constraintNotNull = Code(rawValue: "SQLITE_CONSTRAINT_NOTNULL")

        /// The database's `user_version` is above the last migration this code knows.
        package static let databaseNewerThanCode = Code(rawValue: "civicseal-database-newer-than-code")
        /// `PRAGMA journal_mode=WAL` did not answer `wal` (e.g. an in-memory database or a read-only file).
        package static let walUnavailable = Code(rawValue: "civicseal-wal-unavailable")
        /// `PRAGMA foreign_keys` is not on after we set it (SQLite built without foreign keys).
        package static let foreignKeysUnavailable = Code(rawValue: "civicseal-foreign-keys-unavailable")
        /// The connection or database was closed.
        package static let closed = Code(rawValue: "civicseal-closed")
        /// The database server cannot be reached or dropped the connection (a restart, a network failure): try
        /// again later (HTTP 503).
        package static let unavailable = Code(rawValue: "civicseal-unavailable")
        /// A write kept failing to serialize (PostgreSQL 40001/40P01) after the backend's bounded retries.
        package static let serializationFailure = Code(rawValue: "civicseal-serialization-failure")
        /// The API was used in a way it does not support (several statements where one is expected, …).
        package static let invalidUse = Code(rawValue: "civicseal-invalid-use")
    }

    /// The stable reason.
    package let code: Code
    /// The SQLite extended result code (`SQLITE_CONSTRAINT_UNIQUE` = 2067), or `SQLITE_ERROR` (1)
    /// for failures the storage layer detects itself.
    package let extendedResultCode: Int32
    /// The message from `sqlite3_errmsg` (or our own); never contains bound values.
    package let message: String
    /// The SQL text of the failing statement, without bound values.
    package let sql: String?

    /// The primary result code (`SQLITE_CONSTRAINT` = 19 for every constraint violation).
    package var primaryResultCode: Int32 { extendedResultCode & 0xFF }

    /// True for unique, primary-key, foreign-key, check and not-null violations alike.
    package var isConstraintViolation: Bool { primaryResultCode == SQLITE_CONSTRAINT }

    /// An error the storage layer detects itself.
    package init(_ code: Code, _ message: String, sql: String? = nil) {
        self.code = code
        self.extendedResultCode = SQLITE_ERROR
        self.message = message
        self.sql = sql
    }

    /// A SQLite failure with result code `resultCode`.
    package init(resultCode: Int32, message: String, sql: String? = nil) {
        self.code = Code(resultCode: resultCode)
        self.extendedResultCode = resultCode
        self.message = message
        self.sql = sql
    }

    /// Reads the message of the last failure on `handle`; `resultCode` is what the failing call returned.
    init(resultCode: Int32, handle: OpaquePointer?, sql: String?) {
        let message: String
        if let handle, let text = sqlite3_errmsg(handle) {
            message = String(cString: text)
        } else if let text = sqlite3_errstr(resultCode) {
            message = String(cString: text)
        } else {
            message = "unknown error"
        }
        self.init(resultCode: resultCode, message: message, sql: sql)
    }

    package var description: String {
        var text = "\(code) (\(extendedResultCode)): \(message)"
        if let sql { text += " — while executing `\(sql)`" }
        return text
    }

    package static func == (lhs: DatabaseError, rhs: DatabaseError) -> Bool { lhs.code == rhs.code }

    /// The SQLite name of an extended or primary result code; unknown extended codes fall back to
    /// their primary name with a numeric suffix.
    static func name(ofResultCode code: Int32) -> String {
        if let name = resultCodeNames[code] { return name }
        if let primary = resultCodeNames[code & 0xFF] { return "\(primary)_\(code >> 8)" }
        return "SQLITE_UNKNOWN_\(code)"
    }

    /// Generated from sqlite3.h (3.40): every error result code, primary and extended.
    private static let resultCodeNames: [Int32: String] = [
        1: "SQLITE_ERROR",
        2: "SQLITE_INTERNAL",
        3: "SQLITE_PERM",
        4: "SQLITE_ABORT",
        5: "SQLITE_BUSY",
        6: "SQLITE_LOCKED",
        7: "SQLITE_NOMEM",
        8: "SQLITE_READONLY",
        9: "SQLITE_INTERRUPT",
        10: "SQLITE_IOERR",
        11: "SQLITE_CORRUPT",
        12: "SQLITE_NOTFOUND",
        13: "SQLITE_FULL",
        14: "SQLITE_CANTOPEN",
        15: "SQLITE_PROTOCOL",
        16: "SQLITE_EMPTY",
        17: "SQLITE_SCHEMA",
        18: "SQLITE_TOOBIG",
        19: "SQLITE_CONSTRAINT",
        20: "SQLITE_MISMATCH",
        21: "SQLITE_MISUSE",
        22: "SQLITE_NOLFS",
        23: "SQLITE_AUTH",
        24: "SQLITE_FORMAT",
        25: "SQLITE_RANGE",
        26: "SQLITE_NOTADB",
        257: "SQLITE_ERROR_MISSING_COLLSEQ",
        513: "SQLITE_ERROR_RETRY",
        769: "SQLITE_ERROR_SNAPSHOT",
        266: "SQLITE_IOERR_READ",
        522: "SQLITE_IOERR_SHORT_READ",
        778: "SQLITE_IOERR_WRITE",
        1034: "SQLITE_IOERR_FSYNC",
        1290: "SQLITE_IOERR_DIR_FSYNC",
        1546: "SQLITE_IOERR_TRUNCATE",
        1802: "SQLITE_IOERR_FSTAT",
        2058: "SQLITE_IOERR_UNLOCK",
        2314: "SQLITE_IOERR_RDLOCK",
        2570: "SQLITE_IOERR_DELETE",
        2826: "SQLITE_IOERR_BLOCKED",
        3082: "SQLITE_IOERR_NOMEM",
        3338: "SQLITE_IOERR_ACCESS",
        3594: "SQLITE_IOERR_CHECKRESERVEDLOCK",
        3850: "SQLITE_IOERR_LOCK",
        4106: "SQLITE_IOERR_CLOSE",
        4362: "SQLITE_IOERR_DIR_CLOSE",
        4618: "SQLITE_IOERR_SHMOPEN",
        4874: "SQLITE_IOERR_SHMSIZE",
        5130: "SQLITE_IOERR_SHMLOCK",
        5386: "SQLITE_IOERR_SHMMAP",
        5642: "SQLITE_IOERR_SEEK",
        5898: "SQLITE_IOERR_DELETE_NOENT",
        6154: "SQLITE_IOERR_MMAP",
        6410: "SQLITE_IOERR_GETTEMPPATH",
        6666: "SQLITE_IOERR_CONVPATH",
        6922: "SQLITE_IOERR_VNODE",
        7178: "SQLITE_IOERR_AUTH",
        7434: "SQLITE_IOERR_BEGIN_ATOMIC",
        7690: "SQLITE_IOERR_COMMIT_ATOMIC",
        7946: "SQLITE_IOERR_ROLLBACK_ATOMIC",
        8202: "SQLITE_IOERR_DATA",
        8458: "SQLITE_IOERR_CORRUPTFS",
        262: "SQLITE_LOCKED_SHAREDCACHE",
        518: "SQLITE_LOCKED_VTAB",
        261: "SQLITE_BUSY_RECOVERY",
        517: "SQLITE_BUSY_SNAPSHOT",
        773: "SQLITE_BUSY_TIMEOUT",
        270: "SQLITE_CANTOPEN_NOTEMPDIR",
        526: "SQLITE_CANTOPEN_ISDIR",
        782: "SQLITE_CANTOPEN_FULLPATH",
        1038: "SQLITE_CANTOPEN_CONVPATH",
        1294: "SQLITE_CANTOPEN_DIRTYWAL",
        1550: "SQLITE_CANTOPEN_SYMLINK",
        267: "SQLITE_CORRUPT_VTAB",
        523: "SQLITE_CORRUPT_SEQUENCE",
        779: "SQLITE_CORRUPT_INDEX",
        264: "SQLITE_READONLY_RECOVERY",
        520: "SQLITE_READONLY_CANTLOCK",
        776: "SQLITE_READONLY_ROLLBACK",
        1032: "SQLITE_READONLY_DBMOVED",
        1288: "SQLITE_READONLY_CANTINIT",
        1544: "SQLITE_READONLY_DIRECTORY",
        516: "SQLITE_ABORT_ROLLBACK",
        275: "SQLITE_CONSTRAINT_CHECK",
        531: "SQLITE_CONSTRAINT_COMMITHOOK",
        787: "SQLITE_CONSTRAINT_FOREIGNKEY",
        1043: "SQLITE_CONSTRAINT_FUNCTION",
        1299: "SQLITE_CONSTRAINT_NOTNULL",
        1555: "SQLITE_CONSTRAINT_PRIMARYKEY",
        1811: "SQLITE_CONSTRAINT_TRIGGER",
        2067: "SQLITE_CONSTRAINT_UNIQUE",
        2323: "SQLITE_CONSTRAINT_VTAB",
        2579: "SQLITE_CONSTRAINT_ROWID",
        2835: "SQLITE_CONSTRAINT_PINNED",
        3091: "SQLITE_CONSTRAINT_DATATYPE",
        279: "SQLITE_AUTH_USER",
    ]
}

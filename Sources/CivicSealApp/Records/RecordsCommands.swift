import CivicSealCrypto
import CivicSealRecords
import CivicSealStorage
import CivicSealWorkflow
import Foundation

/// The records commands of the CLI: `audit verify`, `backup`, and the hidden `dev submit-burst`.
package enum RecordsCommands {
    /// The default data directory, relative to the working directory.
    package static let defaultDataDirectory = ".civicseal"
    /// The database file inside the data directory.
    package static let databaseFileName = "civicseal.sqlite"

    package static func databasePath(dataDirectory: String?) -> String {
        "\(dataDirectory ?? defaultDataDirectory)/\(databaseFileName)"
    }

    /// Opens the store of an existing data directory (never creates one by accident).
    /// `database` is the `--database` URL (nil: the data directory's SQLite file).
    static func openExisting(dataDirectory: String?, database: String? = nil) throws(AppError) -> RequestStore {
        try DatabaseOption.open(
            DatabaseOption.location(database, dataDirectory: dataDirectory), mustExist: true)
    }

    static func open(_ path: String) throws(AppError) -> RequestStore {
        let isNew = !SecureFile.exists(path)
        if isNew { try SecureFile.create(path, [], mode: SecureFile.privateMode) }  // personal data: owner only
        do { return try RequestStore.open(path: path) } catch {
            throw AppError(.storage, "cannot open \(path): \(error.code)")
        }
    }

    /// `civicseal audit verify`: the verdict line. Throws ``AppError/Code/auditDamaged`` (exit 65) on damage,
    /// naming the first damaged entry.
    package static func verifyAudit(dataDirectory: String?, database: String? = nil) throws(AppError) -> String {
        let store = try openExisting(dataDirectory: dataDirectory, database: database)
        defer { try? store.close() }
        let verdict: AuditVerdict
        do { verdict = try store.verifyAudit() } catch {
            throw AppError(.storage, "cannot read the audit log: \(error.code)")
        }
        guard verdict.isIntact else { throw AppError(.auditDamaged, "audit verify: \(verdict.description)") }
        return verdict.description
    }

    /// `civicseal backup --to FILE`: an online, consistent copy made with SQLite's backup API. The file is created
    /// exclusively with mode 0600 (it holds personal data) and an existing file is never overwritten.
    package static func backup(dataDirectory: String?, database: String? = nil, to destination: String) throws(AppError)
        -> String
    {
        if case .postgresql = try DatabaseOption.location(database, dataDirectory: dataDirectory) {
            throw AppError(
                .usage,
                "backup copies a SQLite database; for PostgreSQL use the server's tools, e.g. "
                    + "pg_dump --format=custom --file=FILE DBNAME (and pg_restore), or continuous archiving")
        }
        let store = try openExisting(dataDirectory: dataDirectory, database: database)
        defer { try? store.close() }
        guard let database = store.sqliteDatabase else {
            throw AppError(
                .usage,
                "backup copies a SQLite database; for PostgreSQL use pg_dump (e.g. pg_dump --format=custom)")
        }
        try SecureFile.create(destination, [], mode: SecureFile.privateMode)
        do {
            try database.backup(to: destination)
        } catch {
            try? FileManager.default.removeItem(atPath: destination)
            throw AppError(.storage, "backup failed: \(RecordsError.describe(error))")
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: destination)[.size] as? Int) ?? 0
        return "backup written to \(destination) (\(size) bytes)"
    }

    /// `civicseal dev submit-burst --count N`: submits `count` synthetic criminal-record requests, one transaction
    /// each, and writes each committed id on its own line, flushing after every line (the crash test relies on it).
    package static func submitBurst(
        dataDirectory: String?, database: String? = nil, count: Int, output: (String) -> Void
    ) throws(AppError) {
        let directory = dataDirectory ?? defaultDataDirectory
        try SecureFile.makeDirectory(directory, mode: 0o700)
        let store = try DatabaseOption.open(
            DatabaseOption.location(database, dataDirectory: directory), mustExist: false)
        let today = CalendarDate(Date())
        // A random starting person, so repeated bursts into one directory rarely meet the one-open-request rule.
        let start = Int(SecureRandom.bytes(4).reduce(0) { $0 << 8 | Int($1) } % 1_000_000)
        let submission = SyntheticRequests.criminalRecord()
        var committed = 0
        var person = start
        while committed < count {
            let request = SyntheticRequests.validated(submission, person: person, today: today)
            person += 1
            do {
                let summary = try store.submit(request, now: Date())
                output(summary.id)
                committed += 1
            } catch  where error.code == .unfinishedRequestExists {
                continue
            } catch {
                throw AppError(.storage, "submit failed: \(error.code)")
            }
        }
        do { try store.close() } catch { throw AppError(.storage, "close failed: \(error.code)") }
    }
}

extension RecordsError {
    /// A log-safe description of any error thrown by the records or storage layers.
    static func describe(_ error: any Error) -> String {
        switch error {
        case let error as RecordsError: error.code.rawValue
        case let error as DatabaseError: error.code.rawValue
        default: String(describing: type(of: error))
        }
    }
}

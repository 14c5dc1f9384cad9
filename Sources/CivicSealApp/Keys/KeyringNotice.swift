import CivicSealPostgresStore
import CivicSealRecords
import Foundation

/// Telling running instances that `keyring.json` changed. Every `serve` polls the file once a minute anyway; on
/// PostgreSQL a `NOTIFY civicseal_keyring` after the write makes every instance LISTENing reload at once.
package enum KeyringNotice {
    /// The PostgreSQL channel `serve` LISTENs on.
    package static let channel = "civicseal_keyring"

    /// `keys rotate … --database URL`: the keyring's certificates recorded in the revocation store (OCSP answers
    /// `good` for the new seal before any instance seals with it), then on PostgreSQL every instance notified.
    /// Returns the line for the operator (never throws: the rotation is done, and polling covers a failed notice).
    package static func announce(keysDirectory: String, database: String?, dataDirectory: String?) -> String {
        guard let database else {
            return "Running instances take the new keyring within a minute (they poll keyring.json); with "
                + "--database postgresql://… they take it at once."
        }
        // The keyring is written already: a database that cannot be reached now leaves the instances to their poll.
        do {
            let store = try RecordsCommands.openExisting(dataDirectory: dataDirectory, database: database)
            defer { try? store.close() }
            try KeyringCertificates.register(Keyring(directory: keysDirectory), in: store)
            guard try notify(store) else {
                return "Recorded the new certificates; running instances take the new keyring within a minute (they "
                    + "poll keyring.json)."
            }
        } catch {
            return "Could not notify the instances (\(error.message)); they take the new keyring within a minute "
                + "(they poll keyring.json)."
        }
        return "Notified every instance on the database (NOTIFY \(channel)): they take the new keyring now."
    }

    /// Sends `NOTIFY civicseal_keyring` through `store` when it is PostgreSQL (delivered at the commit of the
    /// statement's transaction); false on SQLite, where instances poll.
    @discardableResult
    package static func notify(_ store: RequestStore) throws(AppError) -> Bool {
        guard store.database is PostgresStore else { return false }
        do {
            try store.database.writeSession { session in try session.execute("NOTIFY \(channel)") }
        } catch {
            throw AppError(.storage, "cannot notify the instances (NOTIFY \(channel)): \(RecordsError.describe(error))")
        }
        return true
    }
}

import CivicSealPostgres
import CivicSealPostgresStore
import CivicSealStorage
import CivicSealTestSupport
import Foundation
import Testing

@testable import CivicSealRecords

/// The backends every records test runs on: SQLite (a file in a temporary folder) and PostgreSQL (a fresh database
/// in the shared throw-away cluster). PostgreSQL is always in the list under CI, so a missing server fails the
/// tests there; locally it joins when `initdb` and `psql` are installed.
enum RecordsBackend: String, Sendable, CaseIterable, CustomTestStringConvertible {
    case sqlite
    case postgresql

    static let all: [RecordsBackend] =
        ExternalTool.isUsable("initdb", "psql") || ProcessInfo.processInfo.environment["CI"] == "true"
        ? [.sqlite, .postgresql] : [.sqlite]

    var testDescription: String { rawValue }

    /// `DROP TRIGGER` in this backend's words.
    func dropTrigger(_ name: String, on table: String = "audit_log") -> String {
        self == .sqlite ? "DROP TRIGGER \(name);" : "DROP TRIGGER \(name) ON \(table);"
    }

    /// What a test needs besides the store: how to remove the database, and how to run SQL behind the store's back
    /// with the backend's own shell (`sqlite3` on the file, `psql` as the superuser), as an intruder would.
    struct Handles: Sendable {
        let cleanup: @Sendable () -> Void
        let shell: @Sendable (String) throws -> ShellResult
    }

    /// How a shell run ended.
    struct ShellResult: Sendable {
        let status: Int32
        let errorText: String
    }

    /// A store on a fresh, migrated database of this backend.
    func makeStore(folder: TemporaryDirectory, configuration: RecordsConfiguration) throws -> (RequestStore, Handles) {
        switch self {
        case .sqlite:
            let path = folder.path + "/records.sqlite"
            let store = try RequestStore.open(path: path, configuration: configuration)
            return (
                store,
                Handles(
                    cleanup: {},
                    shell: { script in
                        let output = try ExternalTool.run("sqlite3", [path, script])
                        return ShellResult(status: output.status, errorText: output.errorText)
                    })
            )
        case .postgresql:
            // Two connections per store: tests run in parallel against one cluster (max_connections 100), and two
            // are enough for every concurrency test to contend (writes serialize on the write lock anyway).
            let cluster = try PostgresCluster.shared()
            let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
            try cluster.psql("CREATE DATABASE \(name) OWNER \(cluster.scramUser)", database: "postgres")
            let postgres = try PostgresStore.open(
                PostgresConfiguration(
                    endpoint: .unixSocket(directory: cluster.directory, port: cluster.port), user: cluster.scramUser,
                    password: cluster.scramPassword, database: name, applicationName: "civicseal-records-tests"),
                maximumConnections: 2, migrations: RecordsSchema.postgresqlMigrations)
            let store = try RequestStore(database: postgres, configuration: configuration)
            let handles = Handles(
                cleanup: {
                    _ = try? cluster.psql("DROP DATABASE IF EXISTS \(name) WITH (FORCE)", database: "postgres")
                },
                shell: { script in
                    do {
                        _ = try cluster.psql(script, database: name)
                        return ShellResult(status: 0, errorText: "")
                    } catch {
                        return ShellResult(status: 1, errorText: "\(error)")
                    }
                })
            return (store, handles)
        }
    }
}

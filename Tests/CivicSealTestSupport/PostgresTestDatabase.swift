import Foundation

/// A fresh database in the shared ``PostgresCluster``, owned by its SCRAM role, and the `--database` URL that reaches
/// it over the Unix socket (the password in a 0600 passfile in `folder`, never in the URL).
package struct PostgresTestDatabase: Sendable {
    package let cluster: PostgresCluster
    package let name: String
    package let passfile: String

    package static func make(in folder: String, prefix: String = "t") throws -> PostgresTestDatabase {
        let cluster = try PostgresCluster.shared()
        let name = prefix + "_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        try cluster.psql("CREATE DATABASE \(name) OWNER \(cluster.scramUser)", database: "postgres")
        let passfile = folder + "/pgpass-\(name)"
        guard
            FileManager.default.createFile(
                atPath: passfile, contents: Data((cluster.scramPassword + "\n").utf8),
                attributes: [.posixPermissions: 0o600])
        else { throw PostgresCluster.ClusterFailure(description: "cannot write \(passfile)") }
        return PostgresTestDatabase(cluster: cluster, name: name, passfile: passfile)
    }

    /// `postgresql://…` for `--database` / `ServeOptions.database`.
    package var url: String {
        "postgresql://\(cluster.scramUser)@localhost:\(cluster.port)/\(name)?host=\(cluster.directory)"
            + "&sslmode=disable&passfile=\(passfile)"
    }

    /// One value from `sql` run by the superuser in this database (psql's unaligned output, trimmed).
    package func scalar(_ sql: String) throws -> String {
        try cluster.psql(sql, database: name).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Drops the database, disconnecting its sessions.
    package func drop() { _ = try? cluster.psql("DROP DATABASE IF EXISTS \(name) WITH (FORCE)", database: "postgres") }
}

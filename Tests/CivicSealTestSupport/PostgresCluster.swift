import CivicSealProcess
import Foundation
import Synchronization

/// A throw-away PostgreSQL cluster for tests: `initdb` in a temporary directory (as the `postgres` OS user when
/// we run as root), TLS on with a test CA and a server certificate for `localhost` and 127.0.0.1, listening on
/// 127.0.0.1 at a free port and on a Unix socket in its directory, with one role per authentication method.
/// Stopped and removed by ``stop()`` or when the test process exits.
///
/// Under CI a missing PostgreSQL fails the test (``ExternalTool/Missing``); locally, guard tests with
/// `.enabled(if: ExternalTool.isUsable("initdb"))`.
package final class PostgresCluster: Sendable {
    package let directory: String
    package let port: Int
    /// The PEM file of the CA that issued the server certificate (for sslmode verify-full).
    package let caBundle: String
    /// The database every role may use.
    package let database = "civicseal"
    /// The superuser's password (the one initdb was given in a password file).
    package let superuserPassword: String
    /// A role that authenticates with SCRAM-SHA-256 (locally and over TCP, with or without TLS).
    package let scramUser = "civicseal_scram"
    package let scramPassword: String
    /// A role the server trusts without a password.
    package let trustUser = "civicseal_trust"
    /// A role whose password is stored as MD5 and asked for with `md5`.
    package let md5User = "civicseal_md5"
    package let md5Password: String
    /// A role asked for its password in cleartext (`password`).
    package let cleartextUser = "civicseal_clear"
    package let cleartextPassword: String
    private let binDirectory: String

    private static let running = Mutex<[String: (bin: String, directory: String)]>([:])
    private static let sharedCluster = Mutex<PostgresCluster?>(nil)

    /// One cluster for the whole test process, started on first use.
    package static func shared() throws -> PostgresCluster {
        try sharedCluster.withLock { shared in
            if let shared { return shared }
            let cluster = try start()
            shared = cluster
            return cluster
        }
    }

    private init(directory: String, port: Int, binDirectory: String) {
        self.directory = directory
        self.port = port
        self.binDirectory = binDirectory
        caBundle = "\(directory)/ca.pem"
        superuserPassword = Self.randomSecret()
        scramPassword = Self.randomSecret()
        md5Password = Self.randomSecret()
        cleartextPassword = Self.randomSecret()
    }

    /// Creates, configures and starts a new cluster.
    package static func start() throws -> PostgresCluster {
        guard let bin = binDirectory() else { throw ExternalTool.Missing(tool: "initdb (postgresql)") }
        let directory = FileManager.default.temporaryDirectory.path + "/civicseal-pg-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let cluster = PostgresCluster(directory: directory, port: try LoopbackPort.free(), binDirectory: bin)
        registerForExit(cluster)
        try cluster.create()
        try cluster.pgctl(["start", "-w", "-t", "60", "-l", "\(directory)/server.log"])
        try cluster.createRoles()
        return cluster
    }

    private static func randomSecret() -> String {
        (0..<24).map { _ in String("abcdefghijklmnopqrstuvwxyz0123456789".randomElement()!) }.joined()
    }

    private static var isRoot: Bool { geteuid() == 0 }

    /// Runs `tool` of the PostgreSQL bin directory as the `postgres` OS user (when root) and checks its status.
    @discardableResult
    private func asPostgres(_ tool: String, _ arguments: [String]) throws -> ExternalTool.Output {
        let output =
            Self.isRoot
            ? try ExternalTool.run("runuser", ["-u", "postgres", "--", "\(binDirectory)/\(tool)"] + arguments)
            : try ExternalTool.run("\(binDirectory)/\(tool)", arguments)
        guard output.status == 0 else {
            throw ClusterFailure(description: "\(tool) failed (\(output.status)): \(output.errorText.suffix(2000))")
        }
        return output
    }

    package struct ClusterFailure: Error, CustomStringConvertible {
        package let description: String
    }

    private func pgctl(_ arguments: [String]) throws {
        try asPostgres("pg_ctl", ["-D", "\(directory)/data"] + arguments)
    }

    private func create() throws {
        let files = FileManager.default
        try Data((superuserPassword + "\n").utf8).write(to: URL(fileURLWithPath: "\(directory)/pwfile"))
        try makeCertificates()
        try files.setAttributes([.posixPermissions: 0o700], ofItemAtPath: directory)
        try files.setAttributes([.posixPermissions: 0o600], ofItemAtPath: "\(directory)/server.key")
        if Self.isRoot {
            let chown = try ExternalTool.run("chown", ["-R", "postgres:postgres", directory])
            guard chown.status == 0 else { throw ClusterFailure(description: "chown failed: \(chown.errorText)") }
        }
        try asPostgres(
            "initdb",
            [
                "-D", "\(directory)/data", "-U", "postgres", "--auth=scram-sha-256", "--pwfile=\(directory)/pwfile",
                "-E", "UTF8", "--locale=C", "--no-sync",
            ])
        let settings = """

            listen_addresses = '127.0.0.1,127.0.0.2'
            port = \(port)
            unix_socket_directories = '\(directory)'
            ssl = on
            ssl_cert_file = '\(directory)/server.crt'
            ssl_key_file = '\(directory)/server.key'
            password_encryption = 'scram-sha-256'
            max_connections = 400
            fsync = off
            synchronous_commit = off
            full_page_writes = off

            """
        let configuration = FileHandle(forWritingAtPath: "\(directory)/data/postgresql.conf")
        try configuration?.seekToEnd()
        try configuration?.write(contentsOf: Data(settings.utf8))
        try configuration?.close()
        let hba = """
            local     all  postgres          trust
            local     all  \(trustUser)      trust
            host      all  \(trustUser)      127.0.0.0/8   trust
            host      all  \(md5User)        127.0.0.0/8   md5
            host      all  \(cleartextUser)  127.0.0.0/8   password
            local     all  all               scram-sha-256
            hostssl   all  all               127.0.0.0/8   scram-sha-256
            hostnossl all  all               127.0.0.0/8   scram-sha-256

            """
        try Data(hba.utf8).write(to: URL(fileURLWithPath: "\(directory)/data/pg_hba.conf"))
    }

    /// A test CA and a server certificate (P-256, ECDSA with SHA-256) for localhost and 127.0.0.1.
    private func makeCertificates() throws {
        func openssl(_ arguments: [String]) throws {
            let output = try ExternalTool.run("openssl", arguments, directory: directory)
            guard output.status == 0 else { throw ClusterFailure(description: "openssl: \(output.errorText)") }
        }
        try openssl([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "ca.key",
            "-out", "ca.pem", "-days", "3", "-subj", "/CN=CivicSeal Test PostgreSQL CA",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        ])
        try openssl([
            "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "server.key",
            "-out", "server.csr", "-subj", "/CN=localhost",
        ])
        try Data(
            "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n".utf8
        ).write(to: URL(fileURLWithPath: "\(directory)/server.ext"))
        try openssl([
            "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "3",
            "-sha256", "-extfile", "server.ext", "-out", "server.crt",
        ])
    }

    private func createRoles() throws {
        let script = """
            \\set ON_ERROR_STOP on
            SET password_encryption = 'scram-sha-256';
            CREATE ROLE \(scramUser) LOGIN SUPERUSER PASSWORD '\(scramPassword)';
            CREATE ROLE \(trustUser) LOGIN SUPERUSER;
            CREATE ROLE \(cleartextUser) LOGIN SUPERUSER PASSWORD '\(cleartextPassword)';
            SET password_encryption = 'md5';
            CREATE ROLE \(md5User) LOGIN SUPERUSER PASSWORD '\(md5Password)';
            CREATE DATABASE \(database) OWNER \(scramUser);

            """
        try psql(script, database: "postgres")
    }

    /// Runs `script` with psql as the superuser over the Unix socket; returns its unaligned, tuples-only output.
    @discardableResult
    package func psql(_ script: String, database: String? = nil) throws -> String {
        guard let psql = ExternalTool.path("psql") ?? Optional("\(binDirectory)/psql") else {
            throw ExternalTool.Missing(tool: "psql")
        }
        let output = try ExternalTool.run(
            psql,
            [
                "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", directory, "-p", String(port), "-U", "postgres",
                "-d", database ?? self.database, "-f", "-",
            ], input: Data(script.utf8))
        guard output.status == 0 else { throw ClusterFailure(description: "psql failed: \(output.errorText)") }
        return output.text
    }

    /// `pg_ctl restart -m fast`: every connection is dropped, the server is back when this returns.
    /// Runs on a thread of its own: the wait for the server must not hold a thread of the cooperative pool.
    package func restart() async throws {
        let restart: @Sendable () throws -> Void = { [self] in
            // -l again: without it the new postmaster would write to (and hold open) this process's pipe.
            try pgctl(["restart", "-w", "-t", "60", "-m", "fast", "-l", "\(directory)/server.log"])
        }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
            Thread.detachNewThread { continuation.resume(with: Result { try restart() }) }
        }
    }

    /// ``start()`` on a thread of its own, for async callers.
    package static func startOffPool() async throws -> PostgresCluster {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try start() }) }
        }
    }

    /// Stops the server at once and removes its directory.
    package func stop() {
        _ = Self.running.withLock { $0.removeValue(forKey: directory) }
        Self.stop(bin: binDirectory, directory: directory)
    }

    private static func stop(bin: String, directory: String) {
        let arguments = ["-D", "\(directory)/data", "stop", "-m", "immediate", "-w"]
        if isRoot {
            _ = try? ExternalTool.run("runuser", ["-u", "postgres", "--", "\(bin)/pg_ctl"] + arguments)
        } else {
            _ = try? ExternalTool.run("\(bin)/pg_ctl", arguments)
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    private static func registerForExit(_ cluster: PostgresCluster) {
        let first = running.withLock { running in
            defer { running[cluster.directory] = (cluster.binDirectory, cluster.directory) }
            return running.isEmpty
        }
        if first {
            atexit {
                let clusters = PostgresCluster.running.withLock { running in
                    defer { running.removeAll() }
                    return Array(running.values)
                }
                for cluster in clusters { PostgresCluster.stop(bin: cluster.bin, directory: cluster.directory) }
            }
        }
    }

    /// Whether PostgreSQL's server programs are installed (on PATH or in Debian's versioned directories).
    package static var isInstalled: Bool { binDirectory() != nil }

    /// The directory of `initdb` and `pg_ctl`: PATH first, then Debian's versioned directories.
    private static func binDirectory() -> String? {
        if let initdb = ExternalTool.path("initdb") {
            let directory = URL(fileURLWithPath: initdb).resolvingSymlinksInPath().deletingLastPathComponent().path
            if FileManager.default.isExecutableFile(atPath: "\(directory)/pg_ctl") { return directory }
        }
        for version in (12...18).reversed() {
            let directory = "/usr/lib/postgresql/\(version)/bin"
            if FileManager.default.isExecutableFile(atPath: "\(directory)/initdb") { return directory }
        }
        return nil
    }

}

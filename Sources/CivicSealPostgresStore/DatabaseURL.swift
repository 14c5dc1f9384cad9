import CivicSealPostgres
import Foundation

/// Where the records live, from `--database`: `sqlite:PATH` (the default, `sqlite:.civicseal/civicseal.db`) or
/// `postgresql://user@host:port/database?sslmode=…` (also `postgres://`).
///
/// PostgreSQL URL parameters: `sslmode` (`disable`, `require`, `verify-full`; default `disable` for a Unix socket and
/// `require` otherwise), `sslrootcert` (the CA bundle for `verify-full`), `host` (a Unix socket directory, as libpq),
/// `application_name`, `connect_timeout` (seconds) and `pool_size`. A password never goes in the URL (it would land
/// in argv, shell history and logs): it is refused, and read from `passfile=PATH` or the environment variable
/// `CIVICSEAL_DATABASE_PASSWORD`.
package enum DatabaseURL: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case postgresql(PostgresTarget)

    package static let defaultText = "sqlite:.civicseal/civicseal.db"
    package static let passwordVariable = "CIVICSEAL_DATABASE_PASSWORD"

    /// A parsed PostgreSQL URL (without its password, which is read when connecting).
    package struct PostgresTarget: Sendable, Equatable {
        package var endpoint: PostgresConfiguration.Endpoint
        package var user: String
        package var database: String
        package var tls: PostgresConfiguration.TLSMode
        package var applicationName = "civicseal"
        package var connectTimeoutSeconds = 10
        package var poolSize = 8
        package var passwordFile: String?
    }

    /// A refused `--database` value: what is wrong, never the value's secrets.
    package struct Invalid: Error, Sendable, CustomStringConvertible {
        package let description: String
        init(_ description: String) { self.description = description }
    }

    package init(_ text: String) throws(Invalid) {
        guard text.utf8.count <= 4096, !text.contains(where: { $0.isNewline || $0 == "\0" }) else {
            throw Invalid("--database is too long or holds control characters")
        }
        if text.hasPrefix("sqlite:") {
            var path = String(text.dropFirst("sqlite:".count))
            if path.hasPrefix("//") { path = String(path.dropFirst(2)) }  // sqlite:///abs/path
            guard !path.isEmpty else { throw Invalid("sqlite: needs a path (sqlite:.civicseal/civicseal.db)") }
            self = .sqlite(path: path)
            return
        }
        guard text.hasPrefix("postgresql://") || text.hasPrefix("postgres://") else {
            throw Invalid("--database is sqlite:PATH or postgresql://user@host:port/database")
        }
        self = .postgresql(try Self.parsePostgres(text))
    }

    private static func parsePostgres(_ text: String) throws(Invalid) -> PostgresTarget {
        guard let components = URLComponents(string: text), let host = components.host ?? Optional("") else {
            throw Invalid("the PostgreSQL URL does not parse")
        }
        guard components.password == nil, !(components.percentEncodedUser ?? "").contains(":") else {
            throw Invalid(
                "a password never goes in --database; use passfile=PATH or \(passwordVariable)")
        }
        guard let user = components.user, !user.isEmpty else {
            throw Invalid("the PostgreSQL URL names no user (postgresql://user@host/database)")
        }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else {
            throw Invalid("the PostgreSQL URL names no database (postgresql://user@host/database)")
        }
        var query: [String: String] = [:]
        for item in components.queryItems ?? [] {
            guard query[item.name] == nil else { throw Invalid("parameter \(item.name) is given twice") }
            query[item.name] = item.value ?? ""
        }
        if query["password"] != nil { throw Invalid("a password never goes in --database; use passfile=PATH") }
        let known: Set = [
            "sslmode", "sslrootcert", "host", "application_name", "connect_timeout", "pool_size", "passfile",
        ]
        if let unknown = query.keys.sorted().first(where: { !known.contains($0) }) {
            throw Invalid("unknown parameter \(unknown) in --database")
        }
        let port = components.port ?? 5432
        guard (1...65535).contains(port) else { throw Invalid("the port is out of range") }
        let endpoint: PostgresConfiguration.Endpoint
        if let socketDirectory = query["host"], socketDirectory.hasPrefix("/") {
            endpoint = .unixSocket(directory: socketDirectory, port: port)
        } else {
            guard !host.isEmpty else { throw Invalid("the PostgreSQL URL names no host") }
            endpoint = .tcp(host: host, port: port)
        }
        let tls: PostgresConfiguration.TLSMode
        let defaultMode = if case .unixSocket = endpoint { "disable" } else { "require" }
        switch query["sslmode"] ?? defaultMode {
        case "disable": tls = .disable
        case "require": tls = .require
        case "verify-full":
            guard let bundle = query["sslrootcert"], !bundle.isEmpty else {
                throw Invalid("sslmode=verify-full needs sslrootcert=PATH (the CA bundle)")
            }
            tls = .verifyFull(caBundle: bundle)
        case let other: throw Invalid("sslmode \(other) is not supported (disable, require, verify-full)")
        }
        var target = PostgresTarget(endpoint: endpoint, user: user, database: database, tls: tls)
        if let name = query["application_name"] { target.applicationName = name }
        if let timeout = query["connect_timeout"] {
            guard let seconds = Int(timeout), (1...600).contains(seconds) else {
                throw Invalid("connect_timeout is 1…600 seconds")
            }
            target.connectTimeoutSeconds = seconds
        }
        if let size = query["pool_size"] {
            guard let count = Int(size), (1...256).contains(count) else { throw Invalid("pool_size is 1…256") }
            target.poolSize = count
        }
        target.passwordFile = query["passfile"]
        return target
    }

    /// The URL as logs may show it (it never holds a password).
    package var description: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        case .postgresql(let target):
            "postgresql://\(target.user)@\(target.endpoint)/\(target.database)"
        }
    }
}

extension DatabaseURL.PostgresTarget {
    /// The client configuration, with the password read now from `passfile` or the environment (one trailing
    /// newline stripped); nil when neither is set (trust or a password-less role).
    package func configuration(environment: [String: String] = ProcessInfo.processInfo.environment) throws(DatabaseURL
        .Invalid) -> PostgresConfiguration
    {
        var password: String?
        if let passwordFile {
            guard let data = FileManager.default.contents(atPath: passwordFile), data.count <= 1024,
                var text = String(data: data, encoding: .utf8)
            else { throw DatabaseURL.Invalid("the passfile cannot be read (or is over 1 KiB)") }
            if text.hasSuffix("\n") { text.removeLast() }
            password = text
        } else if let value = environment[DatabaseURL.passwordVariable] {
            password = value
        }
        return PostgresConfiguration(
            endpoint: endpoint, user: user, password: password, database: database, applicationName: applicationName,
            tls: tls, connectTimeout: .seconds(connectTimeoutSeconds))
    }
}

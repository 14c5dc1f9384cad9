/// Where and how to connect: endpoint, credentials, TLS, deadlines and limits.
package struct PostgresConfiguration: Sendable {
    package enum Endpoint: Sendable, Hashable, CustomStringConvertible {
        /// A TCP host name or address and port.
        case tcp(host: String, port: Int)
        /// The server's Unix socket `<directory>/.s.PGSQL.<port>`.
        case unixSocket(directory: String, port: Int = 5432)

        package var description: String {
            switch self {
            case .tcp(let host, let port): "\(host):\(port)"
            case .unixSocket(let directory, let port): "\(directory)/.s.PGSQL.\(port)"
            }
        }
    }

    /// libpq's sslmode values the client supports.
    package enum TLSMode: Sendable, Hashable {
        /// Never TLS.
        case disable
        /// TLS required, the certificate not checked (protects against passive listeners only).
        case require
        /// TLS required, the certificate chain checked against `caBundle` (PEM) and the host name against it.
        case verifyFull(caBundle: String)
    }

    /// Whether SCRAM-SHA-256-PLUS (channel binding) is used.
    package enum ChannelBinding: Sendable, Hashable {
        /// Used on TLS when the server offers it.
        case prefer
        /// Authentication fails unless it is used (needs TLS).
        case require
        case disable
    }

    package var endpoint: Endpoint
    package var user: String
    /// Never logged, never in an error.
    package var password: String?
    package var database: String
    package var applicationName: String
    package var tls: TLSMode
    package var channelBinding: ChannelBinding
    /// Whether the server may ask for the password in cleartext (`password` in pg_hba.conf); on TLS only by default.
    package var allowsCleartextPassword: CleartextPolicy
    package var connectTimeout: Duration
    /// A statement running longer is cancelled on the server and fails with `timeout` (nil: no limit).
    package var queryTimeout: Duration?
    /// The largest message accepted from the server (a DataRow is one message): 64 MiB by default, at most 1 GiB.
    package var maximumMessageBytes: Int
    /// The most row data one call may return (all its result sets together): 256 MiB by default. Past it the call
    /// fails (`unsupported`), the rest of the result is read and dropped, and the connection stays usable.
    package var maximumResultBytes: Int
    /// Prepared statements kept per connection; beyond this, statements run unnamed (parsed every time).
    package var statementCacheSize: Int

    package enum CleartextPolicy: Sendable, Hashable {
        case never, overTLS, always
    }

    package init(
        endpoint: Endpoint, user: String, password: String? = nil, database: String,
        applicationName: String = "civicseal", tls: TLSMode = .disable, channelBinding: ChannelBinding = .prefer,
        allowsCleartextPassword: CleartextPolicy = .overTLS, connectTimeout: Duration = .seconds(10),
        queryTimeout: Duration? = nil, maximumMessageBytes: Int = 64 << 20, maximumResultBytes: Int = 256 << 20,
        statementCacheSize: Int = 256
    ) {
        self.endpoint = endpoint
        self.user = user
        self.password = password
        self.database = database
        self.applicationName = applicationName
        self.tls = tls
        self.channelBinding = channelBinding
        self.allowsCleartextPassword = allowsCleartextPassword
        self.connectTimeout = connectTimeout
        self.queryTimeout = queryTimeout
        self.maximumMessageBytes = min(max(maximumMessageBytes, 1 << 16), 1 << 30)
        self.maximumResultBytes = max(0, maximumResultBytes)
        self.statementCacheSize = max(0, statementCacheSize)
    }
}

extension PostgresConfiguration: CustomStringConvertible {
    /// Where and as whom, never the password.
    package var description: String {
        "postgres://\(user)@\(endpoint)/\(database) (tls: \(tls), password: \(password == nil ? "none" : "set"))"
    }
}

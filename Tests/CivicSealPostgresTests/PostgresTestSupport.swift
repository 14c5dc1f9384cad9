import CivicSealPostgres
import CivicSealTestSupport
import Foundation

/// Whether the live PostgreSQL tests run: always under CI (a missing server then fails them), else when installed.
let postgresIsUsable = ExternalTool.isCI || (PostgresCluster.isInstalled && ExternalTool.isUsable("psql", "openssl"))

extension PostgresCluster {
    enum Transport {
        case unixSocket
        case tcp(host: String = "127.0.0.1")
    }

    /// A configuration for `user` on this cluster.
    func configuration(
        user: String? = nil, password: String? = nil, over transport: Transport = .unixSocket,
        tls: PostgresConfiguration.TLSMode = .disable,
        channelBinding: PostgresConfiguration.ChannelBinding = .prefer
    ) -> PostgresConfiguration {
        let endpoint: PostgresConfiguration.Endpoint =
            switch transport {
            case .unixSocket: .unixSocket(directory: directory, port: port)
            case .tcp(let host): .tcp(host: host, port: port)
            }
        return PostgresConfiguration(
            endpoint: endpoint, user: user ?? scramUser, password: user == nil ? scramPassword : password,
            database: database, applicationName: "civicseal-tests", tls: tls, channelBinding: channelBinding)
    }

    /// A connection as the SCRAM role over the Unix socket.
    func connect() async throws -> PostgresConnection {
        try await PostgresConnection.connect(configuration())
    }
}

/// A table name no other test uses.
func uniqueTable(_ prefix: String) -> String { "\(prefix)_\(UUID().uuidString.prefix(8).lowercased())" }

import CivicSealPostgres
import CivicSealTestSupport
import Foundation
import Testing

/// Start-up and every authentication method against a real server.
@Suite("Postgres authentication", .enabled(if: postgresIsUsable))
struct PostgresAuthenticationTests {
    @Test("SCRAM-SHA-256 over the Unix socket authenticates and the session reports its settings")
    func scramOverUnixSocket() async throws {
        let cluster = try PostgresCluster.shared()
        let connection = try await cluster.connect()
        let rows = try await connection.query("SELECT current_user, current_setting('application_name')")
        #expect(try rows.first?.decode(String.self, at: 0) == cluster.scramUser)
        #expect(try rows.first?.decode(String.self, at: 1) == "civicseal-tests")
        #expect(connection.serverParameter("client_encoding") == "UTF8")
        #expect(connection.serverParameter("server_version")?.isEmpty == false)
        await connection.close()
    }

    @Test("SCRAM-SHA-256 over TCP without TLS authenticates")
    func scramOverTCP() async throws {
        let cluster = try PostgresCluster.shared()
        let connection = try await PostgresConnection.connect(cluster.configuration(over: .tcp()))
        let rows = try await connection.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
        #expect(try rows.first?.decode(Bool.self, at: 0) == false)
        await connection.close()
    }

    @Test("A wrong password is an authentication error with SQLSTATE 28P01 that does not contain the password")
    func wrongPasswordIsRefused() async throws {
        let cluster = try PostgresCluster.shared()
        for transport in [PostgresCluster.Transport.unixSocket, .tcp()] {
            let configuration = cluster.configuration(
                user: cluster.scramUser, password: "not-the-password", over: transport)
            do {
                _ = try await PostgresConnection.connect(configuration)
                Issue.record("a wrong password connected")
            } catch {
                #expect(error.kind == .authentication)
                #expect(error.sqlState == "28P01")
                #expect(!"\(error)".contains("not-the-password"))
            }
        }
    }

    @Test("SCRAM-SHA-256-PLUS binds the TLS channel when channel binding is required")
    func scramPlusOverTLS() async throws {
        let cluster = try PostgresCluster.shared()
        let configuration = cluster.configuration(over: .tcp(), tls: .require, channelBinding: .require)
        let connection = try await PostgresConnection.connect(configuration)
        let rows = try await connection.query("SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
        #expect(try rows.first?.decode(Bool.self, "ssl") == true)
        #expect(try rows.first?.decode(String.self, "version").hasPrefix("TLS") == true)
        await connection.close()
    }

    @Test("Channel binding required without TLS is refused before any password is sent")
    func channelBindingWithoutTLSIsRefused() async throws {
        let cluster = try PostgresCluster.shared()
        await #expect(throws: PostgresError.self) {
            _ = try await PostgresConnection.connect(cluster.configuration(over: .tcp(), channelBinding: .require))
        }
    }

    @Test("sslmode verify-full accepts the server's name and CA, and refuses another address or CA")
    func verifyFullChecksTheHostName() async throws {
        let cluster = try PostgresCluster.shared()
        let good = cluster.configuration(over: .tcp(host: "localhost"), tls: .verifyFull(caBundle: cluster.caBundle))
        let connection = try await PostgresConnection.connect(good)
        #expect(try await connection.query("SELECT 1").first?.decode(Int.self, at: 0) == 1)
        await connection.close()
        // 127.0.0.2 reaches the same server, but the certificate names localhost and 127.0.0.1 only.
        let wrong = cluster.configuration(over: .tcp(host: "127.0.0.2"), tls: .verifyFull(caBundle: cluster.caBundle))
        do {
            _ = try await PostgresConnection.connect(wrong)
            Issue.record("a certificate for another host was accepted")
        } catch {
            #expect(error.kind == .tls)
            #expect(error.message.contains("another host"))
        }
        // A CA bundle that does not hold the test CA: the chain is refused.
        let untrusted = cluster.configuration(
            over: .tcp(host: "localhost"), tls: .verifyFull(caBundle: "/etc/ssl/certs/ca-certificates.crt"))
        if FileManager.default.fileExists(atPath: "/etc/ssl/certs/ca-certificates.crt") {
            do {
                _ = try await PostgresConnection.connect(untrusted)
                Issue.record("a certificate from an unknown CA was accepted")
            } catch {
                #expect(error.kind == .tls)
                #expect(error.message.contains("not trusted"))
            }
        }
    }

    @Test("Trust, MD5 and cleartext (over TLS) authenticate their roles")
    func otherMethods() async throws {
        let cluster = try PostgresCluster.shared()
        let trust = try await PostgresConnection.connect(
            cluster.configuration(user: cluster.trustUser, over: .tcp()))
        #expect(try await trust.query("SELECT current_user").first?.decode(String.self, at: 0) == cluster.trustUser)
        await trust.close()
        let md5 = try await PostgresConnection.connect(
            cluster.configuration(user: cluster.md5User, password: cluster.md5Password, over: .tcp()))
        #expect(try await md5.query("SELECT current_user").first?.decode(String.self, at: 0) == cluster.md5User)
        await md5.close()
        let clear = try await PostgresConnection.connect(
            cluster.configuration(
                user: cluster.cleartextUser, password: cluster.cleartextPassword, over: .tcp(), tls: .require))
        #expect(try await clear.query("SELECT current_user").first?.decode(String.self, at: 0) == cluster.cleartextUser)
        await clear.close()
        // Without TLS the client refuses to send a cleartext password at all.
        do {
            _ = try await PostgresConnection.connect(
                cluster.configuration(user: cluster.cleartextUser, password: cluster.cleartextPassword, over: .tcp()))
            Issue.record("a cleartext password was sent without TLS")
        } catch {
            #expect(error.kind == .authentication)
        }
    }
}

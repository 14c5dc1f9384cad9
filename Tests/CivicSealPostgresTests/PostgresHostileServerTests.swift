import CivicSealPostgres
import CivicSealTestSupport
import Foundation
import Testing

struct SetupFailure: Error {}

/// A fake server on a Unix socket that completes start-up, then answers the first statement with `reply`.
final class HostileServer: Sendable {
    let directory = TemporaryDirectory("civicseal-pg-fake")
    let port = 5432
    private let listener: Int32

    init(reply: [UInt8], thenClose: Bool = false) throws {
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        listener = descriptor
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let path = Array("\(directory.path)/.s.PGSQL.\(port)".utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in path.enumerated() { raw[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0, listen(descriptor, 1) == 0 else { throw SetupFailure() }
        Thread.detachNewThread {
            let client = accept(descriptor, nil, nil)
            guard client >= 0 else { return }
            defer { close(client) }
            var buffer = [UInt8](repeating: 0, count: 4096)
            _ = recv(client, &buffer, buffer.count, 0)  // the start-up message
            let ready: [UInt8] =
                [UInt8(ascii: "R"), 0, 0, 0, 8, 0, 0, 0, 0]  // AuthenticationOk
                + [UInt8(ascii: "K"), 0, 0, 0, 12, 0, 0, 0, 1, 0, 0, 0, 2]  // BackendKeyData
                + [UInt8(ascii: "Z"), 0, 0, 0, 5, UInt8(ascii: "I")]  // ReadyForQuery
            _ = send(client, ready, ready.count, Int32(MSG_NOSIGNAL))
            _ = recv(client, &buffer, buffer.count, 0)  // Parse, Describe, Sync
            _ = send(client, reply, reply.count, Int32(MSG_NOSIGNAL))
            if !thenClose { _ = recv(client, &buffer, buffer.count, 0) }  // until the client closes
        }
    }

    deinit { close(listener) }

    var configuration: PostgresConfiguration {
        PostgresConfiguration(
            endpoint: .unixSocket(directory: directory.path, port: port), user: "u", database: "d",
            maximumMessageBytes: 1 << 20)
    }
}

/// What a malformed or hostile server does to the client: a protocol error and a dropped connection, no crash.
@Suite("Postgres against a hostile server")
struct PostgresHostileServerTests {
    @Test("Malformed or oversized server messages are protocol errors that break the connection")
    func malformedRepliesBreakTheConnection() async throws {
        let replies: [[UInt8]] = [
            [UInt8(ascii: "1"), 0, 0, 0, 3],  // a length below 4
            [UInt8(ascii: "D"), 0x7F, 0xFF, 0xFF, 0xFF],  // 2 GiB, over every limit
            [UInt8(ascii: "D"), 0, 0x20, 0, 0],  // 2 MiB, over this client's 1 MiB limit
            [UInt8(ascii: "1"), 0, 0, 0, 4, UInt8(ascii: "t"), 0, 0, 0, 6, 0, 9],  // 9 types in 2 bytes
            [UInt8(ascii: "Y"), 0, 0, 0, 4],  // an unknown message type
            [UInt8(ascii: "1"), 0, 0, 0, 4, UInt8(ascii: "D"), 0, 0, 0, 6, 0, 0],  // a row before any description
        ]
        for reply in replies {
            let server = try HostileServer(reply: reply)
            let connection = try await PostgresConnection.connect(server.configuration)
            do {
                _ = try await connection.query("SELECT 1")
                Issue.record("a malformed reply was accepted: \(reply)")
            } catch {
                #expect(error.kind == .protocol, "\(reply): \(error)")
            }
            #expect(connection.isBroken)
            await connection.close()
        }
    }

    @Test("A server that closes mid-statement is a connection error")
    func closedMidStatement() async throws {
        let server = try HostileServer(reply: [UInt8(ascii: "1"), 0, 0, 0], thenClose: true)  // a cut message
        let connection = try await PostgresConnection.connect(server.configuration)
        await #expect(throws: PostgresError.self) { _ = try await connection.query("SELECT 1") }
        #expect(connection.isBroken)
    }
}

import CivicSealHTTP
import CivicSealServiceTestSupport
import CivicSealTestSupport
import Foundation
import Testing

/// Stopping the service while a client is half-way through a request: it stops within the deadline and leaves
/// a database that the CLI opens and verifies.
@Suite("Live API: graceful shutdown")
struct ShutdownTests {
    @Test(
        "stop() with a half-sent request finishes within the deadline and the database closes cleanly",
        .enabled(if: BuiltProduct.path("civicseal") != nil || ExternalTool.isCI), .timeLimit(.minutes(10)))
    func stopWithRequestInFlightClosesDatabaseCleanly() async throws {
        // One event loop: a request answered on another connection then proves the half request was read.
        let live = try LiveService.start(transport: .socket, configure: { $0.eventLoops = 1 })
        let port = live.service.port
        let connection: Connection
        do {
            let submitted = try await live.client.post(
                "/v1/requests", token: try live.token(for: .man(80)), json: Bodies.criminalRecord())
            #expect(submitted.status == 201, "\(submitted)")

            // Half a request: the head promises the whole body, only half of it arrives.
            connection = try Connection(port: port, timeout: 10)
            let body = Array(Bodies.criminalRecord().utf8)
            let token = try live.token(for: .man(81))
            var head = "POST /v1/requests HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(token)\r\n"
            head += "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n"
            try connection.send(Array(head.utf8) + body.prefix(body.count / 2))
            // The half request's bytes reached the loop before this request's did, so once it is answered the
            // server holds the half request (observed, not assumed after a sleep).
            #expect(try await live.client.get("/healthz").status == 200)
        } catch {
            await live.stop()
            throw error
        }

        // The service keeps the server's default body timeout (30 s): a stop that waited for the rest of the body
        // would see that timeout answer 408 on the half-sent request's connection before closing it. A stop that cut
        // the connection off at its 2 s deadline answers neither that nor the request (told apart by what the
        // connection received, not by a wall-clock bound a loaded machine could break).
        #expect(HTTPServerConfiguration.Timeouts().body == .seconds(30))
        await live.service.stop(deadline: .seconds(2))

        // The half-sent request was not carried out, and its connection is closed rather than left hanging.
        let rest = try await HTTPClient.offPool { try connection.readToEnd() }
        if let response = try? HTTPClient.parse(rest) {
            #expect(response.status != 201, "\(response)")
            #expect(response.status != 408, "stop waited for the half-sent request until its body timed out")
        }
        #expect(await Self.isRefused(port: port), "the port still accepts connections")

        // The database was closed cleanly: no write-ahead log left behind, and the audit chain verifies.
        let wal = live.dataDirectory + "/civicseal.sqlite-wal"
        let walSize = (try? FileManager.default.attributesOfItem(atPath: wal)[.size] as? Int) ?? 0
        #expect(walSize == 0, "a \(walSize)-byte WAL was left behind")
        let verify = try BuiltProduct.run("civicseal", ["audit", "verify", "--data", live.dataDirectory])
        #expect(verify.status == 0, "audit verify: \(verify.text) \(verify.errorText)")
        #expect(!verify.text.isEmpty)
    }

    static func isRefused(port: Int) async -> Bool {
        (try? await HTTPClient.offPool { () -> Bool in
            do {
                _ = try Connection(port: port, timeout: 2)
                return false
            } catch {
                return true
            }
        }) ?? false
    }
}

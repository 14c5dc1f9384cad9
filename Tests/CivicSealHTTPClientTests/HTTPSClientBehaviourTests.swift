import CivicSealTestSupport
import Foundation
import Testing

@testable import CivicSealHTTPClient

/// Deadlines, limits, redirects, reuse and plain HTTP, against the Python fixture server over TLS.
@Suite(.enabled(if: ExternalTool.isUsable("python3", "openssl")))
struct HTTPSClientBehaviourTests {
    let pki: TestPKI

    init() throws { pki = try TestPKI.shared.get() }

    private func client(_ adjust: (inout HTTPClientConfiguration) -> Void = { _ in }) throws -> HTTPSClient {
        var configuration = HTTPClientConfiguration(trust: .caBundle(pki.caBundle))
        // Generous deadlines on a busy machine (a test that is about a deadline sets its own): an idle connection
        // must not age out between two requests of a test that counts connections.
        configuration.connectTimeout = .seconds(60)
        configuration.readTimeout = .seconds(120)
        configuration.totalTimeout = .seconds(300)
        configuration.idleTimeout = .seconds(600)
        adjust(&configuration)
        return try HTTPSClient(configuration: configuration)
    }

    private func failure(_ client: HTTPSClient, _ request: OutboundRequest) async -> OutboundHTTPError? {
        do {
            _ = try await client.send(request)
            return nil
        } catch { return error }
    }

    private func text(_ response: OutboundResponse) -> String { String(decoding: response.body, as: UTF8.self) }

    @Test func aChunkedBodyIsJoinedAndItsTrailerDropped() async throws {
        let server = try await FixtureServer.python(pki.server)
        defer { server.stop() }
        let response = try await client().send(OutboundRequest(url: server.url("/chunked")))
        #expect(text(response) == #"{"keys": [{"kid": "a"}]}"#)
    }

    @Test func tenSequentialRequestsShareOneConnection() async throws {
        let server = try await FixtureServer.python(pki.server)
        defer { server.stop() }
        let client = try client()
        for _ in 0..<10 {
            #expect(try await client.send(OutboundRequest(url: server.url("/json"))).status == 200)
        }
        let counted = try await client.send(OutboundRequest(url: server.url("/connections")))
        #expect(text(counted) == "1")  // the server's own count of accepted connections
        #expect(client.connectionsOpened == 1)
    }

    @Test func aConnectionIdlePastTheIdleTimeoutIsNotReused() async throws {
        let server = try await FixtureServer.python(pki.server)
        defer { server.stop() }
        let client = try client { $0.idleTimeout = .zero }
        #expect(try await client.send(OutboundRequest(url: server.url("/json"))).status == 200)
        #expect(try await client.send(OutboundRequest(url: server.url("/json"))).status == 200)
        #expect(client.connectionsOpened == 2)
    }

    @Test func anIdleConnectionThePeerClosedIsReplaced() async throws {
        let server = try await FixtureServer.python(pki.server)
        defer { server.stop() }
        let client = try client()
        #expect(try await client.send(OutboundRequest(url: server.url("/quiet-close"))).status == 200)
        #expect(try await client.send(OutboundRequest(url: server.url("/json"))).status == 200)
        #expect(client.connectionsOpened == 2)
    }

    @Test func aStalledBodyEndsAtTheReadDeadline() async throws {
        let server = try await FixtureServer.python(pki.server)
        defer { server.stop() }
        let client = try client {
            $0.readTimeout = .seconds(1)
            $0.connectTimeout = .seconds(60)  // a slow handshake on a busy machine must not end it first
        }
        let error = await failure(client, OutboundRequest(url: server.url("/slow-body")))
        #expect(error?.code == .timedOut)
        #expect(error?.description.contains("read deadline") == true)
    }

    @Test func aResponseThatNeverStartsEndsAtTheTotalDeadline() async throws {
        let server = try await FixtureServer.python(pki.server)
        defer { server.stop() }
        let client = try client { $0.totalTimeout = .seconds(2) }
        let error = await failure(client, OutboundRequest(url: server.url("/slow-head")))
        #expect(error?.code == .timedOut)
        #expect(error?.description.contains("total deadline") == true)
    }

    @Test func aRequestQueuedBehindAStalledOneKeepsItsOwnTotalDeadline() async throws {
        let server = try await FixtureServer.python(pki.server)
        defer { server.stop() }
        let client = try client {
            $0.maximumConcurrentRequests = 1
            $0.totalTimeout = .seconds(2)
        }
        async let stalled = failure(client, OutboundRequest(url: server.url("/slow-head")))
        async let queued = failure(client, OutboundRequest(url: server.url("/json")))
        let (first, second) = await (stalled, queued)
        #expect(first?.code == .timedOut && second?.code == .timedOut)
        // The queued request ends by its own total deadline: while it waits for the one slot ("free connection
        // slot"), or, when the stalled request's deadline freed the slot first (the queued one always starts a
        // little later, and a busy machine widens that gap), in the phase it had reached ("total deadline").
        for error in [first, second] {
            let description = error?.description ?? ""
            #expect(description.contains("free connection slot") || description.contains("total deadline"))
        }
    }

    @Test func cancellingTheCallingTaskEndsAStalledRequest() async throws {
        let server = try await FixtureServer.python(pki.server)
        defer { server.stop() }
        let client = try client()  // 30 s total, 10 s read: the cancellation, not a deadline, must end it
        let request = Task { await failure(client, OutboundRequest(url: server.url("/slow-head"))) }
        #expect(await eventually { client.connectionsOpened == 1 })
        request.cancel()
        let error = await request.value
        #expect(error?.code == .closed)
        #expect(error?.description.contains("cancelled") == true)
    }

    @Test func aHandshakeThatNeverStartsEndsAtTheConnectDeadline() async throws {
        let listener = try SilentListener()  // the kernel completes the TCP handshake; nobody ever answers
        defer { listener.close() }
        let client = try client { $0.connectTimeout = .seconds(1) }
        let url = URL(string: "https://127.0.0.1:\(listener.port)/json")!
        let error = await failure(client, OutboundRequest(url: url))
        #expect(error?.code == .timedOut)
        #expect(error?.description.contains("connect deadline") == true)
    }

    @Test func aClosedPortIsConnectFailed() async throws {
        let listener = try SilentListener()
        let port = listener.port
        listener.close()
        let error = await failure(try client(), OutboundRequest(url: URL(string: "https://127.0.0.1:\(port)/")!))
        #expect(error?.code == .connectFailed)
    }

    @Test(arguments: ["/big", "/big-chunked"])
    func aHundredMebibyteBodyStopsAtTheLimit(path: String) async throws {
        let server = try await FixtureServer.python(pki.server)
        defer { server.stop() }
        let client = try client()
        let error = await failure(client, OutboundRequest(url: server.url(path)))
        #expect(error?.code == .responseTooLarge)
        #expect(client.bytesReceived < 2 << 20)  // reading stopped at the 1 MiB limit (plus a read's worth)
    }

    @Test func aRedirectWithinTheOriginIsFollowed() async throws {
        let server = try await FixtureServer.python(pki.server)
        defer { server.stop() }
        let response = try await client().send(OutboundRequest(url: server.url("/redirect-same")))
        #expect(response.status == 200)
        #expect(text(response).contains("issuer"))
    }

    @Test func aRedirectToAnotherOriginIsRefusedWithoutTheQuery() async throws {
        let server = try await FixtureServer.python(pki.server)
        defer { server.stop() }
        let error = await failure(try client(), OutboundRequest(url: server.url("/redirect-cross?code=SECRET-CODE")))
        #expect(error?.code == .redirectRefused)
        #expect(error?.description.contains("SECRET") == false)
    }

    @Test func endlessRedirectsStopAfterThree() async throws {
        let server = try await FixtureServer.python(pki.server)
        defer { server.stop() }
        let error = await failure(try client(), OutboundRequest(url: server.url("/redirect-loop")))
        #expect(error?.code == .redirectRefused)
        #expect(error?.description.contains("more than 3") == true)
    }

    @Test func seeOtherTurnsAPostIntoAGet() async throws {
        let server = try await FixtureServer.python(pki.server)
        defer { server.stop() }
        let request = OutboundRequest(method: "POST", url: server.url("/see-other"), body: Array("a=1".utf8))
        let response = try await client().send(request)
        #expect(text(response) == #"{"method": "GET"}"#)
    }

    @Test func aPostCarriesItsBody() async throws {
        let server = try await FixtureServer.python(pki.server)
        defer { server.stop() }
        let request = OutboundRequest(
            method: "POST", url: server.url("/token"), headers: [("Content-Type", "application/x-www-form-urlencoded")],
            body: Array("grant_type=authorization_code".utf8))
        let response = try await client().send(request)
        #expect(text(response) == #"{"method": "POST", "received": 29}"#)
    }

    @Test func aHeadResponseHasNoBody() async throws {
        let server = try await FixtureServer.python(pki.server)
        defer { server.stop() }
        let client = try client()
        let response = try await client.send(OutboundRequest(method: "HEAD", url: server.url("/json")))
        #expect(response.status == 200 && response.body.isEmpty)
        #expect(try await client.send(OutboundRequest(url: server.url("/json"))).status == 200)  // still in step
        #expect(client.connectionsOpened == 1)
    }

    @Test func plainHTTPOnlyToLoopbackAndOnlyWhenAllowed() async throws {
        let server = try await FixtureServer.python(nil)
        defer { server.stop() }
        let url = server.url("/json", scheme: "http")
        #expect(await failure(try client(), OutboundRequest(url: url))?.code == .plainHTTPRefused)
        let development = try client { $0.allowPlainHTTPToLoopback = true }
        #expect(try await development.send(OutboundRequest(url: url)).status == 200)
        let remote = OutboundRequest(url: URL(string: "http://idp.example/.well-known/openid-configuration")!)
        #expect(await failure(development, remote)?.code == .plainHTTPRefused)
    }

    @Test func twoHundredConcurrentRequestsLeaveNoDescriptorOpen() async throws {
        let server = try await FixtureServer.python(pki.server)
        defer { server.stop() }
        // 200 requests through 8 exchange threads: each request's total deadline also covers its wait in line.
        var client: HTTPSClient? = try client { $0.totalTimeout = .seconds(600) }
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<200 {
                group.addTask { [client] in try await client!.send(OutboundRequest(url: server.url("/json"))).status }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses.count == 200 && statuses.allSatisfy { $0 == 200 })
        #expect(client!.idleConnections <= 4)  // maximumIdlePerOrigin
        // /proc/net/tcp is read in pieces while other sockets come and go, so one reading may miss a line.
        let idle = client!.idleConnections
        #expect(await eventually { openSockets(toPort: server.port) == idle })
        client = nil
        #expect(await eventually { openSockets(toPort: server.port) == 0 })
    }
}

/// A TCP socket on 127.0.0.1 that listens and never accepts: connects complete in the kernel, nothing answers.
final class SilentListener: @unchecked Sendable {
    // @unchecked Sendable: the descriptor is written once in init and closed once by the test.
    let port: Int
    private let descriptor: Int32

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(descriptor, generic, length) == 0 && listen(descriptor, 8) == 0
                    && getsockname(descriptor, generic, &length) == 0
            }
        }
        guard bound else {
            _ = Glibc.close(descriptor)
            throw FixtureFailure("could not listen on 127.0.0.1")
        }
        self.descriptor = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    func close() { _ = Glibc.close(descriptor) }
}

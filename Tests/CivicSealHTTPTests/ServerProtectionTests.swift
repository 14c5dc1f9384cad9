import CivicSealHTTP
import CivicSealTestSupport
import Foundation
import Synchronization
import Testing

/// The server protecting itself from one abusive client, driven live over loopback: output backpressure and the
/// write deadline, the per-address connection limit, and client addresses behind trusted proxies.
@Suite("Live server: self-protection", .timeLimit(.minutes(10)))
struct ServerProtectionTests {
    /// Counts handler runs; `/big` answers 64 KiB.
    final class Counter: Sendable {
        private let value = Atomic<Int>(0)
        func increment() { value.add(1, ordering: .relaxed) }
        var count: Int { value.load(ordering: .relaxed) }
    }

    static let bigBody = [UInt8](repeating: UInt8(ascii: "x"), count: 64 * 1024)

    static func router(counting counter: Counter = Counter()) throws -> HTTPRouter {
        var routes = HTTPRouter.Builder()
        routes.get("/big") { _, _ in
            counter.increment()
            return HTTPResponse(status: .ok, body: bigBody)
        }
        routes.get("/peer") { _, context in .text(context.remoteAddress) }
        routes.get("/client") { _, context in .text(context.clientAddress.description) }
        return try routes.build()
    }

    /// A client pipelines 2,000 requests for 64 KiB each (128 MB of answers) and never reads. The server stops
    /// reading and parsing that connection once 256 KiB wait unflushed, so only the few responses that fit in the
    /// bound and the kernel's socket buffers are ever produced; and when the client takes nothing for the write
    /// deadline, the connection is closed. Before, every response was buffered and the connection lived on.
    @Test func aClientThatNeverReadsIsPausedThenClosedAtTheWriteDeadline() async throws {
        let clock = ManualClock()
        let handled = Counter()
        try await withServer({ $0.eventLoopCount = 1 }, responder: try Self.router(counting: handled), clock: clock) {
            server in
            let client = try RawClient(port: server.port, receiveBuffer: 4096)
            let requests = 2_000
            try client.send(String(repeating: "GET /big HTTP/1.1\r\nHost: t\r\n\r\n", count: requests))
            #expect(await eventually(timeout: .seconds(30)) { server.statistics.backpressurePauses >= 1 })
            let produced = handled.count
            // 256 KiB of bound plus what the kernel buffers on both sides (a few MB at most): far below 2,000.
            #expect(produced < 200, "\(produced) responses of 64 KiB were produced for a client that reads nothing")
            #expect(server.openConnectionCount == 1)

            clock.advance(.seconds(29))
            try await LiveServerTests.loopHasCaughtUp(port: server.port)
            #expect(server.statistics.writeTimeouts == 0, "closed before the write deadline")
            clock.advance(.seconds(2))
            #expect(await eventually(timeout: .seconds(30)) { server.statistics.writeTimeouts == 1 })
            // the probe may remain
            #expect(await eventually(timeout: .seconds(30)) { server.openConnectionCount <= 1 })
            #expect(handled.count == produced, "requests were still parsed while the client read nothing")
            let rest = await client.readToEnd()
            #expect(rest.end != .timedOut, "the connection outlived the write deadline")
        }
    }

    /// A slow reader is not punished: backpressure resumes parsing as the client reads, and every pipelined request
    /// is answered in order once it does.
    @Test func backpressureResumesWhenTheClientReads() async throws {
        let handled = Counter()
        // The write deadline is not what this test is about: on a busy machine the reads below may start long after
        // the server paused, and a 30 s deadline would end the connection the test is waiting on.
        let configure: (inout HTTPServerConfiguration) -> Void = {
            $0.eventLoopCount = 1
            $0.timeouts.write = .seconds(600)
        }
        try await withServer(configure, responder: try Self.router(counting: handled)) { server in
            let client = try RawClient(port: server.port, receiveBuffer: 4096)
            let requests = 100
            try client.send(String(repeating: "GET /big HTTP/1.1\r\nHost: t\r\n\r\n", count: requests))
            #expect(await eventually(timeout: .seconds(30)) { server.statistics.backpressurePauses >= 1 })
            for _ in 0..<requests {
                let response = try await client.readResponse()
                #expect(response.status == 200 && response.body.count == Self.bigBody.count)
            }
            #expect(handled.count == requests)
        }
    }

    /// One address (127.0.0.2) holds its share of connections; its next connection gets 503 and is closed, while
    /// another address (127.0.0.1) is still served, and the address gets a slot back when one of its connections ends.
    @Test func oneAddressCannotHoldEveryConnection() async throws {
        try await withServer({ $0.maximumConnectionsPerAddress = 3 }, responder: try Self.router()) { server in
            var held: [RawClient] = []
            for _ in 0..<3 {
                let client = try RawClient(port: server.port, source: "127.0.0.2")
                try client.send("GET /client HTTP/1.1\r\nHost: t\r\n\r\n")
                let response = try await client.readResponse()
                #expect(response.status == 200 && response.text == "127.0.0.2")
                held.append(client)
            }
            let refused = try RawClient(port: server.port, source: "127.0.0.2")
            let answer = try await refused.readResponse()
            #expect(answer.status == 503)
            #expect(answer.header("Retry-After") != nil)
            #expect(await refused.readToEnd().end == .closed)
            #expect(server.statistics.refusedPerAddress == 1)

            let other = try RawClient(port: server.port, source: "127.0.0.1")
            try other.send("GET /client HTTP/1.1\r\nHost: t\r\n\r\n")
            let served = try await other.readResponse()
            #expect(served.status == 200 && served.text == "127.0.0.1")

            held.removeFirst()
            #expect(await eventually(timeout: .seconds(30)) { server.openConnectionCount == 3 })
            let again = try RawClient(port: server.port, source: "127.0.0.2")
            try again.send("GET /client HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try await again.readResponse().status == 200)
        }
    }

    /// A trusted proxy carries many clients' connections: the per-address limit does not apply to it.
    @Test func aTrustedProxyIsExemptFromThePerAddressLimit() async throws {
        try await withServer(
            {
                $0.maximumConnectionsPerAddress = 2
                $0.trustedProxies = [IPAddressRange("127.0.0.2")!]
            },
            responder: try Self.router()
        ) { server in
            var held: [RawClient] = []
            for index in 0..<4 {
                let proxy = try RawClient(port: server.port, source: "127.0.0.2")
                try proxy.send("GET /client HTTP/1.1\r\nHost: t\r\nX-Forwarded-For: 203.0.113.\(index)\r\n\r\n")
                let response = try await proxy.readResponse()
                #expect(response.status == 200 && response.text == "203.0.113.\(index)")
                held.append(proxy)
            }
            #expect(server.statistics.refusedPerAddress == 0)
            #expect(held.count == 4)
        }
    }

    /// `X-Forwarded-For` names the client only when the peer is a trusted proxy, and then the right-most hop that is
    /// not itself a trusted proxy; the access log records that client.
    @Test func forwardedForIsBelievedOnlyFromTrustedProxies() async throws {
        func client(_ port: Int, forwardedFor: String?) async throws -> String {
            let connection = try RawClient(port: port)
            let header = forwardedFor.map { "X-Forwarded-For: \($0)\r\n" } ?? ""
            try connection.send("GET /client HTTP/1.1\r\nHost: t\r\n\(header)\r\n")
            return try await connection.readResponse().text
        }
        // No trusted proxy: the header is the client's own words and ignored.
        try await withServer(responder: try Self.router()) { server in
            let seen = try await client(server.port, forwardedFor: "203.0.113.9")
            #expect(seen == "127.0.0.1")
        }
        let sink = CollectingLogSink()
        let cases: [(header: String?, client: String)] = [
            // The proxy appended the real peer on the right; whatever the client wrote to its left is not believed.
            ("198.51.100.1, 203.0.113.9", "203.0.113.9"),
            // Trusted hops (a second proxy at 10.1.2.3) are skipped from the right.
            ("203.0.113.9, 10.1.2.3", "203.0.113.9"),
            // IPv6, and an IPv4-mapped IPv6 address is the IPv4 client.
            ("2001:db8::7", "2001:db8::7"),
            ("::ffff:203.0.113.10", "203.0.113.10"),
            // Garbage ends the walk at the trusted hop that reported it.
            ("not-an-address", "127.0.0.1"),
            // No header: the peer.
            (nil, "127.0.0.1"),
        ]
        try await withServer(
            { $0.trustedProxies = [IPAddressRange("127.0.0.0/8")!, IPAddressRange("10.0.0.0/8")!] },
            responder: try Self.router(), logSink: sink
        ) { server in
            for row in cases {
                let seen = try await client(server.port, forwardedFor: row.header)
                #expect(seen == row.client, "X-Forwarded-For: \(row.header ?? "(none)")")
            }
            #expect(await eventually(timeout: .seconds(30)) { sink.lines.count == 6 })
            let clients = try sink.lines.map { line in
                try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])["client"]
                    as? String
            }
            #expect(clients == cases.map(\.client))
        }
    }
}

@Suite("Client addresses")
struct IPAddressTests {
    @Test func addressesParseStrictlyAndPrintCanonically() {
        #expect(IPAddress("203.0.113.9")?.description == "203.0.113.9")
        #expect(IPAddress("2001:DB8:0:0::1")?.description == "2001:db8::1")
        #expect(IPAddress("::ffff:192.0.2.1") == IPAddress("192.0.2.1"))
        for bad in [
            "", "203.0.113", "203.0.113.256", "1.2.3.4:80", "[::1]", "fe80::1%eth0", "host.example", " 1.2.3.4",
        ] {
            #expect(IPAddress(bad) == nil, "\(bad)")
        }
        #expect(IPAddress(socketAddress: "203.0.113.9:51234")?.description == "203.0.113.9")
        #expect(IPAddress(socketAddress: "[2001:db8::1]:443")?.description == "2001:db8::1")
    }

    @Test func clientKeysCountAnIPv6HostByItsSlash64() {
        #expect(
            IPAddress("2001:db8:1:2:aaaa::1")?.clientKey == IPAddress("2001:db8:1:2:ffff:ffff:ffff:ffff")?.clientKey)
        #expect(IPAddress("2001:db8:1:2::1")?.clientKey != IPAddress("2001:db8:1:3::1")?.clientKey)
        #expect(IPAddress("203.0.113.9")?.clientKey != IPAddress("203.0.113.10")?.clientKey)
    }

    @Test func rangesMatchTheirPrefixOnly() throws {
        let eight = try #require(IPAddressRange("10.0.0.0/8"))
        #expect(eight.contains(IPAddress("10.255.1.2")!))
        #expect(!eight.contains(IPAddress("11.0.0.1")!))
        #expect(!eight.contains(IPAddress("::a00:1")!))
        let odd = try #require(IPAddressRange("192.168.1.130/25"))
        #expect(odd.description == "192.168.1.128/25")
        #expect(odd.contains(IPAddress("192.168.1.255")!) && !odd.contains(IPAddress("192.168.1.127")!))
        #expect(IPAddressRange("::1")?.contains(IPAddress("::1")!) == true)
        #expect(IPAddressRange("2001:db8::/32")?.contains(IPAddress("2001:db8:ffff::1")!) == true)
        for bad in ["10.0.0.0/33", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/+8", "/8", "2001:db8::/129", "x/8"] {
            #expect(IPAddressRange(bad) == nil, "\(bad)")
        }
    }

    @Test func theRightMostUntrustedHopIsTheClient() {
        let trusted = [IPAddressRange("10.0.0.0/8")!]
        let proxy = IPAddress("10.0.0.1")!
        func resolve(_ fields: [String], peer: IPAddress = IPAddress("10.0.0.1")!) -> String {
            ClientAddressResolver.resolve(peer: peer, forwardedFor: fields, trustedProxies: trusted).description
        }
        #expect(resolve(["1.1.1.1, 2.2.2.2"]) == "2.2.2.2")
        #expect(resolve(["1.1.1.1", "2.2.2.2, 10.9.9.9"]) == "2.2.2.2")  // several fields are one list
        #expect(resolve(["10.1.1.1, 10.2.2.2"]) == "10.1.1.1")  // all trusted: the left-most
        #expect(resolve(["1.1.1.1, bogus"]) == proxy.description)
        #expect(resolve(["1.1.1.1"], peer: IPAddress("192.0.2.5")!) == "192.0.2.5")  // untrusted peer
        // A header of thousands of trusted hops is walked a bounded number of steps.
        let long = Array(repeating: "10.0.0.2", count: 5_000).joined(separator: ",")
        #expect(resolve([long]) == "10.0.0.2")
    }
}

import CivicSealApp
import CivicSealHTTP
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The server's part of `civicseal-bench abuse`: what one abusive client costs the service, each figure beside the
/// healthy figure of the same run.
/// - server RSS after 1 MB of pipelined `GET /openapi.json` from a client that never reads (floor < 100 MB), beside
///   the idle RSS (the service runs in this process: the figure is the whole process's RSS);
/// - a fresh client's `GET /healthz` p99, a new connection per request, while one address holds 2,000 connections
///   and two crafted 10 MiB verifications run (floor < 50 ms), beside the p99 with no attack.
enum ServerAbuseBenchmark {
    static let rssFloorMiB = 100.0
    static let healthzFloorMilliseconds = 50.0

    /// Runs on `service`, the one the other sections of `civicseal-bench abuse` use.
    static func run(service: Service, seconds: Double) throws {
        // 2,000 attacking sockets plus the server's side of those it accepts: more than the usual soft limit.
        let descriptors = DescriptorLimit.raiseSoftLimitToHard()
        let port = service.port
        print("# civicseal-bench abuse (server) — descriptor limit \(descriptors), per-address connection limit 64")

        // Healthy figures.
        let samples = max(200, Int(seconds * 200))
        _ = try healthzLatencies(port: port, count: 50)  // warm-up
        for _ in 0..<20 { _ = try KeepAliveClient(port: port).send("GET", "/openapi.json") }
        let idle = ResidentMemory.current().rss
        let healthy = try healthzLatencies(port: port, count: samples)

        // 1. A client pipelines 1 MB of requests for the largest public answer and never reads.
        let (sent, pausedAt) = try pipelineWithoutReading(port: port, bytes: 1_000_000, service: service)
        let attacked = ResidentMemory.current().rss
        Report.figure("server_rss_idle", idle, "MiB")
        print(
            "server_rss_pipelined_no_read: \(Report.format(attacked)) MiB beside \(Report.format(idle)) MiB idle "
                + "(floor < \(Report.format(rssFloorMiB)) MB: \(attacked < rssFloorMiB ? "met" : "NOT met")); "
                + "\(sent) request bytes taken before the server stopped reading, paused: \(pausedAt)"
        )
        fflush(nil)

        // 2. One address (127.0.0.2) opens 2,000 connections and holds them.
        var held: [Int32] = []
        defer { for fd in held { close(fd) } }
        for _ in 0..<2_000 {
            if let fd = connectFrom("127.0.0.2", port: port) { held.append(fd) }
        }
        let statistics = service.server.statistics
        let connectionsOnly = try healthzLatencies(port: port, count: samples)
        Report.figure("healthz_p99_healthy", healthy.p99, "ms")
        print(
            "healthz_p99_one_address_2000_connections: \(Report.format(connectionsOnly.p99)) ms beside "
                + "\(Report.format(healthy.p99)) ms healthy (\(held.count) attacking connections opened, "
                + "\(statistics.refusedPerAddress) refused by the per-address limit, \(connectionsOnly.failures) "
                + "failed probes)"
        )
        fflush(nil)

        // 3. ...and two crafted verifications run (they are never awaited: on a quadratic verifier they would not end).
        let crafted = craftedPDF(size: 10 * 1024 * 1024 - 4096)
        let started = DispatchSemaphore(value: 0)
        for _ in 0..<2 {
            Thread.detachNewThread {
                let client = try? KeepAliveClient(port: port, timeoutSeconds: 600)
                started.signal()
                _ = try? client?.send(
                    "POST", "/v1/verify", headers: [("Content-Type", "application/pdf")], body: crafted)
            }
        }
        for _ in 0..<2 { started.wait() }
        let underAttack = try healthzLatencies(port: port, count: samples)
        let met = underAttack.p99 < healthzFloorMilliseconds && underAttack.failures == 0
        print(
            "healthz_p99_under_attack: \(Report.format(underAttack.p99)) ms beside \(Report.format(healthy.p99)) ms "
                + "healthy (floor < \(Report.format(healthzFloorMilliseconds)) ms: \(met ? "met" : "NOT met")); "
                + "2,000 connections from one address and two crafted 10 MiB verifications; \(underAttack.failures) "
                + "failed probes"
        )
        fflush(nil)
    }

    /// `count` probes, each a new connection with one `GET /healthz`; a probe that fails counts at its timeout.
    static func healthzLatencies(port: Int, count: Int) throws -> (p50: Double, p99: Double, failures: Int) {
        let clock = ContinuousClock()
        var samples: [Double] = []
        var failures = 0
        for _ in 0..<count {
            let start = clock.now
            var ok = false
            if let client = try? KeepAliveClient(port: port, timeoutSeconds: 5),
                let response = try? client.send("GET", "/healthz", headers: [("Connection", "close")])
            {
                ok = response.status == 200
            }
            let elapsed = clock.now - start
            if !ok { failures += 1 }
            samples.append(
                ok ? Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000 : 5_000)
        }
        samples.sort()
        func at(_ q: Double) -> Double { samples[min(samples.count - 1, Int(Double(samples.count) * q))] }
        return (at(0.5), at(0.99), failures)
    }

    /// Sends up to `bytes` of pipelined `GET /openapi.json` and never reads; returns the bytes the server took (its
    /// reading stops under backpressure, so a blocked send ends the attempt) and whether the server paused it.
    static func pipelineWithoutReading(port: Int, bytes: Int, service: Service) throws -> (sent: Int, paused: Bool) {
        guard let fd = connectFrom("127.0.0.3", port: port, receiveBuffer: 4096) else {
            throw LoadGenerator.Failure(description: "cannot connect the pipelining client")
        }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 3, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let request = Array("GET /openapi.json HTTP/1.1\r\nHost: bench\r\n\r\n".utf8)
        var payload: [UInt8] = []
        while payload.count + request.count <= bytes { payload += request }
        var offset = 0
        while offset < payload.count {
            let sent = payload.withUnsafeBytes {
                send(fd, $0.baseAddress! + offset, payload.count - offset, Int32(MSG_NOSIGNAL))
            }
            if sent <= 0 { break }  // the server stopped reading: the socket buffers are full
            offset += sent
        }
        // Give the server a bounded while to reach its bound (it pauses once 256 KiB wait unflushed).
        var paused = false
        for _ in 0..<200 {
            paused = service.server.statistics.backpressurePauses > 0
            if paused { break }
            usleep(10_000)
        }
        return (offset, paused)
    }

    /// A blocking TCP connection to 127.0.0.1:`port` from `source`; nil when it fails.
    static func connectFrom(_ source: String, port: Int, receiveBuffer: Int32? = nil) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        if var size = receiveBuffer {
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var local = sockaddr_in()
        local.sin_family = sa_family_t(AF_INET)
        local.sin_addr.s_addr = inet_addr(source)
        var remote = sockaddr_in()
        remote.sin_family = sa_family_t(AF_INET)
        remote.sin_port = in_port_t(UInt16(port).bigEndian)
        remote.sin_addr.s_addr = inet_addr("127.0.0.1")
        let ok =
            withUnsafePointer(to: &local) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
                }
            }
            && withUnsafePointer(to: &remote) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
                }
            }
        guard ok else {
            close(fd)
            return nil
        }
        return fd
    }

    /// `%PDF-1.7` then `1 0 obj(` repeated: every object opens and none closes (the quadratic case of issue 12).
    static func craftedPDF(size: Int) -> [UInt8] {
        var bytes = Array("%PDF-1.7\n".utf8)
        let unit = Array("1 0 obj(".utf8)
        bytes.reserveCapacity(size)
        while bytes.count + unit.count <= size { bytes += unit }
        return bytes
    }
}

import CivicSealApp
import CivicSealHTTP
import CivicSealRecords
import CivicSealWorkflow
import Foundation
import Synchronization

/// `civicseal-bench http`: the live service on loopback under `wrk`, beside nginx serving a small static file,
/// measured in the same run. Figures: GET /healthz vs nginx; GET /v1/requests/{id} with an ES256 token
/// (read from the database) at 64 connections, with static keys and again with fetched keys refreshed half-way
/// (``runWithKeyRefresh``); the server's resident memory throughout. With `--instances N` (2…8): that GET against
/// one instance direct and through HAProxy over N instances on PostgreSQL instead (``runInstances(_:seconds:)``).
enum HTTPBenchmark {
    static func run(seconds: Double, arguments: [String]) throws {
        if let index = arguments.firstIndex(of: "--instances") {
            guard index + 1 < arguments.count, let count = Int(arguments[index + 1]), (2...8).contains(count) else {
                throw LoadGenerator.Failure(description: "--instances takes a number of instances, 2…8")
            }
            return try runInstances(count, seconds: seconds)
        }
        let duration = max(3, Int(seconds.rounded()))
        let directory = NSTemporaryDirectory() + "civicseal-bench-http-\(getpid())"
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }

        print("# civicseal-bench http — wrk -t2 -c64 -d\(duration)s on 127.0.0.1; server and wrk share the 2 cores")
        let nginx = try ReferenceNginx(body: #"{"status":"ok"}"#)
        let reference = try LoadGenerator.wrk(url: nginx.url, connections: 64, seconds: duration)
        nginx.stop()
        Report.figure("nginx_static_rps", reference.requestsPerSecond, "requests/s")

        let service = try startBenchService(in: directory)
        let memory = MemorySampler()
        memory.start()

        let base = "http://127.0.0.1:\(service.port)"
        let health = try LoadGenerator.wrk(url: "\(base)/healthz", connections: 64, seconds: duration)
        Report.figure("healthz_rps", health.requestsPerSecond, "requests/s")
        Report.figure("healthz_p99", health.p99Milliseconds, "ms")
        Report.ratio(
            "healthz_vs_nginx", health.requestsPerSecond, reference: reference.requestsPerSecond, floorPercent: 60)

        // One stored request and a citizen ES256 token from the development identity provider.
        let today = CalendarDate(Date())
        let validated = SyntheticRequests.validated(
            SyntheticRequests.criminalRecord(), person: 42, today: today, validator: SubmissionValidator())
        let summary = try service.store.submit(validated, now: Date())
        let person = SyntheticRequests.person(42)
        let token = try DevelopmentTokens.mint(
            DevelopmentTokens.Citizen(
                personalID: person.personalID.digits, name: person.fullName, birthdate: person.birthDate.description,
                gender: person.sex.rawValue, level: .level2),
            directory: directory + "/keys", lifetime: 3600, now: Date())
        let url = "\(base)/v1/requests/\(summary.id)"
        let script = try LoadGenerator.headerScript(
            [("Authorization", "Bearer \(token)")], path: directory + "/authorization.lua")
        let read = try LoadGenerator.wrk(url: url, connections: 64, seconds: duration, script: script)
        Report.figure(
            "get_request_rps", read.requestsPerSecond,
            "requests/s (floor 10000: \(read.requestsPerSecond >= 10_000 ? "met" : "NOT MET"))")
        Report.figure("get_request_p50", read.p50Milliseconds, "ms")
        Report.figure(
            "get_request_p99", read.p99Milliseconds, "ms (floor < 10: \(read.p99Milliseconds < 10 ? "met" : "NOT MET"))"
        )
        Report.figure("get_request_errors", Double(read.non2xx + read.socketErrors), "non-2xx or socket errors")
        try runWithKeyRefresh(
            service: service, url: url, authorizationScript: script, keysDirectory: directory + "/keys",
            duration: duration)

        memory.stop()
        Report.figure(
            "server_rss_peak", memory.peakMiB, "MiB (floor < 100: \(memory.peakMiB < 100 ? "met" : "NOT MET"))")
        Report.figure("server_rss_end", ResidentMemory.current().rss, "MiB")
        let semaphore = DispatchSemaphore(value: 0)
        Task {
            await service.stop()
            semaphore.signal()
        }
        semaphore.wait()
    }
}

/// The real service on an ephemeral loopback port, its data, development keys and access log in `folder`.
func startBenchService(in folder: String) throws -> Service {
    var options = ServeOptions()
    options.port = 0
    options.dataDirectory = folder + "/data"
    options.keysDirectory = folder + "/keys"
    options.logSink = try FileLogSink(path: folder + "/access.log")
    return try Service.start(options)
}

/// Appends access-log lines to a file (the realistic cost of logging, kept out of the figures' output).
final class FileLogSink: HTTPLogSink {
    private let handle: FileHandle

    init(path: String) throws {
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw LoadGenerator.Failure(description: "cannot open \(path)")
        }
        self.handle = handle
    }

    func write(_ line: String) { handle.write(Data((line + "\n").utf8)) }

    func write(lines: UnsafeRawBufferPointer) { handle.write(Data(lines)) }
}

/// Samples this process's resident set size every 50 ms on its own thread.
final class MemorySampler: Sendable {
    private let state = Mutex<(running: Bool, peak: Double)>((false, 0))

    var peakMiB: Double { state.withLock { max($0.peak, ResidentMemory.current().rss) } }

    func start() {
        state.withLock { $0.running = true }
        Thread.detachNewThread { [self] in
            while state.withLock({ $0.running }) {
                let rss = ResidentMemory.current().rss
                state.withLock { $0.peak = max($0.peak, rss) }
                usleep(50_000)
            }
        }
    }

    func stop() { state.withLock { $0.running = false } }
}

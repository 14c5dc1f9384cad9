import CivicSealApp
import CivicSealCasework
import CivicSealCrypto
import CivicSealRecords
import CivicSealVerification
import CivicSealWorkflow
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// `civicseal-bench abuse`: what an attacker without an account can cost the service, each figure beside the healthy
/// figure of the same run and the issue's floor. Sections run in order on one service; add a section to `sections`.
enum AbuseBenchmark {
    /// What every section gets: the running service, an issued document, the run's length and a scratch folder.
    struct Context: Sendable {
        let service: Service
        let validPDF: [UInt8]
        let seconds: Double
        let folder: String
    }

    /// One group of figures.
    struct Section: Sendable {
        let name: String
        let run: @Sendable (Context) throws -> Void
    }

    /// The sections, in the order they run (other helpers' figures are appended here).
    static let sections: [Section] = [
        Section(name: "verifier", run: verifierFigures),
        Section(name: "verify-under-attack", run: verifyRateUnderAttack),
        // Last: it leaves 2,000 held connections and a pipelining client behind until it returns.
        Section(name: "server", run: { try ServerAbuseBenchmark.run(service: $0.service, seconds: $0.seconds) }),
    ]

    static func run(seconds: Double) throws {
        let folder = NSTemporaryDirectory() + "civicseal-bench-abuse-" + SecureRandom.identifier(byteCount: 6)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let service = try startBenchService(in: folder)
        defer {
            let semaphore = DispatchSemaphore(value: 0)
            Task {
                await service.stop(deadline: .seconds(2))
                semaphore.signal()
            }
            semaphore.wait()
        }
        let officer = Participant.officer("bench-officer", department: "justice-hanoi")
        let validated = SyntheticRequests.validated(
            SyntheticRequests.criminalRecord(), person: 9, today: CalendarDate(Date()))
        let summary = try service.store.submit(validated, now: Date())
        _ = try service.store.claim(summary.id, by: officer, now: Date())
        _ = try service.store.approve(
            summary.id, findingsJSON: #"{"bans":[],"convictions":[]}"#, by: officer, officerName: "Lê Văn Hưởng",
            now: Date())
        guard let issued = try service.issuance.issueNow(summary.id) else {
            throw LoadGenerator.Failure(description: "issuance failed")
        }
        print(
            "# civicseal-bench abuse — \(ProcessInfo.processInfo.activeProcessorCount) cores; a sealed form-1 of "
                + "\(issued.pdf.count) bytes is the healthy case"
        )
        let context = Context(service: service, validPDF: issued.pdf, seconds: seconds, folder: folder)
        for section in sections {
            print("## \(section.name)")
            try section.run(context)
        }
    }

    // MARK: - Crafted PDFs

    static let craftedSize = 10 * 1024 * 1024

    /// Hostile files of `size` bytes: the shapes that made the old scanner quadratic, and others that aim at memory.
    static func craftedFamily(size: Int = craftedSize) -> [(name: String, make: () -> [UInt8])] {
        func repeated(_ unit: String, prefix: String = "", tail: String = "") -> () -> [UInt8] {
            {
                var bytes = [UInt8]()
                bytes.reserveCapacity(size)
                bytes += Array("%PDF-1.7\n\(prefix)".utf8)
                let piece = Array(unit.utf8)
                let tailBytes = Array(tail.utf8)
                while bytes.count + piece.count + tailBytes.count <= size { bytes += piece }
                bytes += tailBytes
                return bytes
            }
        }
        return [
            ("obj-open-paren", repeated("1 0 obj(")),
            ("obj-open-angle", repeated("1 0 obj<")),
            ("obj-open-dictionary", repeated("1 0 obj<<")),
            ("deep-arrays", repeated("[", prefix: "1 0 obj")),
            ("objects-without-endobj", repeated("1 0 obj <</Type/Sig/ByteRange[0 1 2 3]/Contents<00>>>\n")),
            ("huge-literal-string", repeated("a", prefix: "1 0 obj(", tail: ")\ntrailer<<>>")),
            (
                "huge-hex-contents",
                repeated("0f", prefix: "1 0 obj<</Type/Sig/ByteRange[0 1 2 3]/Contents<", tail: ">>>\ntrailer<<>>")
            ),
            ("nested-strings", repeated("1 0 obj<</A(")),
            ("streams-without-endstream", repeated("1 0 obj<</Length 60>>stream\n")),
            ("trailers-unterminated", repeated("trailer<<(")),
            (
                "million-number-byte-range",
                repeated("0 ", prefix: "1 0 obj<</Type/Sig/Contents<00>/ByteRange[", tail: "]>>\ntrailer<<>>")
            ),
            ("many-small-objects", repeated("1 0 obj 0 endobj ", tail: "trailer<<>>")),
            (
                "distinct-keys",
                {
                    var bytes = [UInt8]()
                    bytes.reserveCapacity(size)
                    bytes += Array("%PDF-1.7\n1 0 obj<<".utf8)
                    var key = 0
                    while bytes.count < size - 32 {
                        bytes += Array("/k\(key) 0".utf8)
                        key += 1
                    }
                    return bytes + Array(">>\ntrailer<<>>".utf8)
                }
            ),
        ]
    }

    // MARK: - Verifier: slowest verdict and its peak memory

    static func verifierFigures(_ context: Context) throws {
        let verifier = try DocumentVerifier(trustAnchors: context.service.keyring.trustAnchors)
        let store = context.service.store
        // Healthy: the valid document's verdict (median of many).
        guard verifier.verify(context.validPDF, registry: store).isValid else {
            throw LoadGenerator.Failure(description: "sample does not verify")
        }
        var healthy: [Double] = []
        for _ in 0..<200 {
            let start = threadCPUMilliseconds()
            _ = verifier.verify(context.validPDF, registry: store)
            healthy.append(threadCPUMilliseconds() - start)
        }
        healthy.sort()
        let healthyMemory = PeakMemory.measure { _ = verifier.verify(context.validPDF, registry: store) }

        var slowest = (name: "", milliseconds: 0.0)
        var heaviest = (name: "", bytes: 0)
        for (name, make) in craftedFamily() {
            let bytes = make()
            var milliseconds = 0.0
            var wall = 0.0
            var outcome = DocumentVerdict.Outcome.valid
            let extra = PeakMemory.measure {
                let start = DispatchTime.now().uptimeNanoseconds
                let cpu = threadCPUMilliseconds()
                outcome = verifier.verify(bytes, registry: store).outcome
                milliseconds = threadCPUMilliseconds() - cpu
                wall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
            }
            print(
                "#   \(name): \(Report.format(milliseconds)) ms on one core (\(Report.format(wall)) ms wall), "
                    + "+\(Report.format(Double(extra) / 1_048_576)) MiB, \(outcome.rawValue)"
            )
            if outcome == .valid { throw LoadGenerator.Failure(description: "crafted file \(name) verified as valid") }
            if milliseconds > slowest.milliseconds { slowest = (name, milliseconds) }
            if extra > heaviest.bytes { heaviest = (name, extra) }
        }
        let input = Double(craftedSize)
        print(
            "verify_crafted_slowest_verdict: \(Report.format(slowest.milliseconds)) ms of one core's time "
                + "(\(slowest.name); floor 1000 ms: \(slowest.milliseconds < 1000 ? "met" : "NOT met")) — valid "
                + "document: \(Report.format(healthy[healthy.count / 2])) ms"
        )
        print(
            "verify_crafted_peak_memory: \(Report.format(Double(heaviest.bytes) / input)) x input "
                + "(\(Report.format(Double(heaviest.bytes) / 1_048_576)) MiB over the 10 MiB input, "
                + "\(heaviest.name); floor 4 x: \(Double(heaviest.bytes) < 4 * input ? "met" : "NOT met")) — valid "
                + "document: +\(Report.format(Double(healthyMemory) / 1_048_576)) MiB for \(context.validPDF.count) "
                + "bytes"
        )
        fflush(nil)
    }

    // MARK: - POST /v1/verify alone and while crafted uploads run

    static func verifyRateUnderAttack(_ context: Context) throws {
        let port = context.service.port
        let valid = context.validPDF
        let alone = try postRate(port: port, pdf: valid, clients: 8, seconds: context.seconds)

        // Two attackers re-send the slowest crafted file as fast as the server answers.
        let crafted = craftedFamily().first { $0.name == "obj-open-paren" }!.make()
        let stop = Atomic<Bool>(false)
        let answered = Atomic<Int>(0)
        let refused = Atomic<Int>(0)
        let group = DispatchGroup()
        for _ in 0..<2 {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                guard let client = try? KeepAliveClient(port: port, timeoutSeconds: 30) else { return }
                while !stop.load(ordering: .relaxed) {
                    guard
                        let response = try? client.send(
                            "POST", "/v1/verify", headers: [("Content-Type", "application/pdf")], body: crafted)
                    else { return }
                    if response.status == 503 {
                        refused.add(1, ordering: .relaxed)
                    } else {
                        answered.add(1, ordering: .relaxed)
                    }
                }
            }
        }
        // Let the attack begin before measuring: the first crafted upload is on the wire.
        let lanes = context.service.api.casework.verification
        for _ in 0..<10_000
        where lanes.large.running == 0 && answered.load(ordering: .relaxed) + refused.load(ordering: .relaxed) == 0 {
            usleep(1000)
        }
        let attacked = try postRate(port: port, pdf: valid, clients: 8, seconds: context.seconds)
        stop.store(true, ordering: .relaxed)
        group.wait()
        let percent = alone.rate > 0 ? attacked.rate / alone.rate * 100 : 0
        print(
            "verify_http_rate_under_attack: \(Report.format(attacked.rate)) verifications/s = "
                + "\(Report.format(percent)) % of alone (floor 50 %: \(percent >= 50 ? "met" : "NOT met")) — alone: "
                + "\(Report.format(alone.rate)) verifications/s"
        )
        print(
            "# crafted uploads during the run: \(answered.load(ordering: .relaxed)) verdicts, "
                + "\(refused.load(ordering: .relaxed)) refused with 503; valid-document failures alone "
                + "\(alone.failures), under attack \(attacked.failures)"
        )
        fflush(nil)
    }

    /// `POST /v1/verify` of `pdf` from `clients` keep-alive connections for `seconds`: valid verdicts per second.
    static func postRate(port: Int, pdf: [UInt8], clients: Int, seconds: Double) throws -> (rate: Double, failures: Int)
    {
        let done = Atomic<Int>(0)
        let failed = Atomic<Int>(0)
        let start = Date()
        let deadline = start.addingTimeInterval(seconds)
        DispatchQueue.concurrentPerform(iterations: clients) { _ in
            guard let client = try? KeepAliveClient(port: port, timeoutSeconds: 30) else {
                failed.add(1, ordering: .relaxed)
                return
            }
            while Date() < deadline {
                guard
                    let response = try? client.send(
                        "POST", "/v1/verify", headers: [("Content-Type", "application/pdf")], body: pdf)
                else {
                    failed.add(1, ordering: .relaxed)
                    return
                }
                if response.status == 200, response.text.contains(#""outcome":"valid""#) {
                    done.add(1, ordering: .relaxed)
                } else {
                    failed.add(1, ordering: .relaxed)
                }
            }
        }
        return (
            Double(done.load(ordering: .relaxed)) / Date().timeIntervalSince(start), failed.load(ordering: .relaxed)
        )
    }
}

/// CPU time of the calling thread: the cost of a verdict on one core, whatever else the machine is doing.
func threadCPUMilliseconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) * 1000 + Double(time.tv_nsec) / 1e6
}

/// The memory a piece of work needs beyond what the process held before it: Linux's resident high-water mark, reset
/// just before (`/proc/self/clear_refs` ← 5), minus the resident size then, after returning freed heap to the system.
enum PeakMemory {
    static func measure(_ body: () -> Void) -> Int {
        trimHeap()
        let before = field("VmRSS")
        if let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") {
            handle.write(Data("5".utf8))
            try? handle.close()
        }
        body()
        return max(0, field("VmHWM") - before)
    }

    /// glibc's `malloc_trim(0)` (not in Swift's Glibc module), found at run time: freed heap goes back to the system.
    static func trimHeap() {
        typealias Trim = @convention(c) (Int) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return }
        _ = unsafeBitCast(symbol, to: Trim.self)(0)
    }

    /// A `kB` line of `/proc/self/status`, in bytes.
    static func field(_ name: String) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") })
        else { return 0 }
        return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
    }
}

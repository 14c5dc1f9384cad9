import CivicSealProcess
import Foundation
import Synchronization

/// Times an operation by running it repeatedly for a fixed wall-clock budget on the calling thread.
enum Measure {
    /// Operations per second of `body`, after a short warm-up, over about `seconds`.
    static func rate(seconds: Double, _ body: () throws -> Void) rethrows -> Double {
        for _ in 0..<20 { try body() }
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + .milliseconds(Int(seconds * 1000))
        var count = 0
        while true {
            for _ in 0..<16 { try body() }
            count += 16
            if clock.now >= deadline { break }
        }
        let elapsed = clock.now - start
        return Double(count) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }

    /// Operations per second of `body` by the wall clock, and the CPU time (user + system, from `getrusage`) each
    /// operation took. On a shared machine the wall-clock rate moves with the load; the CPU time per operation
    /// does not, and its inverse is the rate one otherwise idle core would reach.
    static func rateAndCPU(seconds: Double, _ body: () throws -> Void) rethrows -> (
        rate: Double, cpuMicroseconds: Double
    ) {
        for _ in 0..<20 { try body() }
        let clock = ContinuousClock()
        let start = clock.now
        let cpuStart = processCPUSeconds()
        let deadline = start + .milliseconds(Int(seconds * 1000))
        var count = 0
        while true {
            for _ in 0..<16 { try body() }
            count += 16
            if clock.now >= deadline { break }
        }
        let cpu = processCPUSeconds() - cpuStart
        let elapsed = clock.now - start
        let wall = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return (Double(count) / wall, cpu / Double(count) * 1e6)
    }

    /// User plus system CPU time of this process so far, in seconds.
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        #if os(Linux)
            getrusage(RUSAGE_SELF.rawValue, &usage)  // Glibc imports the `who` constants as an enum
        #else
            getrusage(RUSAGE_SELF, &usage)
        #endif
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// Latency percentiles (in milliseconds) of `count` runs of `body`.
    static func latencies(count: Int, _ body: () throws -> Void) rethrows -> (p50: Double, p99: Double, max: Double) {
        let clock = ContinuousClock()
        var samples: [Double] = []
        samples.reserveCapacity(count)
        for _ in 0..<count {
            let start = clock.now
            try body()
            let elapsed = clock.now - start
            samples.append(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000)
        }
        samples.sort()
        func at(_ q: Double) -> Double { samples[min(samples.count - 1, Int(Double(samples.count) * q))] }
        return (at(0.50), at(0.99), samples.last ?? 0)
    }
}

/// One output line per figure: `name: value unit`.
enum Report {
    static func figure(_ name: String, _ value: Double, _ unit: String) {
        print("\(name): \(format(value)) \(unit)")
        fflush(nil)
    }

    /// A figure beside its reference, the ratio, and whether the issue's floor holds.
    static func ratio(_ name: String, _ value: Double, reference: Double, floorPercent: Double?) {
        let percent = reference > 0 ? value / reference * 100 : 0
        var line = "\(name): \(format(percent)) %"
        if let floorPercent {
            line += " (floor \(format(floorPercent)) %: \(percent >= floorPercent ? "met" : "NOT MET"))"
        }
        print(line)
        fflush(nil)
    }

    static func format(_ value: Double) -> String {
        value >= 100 ? String(format: "%.0f", value) : String(format: "%.2f", value)
    }
}

/// Runs `body` as a task and blocks the calling (non-pool) thread until it finishes; for the benchmark's synchronous
/// driver only.
func blockingAwait<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
    let semaphore = DispatchSemaphore(value: 0)
    let outcome = Mutex<Result<T, any Error>?>(nil)
    Task {
        let result: Result<T, any Error>
        do { result = .success(try await body()) } catch { result = .failure(error) }
        outcome.withLock { $0 = result }
        semaphore.signal()
    }
    semaphore.wait()
    return try outcome.withLock { $0 }!.get()
}

/// Runs `python3 -c script arguments…` and reads the one number it prints (operations per second); nil when Python
/// or the package the script imports is missing, or the script fails.
func pythonRate(_ script: String, _ arguments: [String]) throws -> Double? {
    let collected = try ChildProcess("/usr/bin/env", ["python3", "-c", script] + arguments, error: .discard).collect()
    guard collected.termination == .exited(0) else { return nil }
    return Double(String(decoding: collected.output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
}

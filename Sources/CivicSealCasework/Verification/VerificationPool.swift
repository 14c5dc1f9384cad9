import Foundation
import Synchronization

/// Threads of their own for document verification, with a bounded queue: uploads never run on the handler threads
/// (so no other route waits behind them), at most `workers` verify at once, and at most `queueLimit` wait. When the
/// queue is full ``run(_:)`` refuses at once with ``Saturated`` (the API answers 503 with `Retry-After`).
package final class VerificationPool: Sendable {
    /// The queue was full; try again after `retryAfter` seconds.
    package struct Saturated: Error, Sendable {
        package let retryAfter: Int
    }

    package let workers: Int
    package let queueLimit: Int
    private let shared: Shared

    /// - Parameters:
    ///   - workers: threads that verify (default: one fewer than the cores, at least one).
    ///   - queueLimit: verifications that may wait for a thread (default: four per thread).
    package init(workers: Int? = nil, queueLimit: Int? = nil, name: String = "civicseal.verify") {
        let count = max(1, workers ?? ProcessInfo.processInfo.activeProcessorCount - 1)
        self.workers = count
        self.queueLimit = max(0, queueLimit ?? 4 * count)
        shared = Shared()
        for index in 0..<count {
            let thread = Thread { [shared] in shared.work() }
            thread.name = "\(name).\(index)"
            thread.start()
        }
    }

    deinit { shared.stop(threads: workers) }

    /// Runs `work` on a pool thread and returns its result; throws ``Saturated`` when `queueLimit` jobs already wait.
    package func run<Result: Sendable>(_ work: @escaping @Sendable () -> Result) async throws(Saturated) -> Result {
        let limit = queueLimit
        let outcome: Result? = await withCheckedContinuation { (continuation: CheckedContinuation<Result?, Never>) in
            let accepted = shared.submit(limit: limit) { continuation.resume(returning: work()) }
            if !accepted { continuation.resume(returning: nil) }
        }
        guard let outcome else { throw Saturated(retryAfter: max(1, (queueLimit + workers) / workers)) }
        return outcome
    }

    /// Queues `work` without waiting for it; false when `queueLimit` jobs already wait (nothing is queued then).
    package func submit(_ work: @escaping @Sendable () -> Void) -> Bool {
        shared.submit(limit: queueLimit, work)
    }

    /// Jobs waiting for a thread (not those running).
    package var waiting: Int { shared.counts.waiting }
    /// Jobs running now.
    package var running: Int { shared.counts.running }

    /// The queue and the worker loop; held by the threads, so the pool itself can go away and stop them.
    private final class Shared: @unchecked Sendable {
        // @unchecked Sendable: `queue` is guarded by its Mutex and `available` is a thread-safe semaphore.
        private let queue = Mutex<(jobs: [@Sendable () -> Void], head: Int, running: Int, stopped: Bool)>(
            ([], 0, 0, false))
        private let available = DispatchSemaphore(value: 0)

        var counts: (waiting: Int, running: Int) { queue.withLock { ($0.jobs.count - $0.head, $0.running) } }

        func submit(limit: Int, _ job: @escaping @Sendable () -> Void) -> Bool {
            let accepted = queue.withLock { state in
                guard !state.stopped, state.jobs.count - state.head < limit else { return false }
                state.jobs.append(job)
                return true
            }
            if accepted { available.signal() }
            return accepted
        }

        func stop(threads: Int) {
            queue.withLock { $0.stopped = true }
            for _ in 0..<threads { available.signal() }
        }

        func work() {
            while true {
                available.wait()
                let next: (@Sendable () -> Void)?? = queue.withLock { state in
                    if state.head < state.jobs.count {
                        let job = state.jobs[state.head]
                        state.head += 1
                        state.running += 1
                        if state.head == state.jobs.count {
                            state.jobs.removeAll(keepingCapacity: true)
                            state.head = 0
                        }
                        return .some(job)
                    }
                    return state.stopped ? .none : .some(nil)
                }
                switch next {
                case .none: return
                case .some(.none): continue
                case .some(.some(let job)):
                    job()
                    queue.withLock { $0.running -= 1 }
                }
            }
        }
    }
}

/// Two ``VerificationPool``s by upload size, so that large uploads (a sealed document is far below
/// ``largeUploadBytes``) wait and run in their own lane and never hold up the verdicts of ordinary documents.
package struct VerificationLanes: Sendable {
    /// Uploads above this size take the large lane.
    package static let largeUploadBytes = 1024 * 1024

    package let ordinary: VerificationPool
    package let large: VerificationPool

    /// Ordinary uploads: one thread fewer than the cores; large ones: half that (at least one), two waiting per thread.
    package init(ordinary: VerificationPool? = nil, large: VerificationPool? = nil) {
        let ordinary = ordinary ?? VerificationPool(name: "civicseal.verify")
        self.ordinary = ordinary
        self.large =
            large
            ?? VerificationPool(
                workers: max(1, ordinary.workers / 2), queueLimit: 2 * max(1, ordinary.workers / 2),
                name: "civicseal.verify.large")
    }

    /// Runs `work` for an upload of `bytes` bytes in its lane.
    package func run<Result: Sendable>(bytes: Int, _ work: @escaping @Sendable () -> Result)
        async throws(VerificationPool.Saturated) -> Result
    {
        try await (bytes > Self.largeUploadBytes ? large : ordinary).run(work)
    }
}

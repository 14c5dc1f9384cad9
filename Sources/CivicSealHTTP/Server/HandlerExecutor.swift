import Foundation
import Synchronization

/// The threads request handlers run on: a `TaskExecutor` of the server's own, so that handlers keep running when
/// Swift's shared cooperative pool is saturated by blocking work elsewhere in the process (it is only as wide as
/// the machine has cores). Handler tasks prefer this executor; their awaits resume here too.
package final class HandlerExecutor: TaskExecutor, @unchecked Sendable {
    // @unchecked Sendable: `queue` is guarded by its Mutex and `available` is a thread-safe semaphore; `threads`
    // is only written in init.
    private let queue = Mutex<(jobs: [UnownedJob], head: Int, stopped: Bool)>(([], 0, false))
    private let available = DispatchSemaphore(value: 0)
    private let threadCount: Int

    package init(threads: Int, name: String = "civicseal.http.handler") {
        threadCount = max(1, threads)
        for index in 0..<threadCount {
            let thread = Thread { [self] in work() }
            thread.name = "\(name).\(index)"
            thread.start()
        }
    }

    package func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        queue.withLock { state in
            state.jobs.append(unowned)
        }
        available.signal()
    }

    /// Lets the worker threads finish the jobs already queued and exit.
    package func stop() {
        queue.withLock { $0.stopped = true }
        for _ in 0..<threadCount { available.signal() }
    }

    private func work() {
        while true {
            available.wait()
            let next: UnownedJob?? = queue.withLock { state in
                if state.head < state.jobs.count {
                    let job = state.jobs[state.head]
                    state.head += 1
                    if state.head > 1024, state.head * 2 > state.jobs.count {
                        state.jobs.removeFirst(state.head)
                        state.head = 0
                    }
                    return .some(job)
                }
                return state.stopped ? .none : .some(nil)
            }
            switch next {
            case .none: return
            case .some(.none): continue
            case .some(.some(let job)): job.runSynchronously(on: asUnownedTaskExecutor())
            }
        }
    }
}

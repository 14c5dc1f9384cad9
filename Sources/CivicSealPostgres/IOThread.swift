import Foundation
import Synchronization

/// One thread that runs a connection's blocking socket work in order, so that no socket wait ever sits on Swift's
/// cooperative pool. Started on the first job; ends when stopped (the connection closed or released).
final class IOThread: Sendable {
    private struct State {
        var jobs: [@Sendable () -> Void] = []
        var started = false
        var stopped = false
    }

    private let state = Mutex(State())
    private let available = DispatchSemaphore(value: 0)
    private let name: String

    init(name: String) { self.name = name }

    /// Runs `job` after the jobs before it; a stopped thread runs it on a fresh detached thread (the job then
    /// finds its connection closed and reports so).
    func run(_ job: @escaping @Sendable () -> Void) {
        let (start, stopped): (Bool, Bool) = state.withLock { state in
            if state.stopped { return (false, true) }
            state.jobs.append(job)
            defer { state.started = true }
            return (!state.started, false)
        }
        if stopped {
            Thread.detachNewThread(job)
            return
        }
        if start {
            let thread = Thread { [self] in loop() }
            thread.name = name
            thread.start()
        }
        available.signal()
    }

    /// Lets queued jobs finish, then ends the thread.
    func stop() {
        state.withLock { $0.stopped = true }
        available.signal()
    }

    /// Runs `work` on the thread and returns its result to the awaiting task.
    func perform<T: Sendable>(_ work: @escaping @Sendable () -> Result<T, PostgresError>) async -> Result<
        T, PostgresError
    > {
        await withCheckedContinuation { continuation in
            run { continuation.resume(returning: work()) }
        }
    }

    private func loop() {
        while true {
            available.wait()
            let job: (@Sendable () -> Void)?? = state.withLock { state in
                if !state.jobs.isEmpty { return .some(state.jobs.removeFirst()) }
                return state.stopped ? .none : .some(nil)
            }
            switch job {
            case .none: return
            case .some(.none): continue
            case .some(.some(let job)): job()
            }
        }
    }
}

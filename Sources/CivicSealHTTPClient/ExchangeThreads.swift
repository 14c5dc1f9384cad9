import Foundation
import Synchronization

/// The client's own threads for blocking socket work, at most `limit` of them, started when work arrives and
/// ending when the client is released; work beyond the limit waits in order. Keeps connects, handshakes and reads
/// off Swift's cooperative pool.
final class ExchangeThreads: Sendable {
    private struct State {
        var queue: [@Sendable () -> Void] = []
        var head = 0
        var threads = 0
        var waiting = 0
        var stopped = false
    }

    private let state = Mutex(State())
    private let available = DispatchSemaphore(value: 0)
    private let limit: Int
    private let name: String

    init(limit: Int, name: String = "civicseal.http.client") {
        self.limit = max(1, limit)
        self.name = name
    }

    /// Runs `work` on one of the threads, starting a thread when none is waiting and the limit allows.
    func run(_ work: @escaping @Sendable () -> Void) {
        let start: Bool = state.withLock { state in
            state.queue.append(work)
            if state.queue.count - state.head > state.waiting, state.threads < limit {
                state.threads += 1
                return true
            }
            return false
        }
        if start {
            let thread = Thread { [self] in loop() }
            thread.name = name
            thread.start()
        }
        available.signal()
    }

    /// Lets the threads finish queued work and end.
    func stop() {
        let count = state.withLock { state in
            state.stopped = true
            return state.threads
        }
        for _ in 0..<count { available.signal() }
    }

    private func loop() {
        while true {
            state.withLock { $0.waiting += 1 }
            available.wait()
            let next: (@Sendable () -> Void)?? = state.withLock { state in
                state.waiting -= 1
                if state.head < state.queue.count {
                    let work = state.queue[state.head]
                    state.head += 1
                    if state.head == state.queue.count {
                        state.queue.removeAll(keepingCapacity: true)
                        state.head = 0
                    }
                    return .some(work)
                }
                if state.stopped {
                    state.threads -= 1
                    return .none
                }
                return .some(nil)
            }
            switch next {
            case .none: return
            case .some(.none): continue
            case .some(.some(let work)): work()
            }
        }
    }
}

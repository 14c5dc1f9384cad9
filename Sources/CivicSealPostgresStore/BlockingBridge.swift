import Dispatch

/// Runs the PostgreSQL client's async calls for code that must block (a records transaction is a synchronous
/// closure): the call runs as a task whose executor is a dispatch queue, never Swift's cooperative pool, and the
/// calling thread waits on a semaphore. The store only calls this from its own dispatch threads (or from the command
/// line's thread), so no cooperative thread ever waits here.
final class BlockingBridge: TaskExecutor {
    /// Serial, so libdispatch gives it a thread of its own (serial queues overcommit): a concurrent queue would share
    /// the global pool, sized to the cores, with the threads that wait here, and starve. Its jobs are short: they
    /// start or resume the client's async calls, whose socket work runs on each connection's own thread.
    private let queue = DispatchQueue(label: "civicseal.postgres-store.bridge")

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }

    /// Runs `operation` to completion and returns its result, blocking the calling thread.
    func wait<T: Sendable, E: Error>(_ operation: @escaping @Sendable () async throws(E) -> T) throws(E) -> T {
        let done = DispatchSemaphore(value: 0)
        let box = ResultBox<T, E>()
        Task(executorPreference: self) {
            do throws(E) {
                box.result = .success(try await operation())
            } catch {
                box.result = .failure(error)
            }
            done.signal()
        }
        done.wait()
        return try box.result!.get()
    }
}

/// Written once by the task before it signals, read once by the waiting thread after the semaphore: the semaphore
/// orders the two accesses.
private final class ResultBox<T: Sendable, E: Error>: @unchecked Sendable {
    var result: Result<T, E>?
}

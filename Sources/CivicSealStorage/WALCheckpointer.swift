import Dispatch
import Synchronization

/// Copies WAL frames into the database file on its own connection and serial queue, so commits on the writer
/// do not pay for checkpoints; the policy is ``DatabaseConfiguration/BackgroundCheckpoint``.
///
/// A `DispatchSourceTimer` on the checkpointer's queue runs one PASSIVE checkpoint per tick. The checkpointer's
/// connection never waits for a lock (busy timeout 0): a pass that finds another checkpoint running just skips.
// `connection`, `lastWALFrames` and `quietSince` are only touched on `queue`
final class WALCheckpointer: @unchecked Sendable {
    /// What the checkpointer has done so far, for tests and diagnostics.
    struct Statistics: Sendable, Hashable {
        /// Background PASSIVE checkpoints that ran (including those that found nothing to copy).
        var passes = 0
        /// Times the writer was asked to finish a checkpoint so the WAL restarts.
        var writerRequests = 0
        /// TRUNCATE checkpoints that succeeded while the database was idle.
        var truncations = 0
        /// WAL frames seen by the last pass.
        var lastWALFrames = 0
        /// The timer runs at the idle interval (the last pass found no commit since the one before).
        var idle = false
        /// Times a pass found new frames after an idle spell and brought the short interval back.
        var resumptions = 0
    }

    private let queue: DispatchQueue
    private let timer: DispatchSourceTimer
    private let policy: DatabaseConfiguration.BackgroundCheckpoint
    private var connection: Connection?
    /// Asks the writer to checkpoint between two transactions; set only while no such request is pending.
    private let askWriter: @Sendable (@escaping @Sendable () -> Void) -> Void
    private let writerRequestPending = Atomic<Bool>(false)
    private let counters = Mutex(Statistics())
    private var lastWALFrames = -1
    /// `PRAGMA data_version` as the last pass read it: it changes exactly when another connection committed.
    private var lastDataVersion: Int64 = -1
    private var quietSince: DispatchTime?
    /// Whether the timer runs at ``DatabaseConfiguration/BackgroundCheckpoint/intervalMilliseconds`` (WAL growing)
    /// or at the idle interval.
    private var isFast = true

    /// Opens the checkpointer's connection (read-write: a checkpoint writes the database file) and starts the timer.
    /// `askWriter` must run a PASSIVE checkpoint on the writer, off the caller's thread, then call its argument.
    init(
        path: String, configuration: DatabaseConfiguration, policy: DatabaseConfiguration.BackgroundCheckpoint,
        askWriter: @escaping @Sendable (@escaping @Sendable () -> Void) -> Void
    ) throws(DatabaseError) {
        var own = configuration
        own.busyTimeoutMilliseconds = 0
        own.cacheSizeKibibytes = 256
        own.memoryMapBytes = 0
        own.walAutocheckpointPages = 0
        own.backgroundCheckpoint = nil
        own.statementCacheCapacity = 4
        connection = try Connection(path: path, mode: .readWrite, configuration: own)
        self.policy = policy
        self.askWriter = askWriter
        queue = DispatchQueue(label: "civicseal.storage.checkpointer", qos: .utility)
        timer = DispatchSource.makeTimerSource(queue: queue)
        let interval = DispatchTimeInterval.milliseconds(policy.intervalMilliseconds)
        timer.schedule(
            deadline: .now() + interval, repeating: interval,
            leeway: .milliseconds(max(1, policy.intervalMilliseconds / 4)))
        timer.setEventHandler { [weak self] in self?.tick() }
        timer.resume()
    }

    deinit {
        timer.cancel()
    }

    var statistics: Statistics { counters.withLock { $0 } }

    /// One background pass; runs on `queue`.
    private func tick() {
        guard let connection else { return }
        // Read before the checkpoint, so a commit that lands during it counts for the next pass.
        let dataVersion: Int64
        if case .integer(let value)? = try? connection.scalar("PRAGMA data_version") {
            dataVersion = value
        } else {
            dataVersion = lastDataVersion
        }
        // SQLITE_BUSY here means another checkpoint is running (the writer's): nothing to do this time.
        guard let result = try? connection.checkpoint(.passive) else { return }
        counters.withLock {
            $0.passes += 1
            $0.lastWALFrames = result.walFrameCount
        }
        let now = DispatchTime.now()
        // New commits, whatever the frame count says: once a pass has copied every frame, the next commit restarts
        // the WAL from its first frame, and a few commits later it may hold exactly as many frames as before.
        let grew = dataVersion != lastDataVersion || result.walFrameCount != lastWALFrames
        lastDataVersion = dataVersion
        if grew {
            quietSince = now
        }
        lastWALFrames = result.walFrameCount
        if grew != isFast {
            isFast = grew
            counters.withLock { counters in
                if grew && counters.idle { counters.resumptions += 1 }
                counters.idle = !grew
            }
            // Idle: wake less often, but never later than the idle truncation is due.
            let milliseconds =
                grew
                ? policy.intervalMilliseconds
                : max(
                    policy.intervalMilliseconds, min(policy.idleIntervalMilliseconds, policy.idleTruncateMilliseconds))
            let interval = DispatchTimeInterval.milliseconds(milliseconds)
            timer.schedule(
                deadline: .now() + interval, repeating: interval, leeway: .milliseconds(max(1, milliseconds / 4)))
        }
        if result.walFrameCount >= policy.restartPages {
            requestWriterCheckpoint()
        } else if result.walFrameCount > 0, let quietSince,
            now.uptimeNanoseconds - quietSince.uptimeNanoseconds
                >= UInt64(policy.idleTruncateMilliseconds) * 1_000_000
        {
            // Idle: empty the -wal file. Busy timeout 0, so this never makes the writer wait for long.
            if (try? connection.checkpoint(.truncate)) != nil {
                counters.withLock { $0.truncations += 1 }
                lastWALFrames = 0
            }
        }
    }

    private func requestWriterCheckpoint() {
        guard
            writerRequestPending.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing)
                .exchanged
        else { return }
        counters.withLock { $0.writerRequests += 1 }
        askWriter { [weak self] in self?.writerRequestPending.store(false, ordering: .releasing) }
    }

    /// Runs `body` while no background pass runs (SQLite refuses a second concurrent checkpoint with SQLITE_BUSY
    /// instead of waiting). Never call it from the checkpointer's own queue.
    func excludingPasses<T>(_ body: () throws -> T) rethrows -> T {
        try queue.sync(execute: body)
    }

    /// Stops the timer and closes the connection; waits for a running pass to finish. Stopping twice does nothing.
    func stop() {
        timer.cancel()
        queue.sync {
            connection?.close()
            connection = nil
        }
    }
}

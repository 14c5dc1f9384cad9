import Foundation
import Synchronization

/// Starts child processes one at a time. swift-corelibs-foundation's `Process.run()` is not safe to call from several
/// threads at once on Linux (a CI run crashed in its `memcpy` while two suites spawned tools in parallel); the launch
/// itself is short, so serialising it costs nothing the tests would notice.
public enum ProcessLaunch {
    private static let lock = Mutex(())

    public static func run(_ process: Process) throws {
        try lock.withLock { _ in try process.run() }
    }
}

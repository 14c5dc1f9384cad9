import Dispatch
import Foundation
import Synchronization

/// Turns SIGTERM / SIGINT into a callback, through `DispatchSource` rather than a C signal handler (which
/// could do almost nothing safely). Keep the value alive for as long as the handling should last.
package final class ShutdownSignalObserver: @unchecked Sendable {
    // @unchecked Sendable: `sources` is written once in init and only read (cancel) afterwards;
    // DispatchSource itself is thread-safe.
    private let sources: [any DispatchSourceSignal]

    /// Ignores the default disposition of each signal (`signal(SIG_IGN)` first, so the process is not killed
    /// before the source fires), then calls `handler` on `queue` for every delivery.
    package init(
        signals: [Int32] = [SIGTERM, SIGINT], queue: DispatchQueue = .global(),
        handler: @escaping @Sendable (Int32) -> Void
    ) {
        sources = signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { handler(number) }
            source.resume()
            return source
        }
    }

    package func cancel() { for source in sources { source.cancel() } }

    deinit { cancel() }
}

extension HTTPServer {
    /// Shuts the server down gracefully on the first SIGTERM or SIGINT, then calls `completion`
    /// (e.g. to close the database); `await waitUntilStopped()` in `main` to exit 0 afterwards.
    package func shutdownOnSignals(
        _ signals: [Int32] = [SIGTERM, SIGINT], deadline: Duration = .seconds(10),
        completion: @escaping @Sendable () async -> Void = {}
    ) -> ShutdownSignalObserver {
        let started = OnceFlag()
        return ShutdownSignalObserver(signals: signals) { [self] _ in
            guard started.claim() else { return }
            Task {
                await self.shutdown(deadline: deadline)
                await completion()
            }
        }
    }
}

/// True for the first caller of ``claim()`` only.
final class OnceFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    func claim() -> Bool { !flag.exchange(true, ordering: .relaxed) }
}

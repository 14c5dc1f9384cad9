import CivicSealHTTP
import CivicSealPostgres
import Dispatch
import Foundation
import Synchronization

/// What makes a running `serve` reload its keyring (``KeyringReloader``), and what it reports:
///
/// - **polling**: every instance reads `keyring.json` once a ``KeyringReloader/interval`` (60 s), on SQLite and
///   PostgreSQL alike, so a keyring changed on a shared file system without notice is taken within a minute;
/// - **`NOTIFY civicseal_keyring`** on PostgreSQL (`keys rotate --database …` and `keys compromise` send it): a
///   dedicated LISTEN connection checks at once. A lost connection is opened again (1 s, then up to 30 s apart),
///   with a check on every (re)connection; polling covers the gap meanwhile.
///
/// Checks run on a serial dispatch queue of their own (file reads, perhaps a token, the store), never on the
/// cooperative pool. `civicseal_keyring_reloads_total{outcome}` counts applied and refused reloads;
/// `civicseal_keyring_reload_failing` is 1 while the keyring on disk is refused.
final class KeyringWatch: Sendable {
    /// The channel `keys rotate --database postgresql://…` notifies.
    static let channel = KeyringNotice.channel

    let reloader: KeyringReloader
    private let queue = DispatchQueue(label: "civicseal.keyring-reload")
    private let reloads: Counter
    private let failing: Gauge
    private let tasks = Mutex<[Task<Void, Never>]>([])
    private let listener = Mutex<PostgresListener?>(nil)

    init(reloader: KeyringReloader, metrics: MetricsRegistry) {
        self.reloader = reloader
        reloads = metrics.counter(
            "civicseal_keyring_reloads_total", help: "Keyring reloads without a restart, by outcome.",
            labelNames: ["outcome"])
        failing = metrics.gauge(
            "civicseal_keyring_reload_failing",
            help: "1 while keyring.json on disk is refused (the keys loaded before stay in use), else 0.")
        failing.set(0)
    }

    /// Starts polling, and on PostgreSQL listening; `log` gets the listener's connection problems.
    func start(postgres: PostgresConfiguration?, log: @escaping @Sendable (String) -> Void) {
        let poller = Task { [self] in
            // Woken four times an interval: ``KeyringReloader/poll(at:)`` decides whether a minute has passed.
            let nap = Duration.milliseconds(Int64(max(0.05, reloader.interval / 4) * 1000))
            while !Task.isCancelled {
                try? await Task.sleep(for: nap)
                if Task.isCancelled { break }
                _ = await poll(at: Date())
            }
        }
        var started = [poller]
        if let postgres {
            started.append(Task { [self] in await listen(postgres, log: log) })
        }
        tasks.withLock { $0 = started }
    }

    /// Stops the poller and the listener.
    func stop() async {
        for task in tasks.withLock({ $0 }) { task.cancel() }
        let current = listener.withLock { value -> PostgresListener? in
            defer { value = nil }
            return value
        }
        await current?.stop()
    }

    /// Checks now (a notification, a (re)connection), off the cooperative pool.
    @discardableResult
    func check() async -> KeyringReloader.Outcome {
        await offPool { $0.check() }
    }

    func poll(at now: Date) async -> KeyringReloader.Outcome {
        await offPool { $0.poll(at: now) }
    }

    private func offPool(_ body: @escaping @Sendable (KeyringReloader) -> KeyringReloader.Outcome) async
        -> KeyringReloader.Outcome
    {
        let outcome = await withCheckedContinuation { continuation in
            queue.async { [reloader] in continuation.resume(returning: body(reloader)) }
        }
        report(outcome)
        return outcome
    }

    private func report(_ outcome: KeyringReloader.Outcome) {
        switch outcome {
        case .applied: reloads.increment(labels: ["applied"])
        case .refused: reloads.increment(labels: ["refused"])
        case .unchanged, .notDue: break
        }
        failing.set(reloader.status.failure == nil ? 0 : 1)
    }

    /// LISTENs until cancelled: each notification checks; a lost connection is opened again.
    private func listen(_ configuration: PostgresConfiguration, log: @escaping @Sendable (String) -> Void) async {
        var pause = Duration.seconds(1)
        var reported = false
        while !Task.isCancelled {
            do throws(PostgresError) {
                let opened = try await PostgresListener.listen(configuration, channels: [Self.channel])
                listener.withLock { $0 = opened }
                if reported { log("civicseal: keyring notifications (LISTEN \(Self.channel)) restored") }
                reported = false
                pause = .seconds(1)
                // Anything notified while not listening.
                await check()
                for await _ in opened.notifications {
                    await check()
                }
                listener.withLock { $0 = nil }
                await opened.stop()
                if Task.isCancelled { return }
                log("civicseal: keyring notifications lost; reconnecting (polling keyring.json meanwhile)")
                reported = true
            } catch {
                if !reported {
                    log(
                        "civicseal: cannot LISTEN \(Self.channel) (\(error.kind)); retrying (polling keyring.json "
                            + "meanwhile)")
                    reported = true
                }
            }
            try? await Task.sleep(for: pause)
            pause = min(pause * 2, .seconds(30))
        }
    }
}

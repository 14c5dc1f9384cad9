import CivicSealCrypto
import Foundation
import Synchronization

/// A fixed-window counter per client: at most `limit` attempts per `window`. The edges key clients by their
/// address (`IPAddress.clientKey`: the IPv4 address, or the /64 of an IPv6 one, since one host holds a whole /64;
/// behind a trusted proxy the forwarded client's, not the proxy's). Used by the five-field
/// confirmation (`POST /v1/verify/details`, `POST /v/{id}`) so nobody can enumerate names or ID numbers against a
/// document id. Windows are kept for the addresses seen in the current and previous window only.
///
/// With a ``SharedRateCounter`` (several instances on one PostgreSQL database) the budget is one for all instances:
/// windows are aligned to multiples of `window` and counted in the database under the SHA-256 of `namespace` and
/// the client key; a counter that cannot be reached falls back to this process's own count. ``attempt(_:now:)`` is
/// async for that reason: the shared count suspends while the database answers on the store's own threads.
package final class RateLimiter: Sendable {
    package let limit: Int
    package let window: TimeInterval
    private let state = Mutex<[String: (start: TimeInterval, count: Int)]>([:])
    private let shared: (counter: any SharedRateCounter, namespace: String)?

    package init(limit: Int, window: TimeInterval) {
        self.limit = limit
        self.window = window
        shared = nil
    }

    /// A limiter whose budget every instance using `counter` shares; `namespace` keeps budgets of different
    /// limiters apart.
    package init(limit: Int, window: TimeInterval, shared counter: any SharedRateCounter, namespace: String) {
        self.limit = limit
        self.window = window
        shared = (counter, namespace)
    }

    /// Counts one attempt by `client` at `now`; returns the seconds to wait when over the limit, else `nil`.
    package func attempt(_ client: String, now: Date) async -> Int? {
        let time = now.timeIntervalSince1970
        if let shared, window >= 1 {
            let seconds = Int64(window)
            let start = Int64(time.rounded(.down)) / seconds * seconds
            let key = Digest.sha256(Array("\(shared.namespace)\u{0}\(client)".utf8))
            if let count = await shared.counter.increment(key: key, windowStart: start, window: seconds) {
                return count > limit ? max(1, Int((Double(start + seconds) - time).rounded(.up))) : nil
            }
        }
        return state.withLock { counters in
            if counters.count > 50_000 { counters = counters.filter { time - $0.value.start < window } }
            var entry = counters[client] ?? (time, 0)
            if time - entry.start >= window { entry = (time, 0) }
            entry.count += 1
            counters[client] = entry
            return entry.count > limit ? max(1, Int((entry.start + window - time).rounded(.up))) : nil
        }
    }
}

/// Fixed-window counters every instance shares (a database table). Bounded: one row per key, rows of past windows
/// deleted by the counter itself.
package protocol SharedRateCounter: Sendable {
    /// Counts one attempt of `key` in the window starting at `windowStart` (Unix seconds, `window` long) and returns
    /// the attempts in that window so far, this one included; nil when the counter cannot be reached. It must not
    /// block the caller's thread (the cooperative pool).
    func increment(key: [UInt8], windowStart: Int64, window: Int64) async -> Int?
}

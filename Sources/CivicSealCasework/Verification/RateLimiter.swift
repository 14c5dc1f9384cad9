import Foundation
import Synchronization

/// A fixed-window counter per client: at most `limit` attempts per `window`. The edges key clients by their
/// address (`IPAddress.clientKey`: the IPv4 address, or the /64 of an IPv6 one, since one host holds a whole /64;
/// behind a trusted proxy the forwarded client's, not the proxy's). Used by the five-field
/// confirmation (`POST /v1/verify/details`, `POST /v/{id}`) so nobody can enumerate names or ID numbers against a
/// document id. Windows are kept for the addresses seen in the current and previous window only.
package final class RateLimiter: Sendable {
    package let limit: Int
    package let window: TimeInterval
    private let state = Mutex<[String: (start: TimeInterval, count: Int)]>([:])

    package init(limit: Int, window: TimeInterval) {
        self.limit = limit
        self.window = window
    }

    /// Counts one attempt by `client` at `now`; returns the seconds to wait when over the limit, else `nil`.
    package func attempt(_ client: String, now: Date) -> Int? {
        let time = now.timeIntervalSince1970
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

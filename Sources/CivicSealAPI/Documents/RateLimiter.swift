import Foundation
import Synchronization

/// A fixed-window counter per client address: at most `limit` attempts per `window`. Used by the five-field
/// confirmation (`POST /v1/verify/details`, `POST /v/{id}`) so nobody can enumerate names or ID numbers against a
/// document id. Windows are kept for the addresses seen in the current and previous window only.
final class RateLimiter: Sendable {
    let limit: Int
    let window: TimeInterval
    private let state = Mutex<[String: (start: TimeInterval, count: Int)]>([:])

    init(limit: Int, window: TimeInterval) {
        self.limit = limit
        self.window = window
    }

    /// The client's address without its port (`203.0.113.9:51234` → `203.0.113.9`, `[2001:db8::1]:443` → `2001:db8::1`):
    /// each connection has its own port, so counting by `address:port` would limit nothing.
    static func clientKey(_ remoteAddress: String) -> String {
        if remoteAddress.hasPrefix("["), let close = remoteAddress.firstIndex(of: "]") {
            return String(remoteAddress[remoteAddress.index(after: remoteAddress.startIndex)..<close])
        }
        if let colon = remoteAddress.lastIndex(of: ":") { return String(remoteAddress[..<colon]) }
        return remoteAddress
    }

    /// Counts one attempt by `client` at `now`; returns the seconds to wait when over the limit, else `nil`.
    func attempt(_ remoteAddress: String, now: Date) -> Int? {
        let client = Self.clientKey(remoteAddress)
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

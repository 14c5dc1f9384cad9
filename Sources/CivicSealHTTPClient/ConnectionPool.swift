import Synchronization

/// Idle keep-alive connections by origin, bounded per origin and in all; the oldest goes first when full, and a
/// connection idle past the idle timeout is closed rather than handed out. Nothing from outside can grow it: only
/// a response that completed cleanly returns its connection here.
final class ConnectionPool: Sendable {
    private struct State {
        /// Most recently idled last.
        var idle: [Origin: [ClientConnection]] = [:]
        var count = 0
        var closed = false
    }

    private let state = Mutex(State())
    private let perOrigin: Int
    private let total: Int
    private let idleTimeout: Duration

    init(perOrigin: Int, total: Int, idleTimeout: Duration) {
        self.perOrigin = max(0, perOrigin)
        self.total = max(0, total)
        self.idleTimeout = idleTimeout
    }

    /// The most recently idled connection to `origin` that is still fresh and quiet, or nil.
    func take(_ origin: Origin) -> ClientConnection? {
        let now = ContinuousClock.now
        var stale: [ClientConnection] = []
        let found: ClientConnection? = state.withLock { state in
            while var list = state.idle[origin], let last = list.popLast() {
                state.idle[origin] = list.isEmpty ? nil : list
                state.count -= 1
                if now - last.idleSince < idleTimeout { return last }
                stale.append(last)
            }
            return nil
        }
        _ = stale  // closed here, outside the lock, as they are released
        if let found, !found.looksReusable { return take(origin) }
        return found
    }

    /// Keeps `connection` for reuse, evicting the oldest of its origin, or of all, when a bound is reached.
    func put(_ connection: ClientConnection) {
        connection.idleSince = .now
        var evicted: [ClientConnection] = []
        state.withLock { state in
            guard !state.closed, perOrigin > 0, total > 0 else {
                evicted.append(connection)
                return
            }
            if var list = state.idle[connection.origin], list.count >= perOrigin {
                evicted.append(list.removeFirst())
                state.idle[connection.origin] = list.isEmpty ? nil : list
                state.count -= 1
            }
            if state.count >= total,
                let oldest = state.idle.min(by: { $0.value[0].idleSince < $1.value[0].idleSince })?.key,
                var list = state.idle[oldest]
            {
                evicted.append(list.removeFirst())
                state.idle[oldest] = list.isEmpty ? nil : list
                state.count -= 1
            }
            state.idle[connection.origin, default: []].append(connection)
            state.count += 1
        }
        _ = evicted
    }

    /// Idle connections held now.
    var idleCount: Int { state.withLock { $0.count } }

    /// Closes every idle connection and refuses later ones.
    func close() {
        let all: [ClientConnection] = state.withLock { state in
            state.closed = true
            let all = state.idle.values.flatMap { $0 }
            state.idle = [:]
            state.count = 0
            return all
        }
        _ = all
    }
}

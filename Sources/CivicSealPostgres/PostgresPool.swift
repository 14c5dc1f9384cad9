import Foundation
import Synchronization

/// A bounded pool of connections to one server: at most `maximumConnections` open, callers beyond that wait in
/// order until one is released or their checkout deadline passes. A connection idle for longer than
/// `healthCheckAfterIdle` is checked before it is handed out; broken connections are dropped and replaced on
/// demand, so a restarted server costs the calls that were using the old connections, and later calls recover.
package final class PostgresPool: Sendable {
    package struct Options: Sendable {
        package var maximumConnections: Int
        /// How long a caller waits for a connection before a `timeout` error.
        package var checkoutTimeout: Duration
        /// An idle connection older than this is checked (the server may have closed it) before reuse.
        package var healthCheckAfterIdle: Duration

        package init(
            maximumConnections: Int = 4, checkoutTimeout: Duration = .seconds(10),
            healthCheckAfterIdle: Duration = .seconds(1)
        ) {
            self.maximumConnections = max(1, maximumConnections)
            self.checkoutTimeout = checkoutTimeout
            self.healthCheckAfterIdle = healthCheckAfterIdle
        }
    }

    /// What the pool holds now.
    package struct Statistics: Sendable, Equatable {
        package var open: Int
        package var idle: Int
        package var waiting: Int
        /// Connections opened since the pool was made.
        package var opened: Int
        /// Connections dropped as broken or unhealthy.
        package var dropped: Int
    }

    private enum Handoff {
        case connection(PostgresConnection)
        /// A slot became free (a broken connection was dropped): open a new one.
        case slot
        case failure(PostgresError)
    }

    private struct Waiter {
        let continuation: CheckedContinuation<Handoff, Never>
        let timer: Task<Void, Never>?
    }

    private struct State {
        var idle: [(connection: PostgresConnection, since: ContinuousClock.Instant)] = []
        var open = 0
        var opened = 0
        var dropped = 0
        var waiters: [UInt64: Waiter] = [:]
        var order: [UInt64] = []
        var nextWaiter: UInt64 = 0
        var closed = false

        mutating func firstWaiter() -> Waiter? {
            while !order.isEmpty {
                if let waiter = waiters.removeValue(forKey: order.removeFirst()) { return waiter }
            }
            return nil
        }
    }

    package let configuration: PostgresConfiguration
    package let options: Options
    private let tlsContext: PostgresTLSContext?
    private let state = Mutex(State())

    package init(_ configuration: PostgresConfiguration, options: Options = Options()) throws(PostgresError) {
        self.configuration = configuration
        self.options = options
        tlsContext = configuration.tls == .disable ? nil : try PostgresTLSContext(configuration.tls)
    }

    package var statistics: Statistics {
        state.withLock {
            Statistics(
                open: $0.open, idle: $0.idle.count, waiting: $0.waiters.count, opened: $0.opened, dropped: $0.dropped)
        }
    }

    /// Runs `body` with a connection of its own, returned to the pool afterwards (dropped if it broke).
    package func withConnection<T>(_ body: (PostgresConnection) async throws(PostgresError) -> T)
        async throws(PostgresError) -> T
    {
        let connection = try await checkout()
        do throws(PostgresError) {
            let result = try await body(connection)
            release(connection)
            return result
        } catch {
            release(connection)
            throw error
        }
    }

    package func query(_ sql: String, _ bindings: [PostgresValue] = []) async throws(PostgresError) -> PostgresRows {
        try await withConnection { connection throws(PostgresError) in try await connection.query(sql, bindings) }
    }

    /// Runs `body` in a transaction on a connection of its own (see ``PostgresConnection/transaction(_:)``).
    package func transaction<T>(_ body: (PostgresConnection) async throws(PostgresError) -> T)
        async throws(PostgresError) -> T
    {
        try await withConnection { connection throws(PostgresError) in try await connection.transaction(body) }
    }

    package func pipeline(_ statements: [PostgresStatement]) async throws(PostgresError) -> [PostgresRows] {
        try await withConnection { connection throws(PostgresError) in try await connection.pipeline(statements) }
    }

    /// Closes the idle connections and refuses new checkouts; connections in use close when released.
    package func close() async {
        let (idle, waiters) = state.withLock { state in
            state.closed = true
            defer {
                state.open -= state.idle.count
                state.idle = []
                state.waiters = [:]
                state.order = []
            }
            return (state.idle.map(\.connection), Array(state.waiters.values))
        }
        for waiter in waiters {
            waiter.timer?.cancel()
            waiter.continuation.resume(returning: .failure(PostgresError(.connection, "the pool is closed")))
        }
        for connection in idle { await connection.close() }
    }

    // MARK: Checkout and release

    private enum Step {
        case reuse(PostgresConnection, idleSince: ContinuousClock.Instant)
        case open
        case wait
        case closed
    }

    private func checkout() async throws(PostgresError) -> PostgresConnection {
        let deadline = ContinuousClock.now + options.checkoutTimeout
        while true {
            try Self.checkCancellation()
            let step: Step = state.withLock { state in
                if state.closed { return .closed }
                if let last = state.idle.popLast() { return .reuse(last.connection, idleSince: last.since) }
                if state.open < options.maximumConnections {
                    state.open += 1
                    state.opened += 1
                    return .open
                }
                return .wait
            }
            switch step {
            case .closed: throw PostgresError(.connection, "the pool is closed")
            case .reuse(let connection, let since):
                if await isUsable(connection, idleSince: since) { return connection }
                drop()
            case .open:
                return try await open()
            case .wait:
                switch await wait(until: deadline) {
                case .connection(let connection): return connection
                case .slot: return try await open()
                case .failure(let error): throw error
                }
            }
        }
    }

    private static func checkCancellation() throws(PostgresError) {
        if Task.isCancelled { throw PostgresError(.cancelled, "the task was cancelled while waiting for a connection") }
    }

    private func isUsable(_ connection: PostgresConnection, idleSince: ContinuousClock.Instant) async -> Bool {
        if connection.isBroken { return false }
        if ContinuousClock.now - idleSince < options.healthCheckAfterIdle { return true }
        return await connection.looksHealthy()
    }

    /// Opens a connection for a slot already counted in `open`; gives the slot back on failure.
    private func open() async throws(PostgresError) -> PostgresConnection {
        do throws(PostgresError) {
            return try await PostgresConnection.connect(configuration, tlsContext: tlsContext)
        } catch {
            drop(counted: false)
            throw error
        }
    }

    /// Forgets one open connection (broken or unhealthy) and lets the first waiter open a replacement.
    private func drop(counted: Bool = true) {
        let waiter: Waiter? = state.withLock { state in
            if counted { state.dropped += 1 }
            if let waiter = state.firstWaiter() { return waiter }  // the slot passes to the waiter
            state.open -= 1
            return nil
        }
        if let waiter {
            waiter.timer?.cancel()
            waiter.continuation.resume(returning: .slot)
        }
    }

    private func release(_ connection: PostgresConnection) {
        // A connection left inside a transaction (a body that began one and threw) is not handed to anyone else.
        if connection.isBroken || !connection.isIdle {
            drop()
            return
        }
        let (waiter, closing): (Waiter?, Bool) = state.withLock { state in
            if state.closed {
                state.open -= 1
                return (nil, true)
            }
            if let waiter = state.firstWaiter() { return (waiter, false) }
            state.idle.append((connection, ContinuousClock.now))
            return (nil, false)
        }
        if closing {
            Task { await connection.close() }
        } else if let waiter {
            waiter.timer?.cancel()
            waiter.continuation.resume(returning: .connection(connection))
        }
    }

    /// Waits for a released connection or a free slot, until `deadline` or the task's cancellation.
    private func wait(until deadline: ContinuousClock.Instant) async -> Handoff {
        let id = state.withLock { state in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Handoff, Never>) in
                let timer = Task { [weak self] in
                    try? await Task.sleep(until: deadline, clock: .continuous)
                    if Task.isCancelled { return }
                    self?.abandon(
                        id, PostgresError(.timeout, "no connection was free within the checkout timeout"))
                }
                let registered = state.withLock { state in
                    if state.closed { return false }
                    state.waiters[id] = Waiter(continuation: continuation, timer: timer)
                    state.order.append(id)
                    return true
                }
                if registered, Task.isCancelled {  // cancelled before the handler could find the waiter
                    abandon(id, PostgresError(.cancelled, "the task was cancelled while waiting for a connection"))
                } else if !registered {
                    timer.cancel()
                    continuation.resume(returning: .failure(PostgresError(.connection, "the pool is closed")))
                }
            }
        } onCancel: {
            abandon(id, PostgresError(.cancelled, "the task was cancelled while waiting for a connection"))
        }
    }

    /// Ends waiter `id` with `error` if it is still waiting.
    private func abandon(_ id: UInt64, _ error: PostgresError) {
        let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
        guard let waiter else { return }
        waiter.timer?.cancel()
        waiter.continuation.resume(returning: .failure(error))
    }
}

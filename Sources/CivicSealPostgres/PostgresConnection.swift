import Foundation
import Synchronization

/// One statement of a pipeline: SQL with `$1 …` placeholders and its bound values.
package struct PostgresStatement: Sendable {
    package let sql: String
    package let bindings: [PostgresValue]

    package init(_ sql: String, _ bindings: [PostgresValue] = []) {
        self.sql = sql
        self.bindings = bindings
    }
}

/// A notification delivered by LISTEN/NOTIFY.
package struct PostgresNotification: Sendable, Equatable {
    package let processID: Int32
    package let channel: String
    package let payload: String
}

/// One connection to a PostgreSQL server (frontend/backend protocol 3.0). Every socket wait runs on the
/// connection's own thread, one operation at a time in call order; the calling task only awaits. Cancelling the
/// calling task cancels the running statement on the server (a CancelRequest on a second connection).
///
/// Statements run through the extended query protocol: each distinct SQL text (with its parameter types) is
/// parsed once into a named prepared statement and described, then reused; results come back in binary for the
/// types of ``PostgresValue`` and as text for others.
package final class PostgresConnection: @unchecked Sendable {
    // @unchecked Sendable: the mutable state (`socket`, `statements`, `serverParameters`, `backendKey`) is only
    // touched by jobs on `thread`, which run one at a time; what other threads read is atomic or under a Mutex.
    package let configuration: PostgresConfiguration
    let thread: IOThread
    let tlsContext: PostgresTLSContext?
    var socket: PostgresSocket?
    var statements: [StatementKey: PreparedStatement] = [:]
    var statementCounter = 0
    var useCounter = 0
    var backendKey: (processID: Int32, secretKey: Int32)?
    var notificationHandler: (@Sendable (PostgresNotification) -> Void)?
    private let brokenFlag = Atomic<Bool>(false)
    /// Flights sent so far (each write that waits for its answers: a pipeline, its preparation, a script): what a
    /// round-trip count in a test or benchmark reads.
    package let roundTrips = Atomic<Int>(0)
    /// The transaction status of the last ReadyForQuery: `I` idle, `T` in a transaction, `E` in a failed one.
    let transactionState = Atomic<UInt8>(UInt8(ascii: "I"))
    private let publicState = Mutex<[String: String]>([:])

    init(configuration: PostgresConfiguration, tlsContext: PostgresTLSContext?) {
        self.configuration = configuration
        self.tlsContext = tlsContext
        thread = IOThread(name: "civicseal.postgres")
    }

    deinit { thread.stop() }

    /// Connects, negotiates TLS as configured, authenticates and waits for the server to be ready.
    /// - Parameter tlsContext: a context to share between connections (a pool's); made from the configuration
    ///   when nil.
    package static func connect(
        _ configuration: PostgresConfiguration, tlsContext: PostgresTLSContext? = nil
    ) async throws(PostgresError) -> PostgresConnection {
        var context = tlsContext
        if context == nil, configuration.tls != .disable { context = try PostgresTLSContext(configuration.tls) }
        let connection = PostgresConnection(configuration: configuration, tlsContext: context)
        try await connection.perform(interruptible: false) { connection, policy throws(PostgresError) in
            try connection.startUp(policy: policy)
        }
        return connection
    }

    /// Runs one statement with `bindings` for `$1 …`.
    package func query(_ sql: String, _ bindings: [PostgresValue] = []) async throws(PostgresError) -> PostgresRows {
        let results = try await pipeline([PostgresStatement(sql, bindings)])
        return results[0]
    }

    /// Runs `statements` with one Sync: all leave in one write, their results come back in order. As the server
    /// does for messages before one Sync, they run in one implicit transaction unless they open their own; the
    /// first failure is thrown and the statements after it are skipped.
    package func pipeline(_ statements: [PostgresStatement]) async throws(PostgresError) -> [PostgresRows] {
        if statements.isEmpty { return [] }
        return try await perform(interruptible: true) { connection, policy throws(PostgresError) in
            try connection.runExtended(statements, policy: policy)
        }
    }

    /// Runs `script` through the simple query protocol (several statements separated by semicolons, no
    /// parameters, results as text): for migrations and scripts.
    package func simpleQuery(_ script: String) async throws(PostgresError) -> [PostgresRows] {
        try await perform(interruptible: true) { connection, policy throws(PostgresError) in
            try connection.runSimple(script, policy: policy)
        }
    }

    /// ``pipeline(_:)`` on the calling thread, blocking it: for a caller that has the connection to itself (a
    /// store's checked-out connection, used by one thread at a time, never while an async call on it is pending).
    /// Saves the two thread hops of the async path (caller → connection thread → caller) per round trip. The query
    /// timeout applies, and interrupts the statement with a CancelRequest.
    ///
    /// With `guardingPreparation`, statements the connection has not prepared yet are parsed under a savepoint
    /// when a transaction block is open, so that one the server refuses leaves the transaction usable (see
    /// ``PostgresError/duringPreparation``): for a caller that runs several independent units in one transaction.
    package func pipelineBlocking(
        _ statements: [PostgresStatement], guardingPreparation: Bool = false
    ) throws(PostgresError) -> [PostgresRows] {
        if statements.isEmpty { return [] }
        return try performBlocking { connection, policy throws(PostgresError) in
            try connection.runExtended(statements, policy: policy, guardingPreparation: guardingPreparation)
        }
    }

    /// Whether the connection, idle and owned by the calling thread (a store's checked-out connection), still looks
    /// usable: not broken, nothing unasked to read, the server has not closed it (one `poll`, no round trip).
    package var looksHealthyBlocking: Bool { !isBroken && (socket?.looksIdle ?? false) }

    /// ``simpleQuery(_:)`` on the calling thread, blocking it (see ``pipelineBlocking(_:)``).
    package func simpleQueryBlocking(_ script: String) throws(PostgresError) -> [PostgresRows] {
        try performBlocking { connection, policy throws(PostgresError) in
            try connection.runSimple(script, policy: policy)
        }
    }

    /// Sends Terminate and closes the socket; later calls fail with a connection error.
    package func close() async {
        // Not through `perform`: a cancelled task still closes its connection.
        _ = await thread.perform { () -> Result<Void, PostgresError> in
            let policy = WaitPolicy(deadline: ContinuousClock.now + .seconds(5), cancellation: Cancellation())
            self.terminate(policy: policy)
            return .success(())
        }
        thread.stop()
    }

    /// Whether the session is outside any transaction block (as of the last ReadyForQuery): a pool hands out
    /// only such connections.
    package var isIdle: Bool { transactionState.load(ordering: .relaxed) == UInt8(ascii: "I") }

    /// Whether the session is in a failed transaction block (as of the last ReadyForQuery): until a rollback (to a
    /// savepoint), the server refuses every other statement.
    package var transactionIsAborted: Bool { transactionState.load(ordering: .relaxed) == UInt8(ascii: "E") }

    /// Runs `body` between BEGIN and COMMIT; ROLLBACK when it throws (the error is rethrown).
    package func transaction<T>(_ body: (PostgresConnection) async throws(PostgresError) -> T)
        async throws(PostgresError) -> T
    {
        _ = try await simpleQuery("BEGIN")
        do throws(PostgresError) {
            let result = try await body(self)
            _ = try await simpleQuery("COMMIT")
            return result
        } catch {
            if !isBroken { _ = try? await simpleQuery("ROLLBACK") }
            throw error
        }
    }

    /// True once the connection failed at the socket or protocol level (or was closed): a pool drops it.
    package var isBroken: Bool { brokenFlag.load(ordering: .relaxed) }

    /// A ParameterStatus the server reported (`server_version`, `TimeZone`, …).
    package func serverParameter(_ name: String) -> String? { publicState.withLock { $0[name] } }

    /// Whether the connection, idle, still looks usable: not broken and nothing unasked to read. Runs on the
    /// connection's thread, after any operation still queued.
    package func looksHealthy() async -> Bool {
        let result = await thread.perform { () -> Result<Bool, PostgresError> in
            .success(!self.isBroken && (self.socket?.looksIdle ?? false))
        }
        return (try? result.get()) ?? false
    }

    // MARK: Running on the connection's thread

    func setServerParameter(_ name: String, _ value: String) { publicState.withLock { $0[name] = value } }

    func markBroken() {
        brokenFlag.store(true, ordering: .relaxed)
        socket = nil
    }

    /// Runs `work` on the connection's thread with a wait policy tied to the calling task's cancellation (and, for
    /// statements, the query timeout and a CancelRequest as the interrupt). A failure below the server level marks
    /// the connection broken.
    func perform<T: Sendable>(
        interruptible: Bool,
        _ work: @escaping @Sendable (PostgresConnection, WaitPolicy) throws(PostgresError) -> T
    ) async throws(PostgresError) -> T {
        let cancellation = Cancellation()
        let result = await withTaskCancellationHandler {
            await thread.perform { () -> Result<T, PostgresError> in
                if cancellation.isCancelled {
                    return .failure(PostgresError(.cancelled, "the operation was cancelled"))
                }
                var policy = WaitPolicy(deadline: nil, cancellation: cancellation)
                if interruptible {
                    policy.deadline = self.configuration.queryTimeout.map { ContinuousClock.now + $0 }
                    policy.interrupt = self.cancelRequestSender()
                } else {
                    policy.deadline = ContinuousClock.now + self.configuration.connectTimeout
                }
                self.socket?.resetInterrupt()
                do throws(PostgresError) {
                    guard self.socket != nil || !interruptible else {
                        throw PostgresError(.connection, "the connection is closed")
                    }
                    return .success(try work(self, policy))
                } catch {
                    if error.breaksConnection { self.markBroken() }
                    if error.kind == .cancelled, let deadline = policy.deadline, ContinuousClock.now >= deadline,
                        !cancellation.isCancelled
                    {
                        return .failure(
                            PostgresError(.timeout, "the statement passed the query timeout", server: error.server))
                    }
                    return .failure(error)
                }
            }
        } onCancel: {
            cancellation.cancel()
        }
        return try result.get()
    }

    private static let neverCancelled = Cancellation()

    /// `work` on the calling thread, with the query timeout (and a CancelRequest as the interrupt); a failure below
    /// the server level marks the connection broken, as ``perform(interruptible:_:)`` does.
    private func performBlocking<T>(
        _ work: (PostgresConnection, WaitPolicy) throws(PostgresError) -> T
    ) throws(PostgresError) -> T {
        var policy = WaitPolicy(deadline: nil, cancellation: Self.neverCancelled)
        policy.deadline = configuration.queryTimeout.map { ContinuousClock.now + $0 }
        policy.interrupt = cancelRequestSender()
        socket?.resetInterrupt()
        do throws(PostgresError) {
            guard socket != nil else { throw PostgresError(.connection, "the connection is closed") }
            return try work(self, policy)
        } catch {
            if error.breaksConnection { markBroken() }
            if error.kind == .cancelled, let deadline = policy.deadline, ContinuousClock.now >= deadline {
                throw PostgresError(.timeout, "the statement passed the query timeout", server: error.server)
            }
            throw error
        }
    }

    /// A closure that asks the server to cancel what this connection runs, from a second connection.
    private func cancelRequestSender() -> (@Sendable () -> Void)? {
        guard let key = backendKey else { return nil }
        let endpoint = configuration.endpoint
        return {
            Self.sendCancelRequest(to: endpoint, processID: key.processID, secretKey: key.secretKey)
        }
    }

    /// CancelRequest (protocol "Canceling Requests in Progress"): a new connection carrying only the key; the
    /// server closes it without answering. Best effort: failures are ignored, the statement then runs on.
    static func sendCancelRequest(to endpoint: PostgresConfiguration.Endpoint, processID: Int32, secretKey: Int32) {
        let policy = WaitPolicy(deadline: ContinuousClock.now + .seconds(5), cancellation: Cancellation())
        guard let socket = try? PostgresSocket.connect(endpoint, maximumMessageBytes: 1 << 16, policy: policy) else {
            return
        }
        var request = FrontendBuffer()
        request.cancelRequest(processID: processID, secretKey: secretKey)
        try? socket.write(request.bytes, policy: policy)
        _ = try? socket.readMessage(policy: policy)  // returns when the server closes
    }
}

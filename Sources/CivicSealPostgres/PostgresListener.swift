import Foundation

/// LISTEN on a dedicated connection: every NotificationResponse for its channels is delivered to
/// ``notifications`` as it arrives. The stream ends when the listener is stopped or its connection breaks (a
/// caller that must not miss anything reconnects and re-reads what it listens for).
package final class PostgresListener: Sendable {
    package let notifications: AsyncStream<PostgresNotification>
    private let connection: PostgresConnection
    private let stopping = Cancellation()

    private init(connection: PostgresConnection, notifications: AsyncStream<PostgresNotification>) {
        self.connection = connection
        self.notifications = notifications
    }

    /// A listener released without ``stop()`` stops reading; its connection closes once released.
    deinit { stopping.cancel() }

    /// Connects, runs LISTEN for each of `channels` and starts delivering.
    package static func listen(
        _ configuration: PostgresConfiguration, channels: [String], bufferLimit: Int = 10_000
    ) async throws(PostgresError) -> PostgresListener {
        let connection = try await PostgresConnection.connect(configuration)
        let (stream, continuation) = AsyncStream.makeStream(
            of: PostgresNotification.self, bufferingPolicy: .bufferingOldest(max(1, bufferLimit)))
        _ = try await connection.perform(interruptible: false) { connection, _ throws(PostgresError) in
            connection.notificationHandler = { continuation.yield($0) }
        }
        for channel in channels {
            _ = try await connection.simpleQuery("LISTEN \(try quoteIdentifier(channel))")
        }
        let listener = PostgresListener(connection: connection, notifications: stream)
        let stopping = listener.stopping
        connection.thread.run {
            connection.listen(until: stopping)
            continuation.finish()
        }
        return listener
    }

    /// Stops listening, closes the connection and ends the stream.
    package func stop() async {
        stopping.cancel()
        await connection.close()
    }

    /// `name` as a quoted SQL identifier; NUL and names over 63 bytes (the server's limit) are refused.
    package static func quoteIdentifier(_ name: String) throws(PostgresError) -> String {
        guard !name.isEmpty, name.utf8.count <= 63, !name.utf8.contains(0) else {
            throw PostgresError(.unsupported, "a channel name must be 1 to 63 bytes without NUL")
        }
        return "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

extension PostgresConnection {
    /// Reads messages until `stopping` is set or the connection fails; notifications reach the handler in
    /// ``next(_:policy:duringStartup:)``. Runs on the connection's thread, so it holds the connection.
    func listen(until stopping: Cancellation) {
        guard let socket else { return }
        let policy = WaitPolicy(deadline: nil, cancellation: stopping)
        while !stopping.isCancelled {
            do throws(PostgresError) {
                let message = try next(socket, policy: policy)
                if case .error = message { continue }  // an asynchronous error outside a query: keep listening
                markBroken()
                return
            } catch {
                if error.kind != .cancelled { markBroken() }
                return
            }
        }
    }
}

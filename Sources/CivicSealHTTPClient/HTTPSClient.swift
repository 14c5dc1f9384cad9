import Foundation

/// The outbound HTTP/1.1 client over TLS (OpenSSL 3): TLS 1.2 and 1.3 only, certificates checked against the
/// configured roots with hostname verification, connect/read/total deadlines, a response-size limit, same-origin
/// redirects only, keep-alive connections reused per origin. Blocking socket work runs on the client's own threads,
/// never on the cooperative pool. It never logs.
package final class HTTPSClient: OutboundHTTPTransport {
    package let configuration: HTTPClientConfiguration
    private let tls: TLSContext
    private let pool: ConnectionPool
    private let threads: ExchangeThreads
    private let statistics = ClientStatistics()

    /// Loads the trusted roots; throws `certificateUntrusted` when they cannot be read.
    package init(configuration: HTTPClientConfiguration) throws(OutboundHTTPError) {
        self.configuration = configuration
        tls = try TLSContext(trust: configuration.trust)
        pool = ConnectionPool(
            perOrigin: configuration.maximumIdlePerOrigin, total: configuration.maximumIdleTotal,
            idleTimeout: configuration.idleTimeout)
        threads = ExchangeThreads(limit: configuration.maximumConcurrentRequests)
        Self.ignoreBrokenPipes
    }

    deinit {
        threads.stop()
        pool.close()
    }

    /// A write to a socket the peer closed must fail with EPIPE, not end the process (OpenSSL writes with write(2),
    /// which cannot take MSG_NOSIGNAL).
    private static let ignoreBrokenPipes: Void = { _ = signal(SIGPIPE, SIG_IGN) }()

    package func send(_ request: OutboundRequest) async throws(OutboundHTTPError) -> OutboundResponse {
        let deadlines = Deadlines(configuration)
        _ = try checked(request)  // a request that cannot be sent fails here, without a thread
        let result: Result<OutboundResponse, OutboundHTTPError> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                threads.run { [self] in
                    continuation.resume(
                        returning: Result { () throws(OutboundHTTPError) in
                            try followingRedirects(request, deadlines: deadlines)
                        })
                }
            }
        } onCancel: {
            deadlines.cancellation.cancel()  // the exchange notices at its next wait and closes its connection
        }
        return try result.get()
    }

    /// Connections opened since the client was made (tests prove reuse with it).
    package var connectionsOpened: Int { statistics.connectionsOpened.load(ordering: .relaxed) }

    /// Bytes received from servers since the client was made, TLS records decrypted (the response limit shows in it).
    package var bytesReceived: Int { statistics.bytesReceived.load(ordering: .relaxed) }

    /// Idle connections kept for reuse now.
    package var idleConnections: Int { pool.idleCount }

    // MARK: Redirects

    /// RFC 9110 §15.4: 301, 302, 303, 307 and 308 followed within the origin, at most `maximumRedirects` times;
    /// 303 (and 301/302 after a POST) become a GET without body.
    private func followingRedirects(_ request: OutboundRequest, deadlines: Deadlines) throws(OutboundHTTPError)
        -> OutboundResponse
    {
        guard !deadlines.cancellation.isCancelled else {
            throw OutboundHTTPError(.closed, "the request was cancelled before it was sent")
        }
        guard ContinuousClock.now < deadlines.total else {  // waited for a free thread past the total deadline
            throw OutboundHTTPError(.timedOut, "the request waited past the total deadline for a free connection slot")
        }
        var current = request
        var redirects = 0
        while true {
            let target = try checked(current)
            let response = try exchange(current, target, deadlines: deadlines)
            guard [301, 302, 303, 307, 308].contains(response.status), let location = response.header("Location")
            else { return response }
            guard let next = URL(string: location, relativeTo: current.url)?.absoluteURL,
                let nextTarget = try? RequestTarget(next)
            else { throw OutboundHTTPError(.redirectRefused, "\(target.origin) redirected to an invalid location") }
            guard nextTarget.origin == target.origin else {
                throw OutboundHTTPError(
                    .redirectRefused, "\(target.origin) redirected to another origin (\(nextTarget.origin))")
            }
            redirects += 1
            guard redirects <= configuration.maximumRedirects else {
                throw OutboundHTTPError(
                    .redirectRefused, "\(target.origin) redirected more than \(configuration.maximumRedirects) times")
            }
            let becomesGet =
                (response.status == 303 && current.method != "HEAD")
                || ([301, 302].contains(response.status) && current.method == "POST")
            current.url = next
            if becomesGet {
                current.method = "GET"
                current.body = []
                current.headers.removeAll { $0.0.lowercased() == "content-type" }
            }
        }
    }

    // MARK: One exchange

    /// Idempotent methods (RFC 9110 §9.2.2): the only ones sent again after a reused connection turned out closed.
    private static let idempotentMethods: Set<String> = ["GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE"]

    /// Sends `request` on a pooled or new connection and reads the response. A reused connection that fails before
    /// any byte of the response arrived is replaced once, for idempotent requests only.
    private func exchange(_ request: OutboundRequest, _ target: RequestTarget, deadlines: Deadlines)
        throws(OutboundHTTPError) -> OutboundResponse
    {
        let message = RequestHead.bytes(request, target) + request.body
        let mayRetry = Self.idempotentMethods.contains(request.method)
        var attempt = 0
        while true {
            attempt += 1
            let reused = pool.take(target.origin)
            let connection: ClientConnection
            if let reused {
                connection = reused
            } else {
                connection = try ClientConnection.open(
                    to: target.origin, tls: target.origin.isTLS ? tls : nil, deadlines: deadlines,
                    statistics: statistics)
            }
            var reader = ResponseReader(
                buffered: connection.pending, peer: target.origin.description,
                maximumHeaderBytes: configuration.maximumHeaderBytes,
                maximumBodyBytes: configuration.maximumResponseBytes
            ) { buffer throws(OutboundHTTPError) in try connection.receive(into: &buffer, deadlines: deadlines) }
            connection.pending = []
            do {
                try connection.write(message, deadlines: deadlines)
                let result = try reader.read(method: request.method)
                if result.keepAlive, reader.leftover.isEmpty {
                    connection.completedExchanges += 1
                    pool.put(connection)
                }
                return result.response
            } catch {
                let retry =
                    reused != nil && attempt == 1 && mayRetry && error.code == .closed && !reader.receivedAnything
                    && !deadlines.cancellation.isCancelled
                if !retry { throw error }
            }
        }
    }

    /// The target of `request` once it is known sendable: a valid URL, plain HTTP only where allowed, a valid
    /// method and header fields.
    private func checked(_ request: OutboundRequest) throws(OutboundHTTPError) -> RequestTarget {
        let target = try RequestTarget(request.url)
        if !target.origin.isTLS, !(configuration.allowPlainHTTPToLoopback && target.origin.isLoopback) {
            throw OutboundHTTPError(.plainHTTPRefused, "plain HTTP to \(target.origin) is refused")
        }
        try RequestHead.validate(request)
        return target
    }
}

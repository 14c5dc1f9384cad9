/// How an ``HTTPSClient`` trusts servers, how long it waits and how much it reads.
package struct HTTPClientConfiguration: Sendable {
    /// Where the trusted root certificates come from.
    package enum Trust: Sendable, Equatable {
        /// The operating system's store (OpenSSL's default verify paths).
        case system
        /// Only the PEM certificates of this file (a provider under a private CA; tests).
        case caBundle(String)
    }

    /// Which roots server certificates must chain to.
    package var trust: Trust
    /// For the TCP connection and the TLS handshake together.
    package var connectTimeout: Duration
    /// The longest wait for any one read (or write) once connected.
    package var readTimeout: Duration
    /// For the whole request: connection, redirects and retry included.
    package var totalTimeout: Duration
    /// The largest response body accepted; reading stops as soon as it would be exceeded.
    package var maximumResponseBytes: Int
    /// The largest response header section (status line and fields, or a chunked body's trailer).
    package var maximumHeaderBytes: Int
    /// Development only: `http://` to 127.0.0.1, ::1 or localhost. Plain HTTP elsewhere is always refused.
    package var allowPlainHTTPToLoopback: Bool
    /// Idle keep-alive connections kept per origin (scheme, host, port).
    package var maximumIdlePerOrigin: Int
    /// Idle keep-alive connections kept in all.
    package var maximumIdleTotal: Int
    /// An idle connection older than this is closed rather than reused.
    package var idleTimeout: Duration
    /// Same-origin redirects followed per request.
    package var maximumRedirects: Int
    /// Requests exchanged at the same time (each on one of the client's own threads); more wait their turn.
    package var maximumConcurrentRequests: Int

    package init(
        trust: Trust = .system, connectTimeout: Duration = .seconds(5), readTimeout: Duration = .seconds(10),
        totalTimeout: Duration = .seconds(30), maximumResponseBytes: Int = 1 << 20,
        maximumHeaderBytes: Int = 64 << 10, allowPlainHTTPToLoopback: Bool = false, maximumIdlePerOrigin: Int = 4,
        maximumIdleTotal: Int = 32, idleTimeout: Duration = .seconds(30), maximumRedirects: Int = 3,
        maximumConcurrentRequests: Int = 8
    ) {
        self.trust = trust
        self.connectTimeout = connectTimeout
        self.readTimeout = readTimeout
        self.totalTimeout = totalTimeout
        self.maximumResponseBytes = maximumResponseBytes
        self.maximumHeaderBytes = maximumHeaderBytes
        self.allowPlainHTTPToLoopback = allowPlainHTTPToLoopback
        self.maximumIdlePerOrigin = maximumIdlePerOrigin
        self.maximumIdleTotal = maximumIdleTotal
        self.idleTimeout = idleTimeout
        self.maximumRedirects = maximumRedirects
        self.maximumConcurrentRequests = maximumConcurrentRequests
    }
}

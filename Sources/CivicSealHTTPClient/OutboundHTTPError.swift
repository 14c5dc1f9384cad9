/// Why an outbound request failed. The description names the host and what went wrong; it never carries a body, a
/// query string, a header value or a secret.
package struct OutboundHTTPError: Error, Sendable, CustomStringConvertible {
    /// A stable code per kind of failure.
    package enum Code: String, Sendable {
        /// The request cannot be sent as given: not an absolute http(s) URL, userinfo in it, a bad port, or a header
        /// field that is malformed or belongs to the client (`Host`, `Content-Length`, `Transfer-Encoding`,
        /// `Connection`).
        case invalidURL = "invalid-url"
        /// No TCP connection: name resolution failed, refused, unreachable.
        case connectFailed = "connect-failed"
        /// The TLS handshake failed for a reason other than the peer's certificate (protocol version, alert).
        case tlsHandshake = "tls-handshake"
        /// The peer's certificate does not chain to a trusted root (or the configured CA bundle cannot be read).
        case certificateUntrusted = "certificate-untrusted"
        /// A certificate of the peer's chain is outside its validity period.
        case certificateExpired = "certificate-expired"
        /// The peer's certificate is valid but names another host.
        case hostnameMismatch = "hostname-mismatch"
        /// The connect, read or total deadline passed.
        case timedOut = "timed-out"
        /// The response would exceed ``HTTPClientConfiguration/maximumResponseBytes`` (or its header section the
        /// header limit); reading stopped there.
        case responseTooLarge = "response-too-large"
        /// The response is not strict HTTP/1.1 (RFC 9112): bad status line, header field, framing or chunk.
        case malformedResponse = "malformed-response"
        /// A redirect to another origin, or more redirects than allowed.
        case redirectRefused = "redirect-refused"
        /// `http://` to a host that is not loopback, or to loopback without `allowPlainHTTPToLoopback`.
        case plainHTTPRefused = "plain-http-refused"
        /// The peer closed the connection before a complete response, or the client was shut down.
        case closed = "closed"
    }

    package let code: Code
    package let description: String

    package init(_ code: Code, _ description: String) {
        self.code = code
        self.description = description
    }
}

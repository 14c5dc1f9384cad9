internal import COpenSSL
import Foundation

/// One TCP connection to an origin, with TLS over it for `https`. Non-blocking descriptor; every wait is a poll(2)
/// bounded by the request's deadlines. Closes in `deinit`.
final class ClientConnection: @unchecked Sendable {
    // @unchecked Sendable: one exchange at a time owns a connection; the pool hands it from one thread to the next
    // under its lock, and nothing else holds it.
    let origin: Origin
    private let descriptor: Int32
    private let statistics: ClientStatistics
    private var ssl: OpaquePointer?
    /// Bytes read from the peer and not yet consumed by a response reader.
    var pending: [UInt8] = []
    /// When the connection last went idle (returned to the pool).
    var idleSince = ContinuousClock.now
    /// Responses read on this connection so far (0: fresh, never reused).
    var completedExchanges = 0

    private init(origin: Origin, descriptor: Int32, statistics: ClientStatistics) {
        self.origin = origin
        self.descriptor = descriptor
        self.statistics = statistics
    }

    deinit {
        if let ssl { SSL_free(ssl) }
        close(descriptor)
    }

    /// Connects to `origin` (each resolved address in turn) and, for `https`, completes the TLS handshake with
    /// hostname verification, all before the connect deadline.
    static func open(to origin: Origin, tls: TLSContext?, deadlines: Deadlines, statistics: ClientStatistics)
        throws(OutboundHTTPError) -> ClientConnection
    {
        let deadline = deadlines.connect()
        let connection = try connect(origin, until: deadline, statistics: statistics)
        statistics.connectionsOpened.add(1, ordering: .relaxed)
        if let tls { try connection.handshake(tls, until: deadline) }
        return connection
    }

    // MARK: TCP

    private static func connect(
        _ origin: Origin, until deadline: Deadlines.Step,
        statistics: ClientStatistics
    ) throws(OutboundHTTPError) -> ClientConnection {
        let addresses = try resolve(origin)
        var lastFailure = OutboundHTTPError(.connectFailed, "\(origin): no address")
        for address in addresses {
            let descriptor = socket(
                address.family,
                Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue)
                    | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard descriptor >= 0 else {
                throw OutboundHTTPError(.connectFailed, "\(origin): no socket (\(errorText(errno)))")
            }
            let connection = ClientConnection(origin: origin, descriptor: descriptor, statistics: statistics)
            var one: Int32 = 1
            setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            let started = address.bytes.withUnsafeBytes { raw in
                Glibc.connect(descriptor, raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), address.length)
            }
            if started == 0 { return connection }
            guard errno == EINPROGRESS else {
                lastFailure = OutboundHTTPError(.connectFailed, "\(origin): \(errorText(errno))")
                continue
            }
            try connection.wait(for: Int16(POLLOUT), until: deadline, doing: "connecting to")
            var failure: Int32 = 0
            var size = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &failure, &size)
            if failure == 0 { return connection }
            lastFailure = OutboundHTTPError(.connectFailed, "\(origin): \(errorText(failure))")
        }
        throw lastFailure
    }

    /// A socket address as bytes, with its family and length.
    private struct Address {
        let family: Int32
        let bytes: [UInt8]
        let length: socklen_t
    }

    /// The addresses of `origin`: `localhost` is 127.0.0.1 then ::1 without asking DNS; literals as they are; other
    /// names through getaddrinfo (which has no deadline of its own: the system resolver's timeouts bound it).
    private static func resolve(_ origin: Origin) throws(OutboundHTTPError) -> [Address] {
        if origin.host == "localhost" {
            return try resolve(Origin(scheme: origin.scheme, host: "127.0.0.1", port: origin.port))
                + resolve(Origin(scheme: origin.scheme, host: "::1", port: origin.port))
        }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV | (origin.isIPLiteral ? AI_NUMERICHOST : AI_ADDRCONFIG)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(origin.host, String(origin.port), &hints, &list)
        guard status == 0, let first = list else {
            throw OutboundHTTPError(.connectFailed, "\(origin): the name does not resolve")
        }
        defer { freeaddrinfo(list) }
        var addresses: [Address] = []
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let current = entry, addresses.count < 8 {
            if let address = current.pointee.ai_addr {
                let length = Int(current.pointee.ai_addrlen)
                let bytes = UnsafeRawBufferPointer(start: address, count: length)
                addresses.append(
                    Address(
                        family: current.pointee.ai_family, bytes: Array(bytes),
                        length: current.pointee.ai_addrlen))
            }
            entry = current.pointee.ai_next
        }
        return addresses
    }

    /// Waits until the descriptor is ready for `events`, or throws `timedOut` at the deadline.
    private func wait(
        for events: Int16, until deadline: Deadlines.Step, doing action: String
    ) throws(OutboundHTTPError) {
        while true {
            var entry = pollfd(fd: descriptor, events: events, revents: 0)
            let timeout = min(Deadlines.milliseconds(until: deadline.instant), Deadlines.cancellationCheckInterval)
            let ready = poll(&entry, 1, timeout)
            if ready > 0 { return }
            if ready < 0, errno == EINTR { continue }
            if ready < 0 { throw OutboundHTTPError(.connectFailed, "\(origin): poll failed (\(errorText(errno)))") }
            if deadline.cancellation.isCancelled {
                throw OutboundHTTPError(.closed, "the request to \(origin) was cancelled")
            }
            if ContinuousClock.now >= deadline.instant {
                throw OutboundHTTPError(.timedOut, "\(action) \(origin) passed the \(deadline.what) deadline")
            }
        }
    }

    private static func errorText(_ code: Int32) -> String { String(cString: strerror(code)) }
    private func errorText(_ code: Int32) -> String { Self.errorText(code) }

    // MARK: TLS

    private func handshake(_ tls: TLSContext, until deadline: Deadlines.Step)
        throws(OutboundHTTPError)
    {
        ERR_clear_error()
        guard let ssl = SSL_new(tls.context) else {
            throw OutboundHTTPError(.tlsHandshake, "\(origin): no TLS session could be created")
        }
        self.ssl = ssl
        SSL_set_fd(ssl, descriptor)
        if origin.isIPLiteral {
            // RFC 6066 §3: no SNI for an address; the certificate must name the address itself.
            X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), origin.host)
        } else {
            _ = cs_SSL_set_tlsext_host_name(ssl, origin.host)
            X509_VERIFY_PARAM_set_hostflags(SSL_get0_param(ssl), UInt32(X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS))
            SSL_set1_host(ssl, origin.host)
        }
        while true {
            let result = SSL_connect(ssl)
            if result == 1 { return }
            switch SSL_get_error(ssl, result) {
            case SSL_ERROR_WANT_READ: try wait(for: Int16(POLLIN), until: deadline, doing: "the TLS handshake with")
            case SSL_ERROR_WANT_WRITE: try wait(for: Int16(POLLOUT), until: deadline, doing: "the TLS handshake with")
            default: throw handshakeFailure(ssl)
            }
        }
    }

    /// The typed reason a handshake failed: the certificate verdict when there is one, else the TLS error.
    private func handshakeFailure(_ ssl: OpaquePointer) -> OutboundHTTPError {
        let verdict = Int32(SSL_get_verify_result(ssl))
        let reason = Self.drainedReason()
        switch verdict {
        case X509_V_OK:
            return OutboundHTTPError(.tlsHandshake, "\(origin): TLS handshake failed (\(reason))")
        case X509_V_ERR_CERT_HAS_EXPIRED, X509_V_ERR_CERT_NOT_YET_VALID:
            return OutboundHTTPError(.certificateExpired, "\(origin): the certificate is outside its validity period")
        case X509_V_ERR_HOSTNAME_MISMATCH, X509_V_ERR_IP_ADDRESS_MISMATCH:
            return OutboundHTTPError(.hostnameMismatch, "\(origin): the certificate names another host")
        default:
            let text = String(cString: X509_verify_cert_error_string(Int(verdict)))
            return OutboundHTTPError(.certificateUntrusted, "\(origin): the certificate is not trusted (\(text))")
        }
    }

    /// The reason text of the oldest OpenSSL error of this thread; the queue is left empty.
    private static func drainedReason() -> String {
        let code = ERR_get_error()
        ERR_clear_error()
        guard code != 0, let reason = ERR_reason_error_string(code) else { return "no detail" }
        return String(cString: reason)
    }

    // MARK: Reading and writing

    /// Writes all of `bytes`, each wait bounded by the read deadline.
    func write(_ bytes: [UInt8], deadlines: Deadlines) throws(OutboundHTTPError) {
        var offset = 0
        while offset < bytes.count {
            let deadline = deadlines.read()
            let written: Int
            if let ssl {
                ERR_clear_error()
                let count = bytes[offset...].withUnsafeBytes { SSL_write(ssl, $0.baseAddress, Int32($0.count)) }
                if count > 0 {
                    written = Int(count)
                } else {
                    switch SSL_get_error(ssl, count) {
                    case SSL_ERROR_WANT_READ: try wait(for: Int16(POLLIN), until: deadline, doing: "writing to")
                    case SSL_ERROR_WANT_WRITE: try wait(for: Int16(POLLOUT), until: deadline, doing: "writing to")
                    default:
                        ERR_clear_error()
                        throw OutboundHTTPError(.closed, "\(origin) closed the connection while the request was sent")
                    }
                    continue
                }
            } else {
                let count = bytes[offset...].withUnsafeBytes {
                    send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
                }
                if count >= 0 {
                    written = count
                } else if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR {
                    try wait(for: Int16(POLLOUT), until: deadline, doing: "writing to")
                    continue
                } else {
                    throw OutboundHTTPError(.closed, "\(origin) closed the connection while the request was sent")
                }
            }
            offset += written
        }
    }

    /// Appends what the peer sent next to `buffer` (at most `limit` bytes), waiting up to the read deadline;
    /// returns false at end of stream.
    func receive(into buffer: inout [UInt8], deadlines: Deadlines, limit: Int = 64 << 10) throws(OutboundHTTPError)
        -> Bool
    {
        var chunk = [UInt8](repeating: 0, count: max(1, limit))
        while true {
            let deadline = deadlines.read()
            if let ssl {
                ERR_clear_error()
                let count = chunk.withUnsafeMutableBytes { SSL_read(ssl, $0.baseAddress, Int32($0.count)) }
                if count > 0 {
                    statistics.bytesReceived.add(Int(count), ordering: .relaxed)
                    buffer += chunk[0..<Int(count)]
                    return true
                }
                switch SSL_get_error(ssl, count) {
                case SSL_ERROR_WANT_READ: try wait(for: Int16(POLLIN), until: deadline, doing: "reading from")
                case SSL_ERROR_WANT_WRITE: try wait(for: Int16(POLLOUT), until: deadline, doing: "reading from")
                case SSL_ERROR_ZERO_RETURN:
                    return false
                default:
                    ERR_clear_error()
                    return false
                }
            } else {
                let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
                if count > 0 {
                    statistics.bytesReceived.add(count, ordering: .relaxed)
                    buffer += chunk[0..<count]
                    return true
                }
                if count == 0 { return false }
                if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR {
                    try wait(for: Int16(POLLIN), until: deadline, doing: "reading from")
                    continue
                }
                return false
            }
        }
    }

    /// Whether an idle connection still looks usable: nothing to read (a readable idle socket means the peer
    /// closed it or sent something unasked) and no error.
    var looksReusable: Bool {
        guard pending.isEmpty else { return false }
        var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, 0) == 0
    }
}

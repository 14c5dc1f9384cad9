internal import COpenSSL
import Foundation

/// A non-blocking socket to the server (TCP or Unix), optionally upgraded to TLS after an SSLRequest, that reads
/// whole backend messages with their lengths checked. Every wait is a poll(2) in short slices governed by a
/// ``WaitPolicy``. Used by one thread at a time (the connection's I/O thread); closes in `deinit`.
final class PostgresSocket {
    private let descriptor: Int32
    private var ssl: OpaquePointer?
    private var buffer: [UInt8] = []
    private var consumed = 0
    /// The receive buffer of one read call, allocated once.
    private var chunk = [UInt8](repeating: 0, count: 64 << 10)
    let endpoint: PostgresConfiguration.Endpoint
    private let maximumMessageBytes: Int

    private init(descriptor: Int32, endpoint: PostgresConfiguration.Endpoint, maximumMessageBytes: Int) {
        self.descriptor = descriptor
        self.endpoint = endpoint
        self.maximumMessageBytes = maximumMessageBytes
    }

    deinit {
        if let ssl { SSL_free(ssl) }
        close(descriptor)
    }

    var isTLS: Bool { ssl != nil }

    // MARK: Connecting

    static func connect(
        _ endpoint: PostgresConfiguration.Endpoint, maximumMessageBytes: Int, policy: WaitPolicy
    ) throws(PostgresError) -> PostgresSocket {
        var lastFailure = PostgresError(.connection, "\(endpoint): no address")
        for address in try addresses(endpoint) {
            let descriptor = socket(
                address.family,
                Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue)
                    | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard descriptor >= 0 else { throw PostgresError(.connection, "\(endpoint): no socket (\(text(errno)))") }
            let socket = PostgresSocket(
                descriptor: descriptor, endpoint: endpoint, maximumMessageBytes: maximumMessageBytes)
            if address.family != AF_UNIX {
                var one: Int32 = 1
                setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            }
            let started = address.bytes.withUnsafeBytes { raw in
                Glibc.connect(descriptor, raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), address.length)
            }
            if started == 0 { return socket }
            guard errno == EINPROGRESS || errno == EAGAIN else {
                lastFailure = PostgresError(.connection, "\(endpoint): \(text(errno))")
                continue
            }
            try socket.wait(for: Int16(POLLOUT), policy: policy)
            var failure: Int32 = 0
            var size = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &failure, &size)
            if failure == 0 { return socket }
            lastFailure = PostgresError(.connection, "\(endpoint): \(text(failure))")
        }
        throw lastFailure
    }

    private struct Address {
        let family: Int32
        let bytes: [UInt8]
        let length: socklen_t
    }

    private static func addresses(_ endpoint: PostgresConfiguration.Endpoint) throws(PostgresError) -> [Address] {
        switch endpoint {
        case .unixSocket(let directory, let port):
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            let path = Array("\(directory)/.s.PGSQL.\(port)".utf8)
            let capacity = MemoryLayout.size(ofValue: address.sun_path)
            guard path.count < capacity else { throw PostgresError(.connection, "the socket path is too long") }
            withUnsafeMutableBytes(of: &address.sun_path) { raw in
                for (index, byte) in path.enumerated() { raw[index] = byte }
            }
            let bytes = withUnsafeBytes(of: address) { Array($0) }
            return [Address(family: AF_UNIX, bytes: bytes, length: socklen_t(MemoryLayout<sockaddr_un>.size))]
        case .tcp(let host, let port):
            guard (1...65535).contains(port) else { throw PostgresError(.connection, "port \(port) is out of range") }
            var hints = addrinfo()
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            hints.ai_flags = AI_NUMERICSERV
            var list: UnsafeMutablePointer<addrinfo>?
            guard getaddrinfo(host, String(port), &hints, &list) == 0, let first = list else {
                throw PostgresError(.connection, "\(endpoint): the name does not resolve")
            }
            defer { freeaddrinfo(list) }
            var result: [Address] = []
            var entry: UnsafeMutablePointer<addrinfo>? = first
            while let current = entry, result.count < 8 {
                if let address = current.pointee.ai_addr {
                    let bytes = UnsafeRawBufferPointer(start: address, count: Int(current.pointee.ai_addrlen))
                    result.append(
                        Address(
                            family: current.pointee.ai_family, bytes: Array(bytes), length: current.pointee.ai_addrlen))
                }
                entry = current.pointee.ai_next
            }
            return result
        }
    }

    private static func text(_ code: Int32) -> String { String(cString: strerror(code)) }

    // MARK: TLS

    /// Sends SSLRequest and, when the server agrees, completes a TLS handshake. Returns false when the server
    /// declined ('N').
    func startTLS(_ context: PostgresTLSContext, host: String?, policy: WaitPolicy) throws(PostgresError) -> Bool {
        var request = FrontendBuffer()
        request.sslRequest()
        try write(request.bytes, policy: policy)
        // Exactly one byte: anything the server sent after it, before the handshake, must not be read as
        // protected (CVE-2021-23222).
        var answer: UInt8 = 0
        while true {
            let count = recv(descriptor, &answer, 1, 0)
            if count == 1 { break }
            if count == 0 { throw PostgresError(.connection, "\(endpoint) closed the connection at SSLRequest") }
            guard errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR else {
                throw PostgresError(.connection, "\(endpoint): \(Self.text(errno))")
            }
            try wait(for: Int16(POLLIN), policy: policy)
        }
        if answer == UInt8(ascii: "N") { return false }
        guard answer == UInt8(ascii: "S") else {
            throw PostgresError(.protocol, "the server answered SSLRequest with byte \(answer)")
        }
        ERR_clear_error()
        guard let ssl = SSL_new(context.context) else { throw PostgresError(.tls, "no TLS session could be created") }
        self.ssl = ssl
        SSL_set_fd(ssl, descriptor)
        if context.verifies, let host {
            if context.isIPLiteral(host) {
                X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host)
            } else {
                _ = cs_SSL_set_tlsext_host_name(ssl, host)
                X509_VERIFY_PARAM_set_hostflags(SSL_get0_param(ssl), UInt32(X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS))
                SSL_set1_host(ssl, host)
            }
        }
        while true {
            let result = SSL_connect(ssl)
            if result == 1 { return true }
            switch SSL_get_error(ssl, result) {
            case SSL_ERROR_WANT_READ: try wait(for: Int16(POLLIN), policy: policy)
            case SSL_ERROR_WANT_WRITE: try wait(for: Int16(POLLOUT), policy: policy)
            default: throw context.handshakeFailure(ssl, endpoint: endpoint)
            }
        }
    }

    /// tls-server-end-point channel binding data (RFC 5929 §4.1): the server certificate hashed with its
    /// signature's hash, SHA-256 when that is MD5 or SHA-1.
    func serverEndPointHash() throws(PostgresError) -> [UInt8] {
        guard let ssl, let certificate = SSL_get1_peer_certificate(ssl) else {
            throw PostgresError(.authentication, "channel binding needs the server certificate")
        }
        defer { X509_free(certificate) }
        var digestNID: Int32 = 0
        var keyNID: Int32 = 0
        guard OBJ_find_sigid_algs(X509_get_signature_nid(certificate), &digestNID, &keyNID) == 1 else {
            throw PostgresError(.authentication, "the server certificate's signature algorithm is unknown")
        }
        if digestNID == NID_md5 || digestNID == NID_sha1 || digestNID == NID_undef { digestNID = NID_sha256 }
        guard let digest = EVP_get_digestbyname(OBJ_nid2sn(digestNID)) else {
            throw PostgresError(.authentication, "the server certificate's hash is not available")
        }
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        guard X509_digest(certificate, digest, &output, &length) == 1 else {
            throw PostgresError(.authentication, "the server certificate could not be hashed")
        }
        return Array(output[0..<Int(length)])
    }

    // MARK: Reading and writing

    func write(_ bytes: [UInt8], policy: WaitPolicy) throws(PostgresError) {
        var offset = 0
        while offset < bytes.count {
            if let ssl {
                ERR_clear_error()
                let count = bytes[offset...].withUnsafeBytes { SSL_write(ssl, $0.baseAddress, Int32($0.count)) }
                if count > 0 {
                    offset += Int(count)
                    continue
                }
                try waitForTLS(ssl, result: count, policy: policy)
            } else {
                let count = bytes[offset...].withUnsafeBytes {
                    send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
                }
                if count >= 0 {
                    offset += count
                } else if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR {
                    try wait(for: Int16(POLLOUT), policy: policy)
                } else {
                    throw PostgresError(.connection, "\(endpoint) closed the connection (\(Self.text(errno)))")
                }
            }
        }
    }

    /// The next whole message: its type byte and body. A length below 4 or above the limit is a protocol error.
    func readMessage(policy: WaitPolicy) throws(PostgresError) -> (type: UInt8, body: [UInt8]) {
        try fill(5, policy: policy)
        let type = buffer[consumed]
        var length = 0
        for index in 1...4 { length = length << 8 | Int(buffer[consumed + index]) }
        guard length >= 4 else { throw PostgresError(.protocol, "a message from the server has length \(length)") }
        guard length <= maximumMessageBytes else {
            throw PostgresError(
                .protocol, "a message from the server has \(length) bytes, over the limit of \(maximumMessageBytes)")
        }
        try fill(1 + length, policy: policy)
        let body = Array(buffer[(consumed + 5)..<(consumed + 1 + length)])
        consumed += 1 + length
        if consumed == buffer.count {
            buffer.removeAll(keepingCapacity: buffer.capacity <= 1 << 20)
            consumed = 0
        }
        return (type, body)
    }

    /// Whether nothing is waiting to be read and the peer has not closed: an idle connection's health check.
    var looksIdle: Bool {
        guard consumed == buffer.count else { return false }
        if let ssl, SSL_pending(ssl) > 0 { return false }
        var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, 0) == 0
    }

    /// Whether a message (or part of one) is already readable without waiting.
    var hasInput: Bool {
        if consumed < buffer.count { return true }
        if let ssl, SSL_pending(ssl) > 0 { return true }
        var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, 0) > 0
    }

    /// Reads until at least `count` unconsumed bytes are buffered.
    private func fill(_ count: Int, policy: WaitPolicy) throws(PostgresError) {
        if consumed > 0, buffer.count - consumed < count, consumed >= 1 << 16 {
            buffer.removeFirst(consumed)
            consumed = 0
        }
        while buffer.count - consumed < count {
            let wanted = min(chunk.count, max(count - (buffer.count - consumed), 16 << 10))
            if let ssl {
                ERR_clear_error()
                let read = chunk.withUnsafeMutableBytes { SSL_read(ssl, $0.baseAddress, Int32(wanted)) }
                if read > 0 {
                    buffer += chunk[0..<Int(read)]
                    continue
                }
                try waitForTLS(ssl, result: read, policy: policy)
            } else {
                let read = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, wanted, 0) }
                if read > 0 {
                    buffer += chunk[0..<read]
                } else if read == 0 {
                    throw PostgresError(.connection, "\(endpoint) closed the connection")
                } else if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR {
                    try wait(for: Int16(POLLIN), policy: policy)
                } else {
                    throw PostgresError(.connection, "\(endpoint): \(Self.text(errno))")
                }
            }
        }
    }

    /// After an `SSL_read`/`SSL_write` that moved nothing: waits for what TLS asks (a handshake step may need the
    /// other direction), or ends the connection.
    private func waitForTLS(_ ssl: OpaquePointer, result: Int32, policy: WaitPolicy) throws(PostgresError) {
        switch SSL_get_error(ssl, result) {
        case SSL_ERROR_WANT_READ: try wait(for: Int16(POLLIN), policy: policy)
        case SSL_ERROR_WANT_WRITE: try wait(for: Int16(POLLOUT), policy: policy)
        default:
            ERR_clear_error()
            throw PostgresError(.connection, "\(endpoint) closed the connection")
        }
    }

    private var interrupted: ContinuousClock.Instant?

    /// Marks the start of a new operation: a previous interrupt no longer counts.
    func resetInterrupt() { interrupted = nil }

    /// Waits until the socket is ready for `events`, applying `policy` (see ``WaitPolicy``).
    private func wait(for events: Int16, policy: WaitPolicy) throws(PostgresError) {
        while true {
            var entry = pollfd(fd: descriptor, events: events, revents: 0)
            let ready = poll(&entry, 1, WaitPolicy.checkInterval)
            if ready > 0 { return }
            if ready < 0, errno != EINTR { throw PostgresError(.connection, "poll failed (\(Self.text(errno)))") }
            let now = ContinuousClock.now
            let late = policy.deadline.map { now >= $0 } ?? false
            guard policy.cancellation.isCancelled || late else { continue }
            guard let interrupt = policy.interrupt else {
                if policy.cancellation.isCancelled { throw PostgresError(.cancelled, "the operation was cancelled") }
                throw PostgresError(.timeout, "\(endpoint) did not answer before the deadline")
            }
            if let interrupted {
                if now >= interrupted + policy.grace {
                    throw PostgresError(.timeout, "\(endpoint) did not answer a cancel request in time")
                }
            } else {
                interrupted = now
                interrupt()
            }
        }
    }
}

/// Confined to the thread of the connection that owns it.
@available(*, unavailable) extension PostgresSocket: Sendable {}

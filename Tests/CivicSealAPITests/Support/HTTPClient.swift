import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A response as a client reads it off the socket.
struct ClientResponse: Sendable, CustomStringConvertible {
    var status: Int
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    func header(_ name: String) -> String? { headers.first { $0.name.lowercased() == name.lowercased() }?.value }
    var text: String { String(decoding: body, as: UTF8.self) }
    /// The body parsed as a JSON object (empty when it is not one).
    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:] }
    /// `errors[].field` and `errors[].code` of a problem document.
    var problemErrors: [(field: String, code: String)] {
        (json["errors"] as? [[String: Any]] ?? []).map { ($0["field"] as? String ?? "", $0["code"] as? String ?? "") }
    }
    func hasError(field: String, code: String) -> Bool { problemErrors.contains { $0.field == field && $0.code == code } }
    var description: String { "\(status) \(text.prefix(600))" }
}

struct ClientError: Error, CustomStringConvertible {
    let description: String
}

/// An HTTP/1.1 client for 127.0.0.1 over a plain TCP socket: one connection per request, `Connection: close`,
/// every read and write with a timeout so no test can hang. Raw sockets (rather than URLSession) let tests send
/// exactly the headers they mean, duplicates included. Blocking calls run on their own thread, never on the
/// cooperative pool the server's handlers need.
struct HTTPClient: Sendable {
    let port: Int
    var timeout: Double = 60

    func get(_ path: String, token: String? = nil, headers: [(String, String)] = []) async throws -> ClientResponse {
        try await send("GET", path, token: token, headers: headers)
    }

    func post(_ path: String, token: String? = nil, json: String, headers: [(String, String)] = []) async throws -> ClientResponse {
        try await send("POST", path, token: token, headers: [("Content-Type", "application/json")] + headers, body: Array(json.utf8))
    }

    func send(
        _ method: String, _ path: String, token: String? = nil, headers: [(String, String)] = [], body: [UInt8] = []
    ) async throws -> ClientResponse {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        if let token { head += "Authorization: Bearer \(token)\r\n" }
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if !body.isEmpty || method == "POST" { head += "Content-Length: \(body.count)\r\n" }
        head += "\r\n"
        let bytes = Array(head.utf8) + body
        let port = port
        let timeout = timeout
        return try await Self.offPool {
            let connection = try Connection(port: port, timeout: timeout)
            try connection.send(bytes)
            return try Self.parse(connection.readToEnd())
        }
    }

    /// Runs blocking socket work on a dedicated thread.
    static func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
        }
    }

    static func parse(_ bytes: [UInt8]) throws -> ClientResponse {
        guard let end = bytes.firstRange(of: [13, 10, 13, 10]) else {
            throw ClientError(description: "no complete response head in \(bytes.count) bytes")
        }
        var lines = String(decoding: bytes[..<end.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst()
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, let status = Int(parts[1]) else { throw ClientError(description: "bad status line \(statusLine)") }
        let headers = lines.compactMap { line -> (name: String, value: String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        var body = Array(bytes[end.upperBound...])
        if let length = headers.first(where: { $0.name.lowercased() == "content-length" }).flatMap({ Int($0.value) }) {
            guard body.count >= length else { throw ClientError(description: "short body: \(body.count) of \(length)") }
            body = Array(body.prefix(length))
        }
        return ClientResponse(status: status, headers: headers, body: body)
    }
}

/// One TCP connection to 127.0.0.1 with send and receive timeouts.
final class Connection: @unchecked Sendable {
    // @unchecked Sendable: a test drives one connection from one place at a time; the descriptor is immutable.
    let fd: Int32

    init(port: Int, timeout: Double) throws {
        #if canImport(Glibc)
            fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        var time = timeval(tv_sec: Int(timeout), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            let error = errno
            close(fd)
            throw ClientError(description: "connect to port \(port) failed: errno \(error)")
        }
    }

    deinit { close(fd) }

    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { Foundation.send(fd, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { throw ClientError(description: "send failed: errno \(errno)") }
            offset += sent
        }
    }

    /// Everything until the server closes the connection; throws on timeout.
    func readToEnd() throws -> [UInt8] {
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = recv(fd, &chunk, chunk.count, 0)
            if count == 0 { return received }
            guard count > 0 else {
                if errno == ECONNRESET { return received }
                throw ClientError(description: "recv failed or timed out after \(received.count) bytes: errno \(errno)")
            }
            received += chunk[0..<count]
        }
    }
}

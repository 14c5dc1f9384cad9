import CivicSealTestSupport
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A response as a client reads it off the socket.
package struct ClientResponse: Sendable, CustomStringConvertible {
    package var status: Int
    package var headers: [(name: String, value: String)]
    package var body: [UInt8]

    package func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
    package var text: String { String(decoding: body, as: UTF8.self) }
    /// The body parsed as a JSON object (empty when it is not one).
    package var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:] }
    /// `errors[].field` and `errors[].code` of a problem document.
    package var problemErrors: [(field: String, code: String)] {
        (json["errors"] as? [[String: Any]] ?? []).map { ($0["field"] as? String ?? "", $0["code"] as? String ?? "") }
    }
    package func hasError(field: String, code: String) -> Bool {
        problemErrors.contains { $0.field == field && $0.code == code }
    }
    package var description: String { "\(status) \(text.prefix(600))" }
}

package struct ClientError: Error, CustomStringConvertible {
    package let description: String

    package init(description: String) { self.description = description }
}

/// An HTTP/1.1 client for 127.0.0.1 over a plain TCP socket: one connection per request, `Connection: close`,
/// every read and write with a timeout so no test can hang. Raw sockets (rather than URLSession) let tests send
/// exactly the headers they mean, duplicates included. Blocking calls run on their own thread, never on the
/// cooperative pool the server's handlers need.
package struct HTTPClient: Sendable {
    package let port: Int
    /// Only a guard against a hung test, never a timing assertion: generous, so a loaded machine cannot trip it.
    package var timeout: Double = 60

    package init(port: Int, timeout: Double = 60) {
        self.port = port
        self.timeout = timeout
    }

    package func get(_ path: String, token: String? = nil, headers: [(String, String)] = []) async throws
        -> ClientResponse
    {
        try await send("GET", path, token: token, headers: headers)
    }

    package func post(_ path: String, token: String? = nil, json: String, headers: [(String, String)] = []) async throws
        -> ClientResponse
    {
        try await send(
            "POST", path, token: token, headers: [("Content-Type", "application/json")] + headers,
            body: Array(json.utf8))
    }

    package func send(
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
    package static func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
        }
    }

    package static func parse(_ bytes: [UInt8]) throws -> ClientResponse {
        guard let end = bytes.firstRange(of: [13, 10, 13, 10]) else {
            throw ClientError(description: "no complete response head in \(bytes.count) bytes")
        }
        var lines = String(decoding: bytes[..<end.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst()
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, let status = Int(parts[1]) else {
            throw ClientError(description: "bad status line \(statusLine)")
        }
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
package final class Connection: @unchecked Sendable {
    // @unchecked Sendable: a test drives one connection from one place at a time; the descriptor is immutable.
    package let fd: Int32

    /// - Parameter source: a local address to connect from (any of 127.0.0.0/8 is loopback), to act as another client.
    package init(port: Int, timeout: Double, source: String? = nil) throws {
        // The descriptor is stored only once connected: a class whose initializer throws after every stored
        // property is set still runs its deinit, which would close the descriptor a second time — by then possibly
        // another test's socket (seen as "recv failed … errno 9" or an empty read elsewhere in the suite).
        do { fd = try LoopbackSocket.connect(port: port, timeout: timeout, source: source) } catch {
            throw ClientError(description: error.description)
        }
    }

    deinit { close(fd) }

    package func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes {
                Foundation.send(fd, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            }
            guard sent > 0 else { throw ClientError(description: "send failed: errno \(errno)") }
            offset += sent
        }
    }

    /// Everything until the server closes the connection; throws on timeout.
    package func readToEnd() throws -> [UInt8] {
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

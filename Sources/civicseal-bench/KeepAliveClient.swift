import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One persistent HTTP/1.1 connection to 127.0.0.1, one request at a time, as a browser tab reuses its connection.
/// Responses are framed by `Content-Length` (the server always sends it) or chunked (HAProxy's statistics page).
/// Blocking, with send/receive timeouts, for a benchmark thread of its own.
final class KeepAliveClient {
    struct Response {
        let status: Int
        let headers: [(name: String, value: String)]
        let body: [UInt8]

        func header(_ name: String) -> String? { headers.first { $0.name.lowercased() == name.lowercased() }?.value }
        func headers(_ name: String) -> [String] {
            headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
        }
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    private let descriptor: Int32
    private let port: Int
    private var buffer: [UInt8] = []
    private var chunk = [UInt8](repeating: 0, count: 256 * 1024)

    init(port: Int, timeoutSeconds: Int = 10) throws {
        self.port = port
        // Stored only once connected: a throwing initializer of a fully initialised class runs deinit, which would
        // close the descriptor twice.
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw LoadGenerator.Failure(description: "socket failed: errno \(errno)") }
        var time = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        var one: Int32 = 1
        setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            close(descriptor)
            throw LoadGenerator.Failure(description: "connect to 127.0.0.1:\(port) failed: errno \(errno)")
        }
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// Sends one request and reads its whole response; the connection stays open for the next.
    func send(_ method: String, _ target: String, headers: [(String, String)] = [], body: [UInt8] = []) throws
        -> Response
    {
        var head = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if method == "POST" || !body.isEmpty { head += "Content-Length: \(body.count)\r\n" }
        head += "\r\n"
        try write(Array(head.utf8) + body)
        return try readResponse()
    }

    private func write(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes {
                Glibc.send(descriptor, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            }
            guard sent > 0 else { throw LoadGenerator.Failure(description: "send failed: errno \(errno)") }
            offset += sent
        }
    }

    private func fill() throws {
        let count = recv(descriptor, &chunk, chunk.count, 0)
        guard count > 0 else {
            throw LoadGenerator.Failure(
                description: count == 0 ? "the server closed the connection" : "recv failed: errno \(errno)")
        }
        buffer.append(contentsOf: chunk[0..<count])
    }

    private func readResponse() throws -> Response {
        var headEnd = buffer.firstRange(of: [13, 10, 13, 10])
        while headEnd == nil {
            try fill()
            headEnd = buffer.firstRange(of: [13, 10, 13, 10])
        }
        guard let end = headEnd else { throw LoadGenerator.Failure(description: "no response head") }
        var lines = String(decoding: buffer[..<end.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst()
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, let status = Int(parts[1]) else {
            throw LoadGenerator.Failure(description: "bad status line \(statusLine)")
        }
        let headers = lines.compactMap { line -> (name: String, value: String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        if headers.contains(where: { $0.name.lowercased() == "transfer-encoding" && $0.value.lowercased() == "chunked" }
        ) {
            buffer.removeFirst(end.upperBound)
            return Response(status: status, headers: headers, body: try readChunks())
        }
        guard let length = headers.first(where: { $0.name.lowercased() == "content-length" }).flatMap({ Int($0.value) })
        else {
            throw LoadGenerator.Failure(description: "response without Content-Length")
        }
        while buffer.count - end.upperBound < length { try fill() }
        let body = Array(buffer[end.upperBound..<(end.upperBound + length)])
        buffer.removeFirst(end.upperBound + length)
        return Response(status: status, headers: headers, body: body)
    }

    /// A chunked body (HAProxy's statistics page), from the buffer's start to the empty last chunk and its CRLF.
    private func readChunks() throws -> [UInt8] {
        var body: [UInt8] = []
        while true {
            var lineEnd = buffer.firstRange(of: [13, 10])
            while lineEnd == nil {
                try fill()
                lineEnd = buffer.firstRange(of: [13, 10])
            }
            guard let line = lineEnd,
                let size = Int(
                    String(decoding: buffer[..<line.lowerBound], as: UTF8.self).prefix { $0.isHexDigit }, radix: 16)
            else { throw LoadGenerator.Failure(description: "bad chunk size") }
            while buffer.count < line.upperBound + size + 2 { try fill() }
            body += buffer[line.upperBound..<(line.upperBound + size)]
            buffer.removeFirst(line.upperBound + size + 2)
            if size == 0 { return body }
        }
    }
}

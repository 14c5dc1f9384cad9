import Foundation

/// Reads one HTTP/1.1 response (RFC 9112) from a byte stream, strictly: a status line, header fields without
/// obs-fold or whitespace before the colon, framing by Content-Length or chunked (both at once, or any other
/// transfer coding, refused), interim 1xx responses skipped, no body for HEAD, 204 and 304. Every limit is enforced
/// while reading: the header section against `maximumHeaderBytes`, the body against `maximumResponseBytes`.
struct ResponseReader {
    /// A response and whether its connection may carry another request.
    struct Result {
        let response: OutboundResponse
        /// HTTP/1.1, no `Connection: close`, self-delimited body.
        let keepAlive: Bool
    }

    /// The bytes received and not yet consumed; what is left after a response belongs to the connection.
    private(set) var buffer: [UInt8]
    private var position = 0
    /// Appends what the peer sent next to the buffer; false at end of stream.
    private let fill: (inout [UInt8]) throws(OutboundHTTPError) -> Bool
    private let maximumHeaderBytes: Int
    private let maximumBodyBytes: Int
    /// The origin, for error messages.
    private let peer: String
    /// Whether any byte of the response arrived (a reused connection that closed before sending one may be retried).
    private(set) var receivedAnything: Bool

    static let maximumFields = 256
    static let maximumInterimResponses = 8

    init(
        buffered: [UInt8], peer: String, maximumHeaderBytes: Int, maximumBodyBytes: Int,
        fill: @escaping (inout [UInt8]) throws(OutboundHTTPError) -> Bool
    ) {
        self.buffer = buffered
        self.peer = peer
        self.maximumHeaderBytes = maximumHeaderBytes
        self.maximumBodyBytes = maximumBodyBytes
        self.fill = fill
        self.receivedAnything = !buffered.isEmpty
    }

    /// The bytes after the response just read (the caller keeps them with the connection or drops it).
    var leftover: [UInt8] { Array(buffer[position...]) }

    /// Reads the response to a request with `method`.
    mutating func read(method: String) throws(OutboundHTTPError) -> Result {
        var interim = 0
        while true {
            let (version, status, headers) = try readHead()
            if (100...199).contains(status) {
                guard status != 101 else { throw malformed("switched protocols without being asked") }
                interim += 1
                guard interim <= Self.maximumInterimResponses else { throw malformed("too many 1xx responses") }
                continue
            }
            let framing = try Self.framing(method: method, status: status, headers: headers, peer: peer)
            var keepAlive = version == "HTTP/1.1" && !Self.hasToken("close", in: "Connection", headers)
            let body: [UInt8]
            switch framing {
            case .none: body = []
            case .length(let length):
                guard length <= maximumBodyBytes else { throw tooLarge() }
                body = try readExactly(length)
            case .chunked: body = try readChunked()
            case .untilClose:
                keepAlive = false
                body = try readUntilClose()
            }
            return Result(
                response: OutboundResponse(status: status, headers: headers, body: body), keepAlive: keepAlive)
        }
    }

    // MARK: Head

    private mutating func readHead() throws(OutboundHTTPError) -> (String, Int, [(String, String)]) {
        var budget = maximumHeaderBytes
        let statusLine = try readLine(budget: &budget)
        let (version, status) = try parseStatusLine(statusLine)
        let headers = try readFields(budget: &budget)
        return (version, status, headers)
    }

    private func parseStatusLine(_ line: [UInt8]) throws(OutboundHTTPError) -> (String, Int) {
        // status-line = HTTP-version SP status-code SP [ reason-phrase ]; a missing last SP is tolerated.
        guard line.count >= 12, line[8] == UInt8(ascii: " "),
            line.count == 12 || line[12] == UInt8(ascii: " ")
        else { throw malformed("bad status line") }
        let version = String(decoding: line[0..<8], as: UTF8.self)
        guard version == "HTTP/1.1" || version == "HTTP/1.0" else { throw malformed("unsupported HTTP version") }
        var status = 0
        for byte in line[9..<12] {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { throw malformed("bad status code") }
            status = status * 10 + Int(byte - UInt8(ascii: "0"))
        }
        guard (100...599).contains(status) else { throw malformed("bad status code") }
        guard line.dropFirst(13).allSatisfy(Self.isFieldValueByte) else { throw malformed("bad reason phrase") }
        return (version, status)
    }

    /// Header (or trailer) fields up to the empty line.
    private mutating func readFields(budget: inout Int) throws(OutboundHTTPError) -> [(String, String)] {
        var fields: [(String, String)] = []
        while true {
            let line = try readLine(budget: &budget)
            if line.isEmpty { return fields }
            guard fields.count < Self.maximumFields else { throw tooLarge("header section") }
            fields.append(try parseField(line))
        }
    }

    private func parseField(_ line: [UInt8]) throws(OutboundHTTPError) -> (String, String) {
        // RFC 9112 §5.2: obs-fold is refused; §5.1: no whitespace between the name and the colon.
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > 0 else { throw malformed("bad field line") }
        let name = line[..<colon]
        guard name.allSatisfy(Self.isTokenByte) else { throw malformed("bad field name") }
        var value = line[(colon + 1)...]
        while let first = value.first, first == 0x20 || first == 0x09 { value = value.dropFirst() }
        while let last = value.last, last == 0x20 || last == 0x09 { value = value.dropLast() }
        guard value.allSatisfy(Self.isFieldValueByte) else { throw malformed("bad field value") }
        return (String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self))
    }

    // MARK: Framing

    enum Framing: Equatable {
        case none
        case length(Int)
        case chunked
        case untilClose
    }

    /// RFC 9112 §6.3, stricter where it allows a choice: Transfer-Encoding with Content-Length, a coding other than
    /// exactly `chunked`, or differing or list-valued Content-Length fields are refused.
    static func framing(method: String, status: Int, headers: [(String, String)], peer: String)
        throws(OutboundHTTPError) -> Framing
    {
        if method == "HEAD" || status == 204 || status == 304 { return .none }
        let codings = headers.filter { $0.0.lowercased() == "transfer-encoding" }.map(\.1)
        let lengths = headers.filter { $0.0.lowercased() == "content-length" }.map(\.1)
        if !codings.isEmpty {
            guard lengths.isEmpty else {
                throw OutboundHTTPError(.malformedResponse, "\(peer): both Transfer-Encoding and Content-Length")
            }
            guard codings.count == 1, codings[0].lowercased() == "chunked" else {
                throw OutboundHTTPError(.malformedResponse, "\(peer): a transfer coding other than chunked")
            }
            return .chunked
        }
        guard let length = lengths.first else { return .untilClose }
        guard lengths.allSatisfy({ $0 == length }), !length.isEmpty, length.utf8.count <= 18,
            length.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }), let value = Int(length)
        else { throw OutboundHTTPError(.malformedResponse, "\(peer): bad Content-Length") }
        return .length(value)
    }

    /// Whether header `name` lists `token` (case-insensitive, comma-separated).
    static func hasToken(_ token: String, in name: String, _ headers: [(String, String)]) -> Bool {
        headers.contains { field in
            field.0.lowercased() == name.lowercased()
                && field.1.split(separator: ",").contains {
                    $0.trimmingCharacters(in: .whitespaces).lowercased() == token
                }
        }
    }

    // MARK: Body

    private mutating func readExactly(_ count: Int) throws(OutboundHTTPError) -> [UInt8] {
        while buffer.count - position < count { try more("in the body") }
        let body = Array(buffer[position..<(position + count)])
        position += count
        compact()
        return body
    }

    private mutating func readChunked() throws(OutboundHTTPError) -> [UInt8] {
        var body: [UInt8] = []
        while true {
            var lineBudget = 1024  // a chunk-size line with its extensions
            let line = try readLine(budget: &lineBudget)
            let size = try chunkSize(line)
            if size == 0 { break }
            guard size <= maximumBodyBytes - body.count else { throw tooLarge() }
            body += try readExactly(size)
            guard try readExactly(2) == [0x0D, 0x0A] else { throw malformed("chunk data longer than its size") }
        }
        var trailerBudget = maximumHeaderBytes
        _ = try readFields(budget: &trailerBudget)  // trailer fields are read and dropped
        return body
    }

    /// chunk-size [ BWS ";" chunk-ext ]: 1 to 15 hex digits (no sign, prefix or leading blank).
    private func chunkSize(_ line: [UInt8]) throws(OutboundHTTPError) -> Int {
        let digits = line.prefix { Self.hexValue($0) != nil }
        guard !digits.isEmpty, digits.count <= 15 else { throw malformed("bad chunk size") }
        var rest = line.dropFirst(digits.count)
        while let first = rest.first, first == 0x20 || first == 0x09 { rest = rest.dropFirst() }
        guard rest.isEmpty || rest.first == UInt8(ascii: ";") else { throw malformed("bad chunk size") }
        guard rest.allSatisfy(Self.isFieldValueByte) else { throw malformed("bad chunk extension") }
        return digits.reduce(0) { $0 * 16 + Self.hexValue($1)! }
    }

    private mutating func readUntilClose() throws(OutboundHTTPError) -> [UInt8] {
        while true {
            guard buffer.count - position <= maximumBodyBytes else { throw tooLarge() }
            guard try fill(&buffer) else { break }
            receivedAnything = true
        }
        let body = Array(buffer[position...])
        position = buffer.count
        return body
    }

    // MARK: Bytes

    /// The next line without its CRLF; a bare LF, or a line past `budget`, is refused.
    private mutating func readLine(budget: inout Int) throws(OutboundHTTPError) -> [UInt8] {
        var scanned = 0  // bytes after `position` already searched (positions move when the buffer is compacted)
        while true {
            if let newline = buffer[(position + scanned)...].firstIndex(of: 0x0A) {
                let length = newline + 1 - position
                guard length <= budget else { throw tooLarge("header section") }
                guard newline > position, buffer[newline - 1] == 0x0D else {
                    throw malformed("a line not ended by CRLF")
                }
                let line = Array(buffer[position..<(newline - 1)])
                guard !line.contains(0x0D), !line.contains(0) else { throw malformed("a bare CR or NUL") }
                budget -= length
                position = newline + 1
                return line
            }
            guard buffer.count - position <= budget else { throw tooLarge("header section") }
            scanned = buffer.count - position
            try more("in the header section")
        }
    }

    /// Reads more bytes; a stream that ends here ends the response early.
    private mutating func more(_ place: String) throws(OutboundHTTPError) {
        compact()
        guard try fill(&buffer) else {
            throw OutboundHTTPError(.closed, "\(peer) closed the connection \(place) of the response")
        }
        receivedAnything = true
    }

    /// Drops consumed bytes once they are many, so a long body does not keep every chunk twice.
    private mutating func compact() {
        if position >= 64 << 10 {
            buffer.removeFirst(position)
            position = 0
        }
    }

    private func malformed(_ what: String) -> OutboundHTTPError {
        OutboundHTTPError(.malformedResponse, "\(peer): \(what)")
    }

    private func tooLarge(_ what: String = "body") -> OutboundHTTPError {
        let limit = what == "body" ? maximumBodyBytes : maximumHeaderBytes
        return OutboundHTTPError(.responseTooLarge, "\(peer): the response \(what) exceeds \(limit) bytes")
    }

    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default: "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }

    /// field-vchar, SP and HTAB (obs-text included).
    static func isFieldValueByte(_ byte: UInt8) -> Bool { byte == 0x09 || (byte >= 0x20 && byte != 0x7F) }

    static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): Int(byte - UInt8(ascii: "a")) + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): Int(byte - UInt8(ascii: "A")) + 10
        default: nil
        }
    }
}

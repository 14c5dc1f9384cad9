/// A response as a handler builds it. The server adds `Content-Length`, `Date` and `Connection` itself and
/// sanitizes every field on the way out (see ``HTTPResponseWriter``).
package struct HTTPResponse: Sendable, Equatable {
    package var status: HTTPStatus
    package var headers: HTTPHeaders
    package var body: [UInt8]
    /// The route pattern that produced this response (set by ``HTTPRouter``), used by logs and metrics
    /// instead of the raw path so ids never reach them.
    package internal(set) var route: String?

    package init(status: HTTPStatus = .ok, headers: HTTPHeaders = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
        self.route = nil
    }

    /// A `text/plain; charset=utf-8` response.
    package static func text(_ text: String, status: HTTPStatus = .ok) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "text/plain; charset=utf-8"], body: Array(text.utf8))
    }

    /// An `application/json` response from already-encoded bytes.
    package static func json(_ body: some Sequence<UInt8>, status: HTTPStatus = .ok) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: Array(body))
    }
}

/// Turns responses into bytes for the wire.
///
/// Handler-supplied fields pass through a filter so that input echoed into a header can never split the
/// response: names that are not `token` are dropped; in values every CR, LF, NUL and other control byte
/// (except HTAB) is replaced by SP (RFC 9110 §5.5: "Field values containing CR, LF, or NUL characters are
/// invalid and dangerous ... a recipient ... MAY replace each such character with SP"). Framing fields
/// (`Content-Length`, `Transfer-Encoding`, `Connection`) are always the server's own.
package enum HTTPResponseWriter {
    /// Serializes `response`; `closing` adds `Connection: close`, `keepAliveHTTP10` adds `Connection: keep-alive`,
    /// `omitBody` (a response to HEAD) keeps `Content-Length` but sends no content.
    package static func serialize(
        _ response: HTTPResponse, closing: Bool, keepAliveHTTP10: Bool = false, omitBody: Bool = false,
        date: [UInt8]? = nil
    ) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(128 + response.body.count + response.headers.count * 32)
        out.append(contentsOf: "HTTP/1.1 \(response.status.code) ".utf8)
        appendSanitizedValue(response.status.reasonPhrase, to: &out)
        out.append(contentsOf: crlf)
        for field in response.headers {
            guard isToken(field.name) else { continue }
            if field.name.equalsIgnoringASCIICase("Content-Length") || field.name.equalsIgnoringASCIICase("Connection")
                || field.name.equalsIgnoringASCIICase("Transfer-Encoding") || field.name.equalsIgnoringASCIICase("Date")
            {
                continue
            }
            out.append(contentsOf: field.name.utf8)
            out.append(contentsOf: ": ".utf8)
            appendSanitizedValue(field.value, to: &out)
            out.append(contentsOf: crlf)
        }
        if let date {
            out.append(contentsOf: "Date: ".utf8)
            out.append(contentsOf: date)
            out.append(contentsOf: crlf)
        }
        let hasContent = response.status.allowsContent
        if hasContent {
            out.append(contentsOf: "Content-Length: \(response.body.count)\r\n".utf8)
        }
        if closing {
            out.append(contentsOf: "Connection: close\r\n".utf8)
        } else if keepAliveHTTP10 {
            out.append(contentsOf: "Connection: keep-alive\r\n".utf8)
        }
        out.append(contentsOf: crlf)
        if hasContent && !omitBody { out.append(contentsOf: response.body) }
        return out
    }

    private static let crlf: [UInt8] = [13, 10]

    static func isToken(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { HTTPGrammar.isTokenCharacter($0) }
    }

    private static func appendSanitizedValue(_ value: String, to out: inout [UInt8]) {
        // Also trims leading/trailing whitespace, which a field value may not carry (RFC 9110 §5.5).
        var bytes = Array(value.utf8)
        for index in bytes.indices where (bytes[index] < 0x20 && bytes[index] != 0x09) || bytes[index] == 0x7F {
            bytes[index] = 0x20
        }
        var start = 0
        var end = bytes.count
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
        out.append(contentsOf: bytes[start..<end])
    }
}

/// Character classes of RFC 9110 §5.6.
enum HTTPGrammar {
    /// `tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~" / DIGIT /
    /// ALPHA`
    @inline(__always)
    static func isTokenCharacter(_ byte: UInt8) -> Bool { tokenTable[Int(byte)] }

    /// `field-vchar / SP / HTAB`, with obs-text (0x80–0xFF) allowed as RFC 9110 §5.5 permits.
    @inline(__always)
    static func isFieldValueCharacter(_ byte: UInt8) -> Bool { byte == 0x09 || (byte >= 0x20 && byte != 0x7F) }

    private static let tokenTable: [Bool] = (0...255).map { value in
        let byte = UInt8(value)
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "A")...UInt8(ascii: "Z"):
            return true
        default:
            return Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }
}

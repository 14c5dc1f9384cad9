/// What ``HTTPRequestParser/next()`` found in the bytes fed so far.
package enum HTTPParserEvent: Sendable, Equatable {
    /// A complete request, body included.
    case request(HTTPRequest)
    /// The header section of an HTTP/1.1 request with `Expect: 100-continue` and a body is complete;
    /// the server may send `100 Continue` (RFC 9110 §10.1.1).
    case continueExpected
    /// The input is invalid; the parser stays failed and the connection must be closed after answering.
    case failure(HTTPParserError)
}

/// An incremental HTTP/1.1 request parser: feed it bytes in chunks of any size (one byte at a time works),
/// then pull events with ``next()`` until it returns nil.
///
/// Strict by design (swift-nio's HTTP/1 rules): CRLF line endings only, no obs-fold, no whitespace before the
/// colon, field names must be tokens and values free of control bytes, and the framing must be unambiguous
/// (RFC 9112 §6.3). Identical repeated `Content-Length` values — as separate lines or as a list `5, 5` — are
/// folded into one, as RFC 9110 §8.6 allows; any difference is a 400.
package struct HTTPRequestParser: Sendable {
    /// Where the parser stands in the current message; the connection uses it to pick a deadline.
    package enum Phase: Sendable, Equatable {
        /// Between messages, no byte of the next one buffered.
        case idle
        /// Inside a request line or header section.
        case head
        /// Inside a body (length-delimited or chunked, trailers included).
        case body
        case failed
    }

    private enum State: Sendable {
        case requestLine
        case headerFields
        case lengthDelimitedBody(remaining: Int)
        case chunkSizeLine
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailerFields
        case failed(HTTPParserError)
    }

    private enum Framing {
        case none
        case length(Int)
        case chunked
    }

    private struct Head: Sendable {
        var method: HTTPMethod
        var target: String
        var authority: String?
        var version: HTTPVersion
        var headers = HTTPHeaders()
    }

    package let limits: HTTPServerConfiguration.Limits
    private var state: State = .requestLine
    private var buffer: [UInt8] = []
    private var readIndex = 0
    /// Where the search for the next LF resumes, so byte-at-a-time input is not rescanned.
    private var scanIndex = 0
    private var head: Head?
    private var body: [UInt8] = []
    private var trailers = HTTPHeaders()
    private var headerBytes = 0
    private var fieldCount = 0

    package init(limits: HTTPServerConfiguration.Limits = .init()) { self.limits = limits }

    /// Bytes received but not yet consumed by a complete event.
    package var bufferedByteCount: Int { buffer.count - readIndex }

    package var phase: Phase {
        switch state {
        case .requestLine: bufferedByteCount == 0 ? .idle : .head
        case .headerFields: .head
        case .lengthDelimitedBody, .chunkSizeLine, .chunkData, .chunkDataEnd, .trailerFields: .body
        case .failed: .failed
        }
    }

    /// Appends received bytes; call ``next()`` afterwards.
    package mutating func append(_ bytes: some Sequence<UInt8>) {
        if readIndex == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            readIndex = 0
            scanIndex = 0
        } else if readIndex > 16 * 1024 && readIndex > buffer.count / 2 {
            buffer.removeSubrange(0..<readIndex)
            scanIndex -= readIndex
            readIndex = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// Appends bytes from raw memory (the event loop's read buffer).
    package mutating func append(_ bytes: UnsafeRawBufferPointer) {
        append(bytes.bindMemory(to: UInt8.self))
    }

    /// The next event the buffered bytes allow, or nil when more input is needed (or after a failure was reported).
    package mutating func next() -> HTTPParserEvent? {
        while true {
            switch state {
            case .failed:
                return nil
            case .requestLine:
                switch readLine(limit: limits.maximumRequestLineLength, tooLong: .requestLineTooLong) {
                case .needMoreData: return nil
                case .failure(let error): return fail(error)
                case .line(let range):
                    // RFC 9112 §2.2: "a server that is expecting to receive and parse a request-line SHOULD
                    // ignore at least one empty line (CRLF) received prior to the request-line."
                    if range.isEmpty { continue }
                    switch parseRequestLine(range) {
                    case .failure(let error): return fail(error)
                    case .success(let parsed):
                        head = parsed
                        headerBytes = 0
                        fieldCount = 0
                        state = .headerFields
                    }
                }
            case .headerFields:
                let budget = limits.maximumHeaderSectionSize - headerBytes
                switch readLine(limit: max(budget - 2, 0), tooLong: .headerSectionTooLarge) {
                case .needMoreData: return nil
                case .failure(let error): return fail(error)
                case .line(let range):
                    headerBytes += range.count + 2
                    if headerBytes > limits.maximumHeaderSectionSize { return fail(.headerSectionTooLarge) }
                    if range.isEmpty {
                        if let event = finishHeaderSection() { return event }
                        continue
                    }
                    switch parseFieldLine(range) {
                    case .failure(let error): return fail(error)
                    case .success(let field):
                        fieldCount += 1
                        if fieldCount > limits.maximumHeaderFieldCount { return fail(.tooManyHeaderFields) }
                        head!.headers.add(name: field.name, value: field.value)
                    }
                }
            case .lengthDelimitedBody(let remaining):
                let take = min(remaining, bufferedByteCount)
                if take == 0 && remaining > 0 { return nil }
                body.append(contentsOf: buffer[readIndex..<readIndex + take])
                consume(take)
                if remaining - take == 0 { return complete() }
                state = .lengthDelimitedBody(remaining: remaining - take)
                return nil
            case .chunkSizeLine:
                switch readLine(limit: limits.maximumChunkSizeLineLength, tooLong: .invalidChunkExtension) {
                case .needMoreData: return nil
                case .failure(let error): return fail(error)
                case .line(let range):
                    switch parseChunkSize(range) {
                    case .failure(let error): return fail(error)
                    case .success(0): state = .trailerFields
                    case .success(let size):
                        if size > limits.maximumBodySize - body.count { return fail(.contentTooLarge) }
                        state = .chunkData(remaining: size)
                    }
                }
            case .chunkData(let remaining):
                let take = min(remaining, bufferedByteCount)
                if take == 0 { return nil }
                body.append(contentsOf: buffer[readIndex..<readIndex + take])
                consume(take)
                state = remaining - take == 0 ? .chunkDataEnd : .chunkData(remaining: remaining - take)
            case .chunkDataEnd:
                // chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF (RFC 9112 §7.1)
                guard bufferedByteCount >= 1 else { return nil }
                guard buffer[readIndex] == 13 else { return fail(.missingChunkDataTerminator) }
                guard bufferedByteCount >= 2 else { return nil }
                guard buffer[readIndex + 1] == 10 else { return fail(.missingChunkDataTerminator) }
                consume(2)
                state = .chunkSizeLine
            case .trailerFields:
                let budget = limits.maximumHeaderSectionSize - headerBytes
                switch readLine(limit: max(budget - 2, 0), tooLong: .headerSectionTooLarge) {
                case .needMoreData: return nil
                case .failure(let error): return fail(error)
                case .line(let range):
                    headerBytes += range.count + 2
                    if headerBytes > limits.maximumHeaderSectionSize { return fail(.headerSectionTooLarge) }
                    if range.isEmpty { return complete() }
                    switch parseFieldLine(range) {
                    case .failure(let error): return fail(error)
                    case .success(let field):
                        fieldCount += 1
                        if fieldCount > limits.maximumHeaderFieldCount { return fail(.tooManyHeaderFields) }
                        trailers.add(name: field.name, value: field.value)
                    }
                }
            }
        }
    }

    // MARK: - Lines

    private enum LineResult {
        case line(Range<Int>)
        case needMoreData
        case failure(HTTPParserError)
    }

    private mutating func consume(_ count: Int) {
        readIndex += count
        scanIndex = max(scanIndex, readIndex)
    }

    /// Finds the next CRLF-terminated line. RFC 9112 §2.2: "A sender MUST NOT generate a bare CR ... a
    /// recipient of such a bare CR MUST consider that element to be invalid"; we also refuse a bare LF as line
    /// terminator (permitted leniency that we decline), so CR and LF only ever appear together.
    private mutating func readLine(limit: Int, tooLong: HTTPParserError) -> LineResult {
        let start = readIndex
        let end = buffer.count
        var index = max(scanIndex, start)
        let result: LineResult? = buffer.withUnsafeBufferPointer { bytes in
            while index < end {
                let byte = bytes[index]
                if byte == 10 {
                    if index == start || bytes[index - 1] != 13 { return .failure(.bareLineFeed) }
                    let line = start..<(index - 1)
                    if line.count > limit { return .failure(tooLong) }
                    return .line(line)
                }
                if byte == 13 {
                    if index + 1 < end {
                        if bytes[index + 1] != 10 { return .failure(.bareCarriageReturn) }
                    } else {
                        return nil  // a CR at the end: wait for the next byte before judging it
                    }
                }
                index += 1
            }
            return nil
        }
        if let result {
            if case .line(let line) = result {
                readIndex = line.upperBound + 2
                scanIndex = readIndex
            }
            return result
        }
        scanIndex = index
        if end - start > limit + 1 { return .failure(tooLong) }
        return .needMoreData
    }

    private mutating func fail(_ error: HTTPParserError) -> HTTPParserEvent {
        state = .failed(error)
        head = nil
        body = []
        return .failure(error)
    }

    private mutating func complete() -> HTTPParserEvent {
        let head = self.head!
        let request = HTTPRequest(
            method: head.method, target: head.target, version: head.version, headers: head.headers, body: body,
            trailers: trailers, absoluteAuthority: head.authority)
        self.head = nil
        body = []
        trailers = HTTPHeaders()
        state = .requestLine
        return .request(request)
    }

    // MARK: - Request line

    /// `request-line = method SP request-target SP HTTP-version` (RFC 9112 §3), single SPs only.
    private func parseRequestLine(_ range: Range<Int>) -> Result<Head, HTTPParserError> {
        let line = buffer[range]
        guard let firstSpace = line.firstIndex(of: 32) else { return .failure(.malformedRequestLine) }
        guard let lastSpace = line.lastIndex(of: 32), lastSpace > firstSpace else {
            return .failure(.malformedRequestLine)
        }
        let methodBytes = line[line.startIndex..<firstSpace]
        let targetBytes = line[(firstSpace + 1)..<lastSpace]
        let versionBytes = line[(lastSpace + 1)...]

        guard !methodBytes.isEmpty, methodBytes.allSatisfy(HTTPGrammar.isTokenCharacter) else {
            return .failure(.invalidMethod)
        }
        // HTTP-version = HTTP-name "/" DIGIT "." DIGIT, case-sensitive (RFC 9112 §2.3).
        let version: HTTPVersion
        let prefix: [UInt8] = Array("HTTP/".utf8)
        if versionBytes.count == 8, versionBytes.starts(with: prefix), versionBytes[lastSpace + 7] == 46,
            let major = digit(versionBytes[lastSpace + 6]), let minor = digit(versionBytes[lastSpace + 8])
        {
            version = HTTPVersion(major: major, minor: minor)
        } else {
            return .failure(.invalidVersion)
        }
        guard version == .http1_1 || version == .http1_0 else { return .failure(.unsupportedVersion) }
        // A second SP inside the target (three spaces in the line) is malformed, not a target with a space.
        guard !targetBytes.isEmpty, targetBytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != 35 }) else {
            return .failure(.invalidRequestTarget)
        }
        let method = HTTPMethod(String(decoding: methodBytes, as: UTF8.self))
        if method == .connect { return .failure(.unsupportedMethodConnect) }
        let target = String(decoding: targetBytes, as: UTF8.self)
        // request-target = origin-form / absolute-form / authority-form / asterisk-form (RFC 9112 §3.2).
        if target.hasPrefix("/") {
            return .success(Head(method: method, target: target, authority: nil, version: version))
        }
        if target == "*" {
            guard method == .options else { return .failure(.invalidRequestTarget) }
            return .success(Head(method: method, target: target, authority: nil, version: version))
        }
        // RFC 9112 §3.2.2: "a server MUST accept the absolute-form in requests"; only http(s) URIs, no userinfo.
        let lowered = target.lowercased()
        for scheme in ["http://", "https://"] where lowered.hasPrefix(scheme) {
            let rest = target.dropFirst(scheme.count)
            let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
            let authority = rest[rest.startIndex..<authorityEnd]
            guard !authority.isEmpty, !authority.contains("@"), isValidHost(authority.utf8) else {
                return .failure(.invalidRequestTarget)
            }
            var path = String(rest[authorityEnd...])
            if !path.hasPrefix("/") { path = "/" + path }
            return .success(Head(method: method, target: path, authority: String(authority), version: version))
        }
        return .failure(.invalidRequestTarget)
    }

    private func digit(_ byte: UInt8) -> Int? { (48...57).contains(byte) ? Int(byte - 48) : nil }

    // MARK: - Field lines

    /// `field-line = field-name ":" OWS field-value OWS` (RFC 9112 §5).
    private func parseFieldLine(_ range: Range<Int>) -> Result<HTTPHeaders.Field, HTTPParserError> {
        let line = buffer[range]
        // RFC 9112 §5.2: "A server that receives an obs-fold in a request message ... MUST either reject the
        // message by sending a 400 (Bad Request) ... or replace each received obs-fold with one or more SP".
        if line.first == 32 || line.first == 9 { return .failure(.obsoleteLineFolding) }
        guard let colon = line.firstIndex(of: 58) else { return .failure(.invalidFieldName) }
        let nameBytes = line[line.startIndex..<colon]
        guard !nameBytes.isEmpty else { return .failure(.invalidFieldName) }
        // RFC 9112 §5.1: "A server MUST reject, with a response status code of 400 (Bad Request), any received
        // request message that contains whitespace between a header field name and colon."
        if nameBytes.last == 32 || nameBytes.last == 9 { return .failure(.whitespaceBeforeColon) }
        guard nameBytes.allSatisfy(HTTPGrammar.isTokenCharacter) else { return .failure(.invalidFieldName) }
        var valueStart = colon + 1
        var valueEnd = line.endIndex
        while valueStart < valueEnd, line[valueStart] == 32 || line[valueStart] == 9 { valueStart += 1 }
        while valueEnd > valueStart, line[valueEnd - 1] == 32 || line[valueEnd - 1] == 9 { valueEnd -= 1 }
        let valueBytes = line[valueStart..<valueEnd]
        guard valueBytes.allSatisfy(HTTPGrammar.isFieldValueCharacter) else { return .failure(.invalidFieldValue) }
        return .success(
            HTTPHeaders.Field(
                name: String(decoding: nameBytes, as: UTF8.self), value: String(decoding: valueBytes, as: UTF8.self)))
    }

    // MARK: - Framing

    private mutating func finishHeaderSection() -> HTTPParserEvent? {
        let head = self.head!
        let headers = head.headers
        let hosts = headers.values(for: "Host")
        // RFC 9112 §3.2: "A server MUST respond with a 400 (Bad Request) status code to any HTTP/1.1 request
        // message that lacks a Host header field and to any request message that contains more than one Host
        // header field line or a Host header field with an invalid field value."
        if hosts.count > 1 { return fail(.multipleHost) }
        if hosts.isEmpty && head.version == .http1_1 { return fail(.missingHost) }
        if let host = hosts.first, !host.isEmpty, !isValidHost(host.utf8) { return fail(.invalidHost) }

        let framing: Framing
        switch determineFraming(headers, version: head.version) {
        case .failure(let error): return fail(error)
        case .success(let value): framing = value
        }
        let hasBody: Bool
        switch framing {
        case .none:
            return complete()
        case .length(0):
            return complete()
        case .length(let length):
            state = .lengthDelimitedBody(remaining: length)
            body.reserveCapacity(length)
            hasBody = true
        case .chunked:
            state = .chunkSizeLine
            hasBody = true
        }
        if hasBody, head.version == .http1_1, headers.tokens(for: "Expect").contains("100-continue") {
            return .continueExpected
        }
        return nil
    }

    /// RFC 9112 §6.3 message body length, with every ambiguity refused.
    private func determineFraming(_ headers: HTTPHeaders, version: HTTPVersion) -> Result<Framing, HTTPParserError> {
        let transferEncodings = headers.values(for: "Transfer-Encoding")
        let contentLengths = headers.values(for: "Content-Length")
        if !transferEncodings.isEmpty {
            // RFC 9112 §6.3: "If a message is received with both a Transfer-Encoding and a Content-Length header
            // field ... Such a message might indicate an attempt to perform request smuggling ... and ought to
            // be handled as an error."
            if !contentLengths.isEmpty { return .failure(.contentLengthWithTransferEncoding) }
            // RFC 9112 §6.1: "A server or client that receives an HTTP/1.0 message containing a Transfer-Encoding
            // header field MUST treat the message as if the framing is faulty, even if a Content-Length is
            // present, and close the connection after processing the message." Like nginx, we refuse it outright.
            if version == .http1_0 { return .failure(.transferEncodingInHTTP10) }
            let codings = headers.tokens(for: "Transfer-Encoding")
            // RFC 9112 §6.3: "If a Transfer-Encoding header field is present in a request and the chunked
            // transfer coding is not the final encoding, ... the server MUST respond with the 400 (Bad Request)
            // status code and then close the connection." Chunked may be applied only once (§7).
            guard codings.last == "chunked", codings.filter({ $0 == "chunked" }).count == 1 else {
                return .failure(.chunkedNotFinal)
            }
            // RFC 9112 §6.1: "A server that receives a request message with a transfer coding it does not
            // understand SHOULD respond with 501 (Not Implemented)." (e.g. `gzip, chunked`)
            if codings.count > 1 { return .failure(.unsupportedTransferCoding) }
            return .success(.chunked)
        }
        if contentLengths.isEmpty { return .success(.none) }
        // Content-Length = 1*DIGIT (RFC 9110 §8.6); identical values (lines or list members) fold into one.
        var seen: Substring?
        for value in contentLengths {
            for element in value.split(separator: ",", omittingEmptySubsequences: false) {
                let trimmed = element.trimmingHTTPWhitespace()[...]
                guard !trimmed.isEmpty, trimmed.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
                    return .failure(.invalidContentLength)
                }
                if let seen, seen != trimmed { return .failure(.conflictingContentLength) }
                seen = trimmed
            }
        }
        let digits = seen!.drop { $0 == "0" }
        guard digits.count <= 18, let length = Int(digits.isEmpty ? "0" : digits), length <= limits.maximumBodySize
        else { return .failure(.contentTooLarge) }
        return .success(.length(length))
    }

    /// `chunk-size [ chunk-ext ]` with `chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )`
    /// (RFC 9112 §7.1.1). Extensions are validated for forbidden bytes and otherwise ignored.
    private func parseChunkSize(_ range: Range<Int>) -> Result<Int, HTTPParserError> {
        let line = buffer[range]
        var size = 0
        var index = line.startIndex
        while index < line.endIndex, let value = hexValue(line[index]) {
            let (shifted, overflow) = size.multipliedReportingOverflow(by: 16)
            guard !overflow else { return .failure(.invalidChunkSize) }
            size = shifted + value
            index += 1
        }
        guard index > line.startIndex else { return .failure(.invalidChunkSize) }
        var rest = line[index...]
        while let first = rest.first, first == 32 || first == 9 { rest = rest.dropFirst() }
        if rest.isEmpty { return .success(size) }
        guard rest.first == 59 else { return .failure(.invalidChunkSize) }
        guard rest.allSatisfy(HTTPGrammar.isFieldValueCharacter) else { return .failure(.invalidChunkExtension) }
        return .success(size)
    }

    private func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case 48...57: Int(byte - 48)
        case 65...70: Int(byte - 55)
        case 97...102: Int(byte - 87)
        default: nil
        }
    }

    /// `Host = uri-host [ ":" port ]`: reg-name, IPv4 or bracketed IPv6 characters only.
    private func isValidHost(_ host: some Sequence<UInt8>) -> Bool {
        host.allSatisfy { HTTPRequestParser.hostCharacters[Int($0)] }
    }

    private static let hostCharacters: [Bool] = (0...255).map { value in
        switch UInt8(value) {
        case 48...57, 65...90, 97...122: true
        default: Array("-._~%!$&'()*+,;=:[]".utf8).contains(UInt8(value))
        }
    }
}

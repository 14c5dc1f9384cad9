import CivicSealHTTP
import Testing

@Suite("Request parser")
struct ParserTests {
    private func parse(_ text: String, limits: HTTPServerConfiguration.Limits = .init()) -> [HTTPParserEvent] {
        var parser = HTTPRequestParser(limits: limits)
        parser.append(Array(text.utf8))
        var events: [HTTPParserEvent] = []
        while let event = parser.next() { events.append(event) }
        return events
    }

    private func request(_ text: String) throws -> HTTPRequest {
        let events = parse(text)
        guard case .request(let request) = try #require(events.first) else {
            Issue.record("expected a request, got \(events)")
            throw CancellationError()
        }
        return request
    }

    @Test func contentLengthBodyIsDelivered() throws {
        let request = try request("POST /items?x=1 HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello")
        #expect(request.method == .post)
        #expect(request.path == "/items")
        #expect(request.query == "x=1")
        #expect(request.body == Array("hello".utf8))
    }

    @Test func chunkedBodyIsReassembledAndTrailersKeptApart() throws {
        let request = try request(
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n "
                + "world\r\n0\r\nChecksum: abc\r\n\r\n"
        )
        #expect(request.body == Array("hello world".utf8))
        #expect(request.trailers["checksum"] == "abc")
        #expect(request.headers["Checksum"] == nil)
    }

    @Test func duplicateHeadersAreKeptInOrderAndLookupIgnoresCase() throws {
        let request = try request("GET / HTTP/1.1\r\nHost: a\r\nX-Tag: one\r\nx-tag: two\r\nX-TAG: three\r\n\r\n")
        #expect(request.headers.values(for: "x-Tag") == ["one", "two", "three"])
        #expect(request.headers["X-TAG"] == "one")
        #expect(request.headers.count == 4)
    }

    @Test func fieldValuesAreTrimmedOfOptionalWhitespace() throws {
        let request = try request("GET / HTTP/1.1\r\nHost: a\r\nX:  \t spaced value \t\r\n\r\n")
        #expect(request.headers["X"] == "spaced value")
    }

    @Test func absoluteFormIsReducedToOriginFormAndItsAuthorityWins() throws {
        let request = try request("GET https://example.com:8443?q=1 HTTP/1.1\r\nHost: other\r\n\r\n")
        #expect(request.target == "/?q=1")
        #expect(request.host == "example.com:8443")
    }

    @Test func expectContinueIsAnnouncedBeforeTheBody() {
        let events = parse("POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n")
        #expect(events == [.continueExpected])
    }

    @Test func parserReportsPhaseForDeadlines() {
        var parser = HTTPRequestParser()
        #expect(parser.phase == .idle)
        parser.append(Array("GET / HTTP/1.1\r\nHo".utf8))
        #expect(parser.next() == nil)
        #expect(parser.phase == .head)
        parser.append(Array("st: a\r\nContent-Length: 3\r\n\r\na".utf8))
        #expect(parser.next() == nil)
        #expect(parser.phase == .body)
        parser.append(Array("bc".utf8))
        if case .request = parser.next() {} else { Issue.record("expected a request") }
        #expect(parser.phase == .idle)
    }

    @Test func parserStaysFailedAfterAnError() {
        var parser = HTTPRequestParser()
        parser.append(Array("GET / HTTP/1.1\nHost: a\n\n".utf8))
        #expect(parser.next() == .failure(.bareLineFeed))
        parser.append(Array("GET / HTTP/1.1\r\nHost: a\r\n\r\n".utf8))
        #expect(parser.next() == nil)
        #expect(parser.phase == .failed)
    }

    @Test func everyParserErrorHasItsStatusAndProblemType() {
        #expect(HTTPParserError.requestLineTooLong.status.code == 414)
        #expect(HTTPParserError.headerSectionTooLarge.status.code == 431)
        #expect(HTTPParserError.tooManyHeaderFields.status.code == 431)
        #expect(HTTPParserError.contentTooLarge.status.code == 413)
        #expect(HTTPParserError.unsupportedVersion.status.code == 505)
        #expect(HTTPParserError.unsupportedTransferCoding.status.code == 501)
        for error in HTTPParserError.allCases {
            let problem = ProblemDetails(error)
            #expect(problem.type.hasPrefix("https://civicseal.invalid/problems/"))
            #expect(problem.status == error.status.code)
        }
    }

    @Test func largeBodyFedInUnevenPiecesArrivesIntact() {
        let body = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        var bytes = Array("PUT /blob HTTP/1.1\r\nHost: a\r\nContent-Length: \(body.count)\r\n\r\n".utf8)
        bytes += body
        var parser = HTTPRequestParser()
        var index = 0
        var piece = 1
        var result: HTTPRequest?
        while index < bytes.count {
            let end = min(bytes.count, index + piece)
            parser.append(bytes[index..<end])
            if case .request(let request) = parser.next() { result = request }
            index = end
            piece = piece * 3 % 7919 + 1
        }
        #expect(result?.body == body)
    }
}

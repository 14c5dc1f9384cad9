import Foundation
import Testing

@testable import CivicSealHTTPClient

/// The response parser from literal bytes, delivered in pieces of every size so that no rule depends on how the
/// network splits a response.
struct ResponseReaderTests {
    /// Reads `text` as a response to `method`, fed `piece` bytes at a time.
    private func read(_ text: String, method: String = "GET", piece: Int = 1, limit: Int = 1 << 20)
        throws(OutboundHTTPError) -> (ResponseReader.Result, leftover: [UInt8])
    {
        let bytes = Array(text.utf8)
        let offset = Offset()
        var reader = ResponseReader(
            buffered: [], peer: "https://idp.example", maximumHeaderBytes: 1024, maximumBodyBytes: limit
        ) { buffer throws(OutboundHTTPError) in
            guard offset.value < bytes.count else { return false }
            let end = min(bytes.count, offset.value + piece)
            buffer += bytes[offset.value..<end]
            offset.value = end
            return true
        }
        let result = try reader.read(method: method)
        return (result, reader.leftover)
    }

    private final class Offset: @unchecked Sendable {
        // @unchecked Sendable: used by one test on one thread.
        var value = 0
    }

    private func code(_ text: String, method: String = "GET", limit: Int = 1 << 20) -> OutboundHTTPError.Code? {
        do {
            _ = try read(text, method: method, limit: limit)
            return nil
        } catch { return error.code }
    }

    @Test(arguments: [1, 3, 1000])
    func aContentLengthBodyIsReadExactly(piece: Int) throws {
        let (result, leftover) = try read(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}", piece: piece)
        #expect(result.response.status == 200)
        #expect(result.response.body == Array("{}".utf8))
        #expect(result.response.header("content-type") == "application/json")
        #expect(result.keepAlive)
        #expect(leftover.isEmpty)
    }

    @Test(arguments: [1, 7, 1000])
    func chunksWithExtensionsAndTrailersAreJoined(piece: Int) throws {
        let text =
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\nA \r\n0123456789\r\n0\r\nT: v\r\n\r\n"
        let (result, _) = try read(text, piece: piece)
        #expect(String(decoding: result.response.body, as: UTF8.self) == "abc0123456789")
    }

    @Test func interimResponsesAreSkipped() throws {
        let (result, _) = try read(
            "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early\r\nLink: x\r\n\r\nHTTP/1.1 204 No\r\n\r\n")
        #expect(result.response.status == 204)
        #expect(result.response.body.isEmpty)
    }

    @Test func headAndNotModifiedHaveNoBodyWhateverTheirLength() throws {
        let (head, _) = try read("HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n", method: "HEAD")
        #expect(head.response.body.isEmpty && head.keepAlive)
        let (notModified, _) = try read("HTTP/1.1 304 Not Modified\r\nContent-Length: 50\r\n\r\n")
        #expect(notModified.response.body.isEmpty)
    }

    @Test func aBodyWithoutLengthRunsToCloseAndEndsReuse() throws {
        let (result, _) = try read("HTTP/1.0 200 ok\r\nContent-type: text/html\r\n\r\n<html>")
        #expect(result.response.body == Array("<html>".utf8))
        #expect(!result.keepAlive)
    }

    @Test func connectionCloseEndsReuse() throws {
        let (result, _) = try read("HTTP/1.1 200 OK\r\nConnection: keep-alive, Close\r\nContent-Length: 0\r\n\r\n")
        #expect(!result.keepAlive)
    }

    @Test(arguments: [
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc",
        "HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\n\r\nab",
        "HTTP/1.1 200 OK\r\nContent-Length: +2\r\n\r\nab",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0x2\r\nab\r\n0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-2\r\nab\r\n0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffff\r\n",
        "HTTP/1.1 200 OK\r\nX-Long: a\r\n  folded\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length : 0\r\n\r\n",
        "HTTP/1.1 200 OK\nContent-Length: 0\n\n",
        "HTTP/1.1 200 OK\r\nX: a\rb\r\nContent-Length: 0\r\n\r\n",
        "HTTP/2 200\r\n\r\n",
        "HTTP/1.1 20 OK\r\n\r\n",
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n",
    ])
    func ambiguousOrBrokenFramingIsMalformed(text: String) {
        #expect(code(text) == .malformedResponse)
    }

    @Test func aLengthOverTheLimitIsRefusedBeforeReadingTheBody() {
        #expect(code("HTTP/1.1 200 OK\r\nContent-Length: 104857600\r\n\r\n", limit: 1000) == .responseTooLarge)
    }

    @Test func chunksOverTheLimitAreRefused() {
        let text =
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            + String(repeating: "10\r\n0123456789abcdef\r\n", count: 70)
        #expect(code(text, limit: 1000) == .responseTooLarge)
    }

    @Test func aHeaderSectionOverItsLimitIsRefused() {
        let text = "HTTP/1.1 200 OK\r\nX-Big: " + String(repeating: "a", count: 2000) + "\r\nContent-Length: 0\r\n\r\n"
        #expect(code(text) == .responseTooLarge)
    }

    @Test func aResponseCutShortIsClosed() {
        #expect(code("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc") == .closed)
        #expect(code("HTTP/1.1 200 OK\r\nContent-") == .closed)
        #expect(code("") == .closed)
    }
}

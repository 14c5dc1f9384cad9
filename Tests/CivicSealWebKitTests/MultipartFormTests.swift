import CivicSealHTTP
import CivicSealTestSupport
import CivicSealWebKit
import Foundation
import Synchronization
import Testing

/// A multipart body assembled by hand, CRLF everywhere, as RFC 7578 frames it.
struct MultipartBody {
    let boundary: String
    var bytes: [UInt8] = []

    init(boundary: String, preamble: String = "") {
        self.boundary = boundary
        bytes = Array(preamble.utf8)
    }

    mutating func part(_ headers: [String], _ content: [UInt8]) {
        bytes += Array("\(bytes.isEmpty ? "" : "\r\n")--\(boundary)\r\n".utf8)
        for header in headers { bytes += Array("\(header)\r\n".utf8) }
        bytes += Array("\r\n".utf8)
        bytes += content
    }

    mutating func field(_ name: String, _ value: String) {
        part(["Content-Disposition: form-data; name=\"\(name)\""], Array(value.utf8))
    }

    mutating func close(epilogue: String = "\r\n") {
        bytes += Array("\r\n--\(boundary)--\(epilogue)".utf8)
    }

    var contentType: String { "multipart/form-data; boundary=\(boundary)" }
}

@Suite("Multipart forms")
struct MultipartFormTests {
    private func code(_ body: [UInt8], contentType: String, limits: FormLimits = .init()) -> FormError.Code? {
        do {
            _ = try MultipartForm.parse(body, contentType: contentType, limits: limits)
            return nil
        } catch {
            return error.code
        }
    }

    /// Bytes that break naive parsers: CRLF, bare CR and LF, NUL, dash runs, and a delimiter that is one byte short.
    static func awkwardBinary(boundary: String) -> [UInt8] {
        var bytes: [UInt8] =
            Array("%PDF-1.7\r\n".utf8) + [0, 0, 0x0D, 0x0A, 0x2D, 0x2D, 0x0D, 0x0D, 0x0A, 0x0A, 0xFF, 0xFE]
        bytes += Array("\r\n--\r\n----\r\n--\(boundary.dropLast())\r\n".utf8)
        bytes += Array("x--\(boundary)\r\n".utf8)  // not at the start of a line, so not a delimiter
        // Near misses: the boundary with its last character changed, as a part line and as a close line.
        bytes += Array("\r\n--\(boundary.dropLast())!\r\n\r\n--\(boundary.dropLast())!--\r\n".utf8)
        bytes += (0..<2048).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        bytes += [0x0D, 0x0A, 0x2D]
        return bytes
    }

    @Test func binaryFileSurvivesByteForByte() throws {
        var body = MultipartBody(boundary: "----WebKitFormBoundary7MA4YWxkTrZu0gW")
        let file = Self.awkwardBinary(boundary: body.boundary)
        body.field("title", "Giấy khai sinh")
        body.part(
            ["Content-Disposition: form-data; name=\"scan\"; filename=\"scan.pdf\"", "Content-Type: application/pdf"],
            file)
        body.close()
        let form = try MultipartForm.parse(body.bytes, contentType: body.contentType)
        #expect(form.parts.count == 2)
        #expect(form.field("title") == "Giấy khai sinh")
        let scan = try #require(form.file("scan"))
        #expect(scan.filename == "scan.pdf")
        #expect(scan.contentType == "application/pdf")
        #expect(scan.body == file)
        #expect(form.field("scan") == nil)
        #expect(form.file("title") == nil)
    }

    @Test func preambleEpilogueAndTransportPaddingAreIgnored() throws {
        var body = MultipartBody(boundary: "b0", preamble: "This is a preamble with --b0x and \r\n--b0z in it.")
        body.field("a", "1")
        body.bytes += Array("\r\n--b0 \t\r\nContent-Disposition: form-data; name=\"b\"\r\n\r\n2".utf8)
        body.close(epilogue: "\r\nepilogue, even --b0\r\n")
        let form = try MultipartForm.parse(body.bytes, contentType: body.contentType)
        #expect(form.parts.map(\.name) == ["a", "b"])
        #expect(form.field("b") == "2")
    }

    @Test func quotedFilenameKeepsEscapedQuoteAndBackslash() throws {
        var body = MultipartBody(boundary: "q")
        body.part([#"Content-Disposition: form-data; name="doc"; filename="say \"hi\" \\ bye.pdf""#], [1, 2, 3])
        body.close()
        let part = try #require(try MultipartForm.parse(body.bytes, contentType: body.contentType).file("doc"))
        #expect(part.filename == #"say "hi" \ bye.pdf"#)
    }

    @Test func nonASCIIFilenameAndNameAreDecodedAsUTF8() throws {
        var body = MultipartBody(boundary: "u")
        body.part(["Content-Disposition: form-data; name=\"tệp\"; filename=\"Đơn đề nghị.pdf\""], [9])
        body.close()
        let part = try #require(try MultipartForm.parse(body.bytes, contentType: body.contentType).file("tệp"))
        #expect(part.filename == "Đơn đề nghị.pdf")
    }

    @Test func headerNamesAndDispositionTypeAreCaseInsensitive() throws {
        var body = MultipartBody(boundary: "c")
        body.part(
            [
                "CONTENT-disposition: Form-Data; NAME=x; FileName=\"f.txt\"", "content-TYPE: text/plain",
                "X-Other: ignored",
            ], Array("hi".utf8))
        body.close()
        let part = try #require(try MultipartForm.parse(body.bytes, contentType: body.contentType).file("x"))
        #expect(part.filename == "f.txt")
        #expect(part.contentType == "text/plain")
    }

    @Test func quotedBoundaryWithSpacesAndPunctuationIsAccepted() throws {
        let boundary = "a b'()+_,-./:=?z"
        var body = MultipartBody(boundary: boundary)
        body.field("k", "v")
        body.close()
        let form = try MultipartForm.parse(body.bytes, contentType: "multipart/form-data; boundary=\"\(boundary)\"")
        #expect(form.field("k") == "v")
    }

    @Test func emptyFileInputIsNotAFile() throws {
        var body = MultipartBody(boundary: "e")
        body.part(
            ["Content-Disposition: form-data; name=\"scan\"; filename=\"\"", "Content-Type: application/octet-stream"],
            [])
        body.part(["Content-Disposition: form-data; name=\"empty\""], [])
        body.close()
        let form = try MultipartForm.parse(body.bytes, contentType: body.contentType)
        #expect(form.parts.count == 2)
        #expect(form.file("scan") == nil)
        #expect(form.field("empty") == "")
    }

    @Test func repeatedFileInputsAreAllKept() throws {
        var body = MultipartBody(boundary: "m")
        body.part(["Content-Disposition: form-data; name=\"pages\"; filename=\"1.png\""], [1])
        body.part(["Content-Disposition: form-data; name=\"pages\"; filename=\"2.png\""], [2])
        body.close()
        let form = try MultipartForm.parse(body.bytes, contentType: body.contentType)
        #expect(form.files("pages").map(\.body) == [[1], [2]])
        #expect(form.file("pages")?.filename == "1.png")
    }

    @Test func textPartThatIsNotUTF8HasNoFieldValue() throws {
        var body = MultipartBody(boundary: "x")
        body.part(["Content-Disposition: form-data; name=\"n\""], [0xC3, 0x28])
        body.close()
        let form = try MultipartForm.parse(body.bytes, contentType: body.contentType)
        #expect(form.field("n") == nil)
        #expect(form.parts.first?.body == [0xC3, 0x28])
    }

    @Test func tenMebibyteFileIsParsedExactly() throws {
        var body = MultipartBody(boundary: "------------------------d74496d66958873e")
        // Dense in CR, LF and '-' so the delimiter search meets many false starts.
        let pattern = Array("\r\n-\r--\n\r\n--x\0".utf8)
        let file = (0..<(10 * 1024 * 1024)).map { pattern[$0 % pattern.count] ^ UInt8(truncatingIfNeeded: $0 >> 16) }
        body.field("kind", "scan")
        body.part(["Content-Disposition: form-data; name=\"big\"; filename=\"big.bin\""], file)
        body.close()
        let form = try MultipartForm.parse(body.bytes, contentType: body.contentType)
        #expect(form.field("kind") == "scan")
        #expect(form.file("big")?.body == file)
    }

    // MARK: Refusals

    @Test func missingCloseDelimiterIsMalformed() {
        var body = MultipartBody(boundary: "z")
        body.field("a", "1")
        #expect(code(body.bytes, contentType: body.contentType) == .malformed)
        // A body cut off in the middle of the close delimiter is just as incomplete.
        body.bytes += Array("\r\n--z-".utf8)
        #expect(code(body.bytes, contentType: body.contentType) == .malformed)
    }

    @Test func bodyWithoutAnyDelimiterIsMalformed() {
        #expect(code(Array("just text".utf8), contentType: "multipart/form-data; boundary=z") == .malformed)
    }

    @Test(arguments: [
        "multipart/form-data",
        "multipart/form-data; boundary=",
        "multipart/form-data; boundary=\"\"",
        "multipart/form-data; boundary=\(String(repeating: "a", count: 71))",
        "multipart/form-data; boundary=\"a@b\"",
        "multipart/form-data; boundary=\"ends in space \"",
        "multipart/form-data; boundary=a; boundary=b",
        "multipart/form-data; boundary=\"unterminated",
        "multipart/form-data; boundary = spaced",
    ])
    func badBoundaryIsMalformed(_ contentType: String) {
        var body = MultipartBody(boundary: "a")
        body.field("a", "1")
        body.close()
        #expect(code(body.bytes, contentType: contentType) == .malformed)
    }

    @Test func seventyCharacterBoundaryIsTheLongestAccepted() throws {
        var body = MultipartBody(boundary: String(repeating: "b", count: 70))
        body.field("a", "1")
        body.close()
        #expect(try MultipartForm.parse(body.bytes, contentType: body.contentType).field("a") == "1")
    }

    @Test func otherMediaTypeIsUnsupported() {
        #expect(code([], contentType: "multipart/mixed; boundary=a") == .unsupportedMediaType)
    }

    struct BadPart: Sendable, CustomTestStringConvertible {
        let name: String
        let headers: String
        var testDescription: String { name }
    }

    static let badParts: [BadPart] = [
        BadPart(name: "no Content-Disposition", headers: "Content-Type: text/plain\r\n"),
        BadPart(name: "not form-data", headers: "Content-Disposition: attachment; name=\"a\"\r\n"),
        BadPart(name: "no name", headers: "Content-Disposition: form-data; filename=\"a\"\r\n"),
        BadPart(name: "two names", headers: "Content-Disposition: form-data; name=a; name=b\r\n"),
        BadPart(
            name: "two dispositions",
            headers: "Content-Disposition: form-data; name=a\r\nContent-Disposition: form-data; name=b\r\n"),
        BadPart(name: "unterminated quote", headers: "Content-Disposition: form-data; name=\"a\r\n"),
        BadPart(name: "bare LF", headers: "Content-Disposition: form-data; name=a\n"),
        BadPart(name: "folded line", headers: "Content-Disposition: form-data;\r\n name=a\r\n"),
        BadPart(name: "no colon", headers: "Content-Disposition form-data; name=a\r\n"),
        BadPart(name: "NUL in header", headers: "Content-Disposition: form-data; name=a\0\r\n"),
        BadPart(name: "headers never end", headers: ""),
    ]

    @Test(arguments: badParts)
    func malformedPartIsRefused(_ row: BadPart) {
        // The header block is written raw: for "headers never end" the part has no blank line at all.
        var bytes = Array("--p\r\n\(row.headers)".utf8)
        if !row.headers.isEmpty { bytes += Array("\r\nvalue".utf8) }
        bytes += Array("\r\n--p--\r\n".utf8)
        #expect(code(bytes, contentType: "multipart/form-data; boundary=p") == .malformed)
    }

    @Test func limitsAreEnforced() {
        let limits = FormLimits(
            maximumValueBytes: 8, maximumNameBytes: 4, maximumFileBytes: 16, maximumParts: 2, maximumPartHeaders: 2,
            maximumPartHeaderLineBytes: 60)

        var ok = MultipartBody(boundary: "l")
        ok.field("a", "12345678")
        ok.part(["Content-Disposition: form-data; name=\"f\"; filename=\"x\""], [UInt8](repeating: 1, count: 16))
        ok.close()
        #expect(code(ok.bytes, contentType: ok.contentType, limits: limits) == nil)

        var manyParts = MultipartBody(boundary: "l")
        for name in ["a", "b", "c"] { manyParts.field(name, "1") }
        manyParts.close()
        #expect(code(manyParts.bytes, contentType: manyParts.contentType, limits: limits) == .tooManyFields)

        var longValue = MultipartBody(boundary: "l")
        longValue.field("a", "123456789")
        longValue.close()
        #expect(code(longValue.bytes, contentType: longValue.contentType, limits: limits) == .tooLarge)

        var bigFile = MultipartBody(boundary: "l")
        bigFile.part(["Content-Disposition: form-data; name=\"f\"; filename=\"x\""], [UInt8](repeating: 1, count: 17))
        bigFile.close()
        #expect(code(bigFile.bytes, contentType: bigFile.contentType, limits: limits) == .tooLarge)

        var longName = MultipartBody(boundary: "l")
        longName.field("abcde", "1")
        longName.close()
        #expect(code(longName.bytes, contentType: longName.contentType, limits: limits) == .tooLarge)

        var manyHeaders = MultipartBody(boundary: "l")
        manyHeaders.part(["Content-Disposition: form-data; name=\"a\"", "X-1: 1", "X-2: 2"], [1])
        manyHeaders.close()
        #expect(code(manyHeaders.bytes, contentType: manyHeaders.contentType, limits: limits) == .tooLarge)

        var longLine = MultipartBody(boundary: "l")
        longLine.part(
            ["Content-Disposition: form-data; name=\"a\"; filename=\"\(String(repeating: "n", count: 40))\""], [1])
        longLine.close()
        #expect(code(longLine.bytes, contentType: longLine.contentType, limits: limits) == .tooLarge)
    }

    // MARK: A real client

    /// Keeps the last request the test server received.
    final class LastRequest: Sendable {
        private let request = Mutex<HTTPRequest?>(nil)
        func set(_ value: HTTPRequest) { request.withLock { $0 = value } }
        var value: HTTPRequest? { request.withLock { $0 } }
    }

    /// Starts a server on 127.0.0.1:0 that records every POST to `/submit`, runs `body`, then shuts it down.
    private func withRecordingServer(_ body: (_ url: String, _ last: LastRequest) async throws -> Void) async throws {
        let last = LastRequest()
        var routes = HTTPRouter.Builder()
        routes.post("/submit") { request, _ in
            last.set(request)
            return .text("ok")
        }
        let server = HTTPServer(
            configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0), responder: try routes.build(),
            logSink: DiscardingLogSink())
        try server.start()
        do {
            try await body("http://127.0.0.1:\(server.port)/submit", last)
        } catch {
            await server.shutdown(deadline: .seconds(1))
            throw error
        }
        await server.shutdown(deadline: .seconds(1))
    }

    /// Runs curl off the cooperative pool (it blocks on the child process).
    private func curl(_ arguments: [String]) async throws -> ExternalTool.Output {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try ExternalTool.run("curl", arguments) })
            }
        }
    }

    @Test(.enabled(if: ExternalTool.isUsable("curl")), .timeLimit(.minutes(10)))
    func curlUploadIsParsedWithFieldsAndExactFileBytes() async throws {
        let directory = TemporaryDirectory("civicseal-multipart")
        let file = Self.awkwardBinary(boundary: "------------------------")
        let path = try directory.write("somefile.pdf", file)
        try await withRecordingServer { url, last in
            let output = try await curl([
                "-s", "--max-time", "10", "-F", "name=value", "-F", "applicant=Trần Văn Bình",
                "-F", "file=@\(path);type=application/pdf", url,
            ])
            #expect(output.status == 0, "\(output.errorText)")
            #expect(output.text == "ok")
            let request = try #require(last.value)
            let contentType = try #require(request.headers["Content-Type"])
            #expect(contentType.hasPrefix("multipart/form-data; boundary="))

            let form = try MultipartForm.parse(request.body, contentType: contentType)
            #expect(form.parts.map(\.name) == ["name", "applicant", "file"])
            #expect(form.field("name") == "value")
            #expect(form.field("applicant") == "Trần Văn Bình")
            let upload = try #require(form.file("file"))
            #expect(upload.filename == "somefile.pdf")
            #expect(upload.contentType == "application/pdf")
            #expect(upload.body == file)

            let fields = try FormFields.parse(request: request)
            #expect(fields == FormFields(["name": "value", "applicant": "Trần Văn Bình"]))
        }
    }

    @Test(.enabled(if: ExternalTool.isUsable("curl")), .timeLimit(.minutes(10)))
    func curlURLEncodedPostIsParsed() async throws {
        try await withRecordingServer { url, last in
            let output = try await curl([
                "-s", "--max-time", "10", "--data-urlencode", "note=Số 12 & 13 = 25%+", "--data-urlencode", "note=hai",
                "--data", "flag", url,
            ])
            #expect(output.status == 0, "\(output.errorText)")
            let request = try #require(last.value)
            let fields = try FormFields.parse(request: request)
            #expect(fields.all("note") == ["Số 12 & 13 = 25%+", "hai"])
            #expect(fields["flag"] == "")
        }
    }
}

import CivicSealHTTP
import CivicSealWebKit
import Testing

@Suite("URL-encoded forms")
struct URLEncodedFormTests {
    private func parse(_ text: String, limits: FormLimits = .init()) throws(FormError) -> FormFields {
        try FormFields.parseURLEncoded(Array(text.utf8), limits: limits)
    }

    private func code(_ text: String, limits: FormLimits = .init()) -> FormError.Code? {
        do {
            _ = try parse(text, limits: limits)
            return nil
        } catch {
            return error.code
        }
    }

    @Test func repeatedNamesPlusAndPercentEscapesDecode() throws {
        let fields = try parse("a=1&b=%C3%A1+x&a=2")
        #expect(fields["a"] == "1")
        #expect(fields.all("a") == ["1", "2"])
        #expect(fields["b"] == "á x")
        #expect(fields.names == ["a", "b"])
        #expect(fields == FormFields(["a": "1", "b": "á x", "a": "2"]))
    }

    @Test func emptyPiecesAreSkippedAndMissingEqualsMeansEmptyValue() throws {
        let fields = try parse("&&flag&x=&=anon&y=a=b&")
        #expect(fields.fields.map(\.name) == ["flag", "x", "", "y"])
        #expect(fields["flag"] == "")
        #expect(fields["x"] == "")
        #expect(fields[""] == "anon")
        #expect(fields["y"] == "a=b")
        #expect(fields["absent"] == nil)
        #expect(fields.all("absent") == [])
    }

    @Test func escapedSeparatorsAndPlusStayLiteral() throws {
        let fields = try parse("q=%26%3D%2B%25&n%61me=v")
        #expect(fields["q"] == "&=+%")
        #expect(fields["name"] == "v")
    }

    @Test func emptyBodyHasNoFields() throws {
        #expect(try parse("").isEmpty)
    }

    @Test(arguments: ["a=%zz", "a=%4", "a=%", "a=1%2", "%G0=x", "a=%%41"])
    func invalidPercentEscapeIsMalformed(_ body: String) {
        #expect(code(body) == .malformed)
    }

    @Test(arguments: ["a=%C3", "a=%FF", "a=%C0%AF", "%ED%A0%80=x"])
    func invalidUTF8AfterDecodingIsAnEncodingError(_ body: String) {
        #expect(code(body) == .encoding)
    }

    @Test func rawInvalidUTF8IsAnEncodingError() {
        #expect(throws: FormError(.encoding, "")) { try FormFields.parseURLEncoded([0x61, 0x3D, 0xC3, 0x28]) }
    }

    @Test func limitsAreEnforced() {
        let small = FormLimits(maximumBodyBytes: 20, maximumFields: 2, maximumValueBytes: 4, maximumNameBytes: 3)
        #expect(code("a=1&b=2", limits: small) == nil)
        #expect(code(String(repeating: "a", count: 21), limits: small) == .tooLarge)
        #expect(code("a=1&b=2&c=3", limits: small) == .tooManyFields)
        #expect(code("a=12345", limits: small) == .tooLarge)
        // The value limit counts decoded bytes: four escapes are four bytes.
        #expect(code("a=%41%42%43%44", limits: small) == nil)
        #expect(code("abcd=1", limits: small) == .tooLarge)
        #expect(code(String(repeating: "a=1&", count: 201)) == .tooManyFields)
        #expect(code("a=" + String(repeating: "x", count: 64 * 1024)) == .tooLarge)
    }

    @Test func errorMessagesNeverEchoTheSubmittedValue() {
        do {
            _ = try parse("password=secret%zz")
            Issue.record("expected an error")
        } catch {
            #expect(!error.description.contains("secret"))
        }
    }

    // MARK: Dispatch on Content-Type

    private func request(_ contentType: String?, _ body: String) -> HTTPRequest {
        var headers: HTTPHeaders = ["Host": "test"]
        if let contentType { headers.add(name: "Content-Type", value: contentType) }
        return HTTPRequest(method: .post, target: "/form", headers: headers, body: Array(body.utf8))
    }

    @Test func requestWithURLEncodedTypeIsParsed() throws {
        let fields = try FormFields.parse(
            request: request("Application/X-WWW-Form-URLEncoded; charset=UTF-8", "a=%C4%91"))
        #expect(fields["a"] == "đ")
    }

    @Test func requestWithMultipartTypeYieldsTextPartsOnly() throws {
        let body =
            "--XyZ\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nxin chào\r\n"
            + "--XyZ\r\nContent-Disposition: form-data; name=\"scan\"; filename=\"a.pdf\"\r\n"
            + "Content-Type: application/pdf\r\n\r\n%PDF\r\n"
            + "--XyZ--\r\n"
        let fields = try FormFields.parse(request: request("multipart/form-data; boundary=XyZ", body))
        #expect(fields == FormFields(["note": "xin chào"]))
    }

    @Test func textPartThatIsNotUTF8IsAnEncodingError() {
        var body = Array("--b\r\nContent-Disposition: form-data; name=\"n\"\r\n\r\n".utf8)
        body += [0xFF, 0xFE]
        body += Array("\r\n--b--".utf8)
        let request = HTTPRequest(
            method: .post, target: "/", headers: ["Content-Type": "multipart/form-data; boundary=b"], body: body)
        #expect(throws: FormError(.encoding, "")) { try FormFields.parse(request: request) }
    }

    @Test(arguments: [nil, "application/json", "text/plain", "multipart/mixed; boundary=a", "garbage"])
    func otherContentTypesAreUnsupported(_ contentType: String?) {
        #expect(throws: FormError(.unsupportedMediaType, "")) {
            try FormFields.parse(request: request(contentType, "a=1"))
        }
    }

    @Test func twoContentTypeFieldsAreMalformed() {
        var request = request("application/x-www-form-urlencoded", "a=1")
        request.headers.add(name: "content-type", value: "multipart/form-data; boundary=x")
        #expect(throws: FormError(.malformed, "")) { try FormFields.parse(request: request) }
    }
}

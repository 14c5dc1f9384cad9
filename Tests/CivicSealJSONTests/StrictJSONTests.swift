import CivicSealJSON
import Testing

@Suite("Strict JSON")
struct StrictJSONTests {
    @Test("parses the JSON value kinds and keeps number literals")
    func parsesValueKinds() throws {
        let value = try JSONValue(
            parsing: Array(#" {"a":[1,-0.5e+3,true,false,null],"b":"x\u00e9\ud83d\ude00\n","c":{}} "#.utf8))
        #expect(value == ["a": [1, .number("-0.5e+3"), true, false, nil], "b": "xé😀\n", "c": [:]])
        #expect(value.objectValue?["a"]?.arrayValue?.first?.int64Value == 1)
    }

    @Test(
        "refuses duplicate member names at any depth, also when spelled with escapes",
        arguments: [#"{"a":1,"a":2}"#, #"{"x":{"b":1,"b":1}}"#, #"{"kid":"1","k\u0069d":"2"}"#, #"[{"a":1,"a":1}]"#])
    func refusesDuplicates(_ text: String) {
        #expect(throws: JSONError(.duplicateMember, "")) { try JSONValue(parsing: Array(text.utf8)) }
    }

    @Test(
        "refuses what RFC 8259 does not allow",
        arguments: [
            "", "{", "{\"a\":1,}", "[1,]", "{'a':1}", "{\"a\":01}", "{\"a\":1.}", "{\"a\":.5}", "{\"a\":+1}",
            "{\"a\":\"\u{01}\"}", "{\"a\":\"\\x\"}", "{\"a\":\"\\ud800\"}", "{\"a\":\"\\udc00\"}", "{\"a\":1} x",
            "{\"a\":tru}", "\u{FEFF}{}", "{\"a\":NaN}",
        ])
    func refusesInvalidJSON(_ text: String) {
        #expect(throws: JSONError(.malformed, "")) { try JSONValue(parsing: Array(text.utf8)) }
    }

    @Test("refuses invalid UTF-8 in strings")
    func refusesInvalidUTF8() {
        for bad: [UInt8] in [[0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xE2, 0x82]] {
            let text = Array(#"{"a":""#.utf8) + bad + Array(#""}"#.utf8)
            #expect(throws: JSONError(.malformed, "")) { try JSONValue(parsing: text) }
        }
    }

    @Test("refuses nesting deeper than the limit")
    func refusesDeepNesting() {
        let text = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: JSONError(.tooDeep, "")) { try JSONValue(parsing: Array(text.utf8)) }
    }

    @Test("a duplicate names its JSON path, and a text over the byte limit is refused before parsing")
    func duplicatePathAndSizeLimit() throws {
        let text = #"{"request":{"items":[{"a":1},{"cop\u0069es":5,"copies":1}]}}"#
        do {
            _ = try JSONValue(parsing: Array(text.utf8))
            Issue.record("a duplicate was accepted")
        } catch {
            #expect(error.code == .duplicateMember)
            #expect(error.path == "request.items[1].copies")
        }
        let large = Array("[".utf8) + Array(repeating: UInt8(ascii: "0"), count: 1) + Array("]".utf8)
        #expect(throws: JSONError(.tooLarge, "")) { try JSONValue(parsing: large, limits: JSONLimits(maximumBytes: 2)) }
    }

    @Test("serializes with sorted members and escapes, and parses back to the same value")
    func serializesAndParsesBack() throws {
        let value: JSONValue = ["z": "quote\" slash\\ ctl\u{01} line\u{2028}", "a": [1, true, nil], "m": ["k": "é"]]
        let text = value.serialized()
        #expect(text.hasPrefix(#"{"a":[1,true,null],"m":{"k":"é"},"z":"quote\" slash\\ ctl\u0001 line\u2028"}"#))
        #expect(try JSONValue(parsing: Array(text.utf8)) == value)
    }
}

import CivicSealJSON
import Foundation
import Testing

/// The one writer: RFC 8259 §7 escaping under each preset, canonical member order, dates as the API writes them,
/// and the exact bytes of texts that are stored, hashed or signed (pinned here so a change cannot pass unseen).
@Suite("JSON writer")
struct JSONWriterTests {
    /// Every character class the escaper distinguishes, once.
    static let awkward = "q\"b\\s/n\nr\rt\tb\u{08}f\u{0C}c\u{01}\u{1F}d\u{7F}l\u{2028}p\u{2029}é🇻🇳"

    static func quoted(_ text: String, _ escaping: JSONWriter.Escaping) -> String {
        JSONWriter.quoted(text, escaping: escaping)
    }

    @Test("the RFC 8259 minimum is escaped under every preset; each preset adds only what it names")
    func escapingVectors() throws {
        #expect(
            Self.quoted(Self.awkward, .canonical)
                == #""q\"b\\s/n\nr\rt\tb\bf\fc\u0001\u001fd\#u{7F}l\u2028p\u2029é🇻🇳""#)
        #expect(
            Self.quoted(Self.awkward, .web)
                == #""q\"b\\s/n\nr\rt\tb\u0008f\u000cc\u0001\u001fd\u007fl\u2028p\u2029é🇻🇳""#)
        #expect(
            Self.quoted(Self.awkward, .foundation)
                == #""q\"b\\s\/n\nr\rt\tb\bf\fc\u0001\u001fd\#u{7F}l\#u{2028}p\#u{2029}é🇻🇳""#)
        // A lone E2 lead byte that starts another character is copied, not mistaken for U+2028.
        #expect(Self.quoted("\u{2027}\u{20AC}", .web) == "\"\u{2027}\u{20AC}\"")
        #expect(Self.quoted("", .web) == #""""#)
    }

    @Test("every preset's output parses back, strictly, to the text it was given")
    func escapedTextRoundTrips() throws {
        for escaping in [JSONWriter.Escaping.canonical, .web, .foundation] {
            let text = Self.quoted(Self.awkward, escaping)
            #expect(try JSONValue(parsing: Array(text.utf8)) == .string(Self.awkward), "\(escaping)")
        }
    }

    @Test("the writer places commas and colons itself, in nested containers, and writes null for absent values")
    func streamingStructure() {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("a")
        writer.beginArray()
        writer.int(1)
        writer.int(nil)
        writer.beginObject()
        writer.endObject()
        writer.string(nil)
        writer.bool(false)
        writer.endArray()
        writer.optionalMember("absent", String?.none)
        writer.optionalMember("flag", true)
        writer.key("n")
        writer.number(literal: "-0.5e+3")
        writer.key("raw")
        writer.raw(#"{"x":[]}"#)
        writer.key("z")
        writer.null()
        writer.endObject()
        #expect(writer.text == #"{"a":[1,null,{},null,false],"flag":true,"n":-0.5e+3,"raw":{"x":[]},"z":null}"#)
    }

    @Test("dates are RFC 3339 UTC seconds, the fraction dropped as JSONEncoder's .iso8601 does")
    func dates() {
        var writer = JSONWriter()
        writer.beginArray()
        writer.date(Date(timeIntervalSince1970: 1_790_000_000.75))
        writer.date(Date(timeIntervalSince1970: 0))
        writer.date(Date(timeIntervalSince1970: 951_782_400))  // 2000-02-29, a leap day
        writer.endArray()
        #expect(writer.text == #"["2026-09-21T14:13:20Z","1970-01-01T00:00:00Z","2000-02-29T00:00:00Z"]"#)
    }

    @Test("canonical JSON sorts members by Unicode scalar order at every depth, whatever order they came in")
    func canonicalOrdering() throws {
        let value: JSONValue = [
            "b": 1, "B": 2, "a10": 3, "a2": 4, "_x": 5, "Z": 6, "ab": ["y": 1, "x": [["d": 1, "c": 2]]], "é": 7,
            "e": 8,
        ]
        #expect(
            value.serialized()
                == #"{"B":2,"Z":6,"_x":5,"a10":3,"a2":4,"ab":{"x":[{"c":2,"d":1}],"y":1},"b":1,"e":8,"é":7}"#)
        let reordered = try JSONValue(
            parsing: Array(
                #"{"é":7,"e":8,"ab":{"y":1,"x":[{"d":1,"c":2}]},"b":1,"a2":4,"a10":3,"Z":6,"_x":5,"B":2}"#.utf8))
        #expect(reordered.serialized() == value.serialized())
    }

    /// The bytes a JWS header, an officer's stored findings and an issued document's record are built from. They
    /// are signed or stored, so they must never change for the same value.
    @Test("canonical bytes of a fixed value are pinned")
    func pinnedCanonicalBytes() {
        let findings: JSONValue = [
            "form": 1, "statesBans": false,
            "convictions": [
                [
                    "court": "Tòa án nhân dân quận Hoàn Kiếm", "judgment": "12/2019/HS-ST", "date": "2019-05-01",
                    "offence": "Điều 173 \"Trộm cắp tài sản\"\nkhoản 1", "sentence": nil,
                ]
            ],
            "note": "a/b\u{2028}",
        ]
        let expected =
            #"{"convictions":[{"court":"Tòa án nhân dân quận Hoàn Kiếm","date":"2019-05-01","judgment":"12/2019/HS-ST","#
            + #""offence":"Điều 173 \"Trộm cắp tài sản\"\nkhoản 1","sentence":null}],"form":1,"note":"a/b\u2028","#
            + #""statesBans":false}"#
        #expect(findings.serialized() == expected)
    }
}

import CivicSealJSON
import Foundation
import Testing

/// The generic encoder against the reference it replaced: Foundation's `JSONEncoder` (`.sortedKeys`, `.iso8601`)
/// must write the same bytes for the same model, so nothing stored before changes.
@Suite("JSON value encoder")
struct JSONValueEncoderTests {
    enum Kind: Codable, Equatable {
        case plain
        case tagged(name: String, count: Int?)
    }

    struct Inner: Codable, Equatable {
        var label: String
        var flags: [Bool]
        var note: String?
    }

    struct Model: Codable, Equatable {
        var name = "Nguyễn Thị Ánh Tuyết \"Q\" a/b \\ \t\u{1}"
        var when = Date(timeIntervalSince1970: 1_790_000_000.75)
        var count = -42
        var small: UInt8 = 255
        var big = Int64.max
        var ratio = 1.5
        var whole = 3.0
        var tiny = 0.1
        var huge = 1e21
        var absent: String? = nil
        var bytes = Data([0, 1, 2, 250])
        var link = URL(string: "https://civicseal.invalid/v1/verify?id=7QH2")!
        var inner = [Inner(label: "b", flags: [true, false], note: nil), Inner(label: "a", flags: [], note: "x")]
        var table = ["zeta": 1, "Alpha": 2, "alpha": 3, "a10": 4, "a2": 5]
        var nested: [[String: [Int]]] = [[:], ["k": []], ["k": [1, 2]]]
        var kinds: [Kind] = [.plain, .tagged(name: "t", count: nil), .tagged(name: "u", count: 7)]
    }

    static func foundation(_ formatting: JSONEncoder.OutputFormatting = [.sortedKeys]) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = formatting
        return encoder
    }

    @Test("a model with every kind of member is written byte for byte as JSONEncoder writes it")
    func matchesFoundation() throws {
        let ours = try JSONValueEncoder().encodeText(Model(), escaping: .foundation)
        let reference = Array(try Self.foundation().encode(Model()))
        #expect(
            ours == reference, "\(String(decoding: ours, as: UTF8.self))\n\(String(decoding: reference, as: UTF8.self))"
        )
    }

    @Test("what it writes reads back, through Foundation's decoder, as the same model (dates to the second)")
    func roundTrips() throws {
        let bytes = try JSONValueEncoder().encodeText(Model())
        var expected = Model()
        expected.when = Date(timeIntervalSince1970: 1_790_000_000)  // second precision
        let reread = try JSONDecoderReference.decode(Model.self, from: bytes)
        #expect(reread == expected)
    }

    @Test("NaN and infinities are refused, as JSONEncoder refuses them")
    func nonFiniteRefused() {
        for value in [Double.nan, .infinity, -.infinity] {
            #expect(throws: EncodingError.self) { try JSONValueEncoder().encode([value]) }
        }
    }

    @Test("pretty text is laid out as JSONEncoder's .prettyPrinted lays it out")
    func prettyMatchesFoundation() throws {
        var model = Model()
        model.name = "Sở Tư pháp a/b"
        let ours = JSONWriter.prettyText(try JSONValueEncoder().encode(model), escaping: .canonical)
        let reference = String(
            decoding: try Self.foundation([.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]).encode(model),
            as: UTF8.self)
        #expect(ours == reference, "\(ours)")
    }
}

/// Foundation's decoder, as the reference a re-read is compared with (tests only).
enum JSONDecoderReference {
    static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(type, from: Data(bytes))
    }
}

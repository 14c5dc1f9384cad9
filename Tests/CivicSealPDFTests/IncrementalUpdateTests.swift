import Foundation
import Testing

@testable import CivicSealPDF

/// Incremental updates on files that already carry updates: objects found through the `/Prev` chain, dictionaries
/// amended without losing a key, the new placeholders located, and malformed chains refused with a typed error.
@Suite struct IncrementalUpdateTests {
    static func signed() -> PDFFile {
        SampleCertificate.document(signature: SignaturePlaceholderTests.field()).render()
    }

    static func sealField(_ name: String = "Dau") -> PDFSignatureField {
        PDFSignatureField(
            fieldName: name, rect: PDFRect(x: 56, y: 150, width: 210, height: 40),
            appearance: .init(font: TestFonts.regular), contentsCapacity: 4000, signingTime: SampleCertificate.date,
            signerName: "Sở Tư pháp")
    }

    static func dictionary(_ update: PDFIncrementalUpdate, _ number: Int) throws -> PDFDictionary {
        guard case .dictionary(let dictionary)? = try update.object(number) else {
            Issue.record("object \(number) is not a dictionary")
            return PDFDictionary()
        }
        return dictionary
    }

    static func lastRange(of text: String, in bytes: [UInt8]) -> Range<Int>? {
        let needle = Array(text.utf8)
        var index = bytes.count - needle.count
        while index >= 0 {
            if bytes[index..<(index + needle.count)].elementsEqual(needle) { return index..<(index + needle.count) }
            index -= 1
        }
        return nil
    }

    /// `bytes` with every occurrence of `old` replaced by `new`, byte for byte (the file is binary, not UTF-8).
    static func replacing(_ old: String, with new: String, in bytes: [UInt8]) -> [UInt8] {
        let needle = Array(old.utf8)
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if index + needle.count <= bytes.count, bytes[index..<(index + needle.count)].elementsEqual(needle) {
                result.append(contentsOf: new.utf8)
                index += needle.count
            } else {
                result.append(bytes[index])
                index += 1
            }
        }
        return result
    }

    @Test("A new signature field amends the catalog, form and page, keeping every other entry")
    func signatureFieldKeepsEveryKey() throws {
        let file = Self.signed()
        let original = try PDFIncrementalUpdate(appendingTo: file.bytes)
        let page = file.structure.pages[0].object
        let catalogBefore = try Self.dictionary(original, file.structure.catalog)
        let pageBefore = try Self.dictionary(original, page)

        var update = try PDFIncrementalUpdate(appendingTo: file.bytes)
        try update.addSignatureField(Self.sealField(), lock: .all(permission: 1))
        let prepared = try update.serializedForSigning()
        #expect(Array(prepared.bytes.prefix(file.bytes.count)) == file.bytes, "earlier bytes never change")

        let reread = try PDFIncrementalUpdate(appendingTo: prepared.bytes)
        #expect(reread.revisionCount == 2)
        let catalog = try Self.dictionary(reread, file.structure.catalog)
        let pageAfter = try Self.dictionary(reread, page)
        for entry in catalogBefore.entries where entry.key != "AcroForm" { #expect(catalog[entry.key] == entry.value) }
        for entry in pageBefore.entries where entry.key != "Annots" { #expect(pageAfter[entry.key] == entry.value) }
        guard case .array(let annotations)? = pageAfter["Annots"], case .dictionary(let form)? = catalog["AcroForm"],
            case .array(let fields)? = form["Fields"]
        else {
            Issue.record("no /Annots or /Fields")
            return
        }
        #expect(annotations.count == 2 && fields.count == 2)
        #expect(form["SigFlags"] == .integer(3))
        guard case .reference(let widgetNumber)? = fields.last else { return }
        let widget = try Self.dictionary(reread, widgetNumber)
        #expect(widget["T"] == .text("Dau"))
        #expect(widget["P"] == .reference(page))
        guard case .reference(let lockNumber)? = widget["Lock"],
            case .dictionary(let lock)? = try reread.object(lockNumber)
        else {
            Issue.record("no /Lock")
            return
        }
        #expect(lock["Type"] == .name("SigFieldLock") && lock["Action"] == .name("All") && lock["P"] == .integer(1))
        guard case .reference(let valueNumber)? = widget["V"] else { return }
        let signature = try Self.dictionary(reread, valueNumber)
        guard case .array(let references)? = signature["Reference"],
            case .dictionary(let reference)? = references.first,
            case .dictionary(let parameters)? = reference["TransformParams"]
        else {
            Issue.record("no FieldMDP /Reference")
            return
        }
        #expect(reference["TransformMethod"] == .name("FieldMDP"))
        #expect(
            parameters["Action"] == .name("All") && parameters["P"] == .integer(1) && parameters["V"] == .name("1.2"))

        // The placeholder the update added is the one located, and its byte range spans the whole new file.
        let location = try #require(prepared.signature)
        #expect(location.capacity == 4000)
        #expect(location.contents.lowerBound > file.bytes.count)
        #expect(location.byteRange[2] + location.byteRange[3] == prepared.bytes.count)
        #expect(prepared.structure.pages[0].annotations.count == 2)
    }

    @Test("After a field locked with /P 1 no signature may be added; DSS and document timestamps may")
    func lockedDocumentTakesNoFurtherSignature() throws {
        var update = try PDFIncrementalUpdate(appendingTo: Self.signed().bytes)
        try update.addSignatureField(Self.sealField(), lock: .all(permission: 1))
        let locked = try update.serializedForSigning().bytes
        var after = try PDFIncrementalUpdate(appendingTo: locked)
        #expect(throws: PDFError(.invalidArgument, "")) { try after.addSignatureField(Self.sealField("Third")) }
        try after.addDSS(certificates: [[0x30, 0]], ocspResponses: [], crls: [])
        try after.addDocumentTimeStampField(name: "DocTS1")

        var lenient = try PDFIncrementalUpdate(appendingTo: Self.signed().bytes)
        try lenient.addSignatureField(Self.sealField(), lock: .all(permission: 2))
        var next = try PDFIncrementalUpdate(appendingTo: try lenient.serializedForSigning().bytes)
        try next.addSignatureField(Self.sealField("Third"))
    }

    @Test("Include and Exclude locks name their fields")
    func includeLockNamesFields() throws {
        let lock = PDFFieldLock.include(["CanBo"]).lockDictionary()
        #expect(lock["Action"] == .name("Include") && lock["Fields"] == .array([.text("CanBo")]))
        #expect(lock["P"] == nil)
        let reference = PDFFieldLock.exclude(["A", "B"]).signatureReference(catalog: 1)
        guard case .dictionary(let parameters)? = reference["TransformParams"] else { return }
        #expect(parameters["Action"] == .name("Exclude") && parameters["Fields"] == .array([.text("A"), .text("B")]))
        #expect(reference["Data"] == .reference(1))
    }

    @Test("A DSS is created, then extended without storing the same bytes twice")
    func dssMergesWithoutDuplicates() throws {
        let file = Self.signed()
        var first = try PDFIncrementalUpdate(appendingTo: file.bytes)
        try first.addDSS(certificates: [[0x30, 1], [0x30, 2]], ocspResponses: [[0x30, 3]], crls: [])
        let once = first.serialized()
        var second = try PDFIncrementalUpdate(appendingTo: once)
        try second.addDSS(
            certificates: [[0x30, 2], [0x30, 4], [0x30, 4]], ocspResponses: [[0x30, 3]], crls: [[0x30, 5]])
        let twice = second.serialized()

        let reread = try PDFIncrementalUpdate(appendingTo: twice)
        #expect(reread.revisionCount == 3)
        let catalog = try Self.dictionary(reread, file.structure.catalog)
        guard case .reference(let dssNumber)? = catalog["DSS"] else {
            Issue.record("no /DSS reference in the catalog")
            return
        }
        #expect(catalog["AcroForm"] != nil && catalog["Metadata"] != nil, "the catalog keeps its other entries")
        let store = try Self.dictionary(reread, dssNumber)
        func items(_ key: String) throws -> [[UInt8]] {
            guard case .array(let references)? = store[key] else { return [] }
            return try references.map { reference in
                guard case .reference(let number) = reference,
                    case .stream(_, let data)? = try reread.indirectObject(number)
                else { return [] }
                return data
            }
        }
        #expect(try items("Certs") == [[0x30, 1], [0x30, 2], [0x30, 4]])
        #expect(try items("OCSPs") == [[0x30, 3]])
        #expect(try items("CRLs") == [[0x30, 5]])
        #expect(store["Type"] == .name("DSS"))

        // Nothing new: the update adds no object at all.
        var third = try PDFIncrementalUpdate(appendingTo: twice)
        try third.addDSS(certificates: [[0x30, 1]], ocspResponses: [[0x30, 3]], crls: [[0x30, 5]])
        #expect(try third.serialized() == PDFIncrementalUpdate(appendingTo: twice).serialized())
    }

    @Test("A document timestamp field is invisible, on page 1, with an RFC 3161 placeholder")
    func documentTimeStampField() throws {
        let file = Self.signed()
        var update = try PDFIncrementalUpdate(appendingTo: file.bytes)
        try update.addDocumentTimeStampField(name: "DocTS1")
        let prepared = try update.serializedForSigning()
        #expect(prepared.signature?.capacity == 12_000)
        let reread = try PDFIncrementalUpdate(appendingTo: prepared.bytes)
        let widgetNumber = try #require(prepared.structure.pages[0].annotations.last)
        let widget = try Self.dictionary(reread, widgetNumber)
        #expect(widget["Rect"] == .array(Array(repeating: .integer(0), count: 4)))
        #expect(widget["AP"] == nil)
        guard case .reference(let valueNumber)? = widget["V"] else { return }
        let value = try Self.dictionary(reread, valueNumber)
        #expect(value["Type"] == .name("DocTimeStamp") && value["SubFilter"] == .name("ETSI.RFC3161"))
        #expect(value["M"] == nil)
    }

    @Test("Misuse is refused: two placeholders in one update, a taken name, signing an update without one")
    func misuseIsRefused() throws {
        let file = Self.signed()
        var update = try PDFIncrementalUpdate(appendingTo: file.bytes)
        #expect(throws: PDFError(.invalidArgument, "")) { try update.serializedForSigning() }
        #expect(throws: PDFError(.invalidArgument, "")) {
            try update.addSignatureField(Self.sealField(SignaturePlaceholderTests.field().fieldName))
        }
        var wrongPage = Self.sealField()
        wrongPage.pageIndex = 3
        #expect(throws: PDFError(.invalidArgument, "")) { try update.addSignatureField(wrongPage) }
        #expect(throws: PDFError(.invalidArgument, "")) {
            try update.addSignatureField(Self.sealField(), lock: .all(permission: 4))
        }
        try update.addSignatureField(Self.sealField())
        #expect(throws: PDFError(.invalidArgument, "")) { try update.addDocumentTimeStampField(name: "DocTS1") }
    }

    @Test("An operation that fails half-way leaves the update as it was")
    func failedOperationsChangeNothing() throws {
        let file = Self.signed()
        let widget = try #require(file.structure.pages[0].annotations.first)
        // Same length, so every offset stays right: only the page's /Annots is now not an array.
        let annotations = "/Annots [\(widget) 0 R]"
        let broken = Self.replacing(
            annotations, with: "/Annots 7".padding(toLength: annotations.count, withPad: " ", startingAt: 0),
            in: file.bytes)
        #expect(broken != file.bytes)
        var update = try PDFIncrementalUpdate(appendingTo: broken)
        let before = update.serialized()
        #expect(throws: PDFError(.malformedDocument, "")) { try update.addSignatureField(Self.sealField()) }
        #expect(update.serialized() == before)
        #expect(throws: PDFError(.malformedDocument, "")) { try update.addDocumentTimeStampField(name: "T") }
        #expect(update.serialized() == before)
    }

    @Test("A chain of many updates is read whole; more than 64 sections is refused")
    func sectionBound() throws {
        var bytes = Self.signed().bytes
        for index in 0..<63 {
            var update = try PDFIncrementalUpdate(appendingTo: bytes)
            try update.addDSS(certificates: [[0x30, UInt8(index)]], ocspResponses: [], crls: [])
            bytes = update.serialized()
        }
        let sixtyFour = try PDFIncrementalUpdate(appendingTo: bytes)
        #expect(sixtyFour.revisionCount == 64)
        var update = sixtyFour
        try update.addDSS(certificates: [[0x30, 0xFF]], ocspResponses: [], crls: [])
        #expect(throws: PDFError(.malformedDocument, "")) {
            try PDFIncrementalUpdate(appendingTo: update.serialized())
        }
    }

    @Test("Malformed chains are refused with a typed error: a loop, a wrong offset, no catalog, no xref")
    func malformedChains() throws {
        let file = Self.signed()
        var update = try PDFIncrementalUpdate(appendingTo: file.bytes)
        try update.addDSS(certificates: [[0x30, 0]], ocspResponses: [], crls: [])
        let updated = update.serialized()
        let text = String(decoding: updated, as: UTF8.self)
        let previous = try #require(text.range(of: "/Prev ").map { text[$0.upperBound...].prefix { $0.isNumber } })
        let newest = try #require(text.components(separatedBy: "startxref\n").last?.prefix { $0.isNumber })

        /// The file is refused as malformed, for the reason expected.
        func refused(_ bytes: [UInt8], mentioning reason: String) {
            do {
                _ = try PDFIncrementalUpdate(appendingTo: bytes)
                Issue.record("accepted; expected a refusal mentioning \(reason)")
            } catch {
                #expect(error.code == .malformedDocument && error.message.contains(reason), "\(error)")
            }
        }
        refused(Self.replacing("/Prev \(previous)", with: "/Prev \(newest)", in: updated), mentioning: "loops")
        refused(Self.replacing("/Prev \(previous)", with: "/Prev 100", in: updated), mentioning: "no classic")
        refused(Self.replacing("/Prev \(previous)", with: "/Prev 99999999", in: updated), mentioning: "outside")
        // Only in the newest trailer, which follows the last cross-reference section: no offset moves.
        let catalog = "/Root \(file.structure.catalog) 0 R"
        let newestTrailer = try #require(Self.lastRange(of: "trailer", in: updated)).lowerBound
        func inNewestTrailer(_ replacement: String) -> [UInt8] {
            Array(updated[..<newestTrailer])
                + Self.replacing(catalog, with: replacement, in: Array(updated[newestTrailer...]))
        }
        refused(inNewestTrailer("/Root 9999 0 R"), mentioning: "no document catalog")
        refused(inNewestTrailer(""), mentioning: "lacks /Root")
        refused(Array(updated.prefix(updated.count - 10)), mentioning: "no classic")
        #expect(throws: PDFError(.malformedDocument, "")) {
            try PDFIncrementalUpdate(appendingTo: Array("%PDF-1.7\n".utf8))
        }
    }

    @Test("Parsed objects round-trip: strings with escapes, names with #xx, reals, nested containers")
    func parserRoundTrip() throws {
        let source = Array(
            "<</A (x\\(y\\)\\\\z\\n\\101) /B#20C <FEFF00E9> /D [1 -2 3.5 .25 true false null 7 0 R] /E <</F /G>>>>".utf8
        )
        var parser = PDFObjectParser(bytes: source, position: 0)
        guard case .dictionary(let dictionary) = try parser.parseObject() else {
            Issue.record("not a dictionary")
            return
        }
        #expect(dictionary["A"] == .literalString(Array("x(y)\\z\nA".utf8)))
        #expect(dictionary["B C"] == .hexString([0xFE, 0xFF, 0x00, 0xE9]))
        #expect(
            dictionary["D"]
                == .array([
                    .integer(1), .integer(-2), .number(3.5), .number(0.25), .boolean(true),
                    .boolean(false), .null, .reference(7),
                ]))
        #expect(dictionary["E"] == .dictionary(PDFDictionary([("F", .name("G"))])))
        var serializer = PDFSerializer()
        serializer.write(.dictionary(dictionary))
        var again = PDFObjectParser(bytes: serializer.bytes, position: 0)
        #expect(try again.parseObject() == .dictionary(dictionary))

        var deep = PDFObjectParser(bytes: Array(repeating: UInt8(ascii: "["), count: 100), position: 0)
        #expect(throws: PDFError(.malformedDocument, "")) { try deep.parseObject() }
        var unterminated = PDFObjectParser(bytes: Array("<</A (abc".utf8), position: 0)
        #expect(throws: PDFError(.malformedDocument, "")) { try unterminated.parseObject() }
    }
}

/// Hostile bytes never crash the reader: every mutation of a signed, updated file either reads or throws a
/// ``PDFError``.
@Suite struct IncrementalUpdateMutationTests {
    @Test("Random byte changes and truncations give a PDFError or a readable file, never a crash")
    func mutationsNeverCrash() throws {
        var update = try PDFIncrementalUpdate(appendingTo: IncrementalUpdateTests.signed().bytes)
        try update.addSignatureField(IncrementalUpdateTests.sealField(), lock: .all(permission: 1))
        let base = try update.serializedForSigning().bytes
        // The tail holds the xref sections, trailers and the update's dictionaries: mutate there mostly.
        let hot = max(0, base.count - 4000)
        var generator = SplitMix64(seed: 0x5EA1)
        let alphabet = Array("0123456789 /<>[]()R obj endobj xref trailer startxref %\n\r".utf8)
        for round in 0..<250 {
            var bytes = base
            let changes = 1 + Int(generator.next() % 4)
            for _ in 0..<changes {
                let position =
                    round % 5 == 0
                    ? Int(generator.next() % UInt64(base.count))
                    : hot + Int(generator.next() % UInt64(base.count - hot))
                bytes[position] = alphabet[Int(generator.next() % UInt64(alphabet.count))]
            }
            if round % 7 == 0 { bytes.removeLast(Int(generator.next() % 600)) }
            do {
                var reread = try PDFIncrementalUpdate(appendingTo: bytes)
                _ = try reread.pageObjects()
                try reread.addDSS(certificates: [[0x30, 0]], ocspResponses: [], crls: [])
                try reread.addDocumentTimeStampField(name: "T\(round)")
                _ = try reread.serializedForSigning()
            } catch {
                // A typed PDFError is the expected outcome for most mutations.
            }
        }
    }
}

/// A small deterministic generator (SplitMix64) so a failing mutation can be replayed.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The classic cross-reference chain of a file (ISO 32000-1 §7.5.4, §7.5.6): the section `startxref` points
/// at, then each older one through the trailer's `/Prev`. An object's newest entry wins, so after reading the
/// chain every object number maps to the offset of its current definition.
///
/// Bounded and strict: at most ``maximumSections`` sections, no section visited twice (a `/Prev` loop), every
/// offset inside the file, and each object found where the table says, under its own number. Cross-reference
/// streams (§7.5.8) are refused: the files this reads are the ones ``PDFDocument`` and
/// ``PDFIncrementalUpdate`` write.
struct PDFCrossReference {
    static let maximumSections = 64
    static let maximumObjectNumber = 8_388_607  // §C.2's limit on indirect objects

    let bytes: [UInt8]
    /// The offset `startxref` gives: the newest section, which an update's `/Prev` must name.
    let newestSection: Int
    /// The newest trailer.
    let trailer: PDFDictionary
    /// The in-use objects and where each one's newest definition starts.
    let offsets: [Int: Int]
    let sectionCount: Int

    init(bytes: [UInt8]) throws(PDFError) {
        self.bytes = bytes
        let keyword = Array("startxref".utf8)
        let tail = max(0, bytes.count - 1024)
        guard let at = Self.lastIndex(of: keyword, in: bytes, from: tail) else {
            throw PDFError(.malformedDocument, "no startxref near the end of the file")
        }
        var parser = PDFObjectParser(bytes: bytes, position: at + keyword.count)
        newestSection = try parser.readUnsigned()

        var offsets: [Int: Int] = [:]
        var seen = Set<Int>()
        var visited = Set<Int>()
        var newestTrailer: PDFDictionary?
        var section: Int? = newestSection
        while let offset = section {
            guard visited.count < Self.maximumSections else {
                throw PDFError(.malformedDocument, "more than \(Self.maximumSections) cross-reference sections")
            }
            guard visited.insert(offset).inserted else {
                throw PDFError(.malformedDocument, "the /Prev chain loops at offset \(offset)")
            }
            guard offset >= 0, offset < bytes.count else {
                throw PDFError(.malformedDocument, "cross-reference offset \(offset) outside the file")
            }
            let trailer = try Self.readSection(at: offset, bytes: bytes) {
                number, entryOffset, inUse throws(PDFError) in
                guard seen.insert(number).inserted else { return }
                guard inUse, number != 0 else { return }
                guard entryOffset < bytes.count else {
                    throw PDFError(.malformedDocument, "object \(number) at offset \(entryOffset) outside the file")
                }
                offsets[number] = entryOffset
            }
            if newestTrailer == nil { newestTrailer = trailer }
            switch trailer["Prev"] {
            case nil: section = nil
            case .integer(let previous)?: section = previous
            default: throw PDFError(.malformedDocument, "trailer /Prev is not an integer")
            }
        }
        guard let newestTrailer else { throw PDFError(.malformedDocument, "no trailer") }
        trailer = newestTrailer
        self.offsets = offsets
        sectionCount = visited.count
    }

    /// Reads one `xref` section at `offset`, reporting each entry, and returns its trailer dictionary.
    private static func readSection(
        at offset: Int, bytes: [UInt8], entry: (Int, Int, Bool) throws(PDFError) -> Void
    ) throws(PDFError) -> PDFDictionary {
        var parser = PDFObjectParser(bytes: bytes, position: offset)
        guard parser.peekWord().elementsEqual("xref".utf8) else {
            throw PDFError(
                .malformedDocument, "no classic cross-reference table at offset \(offset) (streams are not supported)")
        }
        parser.position += 4
        while true {
            parser.skipWhitespaceAndComments()
            if parser.peekWord().elementsEqual("trailer".utf8) { break }
            let first = try parser.readUnsigned()
            let count = try parser.readUnsigned()
            // Each entry takes 20 bytes (§7.5.4), so a count the file cannot hold is malformed.
            guard count <= (bytes.count - parser.position) / 18, first + count <= maximumObjectNumber + 1 else {
                throw PDFError(.malformedDocument, "cross-reference subsection too large")
            }
            for number in first..<(first + count) {
                let entryOffset = try parser.readUnsigned()
                let generation = try parser.readUnsigned()
                parser.skipWhitespaceAndComments()
                let kind = parser.peekWord()
                guard kind.count == 1, kind.first == UInt8(ascii: "n") || kind.first == UInt8(ascii: "f") else {
                    throw PDFError(.malformedDocument, "bad cross-reference entry for object \(number)")
                }
                parser.position += 1
                let inUse = kind.first == UInt8(ascii: "n")
                if inUse, generation != 0 {
                    throw PDFError(.malformedDocument, "object \(number) has a non-zero generation")
                }
                try entry(number, entryOffset, inUse)
            }
        }
        try parser.expect("trailer")
        guard case .dictionary(let trailer) = try parser.parseObject() else {
            throw PDFError(.malformedDocument, "trailer is not a dictionary")
        }
        return trailer
    }

    /// The newest definition of object `number`, or nil when the file has none (§7.3.10: a reference to a
    /// missing object is null).
    func object(_ number: Int, allowingStream: Bool = true) throws(PDFError) -> PDFIndirectObject? {
        guard let offset = offsets[number] else { return nil }
        var parser = PDFObjectParser(bytes: bytes, position: offset)
        guard try parser.readUnsigned() == number, try parser.readUnsigned() == 0 else {
            throw PDFError(.malformedDocument, "the cross-reference entry of object \(number) points elsewhere")
        }
        try parser.expect("obj")
        let value = try parser.parseObject()
        parser.skipWhitespaceAndComments()
        guard parser.peekWord().elementsEqual("stream".utf8) else {
            try parser.expect("endobj")
            return .object(value)
        }
        guard allowingStream, case .dictionary(let dictionary) = value else {
            throw PDFError(.malformedDocument, "stream of object \(number) without a dictionary")
        }
        parser.position += 6
        if parser.position < bytes.count, bytes[parser.position] == 0x0D { parser.position += 1 }
        guard parser.position < bytes.count, bytes[parser.position] == 0x0A else {
            throw PDFError(.malformedDocument, "stream keyword of object \(number) not followed by an end of line")
        }
        parser.position += 1
        let length: Int
        switch dictionary["Length"] {
        case .integer(let value)?: length = value
        case .reference(let lengthNumber)? where lengthNumber != number:
            guard case .object(.integer(let value))? = try object(lengthNumber, allowingStream: false) else {
                throw PDFError(.malformedDocument, "stream length of object \(number) is not an integer")
            }
            length = value
        default: throw PDFError(.malformedDocument, "stream of object \(number) has no /Length")
        }
        guard length >= 0, length <= bytes.count - parser.position else {
            throw PDFError(.malformedDocument, "stream of object \(number) runs past the end of the file")
        }
        let data = Array(bytes[parser.position..<(parser.position + length)])
        parser.position += length
        try parser.expect("endstream")
        return .stream(dictionary, data)
    }

    static func lastIndex(of needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        var index = haystack.count - needle.count
        while index >= start {
            if haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index -= 1
        }
        return nil
    }
}

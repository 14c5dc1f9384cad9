/// An incremental update (ISO 32000-1 §7.5.6): new and replaced objects appended after the original bytes,
/// followed by a cross-reference section for just those objects and a trailer whose `/Prev` points at the
/// previous section. The original bytes are never changed, so an earlier signature's byte range still
/// covers exactly what it covered (§12.8.1; a verifier must notice what the update changes).
///
/// Works on files with a classic cross-reference table and trailer, as ``PDFDocument`` writes them.
package struct PDFIncrementalUpdate: Sendable {
    package let original: [UInt8]
    /// The trailer `/Size` of the original; new objects are numbered from here.
    package let originalSize: Int
    let previousCrossReference: Int
    let root: Int
    let info: Int?
    let firstIdentifier: [UInt8]?
    private var next: Int
    private var objects: [Int: PDFIndirectObjectBox] = [:]

    /// Parses the last trailer of `original`.
    package init(appendingTo original: [UInt8]) throws(PDFError) {
        self.original = original
        guard let startxref = Self.lastIndex(of: Array("startxref".utf8), in: original) else {
            throw PDFError(.malformedDocument, "no startxref")
        }
        var lexer = PDFLexer(bytes: original, position: startxref + 9)
        guard case .integer(let previous)? = lexer.next() else {
            throw PDFError(.malformedDocument, "startxref without an offset")
        }
        guard let trailer = Self.lastIndex(of: Array("trailer".utf8), in: original[..<startxref]) else {
            throw PDFError(.malformedDocument, "no trailer (cross-reference streams are not supported)")
        }
        lexer.position = trailer + 7
        guard case .dictionaryStart? = lexer.next() else {
            throw PDFError(.malformedDocument, "trailer is not a dictionary")
        }
        var size: Int?
        var root: Int?
        var info: Int?
        var identifier: [UInt8]?
        var depth = 1
        var lastName: String?
        while depth > 0, let token = lexer.next() {
            switch token {
            case .dictionaryStart: depth += 1
            case .dictionaryEnd: depth -= 1
            case .name(let name) where depth == 1:
                lastName = name
                switch name {
                case "Size":
                    if case .integer(let value)? = lexer.next() { size = value }
                case "Root", "Info":
                    if case .integer(let number)? = lexer.next(), case .integer? = lexer.next(),
                        case .reference? = lexer.next()
                    {
                        if name == "Root" { root = number } else { info = number }
                    }
                case "ID":
                    if case .arrayStart? = lexer.next(), case .hexString(let bytes)? = lexer.next() {
                        identifier = bytes
                    }
                default: break
                }
            default: _ = lastName
            }
        }
        guard let size, let root else { throw PDFError(.malformedDocument, "trailer lacks /Size or /Root") }
        originalSize = size
        previousCrossReference = previous
        self.root = root
        self.info = info
        firstIdentifier = identifier
        next = size
    }

    /// A fresh object number.
    package mutating func allocate() -> Int {
        defer { next += 1 }
        return next
    }

    /// Adds or replaces object `number` with `object`.
    package mutating func set(_ number: Int, _ object: PDFObject) {
        objects[number] = PDFIndirectObjectBox(.object(object))
    }

    /// Adds or replaces object `number` with a stream; `compress` applies `/FlateDecode`.
    package mutating func setStream(
        _ number: Int, dictionary: PDFDictionary = PDFDictionary(), data: [UInt8], compress: Bool = true
    ) {
        var dictionary = dictionary
        if compress { dictionary["Filter"] = .name("FlateDecode") }
        objects[number] = PDFIndirectObjectBox(.stream(dictionary, compress ? Deflate.zlib(data) : data))
    }

    /// Replaces page `pageIndex` of `structure` with one whose content is the old content followed by what
    /// `overlay` draws (its fonts are embedded as new subset fonts).
    package mutating func addOverlay(_ overlay: PDFPage, onPage pageIndex: Int, of structure: PDFStructure) {
        let page = structure.pages[pageIndex]
        var fontEntries = page.fonts.map { ($0.name, PDFObject.reference($0.object)) }
        let embedded = overlay.fonts.map(EmbeddedFont.init)
        for (index, font) in embedded.enumerated() {
            let number = allocate()
            PDFFontEmitter.emit(font, as: number, into: &self)
            fontEntries.append(("U\(originalSize)F\(index + 1)", .reference(number)))
        }
        // The overlay was written with resource names F1, F2…; rename them so they cannot clash.
        var content = overlay.content(renumberedFor: embedded.map(\.subset))
        if !overlay.fonts.isEmpty {
            content = Self.renameFonts(content, count: overlay.fonts.count, prefix: "U\(originalSize)F")
        }
        let contentNumber = allocate()
        setStream(contentNumber, data: content)
        set(
            page.object,
            .dictionary(
                PDFPageDictionary.make(
                    parent: structure.pagesRoot, width: page.width, height: page.height,
                    fonts: .dictionary(PDFDictionary(fontEntries)),
                    contents: page.contents + [contentNumber], annotations: page.annotations)))
    }

    /// The original bytes followed by the update.
    package func serialized() -> [UInt8] {
        var serializer = PDFSerializer(startingWith: original)
        if original.last != 0x0A { serializer.bytes.append(0x0A) }
        for number in objects.keys.sorted() { serializer.write(number, objects[number]!.object) }
        let identifier = Array(SHA256.hash(serializer.bytes).prefix(16))
        var trailer = PDFDictionary([("Size", .integer(max(next, originalSize))), ("Root", .reference(root))])
        if let info { trailer["Info"] = .reference(info) }
        trailer["ID"] = .array([.hexString(firstIdentifier ?? identifier), .hexString(identifier)])
        trailer["Prev"] = .integer(previousCrossReference)
        serializer.writeCrossReference(includeFreeHead: false, trailer: trailer)
        return serializer.bytes
    }

    private static func renameFonts(_ content: [UInt8], count: Int, prefix: String) -> [UInt8] {
        // Font selections are written by PDFPage as "/F<n> <size> Tf"; text is hex, so "/F" appears nowhere else.
        var result: [UInt8] = []
        result.reserveCapacity(content.count + 64)
        var index = 0
        while index < content.count {
            if content[index] == UInt8(ascii: "/"), index + 1 < content.count, content[index + 1] == UInt8(ascii: "F") {
                result.append(UInt8(ascii: "/"))
                result.append(contentsOf: Array(prefix.utf8))
                index += 2
                continue
            }
            result.append(content[index])
            index += 1
        }
        return result
    }

    private static func lastIndex(of needle: [UInt8], in haystack: ArraySlice<UInt8>) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        var index = haystack.endIndex - needle.count
        while index >= haystack.startIndex {
            if haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index -= 1
        }
        return nil
    }

    private static func lastIndex(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        lastIndex(of: needle, in: haystack[...])
    }
}

extension PDFIncrementalUpdate: PDFObjectSink {
    mutating func put(_ number: Int, _ object: PDFIndirectObject) { objects[number] = PDFIndirectObjectBox(object) }
}

/// `PDFIndirectObject` is internal; this keeps the public struct's stored property type internal too.
struct PDFIndirectObjectBox: @unchecked Sendable {  // holds only value types ([UInt8], PDFObject, PDFDictionary)
    let object: PDFIndirectObject
    init(_ object: PDFIndirectObject) { self.object = object }
}

/// Just enough of the PDF lexer (§7.2) to read a trailer dictionary.
struct PDFLexer {
    enum Token: Equatable {
        case integer(Int)
        case name(String)
        case hexString([UInt8])
        case reference
        case dictionaryStart, dictionaryEnd, arrayStart, arrayEnd, other
    }

    let bytes: [UInt8]
    var position: Int

    mutating func next() -> Token? {
        while position < bytes.count, [0x00, 0x09, 0x0A, 0x0C, 0x0D, 0x20].contains(bytes[position]) { position += 1 }
        guard position < bytes.count else { return nil }
        let byte = bytes[position]
        switch byte {
        case UInt8(ascii: "<"):
            if position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "<") {
                position += 2
                return .dictionaryStart
            }
            position += 1
            var digits: [UInt8] = []
            while position < bytes.count, bytes[position] != UInt8(ascii: ">") {
                if let value = Self.hexValue(bytes[position]) { digits.append(value) }
                position += 1
            }
            position += 1
            if digits.count % 2 == 1 { digits.append(0) }
            return .hexString(stride(from: 0, to: digits.count, by: 2).map { digits[$0] << 4 | digits[$0 + 1] })
        case UInt8(ascii: ">"):
            position += bytes.count > position + 1 && bytes[position + 1] == UInt8(ascii: ">") ? 2 : 1
            return .dictionaryEnd
        case UInt8(ascii: "["):
            position += 1
            return .arrayStart
        case UInt8(ascii: "]"):
            position += 1
            return .arrayEnd
        case UInt8(ascii: "/"):
            position += 1
            let start = position
            while position < bytes.count, !Self.isDelimiterOrSpace(bytes[position]) { position += 1 }
            return .name(String(decoding: bytes[start..<position], as: UTF8.self))
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            var value = 0
            while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) {
                value = value &* 10 &+ Int(bytes[position] - UInt8(ascii: "0"))
                position += 1
            }
            return .integer(value)
        case UInt8(ascii: "R"):
            position += 1
            return .reference
        default:
            position += 1
            while position < bytes.count, !Self.isDelimiterOrSpace(bytes[position]) { position += 1 }
            return .other
        }
    }

    static func isDelimiterOrSpace(_ byte: UInt8) -> Bool { " \t\r\n\u{0C}\0()<>[]{}/%".utf8.contains(byte) }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

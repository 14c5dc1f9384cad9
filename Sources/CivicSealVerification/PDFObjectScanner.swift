/// A strict reader of what verification needs from an untrusted PDF, linear in time and memory.
///
/// It does not trust the cross-reference table: it scans the file once for `N G obj` headers (skipping stream
/// data by its `/Length`, or up to `endstream`), parses each object, and remembers where the last definition of
/// each object number starts — the one an incremental update (§7.5.6) makes current. Trailers are read from the
/// last `trailer` keyword or the last cross-reference stream (`/Type /XRef`).
///
/// Why it is linear (the bound ``bytesExamined`` measures and the tests assert):
/// - the scan never goes back: after an object or trailer was tried — read or refused — it resumes beyond every byte
///   the tokenizer consumed for it (`highWater`), so no byte is tokenized by two attempts, and a string or
///   dictionary that runs to the end of the file ends the scan instead of being read again from each later `obj`;
/// - lookahead (`N G R`, the `stream` keyword) peeks at single bytes and never re-reads a string;
/// - a search for `endstream` that failed is remembered, and the whitespace allowed before it is bounded.
///
/// Memory stays within a few times the input: only the dictionary entries verification reads (``retainedKeys``)
/// and the first ``retainedArrayItems`` items of an array are kept; everything else is checked for syntax and
/// dropped. A repeated key is refused among the retained keys (where it would make the verdict ambiguous); other
/// keys are not remembered. Top-level dictionaries are handed to the caller one by one instead of being collected,
/// and objects are remembered as (number, offset) pairs and parsed again when resolved.
struct PDFObjectScanner {
    static let maximumDepth = 64
    /// The dictionary entries the verifier reads; the values of other keys are parsed and discarded.
    static let retainedKeys: Set<String> = [
        "Type", "FT", "V", "ByteRange", "Contents", "SubFilter", "M", "Name", "Info", "Root", "Keywords", "Metadata",
        "Filter", "Length", "Prev", "Size", "Reference", "TransformMethod", "TransformParams", "Action", "P", "Lock",
        "T", "Parent", "DSS", "AcroForm",
    ]
    /// Arrays keep this many items (a `/ByteRange` has four); the rest are parsed, counted and discarded.
    static let retainedArrayItems = 16
    /// At most this much whitespace between stream data of `/Length` bytes and `endstream`.
    static let maximumWhitespaceBeforeEndstream = 256
    /// At most this many revisions (`startxref … %%EOF` ends) are read; a file with more is refused.
    static let maximumRevisions = 64

    let bytes: [UInt8]
    /// Object numbers and where their value starts (just after `obj`), in file order; the last of a number wins.
    private(set) var locations: [(number: Int32, offset: Int32)] = []
    private(set) var trailer: [String: PDFValue]?
    /// Every trailer dictionary read (classic `trailer`, or a cross-reference stream's dictionary), in file order,
    /// with the offset of the `trailer` keyword or of the stream object's value.
    private(set) var trailers: [(offset: Int, dictionary: [String: PDFValue])] = []
    /// Every revision end met at the top level (ISO 32000-1 §7.5.5): `startxref`, the offset it gives, `%%EOF`.
    private(set) var revisionEnds: [RevisionEnd] = []
    /// When true (re-reads only), every dictionary key and every array item is kept: the allowed-updates
    /// comparison needs whole objects.
    var retainsEverything = false
    // The next four are internal, not private, only so the tokenizer (`PDFObjectScanner+Values.swift`) and the
    // searches (`PDFObjectScanner+Bytes.swift`) can advance them; nothing outside this type touches them.
    /// Every byte read by the raw scan, the tokenizer and the searches, counted as often as it was read.
    var bytesExamined = 0
    var budget: Int
    var position = 0
    /// The furthest position the tokenizer consumed: the raw scan never resumes before it.
    var highWater = 0
    /// Where a search for `endstream` already failed: no later search from beyond it can succeed.
    private var noEndstreamAfter = Int.max

    /// One `startxref N %%EOF`: where the `startxref` keyword is, the offset `N` it names, where `%%EOF` ends, and
    /// where the revision ends (after one end-of-line marker, when present).
    struct RevisionEnd {
        let keyword: Int
        let crossReference: Int
        let endOfFileMarkerEnd: Int
        let end: Int
    }

    /// Scans `bytes`, calling `visit` with each object's dictionary (retained entries only) and number, in file
    /// order; `bytesExamined` receives the work done, whether the file was read or refused.
    init(
        _ bytes: [UInt8], bytesExamined: inout Int,
        visit: ([String: PDFValue], Int) throws(PDFStructureError) -> Void = { _, _ in }
    ) throws(PDFStructureError) {
        self.bytes = bytes
        budget = 1024 + 4 * bytes.count  // a token takes at least one byte; the factor covers lookahead
        defer { bytesExamined = self.bytesExamined }
        guard bytes.count >= 8, bytes[0..<5].elementsEqual("%PDF-".utf8) else {
            throw PDFStructureError("no %PDF- header")
        }
        guard bytes.count < Int(Int32.max) else { throw PDFStructureError("the file is too large") }
        try scan(visit)
        guard trailer != nil else { throw PDFStructureError("no trailer") }
    }

    /// An indirect object's value and, for a stream, where its data lies.
    struct IndirectObject {
        let value: PDFValue
        let stream: Range<Int>?
    }

    /// The last definition of object `number`, parsed again from where it starts.
    func object(_ number: Int) -> IndirectObject? {
        guard let location = locations.last(where: { Int($0.number) == number }) else { return nil }
        var reader = PDFObjectScanner(rereading: bytes)
        guard let (value, stream) = try? reader.objectBody(at: Int(location.offset)) else { return nil }
        return IndirectObject(value: value, stream: stream)
    }

    /// The object whose value starts at `offset` (a ``locations`` entry), every key and item kept.
    func wholeObject(at offset: Int) -> IndirectObject? {
        var reader = PDFObjectScanner(rereading: bytes)
        reader.retainsEverything = true
        guard let (value, stream) = try? reader.objectBody(at: offset) else { return nil }
        return IndirectObject(value: value, stream: stream)
    }

    /// The object `value` refers to (one level), or `value` itself.
    func resolve(_ value: PDFValue?) -> PDFValue? {
        if case .reference(let number)? = value { return object(number)?.value }
        return value
    }

    private init(rereading bytes: [UInt8]) {
        self.bytes = bytes
        budget = 1024 + 4 * bytes.count
    }

    // MARK: - Scanning

    private mutating func scan(_ visit: ([String: PDFValue], Int) throws(PDFStructureError) -> Void)
        throws(PDFStructureError)
    {
        var index = 0
        let count = bytes.count
        while index < count {
            bytesExamined += 1
            let byte = bytes[index]
            var attempted = false
            if byte == UInt8(ascii: "o"), index + 3 <= count, bytes[index + 1] == UInt8(ascii: "b"),
                bytes[index + 2] == UInt8(ascii: "j"),
                index + 3 == count || Self.isDelimiterOrSpace(bytes[index + 3]),
                let number = objectNumber(before: index)
            {
                attempted = true
                if let (value, _) = try? objectBody(at: index + 3) {
                    if number >= 0, number <= Int(Int32.max) { locations.append((Int32(number), Int32(index + 3))) }
                    if case .dictionary(let dictionary) = value {
                        try visit(dictionary, number)
                        if dictionary["Type"]?.nameValue == "XRef" {
                            trailer = dictionary
                            trailers.append((index + 3, dictionary))
                        }
                    }
                }
            } else if byte == UInt8(ascii: "t"), index + 7 <= count,
                bytes[index..<(index + 7)].elementsEqual("trailer".utf8),
                index == 0 || Self.isDelimiterOrSpace(bytes[index - 1])
            {
                attempted = true
                position = index + 7
                if case .dictionary(let dictionary)? = try? parseValue(depth: 0, retain: true) {
                    trailer = dictionary
                    trailers.append((index, dictionary))
                }
            } else if byte == UInt8(ascii: "s"), index + 9 <= count,
                bytes[index..<(index + 9)].elementsEqual("startxref".utf8),
                index == 0 || Self.isDelimiterOrSpace(bytes[index - 1])
            {
                attempted = true
                position = index + 9
                if let end = revisionEnd(keyword: index) {
                    guard revisionEnds.count < Self.maximumRevisions else {
                        throw PDFStructureError("more than \(Self.maximumRevisions) revisions")
                    }
                    revisionEnds.append(end)
                }
            }
            guard budget > 0 else { throw PDFStructureError("the file is too complex to read") }
            // Read or refused, never again: resume beyond everything the attempt consumed.
            index = attempted ? max(index + 1, position, highWater) : index + 1
        }
    }

    /// After `startxref` (at `keyword`; `position` just past it): whitespace, digits, whitespace, `%%EOF`, and an
    /// optional end-of-line. Leaves `position` after what matched.
    private mutating func revisionEnd(keyword: Int) -> RevisionEnd? {
        let start = position
        defer {
            bytesExamined += position - start
            highWater = max(highWater, position)
        }
        func skipWhitespace() {
            while position < bytes.count, position - start < 256, Self.isSpace(bytes[position]) { position += 1 }
        }
        skipWhitespace()
        let digitsStart = position
        var value = 0
        while position < bytes.count, position - digitsStart < 12, Self.isDigit(bytes[position]) {
            value = value * 10 + Int(bytes[position] - UInt8(ascii: "0"))
            position += 1
        }
        guard position > digitsStart else { return nil }
        skipWhitespace()
        guard position + 5 <= bytes.count, bytes[position..<(position + 5)].elementsEqual("%%EOF".utf8) else {
            return nil
        }
        position += 5
        let markerEnd = position
        if position < bytes.count, bytes[position] == 0x0D { position += 1 }
        if position < bytes.count, bytes[position] == 0x0A { position += 1 }
        return RevisionEnd(keyword: keyword, crossReference: value, endOfFileMarkerEnd: markerEnd, end: position)
    }

    /// Reads `N G` backwards from the `obj` keyword at `index`.
    private mutating func objectNumber(before index: Int) -> Int? {
        var cursor = index - 1
        var looked = 0
        defer { bytesExamined += looked }
        func skipSpace() {
            while cursor >= 0, Self.isSpace(bytes[cursor]) {
                cursor -= 1
                looked += 1
            }
        }
        func digits() -> Int? {
            let end = cursor
            while cursor >= 0, cursor > end - 10, Self.isDigit(bytes[cursor]) {
                cursor -= 1
                looked += 1
            }
            guard cursor < end else { return nil }
            var value = 0
            for digit in bytes[(cursor + 1)...end] { value = value * 10 + Int(digit - UInt8(ascii: "0")) }
            return value
        }
        guard cursor >= 0, Self.isSpace(bytes[cursor]) else { return nil }
        skipSpace()
        guard digits() != nil, cursor >= 0, Self.isSpace(bytes[cursor]) else { return nil }
        skipSpace()
        guard let number = digits() else { return nil }
        guard cursor < 0 || Self.isDelimiterOrSpace(bytes[cursor]) else { return nil }
        return number
    }

    /// Parses an object's value from `start` (just after `obj`) and, when `stream` follows, finds its data.
    /// Leaves `position` after the value (or after `endstream`).
    private mutating func objectBody(at start: Int) throws(PDFStructureError) -> (PDFValue, Range<Int>?) {
        position = start
        let value = try parseValue(depth: 0, retain: true)
        let afterValue = position
        guard peekKeyword(Self.streamKeyword) else {
            position = afterValue
            return (value, nil)
        }
        // The keyword is followed by CRLF or LF (§7.3.8.1), then exactly /Length bytes.
        var dataStart = position
        if dataStart < bytes.count, bytes[dataStart] == 0x0D { dataStart += 1 }
        if dataStart < bytes.count, bytes[dataStart] == 0x0A { dataStart += 1 }
        if let length = value["Length"]?.integerValue, length >= 0, length <= bytes.count - dataStart {
            var after = dataStart + length
            let limit = min(bytes.count, after + Self.maximumWhitespaceBeforeEndstream)
            while after < limit, Self.isSpace(bytes[after]) { after += 1 }
            bytesExamined += after - (dataStart + length) + 9
            if after + 9 <= bytes.count, bytes[after..<(after + 9)].elementsEqual(Self.endstreamKeyword) {
                position = after + 9
                highWater = max(highWater, position)
                return (value, dataStart..<(dataStart + length))
            }
        }
        guard dataStart < noEndstreamAfter, let found = find(Self.endstreamKeyword, from: dataStart) else {
            noEndstreamAfter = min(noEndstreamAfter, dataStart)
            position = dataStart
            throw PDFStructureError("stream without endstream")
        }
        var trimmed = found
        if trimmed > dataStart, bytes[trimmed - 1] == 0x0A { trimmed -= 1 }
        if trimmed > dataStart, bytes[trimmed - 1] == 0x0D { trimmed -= 1 }
        position = found + 9
        highWater = max(highWater, position)
        return (value, dataStart..<trimmed)
    }
}

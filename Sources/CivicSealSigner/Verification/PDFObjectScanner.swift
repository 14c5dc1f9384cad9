/// A PDF value as the verifier reads it (ISO 32000-1 §7.3). Strings keep their position in the file so the
/// signature's `/Contents` can be matched against the `/ByteRange` hole.
enum PDFValue: Sendable {
    case null
    case boolean(Bool)
    case integer(Int)
    case real(Double)
    case name(String)
    /// Decoded bytes, whether it was a hexadecimal string, and where the string (delimiters included) lies in the file.
    case string([UInt8], hex: Bool, range: Range<Int>)
    /// The first ``PDFObjectScanner/retainedArrayItems`` items and how many the array held in all.
    case array([PDFValue], count: Int)
    case dictionary([String: PDFValue])
    case reference(Int)

    subscript(key: String) -> PDFValue? {
        if case .dictionary(let entries) = self { entries[key] } else { nil }
    }

    var dictionary: [String: PDFValue]? { if case .dictionary(let d) = self { d } else { nil } }
    var nameValue: String? { if case .name(let n) = self { n } else { nil } }
    var integerValue: Int? { if case .integer(let i) = self { i } else { nil } }
    var bytes: [UInt8]? { if case .string(let b, _, _) = self { b } else { nil } }
}

/// Why a file could not be read as a PDF; becomes the `structure` check's detail.
struct PDFStructureError: Error, Sendable {
    let message: String
    init(_ message: String) { self.message = message }
}

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
        "Filter", "Length",
    ]
    /// Arrays keep this many items (a `/ByteRange` has four); the rest are parsed, counted and discarded.
    static let retainedArrayItems = 16
    /// At most this much whitespace between stream data of `/Length` bytes and `endstream`.
    static let maximumWhitespaceBeforeEndstream = 256

    let bytes: [UInt8]
    /// Object numbers and where their value starts (just after `obj`), in file order; the last of a number wins.
    private var locations: [(number: Int32, offset: Int32)] = []
    private(set) var trailer: [String: PDFValue]?
    /// Every byte read by the raw scan, the tokenizer and the searches, counted as often as it was read.
    private(set) var bytesExamined = 0
    private var budget: Int
    private var position = 0
    /// The furthest position the tokenizer consumed: the raw scan never resumes before it.
    private var highWater = 0
    /// Where a search for `endstream` already failed: no later search from beyond it can succeed.
    private var noEndstreamAfter = Int.max

    /// Scans `bytes`, calling `visit` with each object's dictionary (retained entries only) in file order;
    /// `bytesExamined` receives the work done, whether the file was read or refused.
    init(
        _ bytes: [UInt8], bytesExamined: inout Int,
        visit: ([String: PDFValue]) throws(PDFStructureError) -> Void = { _ in }
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

    private mutating func scan(_ visit: ([String: PDFValue]) throws(PDFStructureError) -> Void)
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
                        try visit(dictionary)
                        if dictionary["Type"]?.nameValue == "XRef" { trailer = dictionary }
                    }
                }
            } else if byte == UInt8(ascii: "t"), index + 7 <= count,
                bytes[index..<(index + 7)].elementsEqual("trailer".utf8),
                index == 0 || Self.isDelimiterOrSpace(bytes[index - 1])
            {
                attempted = true
                position = index + 7
                if case .dictionary(let dictionary)? = try? parseValue(depth: 0, retain: true) { trailer = dictionary }
            }
            guard budget > 0 else { throw PDFStructureError("the file is too complex to read") }
            // Read or refused, never again: resume beyond everything the attempt consumed.
            index = attempted ? max(index + 1, position, highWater) : index + 1
        }
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

    // MARK: - Values

    private enum Token {
        case integer(Int)
        case real(Double)
        case name(String)
        case string([UInt8], hex: Bool, range: Range<Int>)
        case keyword(String)
        case arrayStart, arrayEnd, dictionaryStart, dictionaryEnd
    }

    /// One value; when `retain` is false it is checked for syntax and `.null` is returned (nothing is kept).
    private mutating func parseValue(depth: Int, retain: Bool) throws(PDFStructureError) -> PDFValue {
        guard depth < Self.maximumDepth else { throw PDFStructureError("nesting deeper than \(Self.maximumDepth)") }
        switch try nextToken(decode: retain) {
        case .integer(let value):
            // `N G R` is a reference: peek at bytes, so a failed guess never re-reads a string.
            if peekReference() { return retain ? .reference(value) : .null }
            return retain ? .integer(value) : .null
        case .real(let value): return retain ? .real(value) : .null
        case .name(let name): return retain ? .name(name) : .null
        case .string(let bytes, let hex, let range): return retain ? .string(bytes, hex: hex, range: range) : .null
        case .keyword("true"): return retain ? .boolean(true) : .null
        case .keyword("false"): return retain ? .boolean(false) : .null
        case .keyword("null"): return .null
        case .arrayStart:
            var items: [PDFValue] = []
            var count = 0
            while true {
                skipSpaceAndComments()
                if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
                    _ = try nextToken(decode: false)
                    return retain ? .array(items, count: count) : .null
                }
                let keep = retain && items.count < Self.retainedArrayItems
                let item = try parseValue(depth: depth + 1, retain: keep)
                if keep { items.append(item) }
                count += 1
            }
        case .dictionaryStart:
            var entries: [String: PDFValue] = [:]
            while true {
                // Keys are read here, not by `nextToken`: a key the verifier does not read never becomes a String.
                skipSpaceAndComments()
                guard position < bytes.count else { throw PDFStructureError("unexpected end of file") }
                if bytes[position] == UInt8(ascii: ">") {
                    guard case .dictionaryEnd = try nextToken(decode: false) else { throw PDFStructureError("stray >") }
                    return retain ? .dictionary(entries) : .null
                }
                guard bytes[position] == UInt8(ascii: "/") else {
                    throw PDFStructureError("dictionary key is not a name")
                }
                let keyStart = position + 1
                var end = keyStart
                var escaped = false
                while end < bytes.count, !Self.isDelimiterOrSpace(bytes[end]) {
                    if bytes[end] == UInt8(ascii: "#") { escaped = true }
                    end += 1
                }
                budget -= 1
                bytesExamined += end - position + 1
                position = end
                highWater = max(highWater, position)
                var key: String?
                if retain {
                    if escaped {
                        position = keyStart - 1
                        if case .name(let name) = try nextToken(decode: true), Self.retainedKeys.contains(name) {
                            key = name
                        }
                    } else {
                        key = Self.retainedKey(bytes[keyStart..<end])
                    }
                }
                let value = try parseValue(depth: depth + 1, retain: key != nil)
                // A repeated key the verifier reads is ambiguous (§7.3.7 leaves it undefined): refuse rather than
                // guess.
                // Keys it does not read cannot change a verdict and are not remembered.
                if let key {
                    guard entries.updateValue(value, forKey: key) == nil else {
                        throw PDFStructureError("key /\(key) appears twice")
                    }
                }
            }
        default:
            throw PDFStructureError("unexpected token")
        }
    }

    /// After an integer: whether `G R` follows (both read from bytes, `position` moved past them only if so).
    private mutating func peekReference() -> Bool {
        let saved = position
        skipSpaceAndComments()
        guard position < bytes.count, Self.isDigit(bytes[position]) else {
            position = saved
            return false
        }
        let start = position
        while position < bytes.count, position - start < 10, Self.isDigit(bytes[position]) { position += 1 }
        bytesExamined += position - start
        guard position < bytes.count, Self.isSpace(bytes[position]) else {
            position = saved
            return false
        }
        skipSpaceAndComments()
        guard position < bytes.count, bytes[position] == UInt8(ascii: "R"),
            position + 1 == bytes.count || Self.isDelimiterOrSpace(bytes[position + 1])
        else {
            position = saved
            return false
        }
        position += 1
        highWater = max(highWater, position)
        return true
    }

    /// Whether the next token is the keyword `word`; on a match `position` moves past it, else it stays.
    private mutating func peekKeyword(_ utf8: [UInt8]) -> Bool {
        let saved = position
        skipSpaceAndComments()
        bytesExamined += utf8.count
        if position + utf8.count <= bytes.count, bytes[position..<(position + utf8.count)].elementsEqual(utf8),
            position + utf8.count == bytes.count || Self.isDelimiterOrSpace(bytes[position + utf8.count])
        {
            position += utf8.count
            highWater = max(highWater, position)
            return true
        }
        position = saved
        return false
    }

    private mutating func skipSpaceAndComments() {
        let start = position
        // Whitespace and comments (§7.2.2, §7.2.4).
        while position < bytes.count {
            if Self.isSpace(bytes[position]) {
                position += 1
            } else if bytes[position] == UInt8(ascii: "%") {
                while position < bytes.count, bytes[position] != 0x0A, bytes[position] != 0x0D { position += 1 }
            } else {
                break
            }
        }
        bytesExamined += position - start
    }

    private mutating func nextToken(decode: Bool) throws(PDFStructureError) -> Token {
        budget -= 1
        guard budget > 0 else { throw PDFStructureError("too many tokens") }
        skipSpaceAndComments()
        let start = position
        defer {
            bytesExamined += position - start + 1
            highWater = max(highWater, position)
        }
        guard position < bytes.count else { throw PDFStructureError("unexpected end of file") }
        let byte = bytes[position]
        switch byte {
        case UInt8(ascii: "<"):
            if position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "<") {
                position += 2
                return .dictionaryStart
            }
            return try hexString(start, decode: decode)
        case UInt8(ascii: ">"):
            guard position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: ">") else {
                throw PDFStructureError("stray >")
            }
            position += 2
            return .dictionaryEnd
        case UInt8(ascii: "["):
            position += 1
            return .arrayStart
        case UInt8(ascii: "]"):
            position += 1
            return .arrayEnd
        case UInt8(ascii: "("):
            return try literalString(start, decode: decode)
        case UInt8(ascii: "/"):
            position += 1
            let nameStart = position
            var escaped = false
            while position < bytes.count, !Self.isDelimiterOrSpace(bytes[position]) {
                if bytes[position] == UInt8(ascii: "#") { escaped = true }
                position += 1
            }
            guard decode else { return .name("") }
            guard escaped else { return .name(String(decoding: bytes[nameStart..<position], as: UTF8.self)) }
            // `#xx` escapes (§7.3.5).
            var name: [UInt8] = []
            var cursor = nameStart
            while cursor < position {
                if bytes[cursor] == UInt8(ascii: "#"), cursor + 2 < position,
                    let high = Self.hexValue(bytes[cursor + 1]),
                    let low = Self.hexValue(bytes[cursor + 2])
                {
                    name.append(high << 4 | low)
                    cursor += 3
                } else {
                    name.append(bytes[cursor])
                    cursor += 1
                }
            }
            return .name(String(decoding: name, as: UTF8.self))
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."):
            return try number()
        case UInt8(ascii: ")"), UInt8(ascii: "{"), UInt8(ascii: "}"):
            throw PDFStructureError("unexpected delimiter")
        default:
            while position < bytes.count, !Self.isDelimiterOrSpace(bytes[position]), position - start < 32 {
                position += 1
            }
            return .keyword(Self.keyword(bytes[start..<position]))
        }
    }

    private mutating func number() throws(PDFStructureError) -> Token {
        let start = position
        if bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
        var sawDot = false
        var digits = 0
        while position < bytes.count {
            let byte = bytes[position]
            if Self.isDigit(byte) {
                digits += 1
            } else if byte == UInt8(ascii: "."), !sawDot {
                sawDot = true
            } else {
                break
            }
            position += 1
        }
        guard digits > 0, digits <= 18 else { throw PDFStructureError("bad number") }
        if sawDot {
            guard let value = Double(String(decoding: bytes[start..<position], as: UTF8.self)) else {
                throw PDFStructureError("bad number")
            }
            return .real(value)
        }
        // At most 18 digits: no overflow.
        var value = 0
        var cursor = start
        let negative = bytes[cursor] == UInt8(ascii: "-")
        if negative || bytes[cursor] == UInt8(ascii: "+") { cursor += 1 }
        while cursor < position {
            value = value * 10 + Int(bytes[cursor] &- UInt8(ascii: "0"))
            cursor += 1
        }
        return .integer(negative ? -value : value)
    }

    /// A hexadecimal string (§7.3.4.3): only hex digits and whitespace between the brackets.
    private mutating func hexString(_ start: Int, decode: Bool) throws(PDFStructureError) -> Token {
        position += 1
        var decoded: [UInt8] = []
        var high: UInt8?
        while position < bytes.count, bytes[position] != UInt8(ascii: ">") {
            let byte = bytes[position]
            position += 1
            if Self.isSpace(byte) { continue }
            guard let value = Self.hexValue(byte) else {
                throw PDFStructureError("non-hex byte in a hexadecimal string")
            }
            guard decode else { continue }
            if let h = high {
                decoded.append(h << 4 | value)
                high = nil
            } else {
                high = value
            }
        }
        guard position < bytes.count else { throw PDFStructureError("unterminated hexadecimal string") }
        position += 1
        if let high { decoded.append(high << 4) }
        return .string(decoded, hex: true, range: start..<position)
    }

    /// A literal string (§7.3.4.2) with balanced parentheses and backslash escapes. Its end is found first, so a
    /// string that never ends is refused without decoding anything.
    private mutating func literalString(_ start: Int, decode: Bool) throws(PDFStructureError) -> Token {
        let count = bytes.count
        var cursor = start + 1
        var depth = 1
        var escapes = false
        while cursor < count {
            let byte = bytes[cursor]
            cursor += 1
            if byte == UInt8(ascii: "\\") {
                escapes = true
                cursor += 1  // the escaped byte (octal digits after it are plain bytes here)
            } else if byte == UInt8(ascii: "(") {
                depth += 1
            } else if byte == UInt8(ascii: ")") {
                depth -= 1
                if depth == 0 { break }
            }
        }
        guard depth == 0, cursor <= count else {
            position = count
            throw PDFStructureError("unterminated string")
        }
        position = cursor
        guard decode else { return .string([], hex: false, range: start..<cursor) }
        let content = (start + 1)..<(cursor - 1)
        guard escapes else { return .string(Array(bytes[content]), hex: false, range: start..<cursor) }
        var decoded: [UInt8] = []
        decoded.reserveCapacity(content.count)
        var index = content.lowerBound
        while index < content.upperBound {
            let byte = bytes[index]
            index += 1
            guard byte == UInt8(ascii: "\\"), index < content.upperBound else {
                decoded.append(byte)
                continue
            }
            let escaped = bytes[index]
            index += 1
            switch escaped {
            case UInt8(ascii: "n"): decoded.append(0x0A)
            case UInt8(ascii: "r"): decoded.append(0x0D)
            case UInt8(ascii: "t"): decoded.append(0x09)
            case UInt8(ascii: "b"): decoded.append(0x08)
            case UInt8(ascii: "f"): decoded.append(0x0C)
            case 0x0D:
                if index < content.upperBound, bytes[index] == 0x0A { index += 1 }
            case 0x0A: break
            case UInt8(ascii: "0")...UInt8(ascii: "7"):
                var value = Int(escaped - UInt8(ascii: "0"))
                var taken = 1
                while taken < 3, index < content.upperBound,
                    (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(bytes[index])
                {
                    value = value * 8 + Int(bytes[index] - UInt8(ascii: "0"))
                    index += 1
                    taken += 1
                }
                decoded.append(UInt8(truncatingIfNeeded: value))
            default: decoded.append(escaped)
            }
        }
        return .string(decoded, hex: false, range: start..<cursor)
    }

    // MARK: - Bytes

    private static let retainedKeyBytes: [([UInt8], String)] = retainedKeys.map { (Array($0.utf8), $0) }

    /// The retained key spelled by `name` (no `#` escapes), without making a String of any other.
    private static func retainedKey(_ name: ArraySlice<UInt8>) -> String? {
        for (spelling, key) in retainedKeyBytes where spelling.count == name.count && spelling.first == name.first {
            if name.elementsEqual(spelling) { return key }
        }
        return nil
    }

    private static let trueBytes = Array("true".utf8), falseBytes = Array("false".utf8), nullBytes = Array("null".utf8)
    static let streamKeyword = Array("stream".utf8)
    static let endstreamKeyword = Array("endstream".utf8)

    /// The keywords values can be; any other is returned as `""` (refused as a value either way).
    private static func keyword(_ text: ArraySlice<UInt8>) -> String {
        if text.elementsEqual(trueBytes) { return "true" }
        if text.elementsEqual(falseBytes) { return "false" }
        if text.elementsEqual(nullBytes) { return "null" }
        return ""
    }

    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 || byte == 0x0C || byte == 0x00
    }
    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
    static func isDelimiterOrSpace(_ byte: UInt8) -> Bool {
        isSpace(byte) || byte == UInt8(ascii: "(") || byte == UInt8(ascii: ")") || byte == UInt8(ascii: "<")
            || byte == UInt8(ascii: ">")
            || byte == UInt8(ascii: "[") || byte == UInt8(ascii: "]") || byte == UInt8(ascii: "{")
            || byte == UInt8(ascii: "}")
            || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "%")
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private mutating func find(_ needle: [UInt8], from start: Int) -> Int? {
        var compared = 0
        let found = Self.find(needle, in: bytes, from: start, compared: &compared)
        bytesExamined += compared
        return found
    }

    /// The first occurrence of `needle` at or after offset `start` of `haystack`, as an offset; `compared` counts
    /// the bytes read (at most the needle's length per byte of the haystack).
    static func find<Haystack: RandomAccessCollection<UInt8>>(
        _ needle: [UInt8], in haystack: Haystack, from start: Int, compared: inout Int
    ) -> Int? where Haystack.Index == Int {
        guard !needle.isEmpty, start >= 0, haystack.count >= needle.count, start <= haystack.count - needle.count else {
            return nil
        }
        let base = haystack.startIndex
        var index = base + start
        let last = haystack.endIndex - needle.count
        let first = needle[0]
        while index <= last {
            compared += 1
            if haystack[index] == first {
                var matched = 1
                while matched < needle.count, haystack[index + matched] == needle[matched] { matched += 1 }
                compared += matched
                if matched == needle.count { return index - base }
            }
            index += 1
        }
        return nil
    }

    static func find<Haystack: RandomAccessCollection<UInt8>>(_ needle: [UInt8], in haystack: Haystack, from start: Int)
        -> Int?
    where Haystack.Index == Int {
        var compared = 0
        return find(needle, in: haystack, from: start, compared: &compared)
    }
}

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
    case array([PDFValue])
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

/// A strict, bounded reader of what verification needs from an untrusted PDF.
///
/// It does not trust the cross-reference table: it scans the file for `N G obj` headers (skipping stream
/// data by its `/Length`, or up to `endstream`), parses each object, and keeps the last definition of
/// each object number — the one an incremental update (§7.5.6) makes current. Trailers are read from the
/// last `trailer` keyword or the last cross-reference stream (`/Type /XRef`). Every loop is bounded: a token
/// budget proportional to the file size, a nesting limit and a string-length limit, so a hostile file costs
/// at most linear work and never crashes the reader.
struct PDFObjectScanner {
    struct IndirectObject {
        let value: PDFValue
        /// The raw stream data, when the object is a stream.
        let stream: Range<Int>?
    }

    static let maximumDepth = 64

    let bytes: [UInt8]
    private(set) var objects: [Int: IndirectObject] = [:]
    /// Every dictionary that is an object's value, in file order (signature dictionaries are looked for here).
    private(set) var dictionaries: [[String: PDFValue]] = []
    private(set) var trailer: [String: PDFValue]?
    private var budget: Int
    private var position = 0
    /// Where a search for `endstream` already failed: no later search from beyond it can succeed.
    private var noEndstreamAfter = Int.max

    init(_ bytes: [UInt8]) throws(PDFStructureError) {
        self.bytes = bytes
        budget = 1024 + 4 * bytes.count  // a token takes at least one byte; the factor covers `N G R` lookahead
        guard bytes.count >= 8, bytes[0..<5].elementsEqual("%PDF-".utf8) else { throw PDFStructureError("no %PDF- header") }
        try scan()
        guard trailer != nil else { throw PDFStructureError("no trailer") }
    }

    /// The object `value` refers to (one level), or `value` itself.
    func resolve(_ value: PDFValue?) -> PDFValue? {
        if case .reference(let number)? = value { return objects[number]?.value }
        return value
    }

    // MARK: - Scanning

    private mutating func scan() throws(PDFStructureError) {
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "o"), index + 3 <= count, bytes[index + 1] == UInt8(ascii: "b"), bytes[index + 2] == UInt8(ascii: "j"),
                index + 3 == count || Self.isDelimiterOrSpace(bytes[index + 3]), let number = objectNumber(before: index)
            {
                position = index + 3
                if let end = try readObject(number) {
                    index = end
                    continue
                }
            } else if byte == UInt8(ascii: "t"), index + 7 <= count, bytes[index..<(index + 7)].elementsEqual("trailer".utf8),
                index == 0 || Self.isDelimiterOrSpace(bytes[index - 1])
            {
                position = index + 7
                if case .dictionary(let dictionary)? = try? parseValue(depth: 0) {
                    trailer = dictionary
                    index = position
                    continue
                }
            }
            guard budget > 0 else { throw PDFStructureError("the file is too complex to read") }
            index += 1
        }
        guard budget > 0 else { throw PDFStructureError("the file is too complex to read") }
    }

    /// Reads `N G` backwards from the `obj` keyword at `index`.
    private func objectNumber(before index: Int) -> Int? {
        var cursor = index - 1
        func skipSpace() { while cursor >= 0, Self.isSpace(bytes[cursor]) { cursor -= 1 } }
        func digits() -> Int? {
            let end = cursor
            while cursor >= 0, cursor > end - 10, Self.isDigit(bytes[cursor]) { cursor -= 1 }
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

    /// Parses the object body after `obj`; returns the offset to continue scanning from, or nil when it is not an object.
    private mutating func readObject(_ number: Int) throws(PDFStructureError) -> Int? {
        guard let value = try? parseValue(depth: 0) else { return nil }
        var streamRange: Range<Int>?
        let afterValue = position
        if case .keyword("stream")? = try? nextToken() {
            // The keyword is followed by CRLF or LF (§7.3.8.1), then exactly /Length bytes.
            var start = position
            if start < bytes.count, bytes[start] == 0x0D { start += 1 }
            if start < bytes.count, bytes[start] == 0x0A { start += 1 }
            var end: Int?
            if let length = value["Length"]?.integerValue, length >= 0, length <= bytes.count - start {
                var after = start + length
                while after < bytes.count, Self.isSpace(bytes[after]) { after += 1 }
                if after + 9 <= bytes.count, bytes[after..<(after + 9)].elementsEqual("endstream".utf8) {
                    end = start + length
                    position = after + 9
                }
            }
            if end == nil {
                guard start < noEndstreamAfter, let found = Self.find(Array("endstream".utf8), in: bytes, from: start) else {
                    noEndstreamAfter = min(noEndstreamAfter, start)
                    return nil
                }
                var trimmed = found
                if trimmed > start, bytes[trimmed - 1] == 0x0A { trimmed -= 1 }
                if trimmed > start, bytes[trimmed - 1] == 0x0D { trimmed -= 1 }
                end = trimmed
                position = found + 9
            }
            streamRange = start..<end!
        } else {
            position = afterValue
        }
        objects[number] = IndirectObject(value: value, stream: streamRange)
        if case .dictionary(let dictionary) = value {
            dictionaries.append(dictionary)
            if dictionary["Type"]?.nameValue == "XRef" { trailer = dictionary }
        }
        return position
    }

    // MARK: - Values

    private enum Token {
        case integer(Int), real(Double), name(String), string([UInt8], hex: Bool, range: Range<Int>)
        case keyword(String), arrayStart, arrayEnd, dictionaryStart, dictionaryEnd
    }

    private mutating func parseValue(depth: Int) throws(PDFStructureError) -> PDFValue {
        guard depth < Self.maximumDepth else { throw PDFStructureError("nesting deeper than \(Self.maximumDepth)") }
        switch try nextToken() {
        case .integer(let value):
            // `N G R` is a reference; otherwise put the lookahead back.
            let saved = position
            if case .integer? = try? nextToken(), case .keyword("R")? = try? nextToken() { return .reference(value) }
            position = saved
            return .integer(value)
        case .real(let value): return .real(value)
        case .name(let name): return .name(name)
        case .string(let bytes, let hex, let range): return .string(bytes, hex: hex, range: range)
        case .keyword("true"): return .boolean(true)
        case .keyword("false"): return .boolean(false)
        case .keyword("null"): return .null
        case .arrayStart:
            var items: [PDFValue] = []
            while true {
                let saved = position
                if case .arrayEnd = try nextToken() { return .array(items) }
                position = saved
                items.append(try parseValue(depth: depth + 1))
            }
        case .dictionaryStart:
            var entries: [String: PDFValue] = [:]
            while true {
                switch try nextToken() {
                case .dictionaryEnd: return .dictionary(entries)
                case .name(let key):
                    let value = try parseValue(depth: depth + 1)
                    // A repeated key is ambiguous (§7.3.7 leaves it undefined): refuse rather than guess.
                    guard entries.updateValue(value, forKey: key) == nil else { throw PDFStructureError("key /\(key) appears twice") }
                default: throw PDFStructureError("dictionary key is not a name")
                }
            }
        default:
            throw PDFStructureError("unexpected token")
        }
    }

    private mutating func nextToken() throws(PDFStructureError) -> Token {
        budget -= 1
        guard budget > 0 else { throw PDFStructureError("too many tokens") }
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
        guard position < bytes.count else { throw PDFStructureError("unexpected end of file") }
        let start = position
        let byte = bytes[position]
        switch byte {
        case UInt8(ascii: "<"):
            if position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "<") {
                position += 2
                return .dictionaryStart
            }
            return try hexString(start)
        case UInt8(ascii: ">"):
            guard position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: ">") else { throw PDFStructureError("stray >") }
            position += 2
            return .dictionaryEnd
        case UInt8(ascii: "["):
            position += 1
            return .arrayStart
        case UInt8(ascii: "]"):
            position += 1
            return .arrayEnd
        case UInt8(ascii: "("):
            return try literalString(start)
        case UInt8(ascii: "/"):
            position += 1
            var name: [UInt8] = []
            while position < bytes.count, !Self.isDelimiterOrSpace(bytes[position]) {
                if bytes[position] == UInt8(ascii: "#"), position + 2 < bytes.count, let high = Self.hexValue(bytes[position + 1]),
                    let low = Self.hexValue(bytes[position + 2])
                {
                    name.append(high << 4 | low)
                    position += 3
                } else {
                    name.append(bytes[position])
                    position += 1
                }
            }
            return .name(String(decoding: name, as: UTF8.self))
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."):
            return try number()
        case UInt8(ascii: ")"), UInt8(ascii: "{"), UInt8(ascii: "}"):
            throw PDFStructureError("unexpected delimiter")
        default:
            while position < bytes.count, !Self.isDelimiterOrSpace(bytes[position]), position - start < 32 { position += 1 }
            return .keyword(String(decoding: bytes[start..<position], as: UTF8.self))
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
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        if sawDot {
            guard let value = Double(text) else { throw PDFStructureError("bad number") }
            return .real(value)
        }
        guard let value = Int(text) else { throw PDFStructureError("bad number") }
        return .integer(value)
    }

    /// A hexadecimal string (§7.3.4.3): only hex digits and whitespace between the brackets.
    private mutating func hexString(_ start: Int) throws(PDFStructureError) -> Token {
        position += 1
        var decoded: [UInt8] = []
        var high: UInt8?
        if let close = bytes[position...].firstIndex(of: UInt8(ascii: ">")) { decoded.reserveCapacity((close - position) / 2 + 1) }
        while position < bytes.count, bytes[position] != UInt8(ascii: ">") {
            let byte = bytes[position]
            position += 1
            if Self.isSpace(byte) { continue }
            guard let value = Self.hexValue(byte) else { throw PDFStructureError("non-hex byte in a hexadecimal string") }
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

    /// A literal string (§7.3.4.2) with balanced parentheses and backslash escapes.
    private mutating func literalString(_ start: Int) throws(PDFStructureError) -> Token {
        position += 1
        var decoded: [UInt8] = []
        var depth = 1
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            switch byte {
            case UInt8(ascii: "\\"):
                guard position < bytes.count else { throw PDFStructureError("unterminated string") }
                let escaped = bytes[position]
                position += 1
                switch escaped {
                case UInt8(ascii: "n"): decoded.append(0x0A)
                case UInt8(ascii: "r"): decoded.append(0x0D)
                case UInt8(ascii: "t"): decoded.append(0x09)
                case UInt8(ascii: "b"): decoded.append(0x08)
                case UInt8(ascii: "f"): decoded.append(0x0C)
                case 0x0D:
                    if position < bytes.count, bytes[position] == 0x0A { position += 1 }
                case 0x0A: break
                case UInt8(ascii: "0")...UInt8(ascii: "7"):
                    var value = Int(escaped - UInt8(ascii: "0"))
                    var taken = 1
                    while taken < 3, position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(bytes[position]) {
                        value = value * 8 + Int(bytes[position] - UInt8(ascii: "0"))
                        position += 1
                        taken += 1
                    }
                    decoded.append(UInt8(truncatingIfNeeded: value))
                default: decoded.append(escaped)
                }
            case UInt8(ascii: "("):
                depth += 1
                decoded.append(byte)
            case UInt8(ascii: ")"):
                depth -= 1
                if depth == 0 { return .string(decoded, hex: false, range: start..<position) }
                decoded.append(byte)
            default:
                decoded.append(byte)
            }
        }
        throw PDFStructureError("unterminated string")
    }

    // MARK: - Bytes

    static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 || byte == 0x0C || byte == 0x00 }
    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
    static func isDelimiterOrSpace(_ byte: UInt8) -> Bool {
        isSpace(byte) || byte == UInt8(ascii: "(") || byte == UInt8(ascii: ")") || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">")
            || byte == UInt8(ascii: "[") || byte == UInt8(ascii: "]") || byte == UInt8(ascii: "{") || byte == UInt8(ascii: "}")
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

    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        var index = start
        let first = needle[0]
        while index <= haystack.count - needle.count {
            if haystack[index] == first, haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}

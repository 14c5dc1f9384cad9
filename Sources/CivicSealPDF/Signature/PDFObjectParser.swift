/// Reads PDF objects (ISO 32000-1 §7.3) from bytes, strictly and within bounds: nesting depth, the number of
/// entries in one array or dictionary and the length of a string are capped, so a hostile file cannot make
/// the parser recurse without end or allocate without limit. Anything unexpected is a ``PDFError``.
///
/// Indirect references are returned as ``PDFObject/reference(_:)``: this writer uses generation 0 only, so a
/// reference with another generation is refused rather than silently retargeted.
struct PDFObjectParser {
    static let maximumDepth = 32
    static let maximumEntries = 100_000
    static let maximumStringLength = 16 << 20

    let bytes: [UInt8]
    var position: Int

    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x00 || byte == 0x09 || byte == 0x0A || byte == 0x0C || byte == 0x0D || byte == 0x20
    }

    static func isDelimiter(_ byte: UInt8) -> Bool { "()<>[]{}/%".utf8.contains(byte) }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    mutating func skipWhitespaceAndComments() {
        while position < bytes.count {
            if Self.isWhitespace(bytes[position]) {
                position += 1
            } else if bytes[position] == UInt8(ascii: "%") {
                while position < bytes.count, bytes[position] != 0x0A, bytes[position] != 0x0D { position += 1 }
            } else {
                return
            }
        }
    }

    /// A regular-character run (a keyword or number) at the current position, without consuming it.
    func peekWord() -> ArraySlice<UInt8> {
        var end = position
        while end < bytes.count, !Self.isWhitespace(bytes[end]), !Self.isDelimiter(bytes[end]) { end += 1 }
        return bytes[position..<end]
    }

    /// Consumes `keyword` (after whitespace) or throws.
    mutating func expect(_ keyword: String) throws(PDFError) {
        skipWhitespaceAndComments()
        guard peekWord().elementsEqual(keyword.utf8) else {
            throw PDFError(.malformedDocument, "expected \(keyword) at offset \(position)")
        }
        position += keyword.utf8.count
    }

    /// Reads a non-negative integer (offsets, object numbers, counts).
    mutating func readUnsigned() throws(PDFError) -> Int {
        skipWhitespaceAndComments()
        let word = peekWord()
        guard !word.isEmpty, word.count <= 12, word.allSatisfy({ (0x30...0x39).contains($0) }) else {
            throw PDFError(.malformedDocument, "expected a non-negative integer at offset \(position)")
        }
        position += word.count
        return word.reduce(0) { $0 * 10 + Int($1 - 0x30) }
    }

    mutating func parseObject(depth: Int = 0) throws(PDFError) -> PDFObject {
        guard depth < Self.maximumDepth else { throw PDFError(.malformedDocument, "objects nested too deeply") }
        skipWhitespaceAndComments()
        guard position < bytes.count else { throw PDFError(.malformedDocument, "unexpected end of file") }
        switch bytes[position] {
        case UInt8(ascii: "<"):
            if position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "<") {
                return .dictionary(try parseDictionary(depth: depth))
            }
            return .hexString(try parseHexString())
        case UInt8(ascii: "["):
            position += 1
            var items: [PDFObject] = []
            while true {
                skipWhitespaceAndComments()
                guard position < bytes.count else { throw PDFError(.malformedDocument, "unterminated array") }
                if bytes[position] == UInt8(ascii: "]") {
                    position += 1
                    return .array(items)
                }
                guard items.count < Self.maximumEntries else {
                    throw PDFError(.malformedDocument, "array too long")
                }
                items.append(try parseObject(depth: depth + 1))
            }
        case UInt8(ascii: "("): return .literalString(try parseLiteralString())
        case UInt8(ascii: "/"): return .name(try parseName())
        default: return try parseWordObject()
        }
    }

    mutating func parseDictionary(depth: Int) throws(PDFError) -> PDFDictionary {
        position += 2
        var dictionary = PDFDictionary()
        var count = 0
        while true {
            skipWhitespaceAndComments()
            guard position + 1 < bytes.count else { throw PDFError(.malformedDocument, "unterminated dictionary") }
            if bytes[position] == UInt8(ascii: ">"), bytes[position + 1] == UInt8(ascii: ">") {
                position += 2
                return dictionary
            }
            guard bytes[position] == UInt8(ascii: "/") else {
                throw PDFError(.malformedDocument, "dictionary key is not a name at offset \(position)")
            }
            count += 1
            guard count <= Self.maximumEntries else { throw PDFError(.malformedDocument, "dictionary too large") }
            let key = try parseName()
            let value = try parseObject(depth: depth + 1)
            // §7.3.7: a null value is the same as an absent entry.
            if value != .null { dictionary[key] = value }
        }
    }

    private mutating func parseName() throws(PDFError) -> String {
        position += 1
        var name: [UInt8] = []
        while position < bytes.count, !Self.isWhitespace(bytes[position]), !Self.isDelimiter(bytes[position]) {
            if bytes[position] == UInt8(ascii: "#") {
                guard position + 2 < bytes.count, let high = Self.hexValue(bytes[position + 1]),
                    let low = Self.hexValue(bytes[position + 2])
                else { throw PDFError(.malformedDocument, "bad #xx escape in a name") }
                name.append(high << 4 | low)
                position += 3
            } else {
                name.append(bytes[position])
                position += 1
            }
            guard name.count <= 127 * 3 else { throw PDFError(.malformedDocument, "name too long") }
        }
        return String(decoding: name, as: UTF8.self)
    }

    private mutating func parseHexString() throws(PDFError) -> [UInt8] {
        position += 1
        var digits: [UInt8] = []
        while true {
            guard position < bytes.count else { throw PDFError(.malformedDocument, "unterminated hex string") }
            let byte = bytes[position]
            position += 1
            if byte == UInt8(ascii: ">") { break }
            if Self.isWhitespace(byte) { continue }
            guard let value = Self.hexValue(byte) else {
                throw PDFError(.malformedDocument, "bad digit in a hex string")
            }
            guard digits.count < 2 * Self.maximumStringLength else {
                throw PDFError(.malformedDocument, "string too long")
            }
            digits.append(value)
        }
        if digits.count % 2 == 1 { digits.append(0) }
        var result: [UInt8] = []
        result.reserveCapacity(digits.count / 2)
        for index in stride(from: 0, to: digits.count, by: 2) { result.append(digits[index] << 4 | digits[index + 1]) }
        return result
    }

    private mutating func parseLiteralString() throws(PDFError) -> [UInt8] {
        position += 1
        var result: [UInt8] = []
        var depth = 1
        while true {
            guard position < bytes.count else { throw PDFError(.malformedDocument, "unterminated string") }
            guard result.count < Self.maximumStringLength else { throw PDFError(.malformedDocument, "string too long") }
            let byte = bytes[position]
            position += 1
            switch byte {
            case UInt8(ascii: "("):
                depth += 1
                result.append(byte)
            case UInt8(ascii: ")"):
                depth -= 1
                if depth == 0 { return result }
                result.append(byte)
            case UInt8(ascii: "\\"):
                guard position < bytes.count else { throw PDFError(.malformedDocument, "unterminated string") }
                let escaped = bytes[position]
                position += 1
                switch escaped {
                case UInt8(ascii: "n"): result.append(0x0A)
                case UInt8(ascii: "r"): result.append(0x0D)
                case UInt8(ascii: "t"): result.append(0x09)
                case UInt8(ascii: "b"): result.append(0x08)
                case UInt8(ascii: "f"): result.append(0x0C)
                case 0x0D:  // a line continuation: backslash and end-of-line are dropped (§7.3.4.2)
                    if position < bytes.count, bytes[position] == 0x0A { position += 1 }
                case 0x0A: break
                case UInt8(ascii: "0")...UInt8(ascii: "7"):
                    var value = Int(escaped - 0x30)
                    var count = 1
                    while count < 3, position < bytes.count, (0x30...0x37).contains(bytes[position]) {
                        value = value * 8 + Int(bytes[position] - 0x30)
                        position += 1
                        count += 1
                    }
                    result.append(UInt8(truncatingIfNeeded: value))
                default: result.append(escaped)
                }
            default: result.append(byte)
            }
        }
    }

    /// Numbers, references `n g R`, `true`, `false`, `null`.
    private mutating func parseWordObject() throws(PDFError) -> PDFObject {
        let word = peekWord()
        guard !word.isEmpty, word.count <= 32 else {
            throw PDFError(.malformedDocument, "unexpected byte at offset \(position)")
        }
        let text = String(decoding: word, as: UTF8.self)
        switch text {
        case "true":
            position += word.count
            return .boolean(true)
        case "false":
            position += word.count
            return .boolean(false)
        case "null":
            position += word.count
            return .null
        default: break
        }
        if word.allSatisfy({ (0x30...0x39).contains($0) }) {
            position += word.count
            guard let value = Int(text) else { throw PDFError(.malformedDocument, "integer out of range") }
            // A reference is `n g R`: look ahead without committing.
            let saved = position
            skipWhitespaceAndComments()
            let generation = peekWord()
            if !generation.isEmpty, generation.count <= 5, generation.allSatisfy({ (0x30...0x39).contains($0) }) {
                position += generation.count
                skipWhitespaceAndComments()
                if peekWord().elementsEqual("R".utf8) {
                    position += 1
                    guard generation.elementsEqual("0".utf8) else {
                        throw PDFError(.malformedDocument, "reference with a non-zero generation")
                    }
                    return .reference(value)
                }
            }
            position = saved
            return .integer(value)
        }
        guard let value = Double(text), value.isFinite,
            word.allSatisfy({
                (0x30...0x39).contains($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-")
                    || $0 == UInt8(ascii: "+")
            })
        else {
            throw PDFError(.malformedDocument, "unexpected token at offset \(position)")
        }
        position += word.count
        if let integer = Int(text) { return .integer(integer) }
        return .number(value)
    }
}

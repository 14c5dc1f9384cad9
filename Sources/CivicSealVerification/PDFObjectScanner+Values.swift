/// The tokenizer and value parser (ISO 32000-1 §7.2, §7.3): one token at a time, strings decoded only when kept.
extension PDFObjectScanner {
    private enum Token {
        case integer(Int)
        case real(Double)
        case name(String)
        case string([UInt8], hex: Bool, range: Range<Int>)
        case keyword(String)
        case arrayStart, arrayEnd, dictionaryStart, dictionaryEnd
    }

    /// One value; when `retain` is false it is checked for syntax and `.null` is returned (nothing is kept).
    mutating func parseValue(depth: Int, retain: Bool) throws(PDFStructureError) -> PDFValue {
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
                let keep = retain && (retainsEverything || items.count < Self.retainedArrayItems)
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
                if retain, retainsEverything {
                    position = keyStart - 1
                    if case .name(let name) = try nextToken(decode: true) { key = name }
                } else if retain {
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
    mutating func peekKeyword(_ utf8: [UInt8]) -> Bool {
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
}

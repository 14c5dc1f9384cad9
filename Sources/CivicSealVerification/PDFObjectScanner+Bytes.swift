/// Byte classes (ISO 32000-1 §7.2.2), keywords and the counted searches the scanner and the tokenizer share.
extension PDFObjectScanner {
    private static let retainedKeyBytes: [([UInt8], String)] = retainedKeys.map { (Array($0.utf8), $0) }

    /// The retained key spelled by `name` (no `#` escapes), without making a String of any other.
    static func retainedKey(_ name: ArraySlice<UInt8>) -> String? {
        for (spelling, key) in retainedKeyBytes where spelling.count == name.count && spelling.first == name.first {
            if name.elementsEqual(spelling) { return key }
        }
        return nil
    }

    private static let trueBytes = Array("true".utf8), falseBytes = Array("false".utf8), nullBytes = Array("null".utf8)
    static let streamKeyword = Array("stream".utf8)
    static let endstreamKeyword = Array("endstream".utf8)

    /// The keywords values can be; any other is returned as `""` (refused as a value either way).
    static func keyword(_ text: ArraySlice<UInt8>) -> String {
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

    mutating func find(_ needle: [UInt8], from start: Int) -> Int? {
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

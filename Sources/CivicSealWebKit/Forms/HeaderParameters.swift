/// A header value of the shape `leading *( OWS ";" OWS [ name "=" ( token / quoted-string ) ] )`, as used by
/// `Content-Type` (RFC 9110 §8.3.1, parameters per §5.6.6) and `Content-Disposition` (RFC 6266 §4.1).
///
/// Parsing is strict: no whitespace around `=`, token values only of `tchar`, quoted strings terminated and free
/// of control bytes (backslash escapes any byte, RFC 9110 §5.6.4). Anything else makes the whole value invalid.
struct HeaderParameters: Sendable {
    /// The part before the first `;`, lowercased (`multipart/form-data`, `form-data`).
    let leading: String
    /// Parameters in order; names lowercased, values unquoted and unescaped.
    let parameters: [(name: String, value: String)]

    /// The value of parameter `name` (lowercase); nil when absent or given more than once, since a repeated
    /// parameter is ambiguous and two parsers could pick different copies.
    func parameter(_ name: String) -> String? {
        let matches = parameters.filter { $0.name == name }
        return matches.count == 1 ? matches[0].value : nil
    }

    /// Whether parameter `name` appears more than once.
    func isRepeated(_ name: String) -> Bool { parameters.count { $0.name == name } > 1 }

    init?(_ text: String) {
        let bytes = Array(text.utf8)
        var index = 0
        Self.skipWhitespace(bytes, &index)
        let leadingStart = index
        while index < bytes.count, bytes[index] != UInt8(ascii: ";") { index += 1 }
        var leadingEnd = index
        while leadingEnd > leadingStart, Self.isWhitespace(bytes[leadingEnd - 1]) { leadingEnd -= 1 }
        let leadingBytes = bytes[leadingStart..<leadingEnd]
        guard !leadingBytes.isEmpty, leadingBytes.allSatisfy({ Self.isTokenByte($0) || $0 == UInt8(ascii: "/") }) else {
            return nil
        }
        leading = String(decoding: leadingBytes, as: UTF8.self).lowercased()

        var parameters: [(name: String, value: String)] = []
        while index < bytes.count {
            // At a ";".
            index += 1
            Self.skipWhitespace(bytes, &index)
            if index == bytes.count { break }
            if bytes[index] == UInt8(ascii: ";") { continue }
            let nameStart = index
            while index < bytes.count, Self.isTokenByte(bytes[index]) { index += 1 }
            guard index > nameStart, index < bytes.count, bytes[index] == UInt8(ascii: "=") else { return nil }
            let name = String(decoding: bytes[nameStart..<index], as: UTF8.self).lowercased()
            index += 1
            var value: [UInt8] = []
            if index < bytes.count, bytes[index] == UInt8(ascii: "\"") {
                index += 1
                var closed = false
                while index < bytes.count {
                    let byte = bytes[index]
                    if byte == UInt8(ascii: "\"") {
                        closed = true
                        index += 1
                        break
                    }
                    if byte == UInt8(ascii: "\\") {
                        index += 1
                        guard index < bytes.count, Self.isQuotedTextByte(bytes[index]) else { return nil }
                        value.append(bytes[index])
                    } else {
                        guard Self.isQuotedTextByte(byte) else { return nil }
                        value.append(byte)
                    }
                    index += 1
                }
                guard closed else { return nil }
            } else {
                let valueStart = index
                while index < bytes.count, Self.isTokenByte(bytes[index]) { index += 1 }
                guard index > valueStart else { return nil }
                value = Array(bytes[valueStart..<index])
            }
            Self.skipWhitespace(bytes, &index)
            guard index == bytes.count || bytes[index] == UInt8(ascii: ";") else { return nil }
            // The input was a String, so its bytes (and any subsequence of whole escapes) are valid UTF-8 except
            // where an escape split a multi-byte character; such a value is refused.
            guard let decoded = String(validating: value, as: UTF8.self) else { return nil }
            parameters.append((name, decoded))
        }
        self.parameters = parameters
    }

    static func isWhitespace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }

    private static func skipWhitespace(_ bytes: [UInt8], _ index: inout Int) {
        while index < bytes.count, isWhitespace(bytes[index]) { index += 1 }
    }

    /// `tchar` of RFC 9110 §5.6.2.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
            UInt8(ascii: "'"),
            UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"),
            UInt8(ascii: "_"),
            UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            true
        default: false
        }
    }

    /// `qdtext` of RFC 9110 §5.6.4 (HTAB, SP, visible ASCII but `"` and `\`, and obs-text), which is also what a
    /// backslash may escape apart from `"` and `\` themselves.
    private static func isQuotedTextByte(_ byte: UInt8) -> Bool {
        byte == 0x09 || byte == 0x20 || (byte >= 0x21 && byte <= 0x7E) || byte >= 0x80
    }
}

/// Reading the `Cookie` request header (RFC 6265 §4.2, §5.4).
package enum Cookies {
    /// The cookies in every `Cookie` field value, by name.
    ///
    /// Each value is a list of `name=value` pairs separated by `;` (and usually a space). The first occurrence of a
    /// name wins, as RFC 6265 §5.4 orders the more specific (longer path) cookie first. A value wrapped in double
    /// quotes is unwrapped. Pairs that are malformed — no `=`, a name that is not a token, a value with bytes
    /// outside `cookie-octet` (RFC 6265 §4.1.1) — are skipped, since such cookies are not ours; this never throws.
    package static func parse(_ headerValues: [String]) -> [String: String] {
        var cookies: [String: String] = [:]
        for headerValue in headerValues {
            for pair in headerValue.utf8.split(separator: UInt8(ascii: ";"), omittingEmptySubsequences: true) {
                guard let equals = pair.firstIndex(of: UInt8(ascii: "=")) else { continue }
                let name = trimmed(pair[pair.startIndex..<equals])
                var value = trimmed(pair[pair.index(after: equals)...])
                guard !name.isEmpty, name.allSatisfy(isTokenByte) else { continue }
                if value.count >= 2, value.first == UInt8(ascii: "\""), value.last == UInt8(ascii: "\"") {
                    value = value.dropFirst().dropLast()
                }
                guard value.allSatisfy(isCookieOctet) else { continue }
                let key = String(decoding: name, as: UTF8.self)
                if cookies[key] == nil { cookies[key] = String(decoding: value, as: UTF8.self) }
            }
        }
        return cookies
    }

    private static func trimmed(_ bytes: Substring.UTF8View.SubSequence) -> Substring.UTF8View.SubSequence {
        var result = bytes
        while let first = result.first, first == 0x20 || first == 0x09 { result = result.dropFirst() }
        while let last = result.last, last == 0x20 || last == 0x09 { result = result.dropLast() }
        return result
    }

    /// `token` (RFC 9110 §5.6.2), the syntax of a cookie name.
    static func isTokenByte(_ byte: UInt8) -> Bool { HeaderParameters.isTokenByte(byte) }

    /// `cookie-octet` (RFC 6265 §4.1.1): visible US-ASCII except DQUOTE, comma, semicolon and backslash.
    static func isCookieOctet(_ byte: UInt8) -> Bool {
        byte == 0x21 || (0x23...0x2B).contains(byte) || (0x2D...0x3A).contains(byte) || (0x3C...0x5B).contains(byte)
            || (0x5D...0x7E).contains(byte)
    }
}

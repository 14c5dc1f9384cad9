/// Formats of contact details, checked without regular expressions so the rules are explicit.
package enum ContactFormat {
    /// A Vietnamese phone number: `0` or `+84`, then a non-zero digit and 8 or 9 more digits
    /// (10-digit mobiles such as 0912345678, 11-digit landlines such as 02438123456). No spaces or dots.
    package static func isValidPhone(_ text: String) -> Bool {
        var bytes = Substring(text).utf8[...]
        if bytes.starts(with: "+84".utf8) {
            bytes = bytes.dropFirst(3)
        } else if bytes.first == UInt8(ascii: "0") {
            bytes = bytes.dropFirst()
        } else {
            return false
        }
        guard (9...10).contains(bytes.count), bytes.first != UInt8(ascii: "0") else { return false }
        return bytes.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    /// A plain ASCII address `local@domain`: local part of letters, digits and ``!#$%&'*+/=?^_`{|}~.-`` (no leading,
    /// trailing or doubled dot, at most 64 bytes); domain of at least two dot-separated labels of letters, digits and
    /// hyphens (no hyphen at either end, each at most 63 bytes); at most 254 bytes in all. Internationalised
    /// addresses are not accepted.
    package static func isValidEmail(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count <= 254, let at = bytes.firstIndex(of: UInt8(ascii: "@")),
            bytes.lastIndex(of: UInt8(ascii: "@")) == at
        else { return false }
        let local = bytes[..<at]
        let domain = bytes[(at + 1)...]
        let localSymbols = Set("!#$%&'*+/=?^_`{|}~.-".utf8)
        guard (1...64).contains(local.count),
            local.allSatisfy({ isAlphanumeric($0) || localSymbols.contains($0) }),
            local.first != UInt8(ascii: "."), local.last != UInt8(ascii: "."),
            !zip(local, local.dropFirst()).contains(where: { $0 == UInt8(ascii: ".") && $1 == UInt8(ascii: ".") })
        else { return false }
        let labels = domain.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return false }
        return labels.allSatisfy { label in
            (1...63).contains(label.count)
                && label.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "-") }
                && label.first != UInt8(ascii: "-") && label.last != UInt8(ascii: "-")
        }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    /// ISO 3166-1 alpha-2 shape: two ASCII capitals (`VN`, `JP`). Membership in the standard is not checked.
    package static func isCountryCode(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.count == 2 && bytes.allSatisfy { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) }
    }
}

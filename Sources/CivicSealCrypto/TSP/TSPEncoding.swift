import Foundation

/// Errors of the time-stamp protocol, by code (see ``CryptoError``).
extension CryptoError.Code {
    /// A time-stamp authority answered with a status other than granted (RFC 3161 §2.4.2).
    package static let timeStampRejected = CryptoError.Code(rawValue: "time-stamp-rejected")
    /// A time-stamp token whose signature, ESS binding or TSA certificate does not hold.
    package static let timeStampInvalid = CryptoError.Code(rawValue: "time-stamp-invalid")
}

/// Object identifiers of RFC 3161, RFC 5816 and the signature-time-stamp attribute (content octets).
extension OID {
    /// id-ct-TSTInfo, 1.2.840.113549.1.9.16.1.4.
    static let tstInfo: [UInt8] = [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x10, 0x01, 0x04]
    /// id-aa-signatureTimeStampToken, 1.2.840.113549.1.9.16.2.14.
    static let signatureTimeStampToken: [UInt8] = [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x10, 0x02, 0x0E]
    /// id-kp-timeStamping, 1.3.6.1.5.5.7.3.8.
    static let timeStampingText = "1.3.6.1.5.5.7.3.8"
    /// id-sha1 (only to read ESS signing-certificate v1, which OpenSSL's TSA writes by default).
    static let sha1: [UInt8] = [0x2B, 0x0E, 0x03, 0x02, 0x1A]
}

/// Small DER pieces the time-stamp protocol needs beyond ``DER``.
enum TSPEncoding {
    static let boolean: UInt8 = 0x01
    static let bitString: UInt8 = 0x03

    /// Dotted text to OID content octets; arcs of any size (the UUID arc 2.25.<128-bit> included).
    static func oid(dotted text: String) -> [UInt8]? {
        let arcs = text.split(separator: ".", omittingEmptySubsequences: false).map { Array($0.utf8) }
        guard arcs.count >= 2, arcs.count <= 64,
            arcs.allSatisfy({ !$0.isEmpty && $0.count <= 64 && $0.allSatisfy { (0x30...0x39).contains($0) } }),
            arcs.allSatisfy({ $0.count == 1 || $0[0] != 0x30 })
        else { return nil }
        let first = Int(arcs[0][0] - 0x30)
        guard first <= 2 else { return nil }
        // The first two arcs combine into 40 * first + second (X.690 §8.19.4).
        var decimal = arcs[1].map { Int($0 - 0x30) }
        if first < 2 {
            guard decimal.count <= 2, decimal.reduce(0, { $0 * 10 + $1 }) < 40 else { return nil }
        }
        decimal = add(decimal, 40 * first)
        var out = base128(decimal)
        for arc in arcs.dropFirst(2) { out += base128(arc.map { Int($0 - 0x30) }) }
        return out
    }

    /// OID content octets to dotted text; nil for a malformed encoding.
    static func dotted(_ content: some BidirectionalCollection<UInt8>) -> String? {
        guard !content.isEmpty, content.count <= 256, let last = content.last, last & 0x80 == 0 else { return nil }
        var parts: [String] = []
        var decimal: [Int] = [0]
        var atStart = true
        for byte in content {
            if atStart && byte == 0x80 { return nil }  // non-minimal subidentifier
            atStart = false
            decimal = add(multiply(decimal, 128), Int(byte & 0x7F))
            guard byte & 0x80 == 0 else { continue }
            if parts.isEmpty {
                let small = decimal.count <= 3 ? decimal.reduce(0) { $0 * 10 + $1 } : Int.max
                if small < 80 {
                    parts.append("\(small / 40)")
                    parts.append("\(small % 40)")
                } else {
                    parts.append("2")
                    parts.append(text(subtract80(decimal)))
                }
            } else {
                parts.append(text(decimal))
            }
            decimal = [0]
            atStart = true
        }
        return parts.joined(separator: ".")
    }

    // Decimal digit arrays, most significant first.
    private static func add(_ digits: [Int], _ value: Int) -> [Int] {
        var result = digits
        var carry = value
        var index = result.count - 1
        while carry > 0 {
            if index < 0 {
                result.insert(0, at: 0)
                index = 0
            }
            let sum = result[index] + carry
            result[index] = sum % 10
            carry = sum / 10
            index -= 1
        }
        return result
    }

    private static func multiply(_ digits: [Int], _ factor: Int) -> [Int] {
        var result = [Int](repeating: 0, count: digits.count)
        var carry = 0
        for index in stride(from: digits.count - 1, through: 0, by: -1) {
            let product = digits[index] * factor + carry
            result[index] = product % 10
            carry = product / 10
        }
        while carry > 0 {
            result.insert(carry % 10, at: 0)
            carry /= 10
        }
        return trimmed(result)
    }

    private static func subtract80(_ digits: [Int]) -> [Int] {
        var result = digits
        var borrow = 80
        var index = result.count - 1
        while borrow > 0 && index >= 0 {
            let unit = borrow % 10
            borrow /= 10
            result[index] -= unit
            if result[index] < 0 {
                result[index] += 10
                borrow += 1
            }
            index -= 1
        }
        return trimmed(result)
    }

    private static func trimmed(_ digits: [Int]) -> [Int] {
        let kept = Array(digits.drop { $0 == 0 })
        return kept.isEmpty ? [0] : kept
    }

    private static func text(_ digits: [Int]) -> String { String(trimmed(digits).map { Character("\($0)") }) }

    /// Base-128 subidentifier of a decimal number (X.690 §8.19.2).
    private static func base128(_ decimal: [Int]) -> [UInt8] {
        var number = trimmed(decimal)
        var groups: [UInt8] = []
        repeat {
            var quotient: [Int] = []
            var remainder = 0
            for digit in number {
                let value = remainder * 10 + digit
                quotient.append(value / 128)
                remainder = value % 128
            }
            groups.append(UInt8(remainder))
            number = trimmed(quotient)
        } while number != [0]
        var out: [UInt8] = []
        for (index, group) in groups.reversed().enumerated() {
            out.append(index == groups.count - 1 ? group : group | 0x80)
        }
        return out
    }

    /// DER INTEGER content of a positive number given as big-endian bytes: minimal, with a 0 pad when needed.
    static func positiveIntegerContent(_ bytes: [UInt8]) -> [UInt8] {
        var value = Array(bytes.drop { $0 == 0 })
        if value.isEmpty { value = [0] }
        if value[0] & 0x80 != 0 { value.insert(0, at: 0) }
        return value
    }

    /// Whether INTEGER content octets are minimal DER and the value is positive (> 0).
    static func isPositiveInteger(_ content: some Collection<UInt8>) -> Bool {
        let bytes = Array(content)
        guard let first = bytes.first, first & 0x80 == 0 else { return false }
        if bytes.count > 1, first == 0, bytes[1] & 0x80 == 0 { return false }
        return bytes.contains { $0 != 0 }
    }

    /// A small non-negative DER INTEGER's value (at most 4 content bytes); nil otherwise.
    static func smallValue(_ element: DERElement) -> Int? {
        let bytes = Array(element.content)
        guard !bytes.isEmpty, bytes.count <= 4, bytes[0] & 0x80 == 0,
            bytes.count == 1 || bytes[0] != 0 || bytes[1] & 0x80 != 0
        else { return nil }
        return bytes.reduce(0) { $0 << 8 | Int($1) }
    }

    /// DER INTEGER of a non-negative value.
    static func integer(_ value: Int) -> [UInt8] { DER.tlv(DER.integer, integerContent(value)) }

    /// Minimal INTEGER content octets of a non-negative value.
    static func integerContent(_ value: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        var rest = value
        repeat {
            bytes.insert(UInt8(rest & 0xFF), at: 0)
            rest >>= 8
        } while rest > 0
        return positiveIntegerContent(bytes)
    }

    /// DER BIT STRING for a named bit list with one bit set (trailing zero bits removed, X.690 §11.2.2).
    static func namedBit(_ bit: Int) -> [UInt8] {
        var content = [UInt8(7 - bit % 8)] + [UInt8](repeating: 0, count: bit / 8 + 1)
        content[bit / 8 + 1] = 0x80 >> UInt8(bit % 8)
        return DER.tlv(bitString, content)
    }

    /// GeneralizedTime `YYYYMMDDHHMMSS[.f*]Z` with `fractionDigits` digits at most (trailing zeros dropped).
    static func generalizedTime(_ date: Date, fractionDigits: Int = 0) -> [UInt8] {
        let interval = date.timeIntervalSince1970
        var seconds = time_t(interval.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        var text = String(
            format: "%04d%02d%02d%02d%02d%02d", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
            Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
        if fractionDigits > 0 {
            let scale = pow(10.0, Double(fractionDigits))
            let fraction = Int(((interval - interval.rounded(.down)) * scale).rounded(.down))
            if fraction > 0 {
                var digits = String(fraction)
                digits = String(repeating: "0", count: fractionDigits - digits.count) + digits
                while digits.hasSuffix("0") { digits.removeLast() }
                text += "." + digits
            }
        }
        return DER.tlv(DER.generalizedTime, Array((text + "Z").utf8))
    }

    /// Parses a DER GeneralizedTime: `YYYYMMDDHHMMSS[.f+]Z`, no trailing zero in the fraction.
    static func parseGeneralizedTime(_ element: DERElement) throws(CryptoError) -> Date {
        let digits = Array(element.content)
        guard element.tag == DER.generalizedTime, digits.count >= 15, digits.count <= 32,
            digits.last == UInt8(ascii: "Z")
        else { throw DER.malformed("genTime must be a GeneralizedTime ending in Z") }
        var whole = digits.prefix(14)
        if digits.count > 15 {
            let fraction = digits[15..<digits.count - 1]
            guard digits[14] == UInt8(ascii: "."), !fraction.isEmpty, fraction.last != UInt8(ascii: "0"),
                fraction.allSatisfy({ (0x30...0x39).contains($0) })
            else { throw DER.malformed("genTime has a malformed fraction") }
            whole = digits.prefix(14)
            let base = try DER.parseTime(
                DERElement(
                    tag: DER.generalizedTime, encoded: [], content: (Array(whole) + [UInt8(ascii: "Z")])[...]))
            let value = Double(String(decoding: fraction, as: UTF8.self)) ?? 0
            return base.addingTimeInterval(value / pow(10, Double(fraction.count)))
        }
        return try DER.parseTime(element)
    }
}

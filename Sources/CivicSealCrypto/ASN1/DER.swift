import Foundation

/// A DER element: its tag, the whole encoding, and the content octets (X.690 §8.1).
struct DERElement {
    let tag: UInt8
    /// Tag, length and content.
    let encoded: ArraySlice<UInt8>
    let content: ArraySlice<UInt8>

    var isConstructed: Bool { tag & 0x20 != 0 }

    /// A reader over the children of a constructed element.
    func children() throws(CryptoError) -> DERReader {
        guard isConstructed else { throw DER.malformed("expected a constructed element, found tag \(tag)") }
        return DERReader(content)
    }
}

/// A strict DER reader: single-byte tags, definite minimal lengths, no trailing data unless asked.
/// Indefinite (BER) lengths are refused: CMS signed attributes and certificates must be DER.
struct DERReader {
    private var remaining: ArraySlice<UInt8>

    init(_ bytes: ArraySlice<UInt8>) { remaining = bytes }
    init(_ bytes: [UInt8]) { remaining = bytes[...] }

    var isAtEnd: Bool { remaining.isEmpty }
    var peekTag: UInt8? { remaining.first }

    mutating func read() throws(CryptoError) -> DERElement {
        let start = remaining.startIndex
        guard remaining.count >= 2 else { throw DER.malformed("truncated element") }
        let tag = remaining[start]
        guard tag & 0x1F != 0x1F else { throw DER.malformed("multi-byte tags are not used here") }
        var index = start + 1
        let first = remaining[index]
        index += 1
        var length = 0
        if first < 0x80 {
            length = Int(first)
        } else {
            let count = Int(first & 0x7F)
            guard count > 0 else { throw DER.malformed("indefinite length is not DER") }
            guard count <= 4, remaining.endIndex - index >= count else { throw DER.malformed("length too long") }
            guard remaining[index] != 0 else { throw DER.malformed("non-minimal length") }
            for _ in 0..<count {
                length = length << 8 | Int(remaining[index])
                index += 1
            }
            guard length >= 0x80 else { throw DER.malformed("non-minimal length") }
        }
        guard remaining.endIndex - index >= length else { throw DER.malformed("element longer than its container") }
        let end = index + length
        let element = DERElement(tag: tag, encoded: remaining[start..<end], content: remaining[index..<end])
        remaining = remaining[end...]
        return element
    }

    mutating func read(_ tag: UInt8, _ what: @autoclosure () -> String) throws(CryptoError) -> DERElement {
        guard peekTag == tag else { throw DER.malformed("expected \(what())") }
        return try read()
    }

    /// Reads the next element only when it carries `tag`.
    mutating func readIfPresent(_ tag: UInt8) throws(CryptoError) -> DERElement? {
        peekTag == tag ? try read() : nil
    }

    func expectEnd(_ what: @autoclosure () -> String) throws(CryptoError) {
        guard isAtEnd else { throw DER.malformed("unexpected data after \(what())") }
    }
}

/// DER encoding helpers and the constants CivicSeal needs.
enum DER {
    static let sequence: UInt8 = 0x30
    static let set: UInt8 = 0x31
    static let integer: UInt8 = 0x02
    static let octetString: UInt8 = 0x04
    static let null: UInt8 = 0x05
    static let objectIdentifier: UInt8 = 0x06
    static let utcTime: UInt8 = 0x17
    static let generalizedTime: UInt8 = 0x18

    static func malformed(_ detail: String) -> CryptoError { CryptoError(.malformedInput, "DER: \(detail)") }

    /// Tag–length–value with a minimal definite length.
    static func tlv(_ tag: UInt8, _ content: [UInt8]) -> [UInt8] { tlv(tag, parts: [content]) }

    /// Tag–length–value over the concatenation of `parts`, copied once into a presized buffer.
    static func tlv(_ tag: UInt8, parts: [[UInt8]]) -> [UInt8] {
        let length = parts.reduce(0) { $0 + $1.count }
        var out: [UInt8] = []
        out.reserveCapacity(length + 6)
        out.append(tag)
        appendLength(length, to: &out)
        for part in parts { out.append(contentsOf: part) }
        return out
    }

    static func appendLength(_ length: Int, to out: inout [UInt8]) {
        if length < 0x80 {
            out.append(UInt8(length))
        } else {
            let byteCount = (Int.bitWidth - length.leadingZeroBitCount + 7) / 8
            out.append(0x80 | UInt8(byteCount))
            for shift in stride(from: (byteCount - 1) * 8, through: 0, by: -8) {
                out.append(UInt8(truncatingIfNeeded: length >> shift))
            }
        }
    }

    static func sequence(_ parts: [UInt8]...) -> [UInt8] { tlv(sequence, parts: parts) }

    /// DER `SET OF`: elements sorted by their encodings (X.690 §11.6).
    static func setOf(_ elements: [[UInt8]], tag: UInt8 = set) -> [UInt8] {
        tlv(tag, parts: elements.count > 1 ? elements.sorted { $0.lexicographicallyPrecedes($1) } : elements)
    }

    static func oid(_ content: [UInt8]) -> [UInt8] { tlv(objectIdentifier, content) }
    static func octets(_ content: [UInt8]) -> [UInt8] { tlv(octetString, content) }

    static func smallInteger(_ value: UInt8) -> [UInt8] {
        value < 0x80 ? [integer, 1, value] : [integer, 2, 0, value]
    }

    /// UTCTime for 1950–2049, GeneralizedTime otherwise (RFC 5280 §4.1.2.5 convention, also used by CMS).
    static func time(_ date: Date) -> [UInt8] {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let year = Int(parts.tm_year) + 1900
        var text: [UInt8] = []
        func two(_ value: Int32) {
            text.append(0x30 + UInt8(value / 10))
            text.append(0x30 + UInt8(value % 10))
        }
        let utc = (1950..<2050).contains(year)
        if !utc { two(Int32(year / 100)) }
        two(Int32(year % 100))
        two(parts.tm_mon + 1)
        two(parts.tm_mday)
        two(parts.tm_hour)
        two(parts.tm_min)
        two(parts.tm_sec)
        text.append(UInt8(ascii: "Z"))
        return tlv(utc ? utcTime : generalizedTime, text)
    }

    /// Parses a DER UTCTime or GeneralizedTime (Z form; GeneralizedTime may carry fractional seconds).
    static func parseTime(_ element: DERElement) throws(CryptoError) -> Date {
        let text = String(decoding: element.content, as: UTF8.self)
        let digits = Array(text.utf8)
        func number(_ range: Range<Int>) throws(CryptoError) -> Int {
            guard range.upperBound <= digits.count else { throw malformed("time too short") }
            var value = 0
            for byte in digits[range] {
                guard byte >= 0x30, byte <= 0x39 else { throw malformed("time has a non-digit") }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        var year: Int
        var offset: Int
        switch element.tag {
        case utcTime:
            guard digits.count == 13, digits.last == UInt8(ascii: "Z") else {
                throw malformed("UTCTime must be YYMMDDHHMMSSZ")
            }
            let yy = try number(0..<2)
            year = yy < 50 ? 2000 + yy : 1900 + yy
            offset = 2
        case generalizedTime:
            guard digits.count >= 15, digits.last == UInt8(ascii: "Z") else {
                throw malformed("GeneralizedTime must end in Z")
            }
            year = try number(0..<4)
            offset = 4
        default:
            throw malformed("expected a time")
        }
        var components = DateComponents()
        components.year = year
        components.month = try number(offset..<offset + 2)
        components.day = try number(offset + 2..<offset + 4)
        components.hour = try number(offset + 4..<offset + 6)
        components.minute = try number(offset + 6..<offset + 8)
        components.second = try number(offset + 8..<offset + 10)
        var fraction = 0.0
        if element.tag == generalizedTime, digits.count > 15 {
            guard digits[14] == UInt8(ascii: "."), digits.count > 17 else { throw malformed("bad fractional seconds") }
            let fractionDigits = try number(15..<digits.count - 1)
            fraction = Double(fractionDigits) / pow(10, Double(digits.count - 16))
        }
        guard (1...12).contains(components.month!), (1...31).contains(components.day!), components.hour! < 24,
            components.minute! < 60, components.second! < 61
        else { throw malformed("time out of range") }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let date = calendar.date(from: components), calendar.component(.day, from: date) == components.day else {
            throw malformed("not a calendar date")
        }
        return date.addingTimeInterval(fraction)
    }
}

/// Object identifiers (content octets) used by CMS, CAdES and PAdES.
enum OID {
    static let data: [UInt8] = [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x01]
    static let signedData: [UInt8] = [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x02]
    static let contentType: [UInt8] = [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x03]
    static let messageDigest: [UInt8] = [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x04]
    static let signingTime: [UInt8] = [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x05]
    static let signingCertificate: [UInt8] = [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x10, 0x02, 0x0C]
    static let signingCertificateV2: [UInt8] = [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x10, 0x02, 0x2F]
    static let sha256: [UInt8] = [0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01]
    static let sha384: [UInt8] = [0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02]
    static let sha512: [UInt8] = [0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03]
    static let ecPublicKey: [UInt8] = [0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01]
    static let ecdsaWithSHA256: [UInt8] = [0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x02]
    static let ecdsaWithSHA384: [UInt8] = [0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x03]
    static let ecdsaWithSHA512: [UInt8] = [0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x04]
    static let rsaEncryption: [UInt8] = [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01]
    static let sha256WithRSA: [UInt8] = [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0B]
    static let sha384WithRSA: [UInt8] = [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0C]
    static let sha512WithRSA: [UInt8] = [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0D]
    static let rsassaPSS: [UInt8] = [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0A]
    static let mgf1: [UInt8] = [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x08]
    static let ed25519: [UInt8] = [0x2B, 0x65, 0x70]

    static func digest(_ algorithm: DigestAlgorithm) -> [UInt8] {
        switch algorithm {
        case .sha256: sha256
        case .sha384: sha384
        case .sha512: sha512
        }
    }

    static func digestAlgorithm(_ oid: ArraySlice<UInt8>) -> DigestAlgorithm? {
        switch Array(oid) {
        case sha256: .sha256
        case sha384: .sha384
        case sha512: .sha512
        default: nil
        }
    }

    /// Dotted text of an OID's content octets. Arcs wider than 56 bits (the UUID arc `2.25.<128-bit>`) are
    /// converted exactly, in decimal.
    static func dotted(_ content: some Collection<UInt8>) -> String {
        var parts: [String] = []
        var groups: [UInt8] = []
        for byte in content {
            groups.append(byte & 0x7F)
            guard byte & 0x80 == 0 else { continue }
            if parts.isEmpty {
                let value = groups.count <= 8 ? groups.reduce(0) { $0 << 7 | Int($1) } : Int.max
                parts.append(value < 80 ? "\(value / 40).\(value % 40)" : "2.\(value - 80)")
            } else if groups.count <= 8 {
                parts.append("\(groups.reduce(0) { $0 << 7 | Int($1) })")
            } else {
                parts.append(decimal(base128: groups))
            }
            groups.removeAll(keepingCapacity: true)
        }
        return parts.joined(separator: ".")
    }

    /// Decimal text of a big-endian base-128 number of any length.
    private static func decimal(base128 groups: [UInt8]) -> String {
        var digits: [UInt8] = [0]  // little-endian decimal digits
        for group in groups {
            var carry = Int(group)
            for index in digits.indices {
                let value = Int(digits[index]) * 128 + carry
                digits[index] = UInt8(value % 10)
                carry = value / 10
            }
            while carry > 0 {
                digits.append(UInt8(carry % 10))
                carry /= 10
            }
        }
        while digits.count > 1, digits.last == 0 { digits.removeLast() }
        return String(decoding: digits.reversed().map { $0 + 0x30 }, as: UTF8.self)
    }
}

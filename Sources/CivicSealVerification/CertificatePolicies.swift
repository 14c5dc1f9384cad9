import CivicSealCrypto

/// The certificate policies extension (RFC 5280 §4.2.1.4) of a certificate, read from its DER: CivicSeal tells the
/// officer's signature from the department's seal by these policy OIDs.
enum CertificatePolicies {
    /// The policy OIDs in dotted form; empty when the extension is absent or cannot be read.
    static func oids(of certificate: Certificate) -> [String] {
        var reader = Reader(certificate.der[...])
        // Certificate ::= SEQUENCE { tbsCertificate, … }; TBSCertificate ::= SEQUENCE { [0] version, serial, sig,
        // issuer, validity, subject, spki, [1], [2], [3] extensions }
        guard let certificateBody = reader.element(0x30) else { return [] }
        var tbs = Reader(certificateBody)
        guard let tbsBody = tbs.element(0x30) else { return [] }
        var fields = Reader(tbsBody)
        while let (tag, value) = fields.next() {
            guard tag == 0xA3 else { continue }
            var wrapper = Reader(value)
            guard let extensionsBody = wrapper.element(0x30) else { return [] }
            var extensions = Reader(extensionsBody)
            while let extensionBody = extensions.element(0x30) {
                var fields = Reader(extensionBody)
                guard let oid = fields.element(0x06), decode(oid) == "2.5.29.32" else { continue }
                if fields.peekTag == 0x01 { _ = fields.next() }  // critical
                guard let octets = fields.element(0x04) else { return [] }
                var policies = Reader(octets)
                guard let list = policies.element(0x30) else { return [] }
                var items = Reader(list)
                var result: [String] = []
                while let information = items.element(0x30), result.count < 32 {
                    var parts = Reader(information)
                    if let identifier = parts.element(0x06), let dotted = decode(identifier) { result.append(dotted) }
                }
                return result
            }
            return []
        }
        return []
    }

    /// A dotted OID from its DER content; nil when malformed or absurdly long.
    static func decode(_ content: ArraySlice<UInt8>) -> String? {
        guard !content.isEmpty, content.count <= 64 else { return nil }
        var arcs: [String] = []
        var value: [UInt8] = [0]  // big number in base 256, most significant first
        var first = true
        for byte in content {
            // value = value * 128 + (byte & 0x7F)
            var carry = Int(byte & 0x7F)
            for index in value.indices.reversed() {
                let product = Int(value[index]) * 128 + carry
                value[index] = UInt8(product & 0xFF)
                carry = product >> 8
            }
            while carry > 0 {
                value.insert(UInt8(carry & 0xFF), at: 0)
                carry >>= 8
            }
            guard byte & 0x80 == 0 else { continue }
            if first {
                // The first subidentifier is 40·X + Y (X ≤ 2).
                let (x, remainder) = divide(value, by: 40)
                if x.count == 1 && x[0] < 2 {
                    arcs += [String(x[0]), String(remainder)]
                } else {
                    arcs += ["2", decimal(subtract(value, 80))]
                }
                first = false
            } else {
                arcs.append(decimal(value))
            }
            value = [0]
        }
        return first ? nil : arcs.joined(separator: ".")
    }

    private static func divide(_ number: [UInt8], by divisor: Int) -> ([UInt8], Int) {
        var quotient: [UInt8] = []
        var remainder = 0
        for byte in number {
            let current = remainder * 256 + Int(byte)
            quotient.append(UInt8(current / divisor))
            remainder = current % divisor
        }
        while quotient.count > 1, quotient[0] == 0 { quotient.removeFirst() }
        return (quotient, remainder)
    }

    private static func subtract(_ number: [UInt8], _ amount: Int) -> [UInt8] {
        var result = number
        var borrow = amount
        for index in result.indices.reversed() where borrow > 0 {
            let current = Int(result[index]) - (borrow & 0xFF)
            borrow >>= 8
            if current < 0 {
                result[index] = UInt8(current + 256)
                borrow += 1
            } else {
                result[index] = UInt8(current)
            }
        }
        return result
    }

    private static func decimal(_ number: [UInt8]) -> String {
        var digits: [Character] = []
        var current = number
        repeat {
            let (quotient, remainder) = divide(current, by: 10)
            digits.append(Character(String(remainder)))
            current = quotient
        } while !(current.count == 1 && current[0] == 0) && !current.isEmpty
        return String(digits.reversed())
    }

    /// A DER walker over one level of elements; stops at the first malformed one.
    private struct Reader {
        var bytes: ArraySlice<UInt8>

        init(_ bytes: ArraySlice<UInt8>) { self.bytes = bytes }

        var peekTag: UInt8? { bytes.first }

        mutating func next() -> (UInt8, ArraySlice<UInt8>)? {
            guard bytes.count >= 2 else { return nil }
            let start = bytes.startIndex
            let tag = bytes[start]
            var length = Int(bytes[start + 1])
            var header = 2
            if length >= 0x80 {
                let count = length & 0x7F
                guard count >= 1, count <= 3, bytes.count >= 2 + count else { return nil }
                length = 0
                for index in 0..<count { length = length << 8 | Int(bytes[start + 2 + index]) }
                header += count
            }
            guard length <= bytes.count - header else { return nil }
            let value = bytes[(start + header)..<(start + header + length)]
            bytes = bytes[(start + header + length)...]
            return (tag, value)
        }

        mutating func element(_ tag: UInt8) -> ArraySlice<UInt8>? {
            guard let (found, value) = next(), found == tag else { return nil }
            return value
        }
    }
}

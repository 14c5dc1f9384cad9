import CivicSealCrypto

/// Document identifiers: 128 random bits as 26 characters of Crockford's base 32 (`0-9A-Z` without `I L O U`),
/// short enough to type from paper and unguessable (the five-field check and the status page are keyed by it).
package enum DocumentID {
    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    /// A fresh identifier from the DRBG: 16 bytes, read 5 bits at a time (the last character holds 3 bits).
    package static func generate() -> String {
        let bytes = SecureRandom.bytes(16)
        var output: [UInt8] = []
        output.reserveCapacity(26)
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | UInt32(byte)
            bits += 8
            while bits >= 5 {
                bits -= 5
                output.append(alphabet[Int((buffer >> UInt32(bits)) & 31)])
            }
        }
        if bits > 0 { output.append(alphabet[Int((buffer << UInt32(5 - bits)) & 31)]) }
        return String(decoding: output, as: UTF8.self)
    }

    /// True for 26 characters of the alphabet (upper case, as generated).
    package static func isValid(_ text: String) -> Bool {
        text.utf8.count == 26 && text.utf8.allSatisfy { alphabet.contains($0) }
    }
}

import Foundation

/// Strict base64url without padding, as JOSE uses it.
///
/// RFC 7515 §2: "Base64url Encoding ... with all trailing '=' characters omitted ... and without the
/// inclusion of any line breaks, whitespace, or other additional characters." The decoder therefore
/// refuses padding, whitespace, the `+`/`/` alphabet, a length of 1 mod 4 (no whole octet) and
/// non-canonical trailing bits (two spellings of the same bytes would make signatures malleable).
package enum Base64URL {
    private static let alphabet: [UInt8] = Array(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// Sextet value per byte, 0xFF for bytes outside the alphabet.
    private static let sextets: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, character) in alphabet.enumerated() { table[Int(character)] = UInt8(value) }
        return table
    }()

    /// The unpadded base64url text of `bytes`.
    package static func encode(_ bytes: some ContiguousBytes) -> String {
        bytes.withUnsafeBytes { input in
            let count = (input.count * 4 + 2) / 3
            return String(unsafeUninitializedCapacity: count) { output in
                alphabet.withUnsafeBufferPointer { table in
                    var out = 0
                    var index = 0
                    while index + 3 <= input.count {
                        let word = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8 | UInt32(input[index + 2])
                        output[out] = table[Int(word >> 18 & 0x3F)]
                        output[out + 1] = table[Int(word >> 12 & 0x3F)]
                        output[out + 2] = table[Int(word >> 6 & 0x3F)]
                        output[out + 3] = table[Int(word & 0x3F)]
                        out += 4
                        index += 3
                    }
                    switch input.count - index {
                    case 1:
                        let word = UInt32(input[index]) << 16
                        output[out] = table[Int(word >> 18 & 0x3F)]
                        output[out + 1] = table[Int(word >> 12 & 0x3F)]
                        out += 2
                    case 2:
                        let word = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8
                        output[out] = table[Int(word >> 18 & 0x3F)]
                        output[out + 1] = table[Int(word >> 12 & 0x3F)]
                        output[out + 2] = table[Int(word >> 6 & 0x3F)]
                        out += 3
                    default:
                        break
                    }
                    return out
                }
            }
        }
    }

    /// The bytes `text` encodes; throws ``JOSEError/Code/malformedBase64URL`` for anything but strict base64url.
    package static func decode(_ text: String) throws(JOSEError) -> [UInt8] {
        var text = text
        let decoded = text.withUTF8 { decode($0) }
        guard let decoded else { throw JOSEError(.malformedBase64URL, "not strict unpadded base64url") }
        return decoded
    }

    /// Decodes a slice of a token in place; nil when it is not strict base64url.
    static func decode(_ input: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        let remainder = input.count % 4
        guard remainder != 1 else { return nil }
        let count = input.count / 4 * 3 + (remainder == 0 ? 0 : remainder - 1)
        var valid = true
        let output = [UInt8](unsafeUninitializedCapacity: count) { output, initialized in
            sextets.withUnsafeBufferPointer { table in
                var out = 0
                var index = 0
                var bad: UInt8 = 0
                while index + 4 <= input.count {
                    let a = table[Int(input[index])]
                    let b = table[Int(input[index + 1])]
                    let c = table[Int(input[index + 2])]
                    let d = table[Int(input[index + 3])]
                    bad |= a | b | c | d
                    let word = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                    output[out] = UInt8(truncatingIfNeeded: word >> 16)
                    output[out + 1] = UInt8(truncatingIfNeeded: word >> 8)
                    output[out + 2] = UInt8(truncatingIfNeeded: word)
                    out += 3
                    index += 4
                }
                if remainder == 2 {
                    let a = table[Int(input[index])]
                    let b = table[Int(input[index + 1])]
                    bad |= a | b
                    // The last character carries 4 unused bits that must be zero.
                    if b != 0xFF, b & 0x0F != 0 { bad = 0xFF }
                    output[out] = UInt8(truncatingIfNeeded: UInt32(a) << 2 | UInt32(b) >> 4)
                    out += 1
                } else if remainder == 3 {
                    let a = table[Int(input[index])]
                    let b = table[Int(input[index + 1])]
                    let c = table[Int(input[index + 2])]
                    bad |= a | b | c
                    // The last character carries 2 unused bits that must be zero.
                    if c != 0xFF, c & 0x03 != 0 { bad = 0xFF }
                    let word = UInt32(a) << 10 | UInt32(b) << 4 | UInt32(c) >> 2
                    output[out] = UInt8(truncatingIfNeeded: word >> 8)
                    output[out + 1] = UInt8(truncatingIfNeeded: word)
                    out += 2
                }
                // Valid sextets are below 0x40; 0xFF (not in the alphabet) sets the high bits.
                valid = bad & 0xC0 == 0
                initialized = out
            }
        }
        return valid ? output : nil
    }
}

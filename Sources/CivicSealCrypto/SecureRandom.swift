internal import COpenSSL
import Foundation

/// Cryptographically secure random bytes from OpenSSL's DRBG.
package enum SecureRandom {
    /// `count` random bytes. Fails only if the DRBG cannot be seeded, which is fatal for a signing service.
    package static func bytes(_ count: Int) -> [UInt8] {
        precondition(count >= 0)
        var output = [UInt8](repeating: 0, count: count)
        guard count > 0 else { return output }
        let ok = output.withUnsafeMutableBufferPointer { RAND_bytes($0.baseAddress, Int32($0.count)) }
        guard ok == 1 else { fatalError("RAND_bytes failed: \(OpenSSLErrorQueue.drain())") }
        return output
    }

    /// An unguessable identifier: `byteCount` random bytes as lowercase hex (16 bytes = 128 bits by default).
    package static func identifier(byteCount: Int = 16) -> String {
        Hex.encode(bytes(byteCount))
    }
}

/// Comparison of secrets whose running time does not depend on where they differ.
package enum ConstantTime {
    /// True when both byte strings are equal. Lengths are not secret; contents are compared with `CRYPTO_memcmp`.
    package static func equals(_ lhs: some ContiguousBytes, _ rhs: some ContiguousBytes) -> Bool {
        lhs.withUnsafeBytes { a in
            rhs.withUnsafeBytes { b in
                guard a.count == b.count else { return false }
                guard a.count > 0 else { return true }
                return CRYPTO_memcmp(a.baseAddress, b.baseAddress, a.count) == 0
            }
        }
    }
}

/// Lowercase hexadecimal encoding.
package enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    package static func encode(_ bytes: some Sequence<UInt8>) -> String {
        // Fast path for contiguous input (digests, ids): write straight into the string's storage.
        if let encoded = bytes.withContiguousStorageIfAvailable({ encodeContiguous($0) }) { return encoded }
        return encodeContiguous(Array(bytes))
    }

    private static func encodeContiguous(_ bytes: some Collection<UInt8>) -> String {
        String(unsafeUninitializedCapacity: bytes.count * 2) { output in
            var index = 0
            for byte in bytes {
                output[index] = digits[Int(byte >> 4)]
                output[index + 1] = digits[Int(byte & 0x0F)]
                index += 2
            }
            return index
        }
    }

    /// Decodes hex (either case); nil for odd length or a non-hex character.
    package static func decode(_ text: String) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count % 2 == 0 else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(chars.count / 2)
        var index = 0
        while index < chars.count {
            guard let high = value(chars[index]), let low = value(chars[index + 1]) else { return nil }
            output.append(high << 4 | low)
            index += 2
        }
        return output
    }

    private static func value(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

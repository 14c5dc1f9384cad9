/// Arithmetic in GF(2⁸) with the primitive polynomial x⁸ + x⁴ + x³ + x² + 1 (0x11D), ISO/IEC 18004:2015 §7.5.2.
enum GaloisField {
    /// `exponent[i]` = αⁱ for i in 0..<510 (doubled so a sum of two logarithms needs no modulo).
    static let exponent: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 512)
        var value = 1
        for i in 0..<255 {
            table[i] = UInt8(value)
            table[i + 255] = UInt8(value)
            value <<= 1
            if value & 0x100 != 0 { value ^= 0x11D }
        }
        return table
    }()

    /// `logarithm[v]` = i with αⁱ = v, for v in 1...255 (entry 0 unused).
    static let logarithm: [Int] = {
        var table = [Int](repeating: 0, count: 256)
        for i in 0..<255 { table[Int(exponent[i])] = i }
        return table
    }()

    static func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        if a == 0 || b == 0 { return 0 }
        return exponent[logarithm[Int(a)] + logarithm[Int(b)]]
    }
}

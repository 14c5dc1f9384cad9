/// Format and version information: ISO/IEC 18004:2015 §7.9 and §7.10, Annex C and D.
enum FormatInformation {
    /// The 15-bit format information for `level` and `mask`: the 5 data bits, a BCH(15,5) remainder with
    /// generator x¹⁰ + x⁸ + x⁵ + x⁴ + x² + x + 1 (0x537), XORed with 101010000010010 (0x5412), §7.9.1.
    static func bits(level: ErrorCorrectionLevel, mask: Int) -> Int {
        let data = level.formatBits << 3 | mask
        var remainder = data << 10
        for bit in stride(from: 14, through: 10, by: -1) where remainder & (1 << bit) != 0 {
            remainder ^= 0x537 << (bit - 10)
        }
        return (data << 10 | remainder) ^ 0x5412
    }

    /// The 18-bit version information for `version` (7...40): 6 version bits and a BCH(18,6) remainder with
    /// generator x¹² + x¹¹ + x¹⁰ + x⁹ + x⁸ + x⁵ + x² + 1 (0x1F25), §7.10 and Annex D.
    static func versionBits(version: Int) -> Int {
        var remainder = version << 12
        for bit in stride(from: 17, through: 12, by: -1) where remainder & (1 << bit) != 0 {
            remainder ^= 0x1F25 << (bit - 12)
        }
        return version << 12 | remainder
    }
}

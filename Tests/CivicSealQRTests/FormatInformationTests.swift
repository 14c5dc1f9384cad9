import Testing

@testable import CivicSealQR

@Suite("Format and version information, ISO/IEC 18004 Annex C and D")
struct FormatInformationTests {
    /// The 32 masked format information sequences (Annex C, Table C.1), by level then mask 0–7.
    static let formatTable: [ErrorCorrectionLevel: [Int]] = [
        .low: [0x77C4, 0x72F3, 0x7DAA, 0x789D, 0x662F, 0x6318, 0x6C41, 0x6976],
        .medium: [0x5412, 0x5125, 0x5E7C, 0x5B4B, 0x45F9, 0x40CE, 0x4F97, 0x4AA0],
        .quartile: [0x355F, 0x3068, 0x3F31, 0x3A06, 0x24B4, 0x2183, 0x2EDA, 0x2BED],
        .high: [0x1689, 0x13BE, 0x1CE7, 0x19D0, 0x0762, 0x0255, 0x0D0C, 0x083B],
    ]

    /// Version information for versions 7–40 (Annex D, Table D.1).
    static let versionTable: [Int] = [
        0x07C94, 0x085BC, 0x09A99, 0x0A4D3, 0x0BBF6, 0x0C762, 0x0D847, 0x0E60D, 0x0F928, 0x10B78,
        0x1145D, 0x12A17, 0x13532, 0x149A6, 0x15683, 0x168C9, 0x177EC, 0x18EC4, 0x191E1, 0x1AFAB,
        0x1B08E, 0x1CC1A, 0x1D33F, 0x1ED75, 0x1F250, 0x209D5, 0x216F0, 0x228BA, 0x2379F, 0x24B0B,
        0x2542E, 0x26A64, 0x27541, 0x28C69,
    ]

    @Test("all 32 level × mask format sequences equal Table C.1")
    func formatSequences() {
        for (level, values) in Self.formatTable {
            for mask in 0..<8 {
                #expect(FormatInformation.bits(level: level, mask: mask) == values[mask], "\(level) mask \(mask)")
            }
        }
    }

    @Test("version information for 7–40 equals Table D.1 (v7 = 0x07C94)")
    func versionSequences() {
        for version in 7...40 {
            #expect(FormatInformation.versionBits(version: version) == Self.versionTable[version - 7], "v\(version)")
        }
    }

    /// Reads the 15 format bits back from both copies of an encoded symbol, in the reading order of Figure 25.
    static func formatCopies(_ code: QRCode) -> (Int, Int) {
        let n = code.size
        var first = 0
        var second = 0
        // Copy 1, bit 14 first: row 8 columns 0–5, 7, 8; then column 8 rows 7, 5…0.
        let firstPositions: [(Int, Int)] =
            [(0, 8), (1, 8), (2, 8), (3, 8), (4, 8), (5, 8), (7, 8), (8, 8), (8, 7)]
            + [5, 4, 3, 2, 1, 0].map { (8, $0) }
        for (x, y) in firstPositions { first = first << 1 | (code[x: x, y: y] ? 1 : 0) }
        // Copy 2, bit 14 first: column 8 rows n−1…n−7; then row 8 columns n−8…n−1.
        let secondPositions: [(Int, Int)] = (0..<7).map { (8, n - 1 - $0) } + (0..<8).map { (n - 8 + $0, 8) }
        for (x, y) in secondPositions { second = second << 1 | (code[x: x, y: y] ? 1 : 0) }
        return (first, second)
    }

    @Test("an encoded symbol carries its level and mask in both format copies, and the dark module")
    func formatPlacement() throws {
        for level in ErrorCorrectionLevel.allCases {
            let code = try QRCode(encoding: "https://example.vn/verify/123", level: level)
            let (first, second) = Self.formatCopies(code)
            let expected = FormatInformation.bits(level: level, mask: code.mask)
            #expect(first == expected)
            #expect(second == expected)
            #expect(code[x: 8, y: code.size - 8])
        }
    }

    @Test("a version ≥ 7 symbol carries its version information in both 6 × 3 blocks")
    func versionPlacement() throws {
        let code = try QRCode(encoding: String(repeating: "x", count: 300), level: .low)
        #expect(code.version >= 7)
        let expected = FormatInformation.versionBits(version: code.version)
        var topRight = 0
        var bottomLeft = 0
        // Bit i sits at column n−11+i%3, row i/3 (and transposed); read bit 17 first.
        for i in stride(from: 17, through: 0, by: -1) {
            topRight = topRight << 1 | (code[x: code.size - 11 + i % 3, y: i / 3] ? 1 : 0)
            bottomLeft = bottomLeft << 1 | (code[x: i / 3, y: code.size - 11 + i % 3] ? 1 : 0)
        }
        #expect(topRight == expected)
        #expect(bottomLeft == expected)
    }
}

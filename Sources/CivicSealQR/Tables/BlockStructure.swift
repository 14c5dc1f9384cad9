/// The error-correction block structure of one version at one level: ISO/IEC 18004:2015 §7.5.1, Table 9.
///
/// Data codewords are split into up to two groups of blocks; blocks in the second group hold one more data
/// codeword than those in the first. Every block carries the same number of error-correction codewords.
struct BlockStructure: Sendable, Equatable {
    /// Error-correction codewords in every block.
    let errorCorrectionCodewordsPerBlock: Int
    /// Number of blocks in group 1 and data codewords in each of them.
    let group1Blocks: Int
    let group1DataCodewords: Int
    /// Number of blocks in group 2 (possibly zero) and data codewords in each of them.
    let group2Blocks: Int
    let group2DataCodewords: Int

    var blockCount: Int { group1Blocks + group2Blocks }
    var dataCodewords: Int { group1Blocks * group1DataCodewords + group2Blocks * group2DataCodewords }
    var errorCorrectionCodewords: Int { blockCount * errorCorrectionCodewordsPerBlock }
    var totalCodewords: Int { dataCodewords + errorCorrectionCodewords }

    /// Data codewords of block `index` (group 1 blocks first).
    func dataCodewords(inBlock index: Int) -> Int {
        index < group1Blocks ? group1DataCodewords : group2DataCodewords
    }

    /// The structure for `version` (1...40) at `level`.
    static func of(version: Int, level: ErrorCorrectionLevel) -> BlockStructure {
        table[version - 1][level.rawValue]
    }

    private static func B(_ ec: Int, _ g1: Int, _ d1: Int, _ g2: Int = 0, _ d2: Int = 0) -> BlockStructure {
        BlockStructure(
            errorCorrectionCodewordsPerBlock: ec, group1Blocks: g1, group1DataCodewords: d1,
            group2Blocks: g2, group2DataCodewords: d2)
    }

    /// Table 9, one row per version, columns L, M, Q, H; each entry is
    /// `B(EC codewords per block, group-1 blocks, data codewords each[, group-2 blocks, data codewords each])`.
    static let table: [[BlockStructure]] = [
        /*  1 */ [B(7, 1, 19), B(10, 1, 16), B(13, 1, 13), B(17, 1, 9)],
        /*  2 */ [B(10, 1, 34), B(16, 1, 28), B(22, 1, 22), B(28, 1, 16)],
        /*  3 */ [B(15, 1, 55), B(26, 1, 44), B(18, 2, 17), B(22, 2, 13)],
        /*  4 */ [B(20, 1, 80), B(18, 2, 32), B(26, 2, 24), B(16, 4, 9)],
        /*  5 */ [B(26, 1, 108), B(24, 2, 43), B(18, 2, 15, 2, 16), B(22, 2, 11, 2, 12)],
        /*  6 */ [B(18, 2, 68), B(16, 4, 27), B(24, 4, 19), B(28, 4, 15)],
        /*  7 */ [B(20, 2, 78), B(18, 4, 31), B(18, 2, 14, 4, 15), B(26, 4, 13, 1, 14)],
        /*  8 */ [B(24, 2, 97), B(22, 2, 38, 2, 39), B(22, 4, 18, 2, 19), B(26, 4, 14, 2, 15)],
        /*  9 */ [B(30, 2, 116), B(22, 3, 36, 2, 37), B(20, 4, 16, 4, 17), B(24, 4, 12, 4, 13)],
        /* 10 */ [B(18, 2, 68, 2, 69), B(26, 4, 43, 1, 44), B(24, 6, 19, 2, 20), B(28, 6, 15, 2, 16)],
        /* 11 */ [B(20, 4, 81), B(30, 1, 50, 4, 51), B(28, 4, 22, 4, 23), B(24, 3, 12, 8, 13)],
        /* 12 */ [B(24, 2, 92, 2, 93), B(22, 6, 36, 2, 37), B(26, 4, 20, 6, 21), B(28, 7, 14, 4, 15)],
        /* 13 */ [B(26, 4, 107), B(22, 8, 37, 1, 38), B(24, 8, 20, 4, 21), B(22, 12, 11, 4, 12)],
        /* 14 */ [B(30, 3, 115, 1, 116), B(24, 4, 40, 5, 41), B(20, 11, 16, 5, 17), B(24, 11, 12, 5, 13)],
        /* 15 */ [B(22, 5, 87, 1, 88), B(24, 5, 41, 5, 42), B(30, 5, 24, 7, 25), B(24, 11, 12, 7, 13)],
        /* 16 */ [B(24, 5, 98, 1, 99), B(28, 7, 45, 3, 46), B(24, 15, 19, 2, 20), B(30, 3, 15, 13, 16)],
        /* 17 */ [B(28, 1, 107, 5, 108), B(28, 10, 46, 1, 47), B(28, 1, 22, 15, 23), B(28, 2, 14, 17, 15)],
        /* 18 */ [B(30, 5, 120, 1, 121), B(26, 9, 43, 4, 44), B(28, 17, 22, 1, 23), B(28, 2, 14, 19, 15)],
        /* 19 */ [B(28, 3, 113, 4, 114), B(26, 3, 44, 11, 45), B(26, 17, 21, 4, 22), B(26, 9, 13, 16, 14)],
        /* 20 */ [B(28, 3, 107, 5, 108), B(26, 3, 41, 13, 42), B(30, 15, 24, 5, 25), B(28, 15, 15, 10, 16)],
        /* 21 */ [B(28, 4, 116, 4, 117), B(26, 17, 42), B(28, 17, 22, 6, 23), B(30, 19, 16, 6, 17)],
        /* 22 */ [B(28, 2, 111, 7, 112), B(28, 17, 46), B(30, 7, 24, 16, 25), B(24, 34, 13)],
        /* 23 */ [B(30, 4, 121, 5, 122), B(28, 4, 47, 14, 48), B(30, 11, 24, 14, 25), B(30, 16, 15, 14, 16)],
        /* 24 */ [B(30, 6, 117, 4, 118), B(28, 6, 45, 14, 46), B(30, 11, 24, 16, 25), B(30, 30, 16, 2, 17)],
        /* 25 */ [B(26, 8, 106, 4, 107), B(28, 8, 47, 13, 48), B(30, 7, 24, 22, 25), B(30, 22, 15, 13, 16)],
        /* 26 */ [B(28, 10, 114, 2, 115), B(28, 19, 46, 4, 47), B(28, 28, 22, 6, 23), B(30, 33, 16, 4, 17)],
        /* 27 */ [B(30, 8, 122, 4, 123), B(28, 22, 45, 3, 46), B(30, 8, 23, 26, 24), B(30, 12, 15, 28, 16)],
        /* 28 */ [B(30, 3, 117, 10, 118), B(28, 3, 45, 23, 46), B(30, 4, 24, 31, 25), B(30, 11, 15, 31, 16)],
        /* 29 */ [B(30, 7, 116, 7, 117), B(28, 21, 45, 7, 46), B(30, 1, 23, 37, 24), B(30, 19, 15, 26, 16)],
        /* 30 */ [B(30, 5, 115, 10, 116), B(28, 19, 47, 10, 48), B(30, 15, 24, 25, 25), B(30, 23, 15, 25, 16)],
        /* 31 */ [B(30, 13, 115, 3, 116), B(28, 2, 46, 29, 47), B(30, 42, 24, 1, 25), B(30, 23, 15, 28, 16)],
        /* 32 */ [B(30, 17, 115), B(28, 10, 46, 23, 47), B(30, 10, 24, 35, 25), B(30, 19, 15, 35, 16)],
        /* 33 */ [B(30, 17, 115, 1, 116), B(28, 14, 46, 21, 47), B(30, 29, 24, 19, 25), B(30, 11, 15, 46, 16)],
        /* 34 */ [B(30, 13, 115, 6, 116), B(28, 14, 46, 23, 47), B(30, 44, 24, 7, 25), B(30, 59, 16, 1, 17)],
        /* 35 */ [B(30, 12, 121, 7, 122), B(28, 12, 47, 26, 48), B(30, 39, 24, 14, 25), B(30, 22, 15, 41, 16)],
        /* 36 */ [B(30, 6, 121, 14, 122), B(28, 6, 47, 34, 48), B(30, 46, 24, 10, 25), B(30, 2, 15, 64, 16)],
        /* 37 */ [B(30, 17, 122, 4, 123), B(28, 29, 46, 14, 47), B(30, 49, 24, 10, 25), B(30, 24, 15, 46, 16)],
        /* 38 */ [B(30, 4, 122, 18, 123), B(28, 13, 46, 32, 47), B(30, 48, 24, 14, 25), B(30, 42, 15, 32, 16)],
        /* 39 */ [B(30, 20, 117, 4, 118), B(28, 40, 47, 7, 48), B(30, 43, 24, 22, 25), B(30, 10, 15, 67, 16)],
        /* 40 */ [B(30, 19, 118, 6, 119), B(28, 18, 47, 31, 48), B(30, 34, 24, 34, 25), B(30, 20, 15, 61, 16)],
    ]
}

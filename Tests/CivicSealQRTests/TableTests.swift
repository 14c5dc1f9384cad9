import Testing

@testable import CivicSealQR

@Suite("Version tables: block structure, capacities, alignment patterns")
struct TableTests {
    /// Data codewords per version for L, M, Q, H: ISO/IEC 18004:2015 Table 7 (typed separately from Table 9).
    static let dataCodewords: [[Int]] = [
        [19, 16, 13, 9], [34, 28, 22, 16], [55, 44, 34, 26], [80, 64, 48, 36], [108, 86, 62, 46],
        [136, 108, 76, 60], [156, 124, 88, 66], [194, 154, 110, 86], [232, 182, 132, 100], [274, 216, 154, 122],
        [324, 254, 180, 140], [370, 290, 206, 158], [428, 334, 244, 180], [461, 365, 261, 197],
        [523, 415, 295, 223], [589, 453, 325, 253], [647, 507, 367, 283], [721, 563, 397, 313],
        [795, 627, 445, 341], [861, 669, 485, 385], [932, 714, 512, 406], [1006, 782, 568, 442],
        [1094, 860, 614, 464], [1174, 914, 664, 514], [1276, 1000, 718, 538], [1370, 1062, 754, 596],
        [1468, 1128, 808, 628], [1531, 1193, 871, 661], [1631, 1267, 911, 701], [1735, 1373, 985, 745],
        [1843, 1455, 1033, 793], [1955, 1541, 1115, 845], [2071, 1631, 1171, 901], [2191, 1725, 1231, 961],
        [2306, 1812, 1286, 986], [2434, 1914, 1354, 1054], [2566, 1992, 1426, 1096], [2702, 2102, 1502, 1142],
        [2812, 2216, 1582, 1222], [2956, 2334, 1666, 1276],
    ]

    /// Remainder bits per version: ISO/IEC 18004:2015 Table 1.
    static func remainderBits(version: Int) -> Int {
        switch version {
        case 1: 0
        case 2...6: 7
        case 7...13: 0
        case 14...20: 3
        case 21...27: 4
        case 28...34: 3
        default: 0
        }
    }

    @Test("Table 9 data codewords equal the Table 7 capacities for all 160 version/level pairs")
    func dataCapacities() {
        for version in 1...40 {
            for level in ErrorCorrectionLevel.allCases {
                let structure = BlockStructure.of(version: version, level: level)
                #expect(
                    structure.dataCodewords == Self.dataCodewords[version - 1][level.rawValue],
                    "\(version)-\(level)")
            }
        }
    }

    @Test("codewords of every level fill exactly the data modules the matrix leaves, less the remainder bits")
    func totalsMatchTheMatrix() {
        for version in 1...40 {
            let matrix = SymbolMatrix(version: version)
            let dataModules = matrix.isFunction.filter { !$0 }.count
            #expect(dataModules % 8 == Self.remainderBits(version: version), "version \(version)")
            for level in ErrorCorrectionLevel.allCases {
                let structure = BlockStructure.of(version: version, level: level)
                #expect(structure.totalCodewords == dataModules / 8, "\(version)-\(level)")
                if structure.group2Blocks > 0 {
                    #expect(structure.group2DataCodewords == structure.group1DataCodewords + 1, "\(version)-\(level)")
                }
            }
        }
    }

    @Test("selected Table 9 rows: 1-H, 5-Q, 10-M, 15-L, 25-H, 27-H, 40-H")
    func selectedRows() {
        func row(_ version: Int, _ level: ErrorCorrectionLevel) -> [Int] {
            let s = BlockStructure.of(version: version, level: level)
            return [
                s.errorCorrectionCodewordsPerBlock, s.group1Blocks, s.group1DataCodewords, s.group2Blocks,
                s.group2DataCodewords,
            ]
        }
        #expect(row(1, .high) == [17, 1, 9, 0, 0])
        #expect(row(5, .quartile) == [18, 2, 15, 2, 16])
        #expect(row(10, .medium) == [26, 4, 43, 1, 44])
        #expect(row(15, .low) == [22, 5, 87, 1, 88])
        #expect(row(25, .high) == [30, 22, 15, 13, 16])
        #expect(row(27, .high) == [30, 12, 15, 28, 16])
        #expect(row(40, .high) == [30, 20, 15, 61, 16])
    }

    @Test("byte-mode capacities: 1-L 17, 1-H 7, 10-M 213, 40-L 2953, 40-M 2331, 40-Q 1663, 40-H 1273")
    func byteCapacities() {
        #expect(QRCode.byteCapacity(version: 1, level: .low) == 17)
        #expect(QRCode.byteCapacity(version: 1, level: .high) == 7)
        #expect(QRCode.byteCapacity(version: 10, level: .medium) == 213)
        #expect(QRCode.byteCapacity(version: 40, level: .low) == 2953)
        #expect(QRCode.byteCapacity(version: 40, level: .medium) == 2331)
        #expect(QRCode.byteCapacity(version: 40, level: .quartile) == 1663)
        #expect(QRCode.byteCapacity(version: 40, level: .high) == 1273)
    }

    @Test("alignment centres agree with the spacing rule of Annex E for versions 2–40")
    func alignmentPositions() {
        #expect(AlignmentPatterns.centres(version: 1).isEmpty)
        for version in 2...40 {
            // Independent derivation: evenly spaced from the far edge by an even step, first centre at 6.
            let size = 17 + 4 * version
            let count = version / 7 + 2
            let step = version == 32 ? 26 : (version * 4 + count * 2 + 1) / (count * 2 - 2) * 2
            var expected = [6]
            for index in 1..<count { expected.append(size - 7 - (count - 1 - index) * step) }
            #expect(AlignmentPatterns.centres(version: version) == expected, "version \(version)")
        }
        #expect(AlignmentPatterns.centres(version: 7) == [6, 22, 38])
        #expect(AlignmentPatterns.centres(version: 40) == [6, 30, 58, 86, 114, 142, 170])
    }
}

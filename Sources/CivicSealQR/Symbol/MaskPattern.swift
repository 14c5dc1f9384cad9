/// The eight data mask patterns of ISO/IEC 18004:2015 §7.8.2, Table 10 (i = row, j = column):
/// a data module is inverted where the condition holds.
enum MaskPattern {
    static func inverts(_ mask: Int, row i: Int, column j: Int) -> Bool {
        switch mask {
        case 0: (i + j) % 2 == 0
        case 1: i % 2 == 0
        case 2: j % 3 == 0
        case 3: (i + j) % 3 == 0
        case 4: (i / 2 + j / 3) % 2 == 0
        case 5: (i * j) % 2 + (i * j) % 3 == 0
        case 6: ((i * j) % 2 + (i * j) % 3) % 2 == 0
        default: ((i + j) % 2 + (i * j) % 3) % 2 == 0
        }
    }

    /// Every mask repeats with period 12 in rows (mask 4: ⌊i/2⌋ mod 2 has period 4; the others 2, 3 or 6) and
    /// 6 in columns, so one tile per mask replaces the arithmetic per module.
    static let tileRows = 12
    static let tileColumns = 6

    /// `tiles[mask][row * tileColumns + column]` is 1 where the mask inverts.
    static let tiles: [[UInt8]] = (0..<8).map { mask in
        (0..<(tileRows * tileColumns)).map { inverts(mask, row: $0 / tileColumns, column: $0 % tileColumns) ? 1 : 0 }
    }
}

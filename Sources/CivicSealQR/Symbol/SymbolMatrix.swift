/// A symbol under construction: module colours (1 = dark) plus which modules belong to function patterns.
///
/// Coordinates are (x = column, y = row) from the top-left corner, as in ISO/IEC 18004:2015 §6.3.
struct SymbolMatrix {
    let version: Int
    let size: Int
    var modules: [UInt8]
    var isFunction: [Bool]

    /// A matrix for `version` with every function pattern drawn (§6.3.2–§6.3.6) and the format and version
    /// information areas reserved; data modules are light.
    init(version: Int) {
        self.version = version
        size = 17 + 4 * version
        modules = [UInt8](repeating: 0, count: size * size)
        isFunction = [Bool](repeating: false, count: size * size)
        drawFunctionPatterns()
    }

    mutating func set(x: Int, y: Int, dark: Bool) {
        modules[y * size + x] = dark ? 1 : 0
        // Only write when needed, so redrawing format bits on a copy does not copy this array too.
        if !isFunction[y * size + x] { isFunction[y * size + x] = true }
    }

    private mutating func drawFunctionPatterns() {
        // Timing patterns on row 6 and column 6 (§6.3.5); finders overwrite their ends.
        for i in 0..<size {
            set(x: 6, y: i, dark: i % 2 == 0)
            set(x: i, y: 6, dark: i % 2 == 0)
        }
        // Finder patterns with their separators (§6.3.3, §6.3.4).
        drawFinder(centreX: 3, centreY: 3)
        drawFinder(centreX: size - 4, centreY: 3)
        drawFinder(centreX: 3, centreY: size - 4)
        // Alignment patterns (§6.3.6, Annex E), skipping the three finder corners.
        let centres = AlignmentPatterns.centres(version: version)
        let last = centres.count - 1
        for (row, y) in centres.enumerated() {
            for (column, x) in centres.enumerated() {
                if (row == 0 && column == 0) || (row == 0 && column == last) || (row == last && column == 0) {
                    continue
                }
                for dy in -2...2 {
                    for dx in -2...2 { set(x: x + dx, y: y + dy, dark: max(abs(dx), abs(dy)) != 1) }
                }
            }
        }
        // Reserve the format information areas; the real bits come with the mask.
        drawFormatInformation(0)
        drawVersionInformation()
    }

    private mutating func drawFinder(centreX: Int, centreY: Int) {
        for dy in -4...4 {
            for dx in -4...4 {
                let x = centreX + dx
                let y = centreY + dy
                guard (0..<size).contains(x), (0..<size).contains(y) else { continue }
                let distance = max(abs(dx), abs(dy))
                set(x: x, y: y, dark: distance != 2 && distance != 4)
            }
        }
    }

    /// Places the 15 format bits (bit 14 = most significant) in both copies (§7.9.1, Figure 25), and the
    /// dark module at (8, 4·version + 9) (§7.9.1).
    mutating func drawFormatInformation(_ bits: Int) {
        func bit(_ index: Int) -> Bool { (bits >> index) & 1 == 1 }
        // Copy around the top-left finder: bits 0–7 down column 8, bits 8–14 leftwards along row 8.
        for i in 0...5 { set(x: 8, y: i, dark: bit(i)) }
        set(x: 8, y: 7, dark: bit(6))
        set(x: 8, y: 8, dark: bit(7))
        set(x: 7, y: 8, dark: bit(8))
        for i in 9..<15 { set(x: 14 - i, y: 8, dark: bit(i)) }
        // Second copy: bits 0–7 along row 8 from the right edge, bits 8–14 down column 8 at the bottom.
        for i in 0..<8 { set(x: size - 1 - i, y: 8, dark: bit(i)) }
        for i in 8..<15 { set(x: 8, y: size - 15 + i, dark: bit(i)) }
        set(x: 8, y: size - 8, dark: true)
    }

    /// Places the 18 version bits in the 6×3 blocks beside the top-right and bottom-left finders
    /// (§7.10, Figure 27); only for versions 7 and above.
    private mutating func drawVersionInformation() {
        guard version >= 7 else { return }
        let bits = FormatInformation.versionBits(version: version)
        for i in 0..<18 {
            let dark = (bits >> i) & 1 == 1
            let a = size - 11 + i % 3
            let b = i / 3
            set(x: a, y: b, dark: dark)
            set(x: b, y: a, dark: dark)
        }
    }

    /// Places codewords most significant bit first in two-module columns, zig-zagging upwards from the
    /// bottom-right and skipping function modules and the vertical timing column (§7.7.3, Figure 21).
    /// Remainder bits (§7.6) stay light.
    mutating func placeCodewords(_ codewords: [UInt8]) {
        let bitCount = codewords.count * 8
        var index = 0
        var right = size - 1
        while right >= 1 {
            if right == 6 { right = 5 }
            let upward = (right + 1) & 2 == 0
            for vertical in 0..<size {
                let y = upward ? size - 1 - vertical : vertical
                for x in stride(from: right, through: right - 1, by: -1)
                where !isFunction[y * size + x] && index < bitCount {
                    modules[y * size + x] = (codewords[index >> 3] >> UInt8(7 - (index & 7))) & 1
                    index += 1
                }
            }
            right -= 2
        }
    }

    /// Inverts every data module selected by `mask` (§7.8.2), using the pattern's 12 × 6 repeating tile.
    mutating func applyMask(_ mask: Int) {
        let tile = MaskPattern.tiles[mask]
        modules.withUnsafeMutableBufferPointer { modules in
            isFunction.withUnsafeBufferPointer { isFunction in
                for y in 0..<size {
                    let tileRow = (y % MaskPattern.tileRows) &* MaskPattern.tileColumns
                    var column = 0
                    for x in 0..<size {
                        let index = y &* size &+ x
                        modules[index] ^= tile[tileRow &+ column] & (isFunction[index] ? 0 : 1)
                        column = column == MaskPattern.tileColumns - 1 ? 0 : column &+ 1
                    }
                }
            }
        }
    }
}

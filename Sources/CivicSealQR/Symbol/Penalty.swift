/// Mask evaluation by the four penalty rules of ISO/IEC 18004:2015 §7.8.3, Table 11.
///
/// - N1 = 3: each run of five or more same-coloured modules in a row or column scores 3 + (length − 5).
/// - N2 = 3: each 2×2 block of one colour scores 3 (overlapping blocks counted separately).
/// - N3 = 40: each 1:1:3:1:1 dark:light:dark:light:dark pattern with four light modules before or after it,
///   in a row or column, scores 40; the area outside the symbol counts as light (it is the quiet zone), and a
///   pattern with light modules on both sides counts once for each side.
/// - N4 = 10: 10 points for each full 5 % step by which the dark proportion deviates from 50 %.
enum Penalty {
    static let n1 = 3
    static let n2 = 3
    static let n3 = 40
    static let n4 = 10

    /// The total penalty of a square matrix of `size` × `size` modules, row-major, 1 = dark.
    static func score(_ modules: [UInt8], size: Int) -> Int {
        modules.withUnsafeBufferPointer { modules in
            var total = 0
            for line in 0..<size {
                total += lineScore(modules, start: line * size, step: 1, count: size)
                total += lineScore(modules, start: line, step: size, count: size)
            }
            var dark = 0
            for y in 0..<size {
                let row = y * size
                for x in 0..<size { dark += Int(modules[row + x]) }
                guard y + 1 < size else { continue }
                var blocks = 0
                for x in 0..<(size - 1) {
                    let sum = modules[row &+ x] &+ modules[row &+ x &+ 1] &+ modules[row &+ size &+ x]
                        &+ modules[row &+ size &+ x &+ 1]
                    blocks &+= sum & 3 == 0 ? 1 : 0  // all light (0) or all dark (4)
                }
                total += blocks * n2
            }
            let cells = size * size
            // |dark/cells − 1/2| in units of 5 %, rounded down.
            let steps = abs(dark * 20 - cells * 10) / cells
            return total + steps * n4
        }
    }

    /// N1 and N3 for one row or column. Branch-free in the loop: a run scores 3 when it reaches five
    /// modules and 1 for every module after that, which sums to 3 + (length − 5).
    private static func lineScore(_ modules: UnsafeBufferPointer<UInt8>, start: Int, step: Int, count: Int) -> Int {
        var score = 0
        var runColour: UInt8 = 0xFF
        var runLength = 0
        // The last eleven modules, newest in bit 0; the zeros it starts with are the light quiet zone.
        var window: UInt32 = 0
        var finderLike = 0
        for k in 0..<count {
            let colour = modules[start &+ k &* step]
            runLength = colour == runColour ? runLength &+ 1 : 1
            runColour = colour
            score &+= runLength == 5 ? n1 : (runLength > 5 ? 1 : 0)
            window = (window << 1 | UInt32(colour)) & 0x7FF
            // Before 7 modules are in, the window cannot hold a 1:1:3:1:1 pattern anyway.
            finderLike &+= (window == 0b1011101_0000 || window == 0b0000_1011101) ? 1 : 0
        }
        for _ in 0..<4 {
            window = (window << 1) & 0x7FF
            finderLike &+= (window == 0b1011101_0000 || window == 0b0000_1011101) ? 1 : 0
        }
        return score &+ finderLike &* n3
    }
}

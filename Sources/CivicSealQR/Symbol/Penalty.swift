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
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: size * size) { transposed in
                for y in 0..<size {
                    for x in 0..<size { transposed[x &* size &+ y] = modules[y &* size &+ x] }
                }
                // Columns of the matrix, then columns of the transpose (the rows).
                var total = columnScores(modules, size: size)
                total &+= columnScores(UnsafeBufferPointer(transposed), size: size)
                return total &+ blockAndBalanceScores(modules, size: size)
            }
        }
    }

    /// N2 and N4.
    private static func blockAndBalanceScores(_ modules: UnsafeBufferPointer<UInt8>, size: Int) -> Int {
        var dark = 0
        var blocks = 0
        for y in 0..<size {
            let row = y &* size
            for x in 0..<size { dark &+= Int(modules[row &+ x]) }
            guard y + 1 < size else { continue }
            for x in 0..<(size - 1) {
                let sum = modules[row &+ x] &+ modules[row &+ x &+ 1] &+ modules[row &+ size &+ x]
                    &+ modules[row &+ size &+ x &+ 1]
                blocks &+= sum & 3 == 0 ? 1 : 0  // all light (0) or all dark (4)
            }
        }
        let cells = size * size
        // |dark/cells − 1/2| in units of 5 %, rounded down.
        let steps = abs(dark * 20 - cells * 10) / cells
        return blocks * n2 + steps * n4
    }

    /// N1 and N3 for every column, walking the matrix row by row so that the columns advance side by side
    /// (independent work per column, contiguous memory). A run scores 3 when it reaches five modules and 1
    /// for every module after that, which sums to 3 + (length − 5).
    private static func columnScores(_ modules: UnsafeBufferPointer<UInt8>, size: Int) -> Int {
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 2 * size) { state in
            // state[x]: run length; state[size + x]: the last eleven modules of column x, newest in bit 0,
            // starting as zeros, which stand for the light quiet zone above the symbol.
            for x in 0..<(2 * size) { state[x] = 0 }
            var runScore = 0
            var finderLike = 0
            for y in 0..<size {
                let row = y &* size
                for x in 0..<size {
                    let colour = UInt32(modules[row &+ x])
                    let window = state[size &+ x]
                    let previous = window & 1
                    let length = y > 0 && colour == previous ? state[x] &+ 1 : 1
                    state[x] = length
                    runScore &+= length == 5 ? n1 : (length > 5 ? 1 : 0)
                    let next = (window << 1 | colour) & 0x7FF
                    state[size &+ x] = next
                    finderLike &+= (next == 0b1011101_0000 || next == 0b0000_1011101) ? 1 : 0
                }
            }
            // Four light modules of quiet zone below the symbol.
            for x in 0..<size {
                var window = state[size &+ x]
                for _ in 0..<4 {
                    window = (window << 1) & 0x7FF
                    finderLike &+= (window == 0b1011101_0000 || window == 0b0000_1011101) ? 1 : 0
                }
            }
            return runScore &+ finderLike &* n3
        }
    }
}

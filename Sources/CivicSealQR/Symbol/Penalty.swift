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
    ///
    /// Works on bit-packed lines, 64 modules per word: `rows` holds row y's modules (bit x % 64 of word
    /// x / 64), `columns` the transposed matrix. Scoring the lines of `rows` side by side, one row at a time,
    /// scores every column at once; scoring `columns` the same way scores the rows.
    static func score(_ modules: [UInt8], size: Int) -> Int {
        let words = (size + 63) / 64
        return modules.withUnsafeBufferPointer { modules in
            withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 2 * size * words) { buffer in
                buffer.initialize(repeating: 0)
                let rows = UnsafeMutableBufferPointer(rebasing: buffer[0..<(size * words)])
                let columns = UnsafeMutableBufferPointer(rebasing: buffer[(size * words)...])
                for y in 0..<size {
                    let rowWord = y >> 6
                    let rowBit = UInt64(y & 63)
                    for x in 0..<size {
                        let module = UInt64(modules[y &* size &+ x])
                        rows[y &* words &+ x >> 6] |= module << UInt64(x & 63)
                        columns[x &* words &+ rowWord] |= module << rowBit
                    }
                }
                let rowLines = UnsafeBufferPointer(rows)
                return parallelLineScores(rowLines, size: size, words: words)
                    &+ parallelLineScores(UnsafeBufferPointer(columns), size: size, words: words)
                    &+ blockAndBalanceScores(rowLines, size: size, words: words)
            }
        }
    }

    /// The valid-module mask of word `word` in a line of `size` modules.
    @inline(__always)
    private static func validBits(word: Int, size: Int) -> UInt64 {
        let remaining = size - word * 64
        return remaining >= 64 ? ~0 : (1 << UInt64(remaining)) - 1
    }

    /// N1 and N3 along the direction that crosses the packed lines: bit b of every line forms one sequence.
    /// Lines outside 0..<size read as light, which is the quiet zone. A run scores 3 at its fifth module and
    /// 1 for every module after that, which sums to 3 + (length − 5).
    private static func parallelLineScores(_ lines: UnsafeBufferPointer<UInt64>, size: Int, words: Int) -> Int {
        @inline(__always) func line(_ index: Int, _ word: Int) -> UInt64 {
            index >= 0 && index < size ? lines[index &* words &+ word] : 0
        }
        var runScore = 0
        var finderLike = 0
        for word in 0..<words {
            let valid = validBits(word: word, size: size)
            for y in 0..<(size + 4) {
                let c0 = line(y, word)
                let c1 = line(y - 1, word)
                let c2 = line(y - 2, word)
                let c3 = line(y - 3, word)
                let c4 = line(y - 4, word)
                let c5 = line(y - 5, word)
                let c6 = line(y - 6, word)
                let c7 = line(y - 7, word)
                let c8 = line(y - 8, word)
                let c9 = line(y - 9, word)
                let c10 = line(y - 10, word)
                if y >= 4 && y < size {
                    // Modules y−4 … y all equal: the run has reached at least five.
                    let atLeastFive = ~(c0 ^ c1) & ~(c1 ^ c2) & ~(c2 ^ c3) & ~(c3 ^ c4) & valid
                    let exactlyFive = y == 4 ? atLeastFive : atLeastFive & (c4 ^ c5)
                    runScore &+= n1 &* exactlyFive.nonzeroBitCount &+ (atLeastFive & ~exactlyFive).nonzeroBitCount
                }
                let light4 = ~(c0 | c1 | c2 | c3)
                let patternThenLight = c10 & ~c9 & c8 & c7 & c6 & ~c5 & c4 & light4
                let lightThenPattern = ~(c10 | c9 | c8 | c7) & c6 & ~c5 & c4 & c3 & c2 & ~c1 & c0
                finderLike &+= (patternThenLight & valid).nonzeroBitCount &+ (lightThenPattern & valid).nonzeroBitCount
            }
        }
        return runScore &+ finderLike &* n3
    }

    /// N2 (2 × 2 blocks from each pair of adjacent rows) and N4 (dark proportion), on packed rows.
    private static func blockAndBalanceScores(_ rows: UnsafeBufferPointer<UInt64>, size: Int, words: Int) -> Int {
        var dark = 0
        var blocks = 0
        for y in 0..<size {
            for word in 0..<words {
                let upper = rows[y &* words &+ word]
                dark &+= upper.nonzeroBitCount
                guard y + 1 < size else { continue }
                let lower = rows[(y + 1) &* words &+ word]
                let nextUpper = word + 1 < words ? rows[y &* words &+ word &+ 1] : 0
                let nextLower = word + 1 < words ? rows[(y + 1) &* words &+ word &+ 1] : 0
                // Bit x: modules at x and x + 1 (the right neighbour shifted in from the next word).
                let upperRight = upper >> 1 | nextUpper << 63
                let lowerRight = lower >> 1 | nextLower << 63
                let same = ~(upper ^ lower) & ~(upper ^ upperRight) & ~(lower ^ lowerRight)
                // Pairs need x + 1 < size.
                blocks &+= (same & validBits(word: word, size: size - 1)).nonzeroBitCount
            }
        }
        let cells = size * size
        // |dark/cells − 1/2| in units of 5 %, rounded down.
        let steps = abs(dark * 20 - cells * 10) / cells
        return blocks * n2 + steps * n4
    }
}

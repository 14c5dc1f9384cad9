import Testing

@testable import CivicSealQR

@Suite("Mask penalty against a plain reference implementation")
struct PenaltyReferenceTests {
    /// §7.8.3 written the obvious way: lines as arrays, runs counted, patterns compared element by element.
    static func reference(_ modules: [UInt8], size n: Int) -> Int {
        var lines: [[UInt8]] = []
        for i in 0..<n {
            lines.append((0..<n).map { modules[i * n + $0] })
            lines.append((0..<n).map { modules[$0 * n + i] })
        }
        var score = 0
        for line in lines {
            var start = 0
            while start < n {
                var end = start
                while end < n && line[end] == line[start] { end += 1 }
                if end - start >= 5 { score += 3 + (end - start - 5) }
                start = end
            }
            let padded = [UInt8](repeating: 0, count: 4) + line + [UInt8](repeating: 0, count: 4)
            let core: [UInt8] = [1, 0, 1, 1, 1, 0, 1]
            for i in 0...(padded.count - 11) {
                let window = Array(padded[i..<(i + 11)])
                if window == core + [0, 0, 0, 0] { score += 40 }
                if window == [0, 0, 0, 0] + core { score += 40 }
            }
        }
        for y in 0..<(n - 1) {
            for x in 0..<(n - 1) {
                let c = modules[y * n + x]
                if modules[y * n + x + 1] == c && modules[(y + 1) * n + x] == c && modules[(y + 1) * n + x + 1] == c {
                    score += 3
                }
            }
        }
        let dark = modules.reduce(0) { $0 + Int($1) }
        let percent = Double(dark) * 100 / Double(n * n)
        score += Int((abs(percent - 50) / 5).rounded(.down)) * 10
        return score
    }

    @Test("optimised scoring equals the reference on random and real matrices", arguments: [21, 25, 45, 57, 177])
    func matchesReference(size: Int) throws {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15 &+ UInt64(size)
        for density in [2, 3, 5] {
            let random: [UInt8] = (0..<(size * size)).map { _ in
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return (state >> 33) % UInt64(density) == 0 ? 1 : 0
            }
            #expect(Penalty.score(random, size: size) == Self.reference(random, size: size))
        }
        let version = (size - 17) / 4
        let text = String(repeating: "civicseal ", count: QRCode.byteCapacity(version: version, level: .medium) / 10)
        let code = try QRCode(encoding: text, level: .medium)
        let modules = code.modules.map { UInt8($0 ? 1 : 0) }
        #expect(code.penalty == Self.reference(modules, size: code.size))
    }
}

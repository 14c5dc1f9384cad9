import Foundation
import Testing

@testable import CivicSealQR

@Suite("Byte-mode encoding, version choice, masks and errors")
struct EncoderTests {
    @Test("'hello' at 1-M: mode 0100, count 5, the bytes, terminator, then pad codewords EC 11")
    func dataCodewordsOfHello() {
        let data = Codewords.dataCodewords(Array("hello".utf8), version: 1, capacity: 16)
        #expect(
            data == [0x40, 0x56, 0x86, 0x56, 0xC6, 0xC6, 0xF0, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC])
    }

    @Test("a symbol filled to capacity gets no terminator bits beyond what fits")
    func fullSymbol() {
        // 1-L holds 17 bytes: 4 + 8 + 136 = 148 bits of 152, so the terminator is 4 bits and no pad codeword follows.
        let bytes = [UInt8](repeating: 0xFF, count: 17)
        let data = Codewords.dataCodewords(bytes, version: 1, capacity: 19)
        #expect(data.count == 19)
        #expect(data[0] == 0x41 && data[1] == 0x1F && data[18] == 0xF0)
    }

    @Test("the smallest version is chosen: capacity bytes fit version v, one more byte needs v + 1")
    func versionBoundaries() {
        for level in ErrorCorrectionLevel.allCases {
            for version in 1...40 {
                let capacity = QRCode.byteCapacity(version: version, level: level)
                #expect(Codewords.smallestVersion(byteCount: capacity, level: level) == version, "\(version)-\(level)")
                let next = Codewords.smallestVersion(byteCount: capacity + 1, level: level)
                #expect(next == (version == 40 ? nil : version + 1), "\(version)-\(level) + 1 byte")
            }
        }
    }

    @Test("the chosen mask has the lowest penalty of the eight", arguments: ErrorCorrectionLevel.allCases)
    func maskSelection(level: ErrorCorrectionLevel) throws {
        for text in ["CivicSeal", "https://verify.civicseal.gov.vn/v/LLTP-2026-000123", "Phiếu lý lịch tư pháp"] {
            let chosen = try QRCode(encoding: text, level: level)
            let penalties = try (0..<8).map { try QRCode(encoding: text, level: level, mask: $0).penalty }
            #expect(chosen.penalty == penalties.min())
            #expect(chosen.penalty == penalties[chosen.mask])
            #expect(penalties.firstIndex(of: penalties.min()!) == chosen.mask)
        }
    }

    @Test("forcing a mask uses it, in the symbol and its format information")
    func forcedMask() throws {
        for mask in 0..<8 {
            let code = try QRCode(encoding: "mask", level: .quartile, mask: mask)
            #expect(code.mask == mask)
            #expect(FormatInformationTests.formatCopies(code).0 == FormatInformation.bits(level: .quartile, mask: mask))
        }
        #expect(throws: QRCodeError(.invalidMask, "")) { try QRCode(encoding: "x", mask: 8) }
    }

    @Test("penalty rules on hand-built matrices: N1 runs, N2 blocks, N3 finder-like patterns, N4 balance")
    func penaltyRules() {
        // 21 × 21 alternating checkerboard: no runs ≥ 5, no 2×2 blocks, no 1:1:3:1:1, 220/441 dark.
        let n = 21
        let checkerboard: [UInt8] = (0..<(n * n)).map { UInt8(($0 / n + $0 % n) % 2) }
        #expect(Penalty.score(checkerboard, size: n) == 0)
        // All light: every row and column is one run of 21 (3 + 16 each, 42 lines), 400 blocks, 100 % off by 50 %.
        let light = [UInt8](repeating: 0, count: n * n)
        #expect(Penalty.score(light, size: n) == 42 * 19 + 400 * 3 + 10 * 10)
    }

    @Test("data too long for version 40 at H is a typed error; the maximum still encodes")
    func tooLong() throws {
        #expect(throws: QRCodeError(.dataTooLong, "")) {
            try QRCode(bytes: [UInt8](repeating: 0x41, count: 1274), level: .high)
        }
        do {
            _ = try QRCode(bytes: [UInt8](repeating: 0x41, count: 1274), level: .high)
        } catch {
            #expect(error.code == .dataTooLong)
            #expect(error.message.contains("1273"))
        }
        let largest = try QRCode(bytes: [UInt8](repeating: 0x41, count: 1273), level: .high)
        #expect(largest.version == 40 && largest.size == 177)
    }

    @Test("finder, separator and timing patterns are in place")
    func functionPatterns() throws {
        let code = try QRCode(encoding: "function patterns", level: .low)
        let n = code.size
        for (cx, cy) in [(3, 3), (n - 4, 3), (3, n - 4)] {
            for dy in -3...3 {
                for dx in -3...3 {
                    let ring = max(abs(dx), abs(dy))
                    #expect(code[x: cx + dx, y: cy + dy] == (ring != 2))
                }
            }
        }
        for i in 8..<(n - 8) {
            #expect(code[x: i, y: 6] == (i % 2 == 0))
            #expect(code[x: 6, y: i] == (i % 2 == 0))
        }
        for i in 0..<8 {
            #expect(!code[x: 7, y: i] && !code[x: i, y: 7])  // separators
        }
    }
}

@Suite("Renderer output: dark runs and SVG")
struct RenderingTests {
    @Test("dark runs are maximal, offset by the quiet zone, and redraw the symbol exactly")
    func darkRunsRedrawTheSymbol() throws {
        let code = try QRCode(encoding: "https://verify.civicseal.gov.vn/v/1", level: .medium)
        let quiet = 4
        let total = code.totalSize(quietZone: quiet)
        var canvas = [Bool](repeating: false, count: total * total)
        for run in code.darkRuns(quietZone: quiet) {
            #expect(run.width >= 1)
            #expect(run.x >= quiet && run.x + run.width <= quiet + code.size)
            for x in run.x..<(run.x + run.width) {
                #expect(!canvas[run.y * total + x], "runs overlap")
                canvas[run.y * total + x] = true
            }
            // Maximal: the modules just left and right of a run are light.
            #expect(run.x == quiet || !code[x: run.x - quiet - 1, y: run.y - quiet])
            #expect(run.x + run.width == quiet + code.size || !code[x: run.x + run.width - quiet, y: run.y - quiet])
        }
        for y in 0..<total {
            for x in 0..<total {
                let inside = (quiet..<(quiet + code.size)).contains(x) && (quiet..<(quiet + code.size)).contains(y)
                #expect(canvas[y * total + x] == (inside && code[x: x - quiet, y: y - quiet]))
            }
        }
    }

    @Test("the SVG is one crisp-edged path sized in modules with a four-module quiet zone by default")
    func svgShape() throws {
        let code = try QRCode(encoding: "svg", level: .low)
        let svg = code.svg(moduleSize: 3)
        let total = code.size + 8
        #expect(svg.hasPrefix("<?xml"))
        #expect(svg.contains("viewBox=\"0 0 \(total) \(total)\""))
        #expect(svg.contains("width=\"\(total * 3)\""))
        #expect(svg.contains("shape-rendering=\"crispEdges\""))
        #expect(svg.components(separatedBy: "<path").count == 2)
        #expect(svg.contains("M4 4h7v1h-7z"))  // top row of the top-left finder
    }
}

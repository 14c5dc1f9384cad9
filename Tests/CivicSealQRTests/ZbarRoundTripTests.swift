import CivicSealTestSupport
import Foundation
import Testing

@testable import CivicSealQR

/// Round trips through tools nobody here wrote: our SVG rasterised by librsvg's `rsvg-convert`, and our
/// modules written straight to a PBM bitmap, both decoded by ZBar's `zbarimg`.
@Suite("zbarimg decodes what we encode")
struct ZbarRoundTripTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let text: String
        let level: ErrorCorrectionLevel
        /// The version the input must land in, when it was sized to force one.
        let version: Int?
        /// Whether zbarimg's text mode, which guesses the character set of byte-mode data without an ECI,
        /// must also return the input; it guesses Shift JIS for some short non-ASCII byte strings.
        var textModeGuessesUTF8 = true
        var testDescription: String { "\(name) \(version.map { "v\($0)-" } ?? "")\(level) (\(text.utf8.count) bytes)" }
    }

    static let vietnamese = "Phiếu lý lịch tư pháp — Nguyễn Thị Ánh Tuyết"
    static let url150: String = {
        let url = "https://verify.civicseal.gov.vn/v/2026/LLTP-01/" + String(repeating: "A1b2C3d4E5", count: 11)
        return String(url.prefix(150))
    }()

    /// Printable ASCII text of exactly `count` bytes, varied so that masks and blocks see real data.
    static func filler(_ count: Int, seed: Int) -> String {
        let words = ["công", "dân", "CivicSeal", "verify", "2026", "hồ-sơ", "seal", "QR", "Hà Nội", "ISO/IEC 18004"]
        var bytes: [UInt8] = []
        var index = seed
        while bytes.count < count {
            bytes += Array(words[index % words.count].utf8) + [0x20]
            index += 7
        }
        // Trim back to a whole UTF-8 character, then pad with ASCII to the exact length.
        bytes = Array(bytes.prefix(count))
        while !bytes.isEmpty, String(validating: bytes, as: UTF8.self) == nil { bytes.removeLast() }
        while bytes.count < count { bytes.append(0x2E) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// An input that fills version `version` at `level` to the last byte, forcing exactly that version.
    static func forcing(_ version: Int, _ level: ErrorCorrectionLevel) -> Case {
        Case(
            name: "full", text: filler(QRCode.byteCapacity(version: version, level: level), seed: version),
            level: level, version: version)
    }

    static let cases: [Case] =
        [
            Case(name: "short ASCII", text: "CivicSeal", level: .low, version: 1),
            Case(name: "150-byte URL", text: url150, level: .low, version: nil),
            Case(name: "150-byte URL", text: url150, level: .medium, version: nil),
            Case(name: "150-byte URL", text: url150, level: .quartile, version: nil),
            Case(name: "150-byte URL", text: url150, level: .high, version: nil),
            Case(name: "long text", text: filler(2_000, seed: 3), level: .low, version: nil),
            Case(name: "long text", text: filler(2_000, seed: 4), level: .medium, version: nil),
        ]
        + ErrorCorrectionLevel.allCases.map { Case(name: "Vietnamese", text: vietnamese, level: $0, version: nil) }
        + [
            // "dân H." is valid Shift JIS too, and zbar's text mode picks that; -Sbinary still matches.
            Case(
                name: "full", text: filler(7, seed: 1), level: .high, version: 1, textModeGuessesUTF8: false),
            forcing(2, .medium), forcing(5, .quartile), forcing(7, .high), forcing(10, .low),
            forcing(15, .medium), forcing(20, .quartile), forcing(27, .high), forcing(33, .low), forcing(40, .low),
            forcing(40, .high),
        ]

    @Test(
        "SVG rasterised by rsvg-convert decodes to the exact input",
        .enabled(if: ExternalTool.isUsable("zbarimg", "rsvg-convert")), arguments: cases)
    func svgRoundTrip(_ testCase: Case) throws {
        let code = try QRCode(encoding: testCase.text, level: testCase.level)
        if let version = testCase.version { #expect(code.version == version) }
        let directory = TemporaryDirectory("civicseal-qr")
        let svg = try directory.write("code.svg", text: code.svg(moduleSize: 4))
        let png = "\(directory.path)/code.png"
        let rasterise = try ExternalTool.run("rsvg-convert", ["--format=png", "--output", png, svg])
        #expect(rasterise.status == 0, "\(rasterise.errorText)")
        try expectDecodes(png, as: testCase)
    }

    @Test(
        "modules written straight to a PBM decode to the exact input",
        .enabled(if: ExternalTool.isUsable("zbarimg")), arguments: cases)
    func bitmapRoundTrip(_ testCase: Case) throws {
        let code = try QRCode(encoding: testCase.text, level: testCase.level)
        let directory = TemporaryDirectory("civicseal-qr")
        let path = try directory.write("code.pbm", Self.pbm(code, pixelsPerModule: 3))
        try expectDecodes(path, as: testCase)
    }

    /// zbarimg's binary mode (`-Sbinary`) must return exactly the input bytes; its text mode must too, after
    /// the newline it appends, unless the case says its character-set guess differs.
    private func expectDecodes(_ image: String, as testCase: Case) throws {
        let binary = try ExternalTool.run("zbarimg", ["--raw", "-q", "-Sbinary", image])
        #expect(binary.status == 0, "zbarimg failed: \(binary.errorText)")
        #expect([UInt8](binary.standardOutput) == Array(testCase.text.utf8), "decoded \(binary.text)")
        guard testCase.textModeGuessesUTF8 else { return }
        let text = try ExternalTool.run("zbarimg", ["--raw", "-q", image])
        #expect(text.status == 0, "zbarimg failed: \(text.errorText)")
        #expect(text.text == testCase.text + "\n")
    }

    /// A binary PBM (P4, 1 = black) of the symbol with a four-module quiet zone, built from
    /// ``QRCode/darkRuns(quietZone:)``.
    static func pbm(_ code: QRCode, pixelsPerModule scale: Int) -> [UInt8] {
        let modules = code.totalSize()
        let pixels = modules * scale
        let rowBytes = (pixels + 7) / 8
        var raster = [UInt8](repeating: 0, count: rowBytes * pixels)
        for run in code.darkRuns() {
            for y in (run.y * scale)..<((run.y + 1) * scale) {
                for x in (run.x * scale)..<((run.x + run.width) * scale) {
                    raster[y * rowBytes + x / 8] |= 0x80 >> UInt8(x % 8)
                }
            }
        }
        return Array("P4\n\(pixels) \(pixels)\n".utf8) + raster
    }
}

import Foundation
import Testing

@testable import CivicSealPDF

@Suite struct TrueTypeTests {
    @Test func parsesDejaVuMetrics() {
        let font = TestFonts.regular
        #expect(font.postScriptName == "DejaVuSans")
        #expect(TestFonts.bold.postScriptName == "DejaVuSans-Bold")
        #expect(font.unitsPerEm == 2048)
        #expect(font.glyph(for: "A") != 0)
        #expect(font.glyph(for: "ệ") != 0)
        #expect(font.width(of: font.glyph(for: " ")) == 318)  // 651 / 2048 em
        #expect(font.capHeight > 1300 && font.capHeight < 1600)
        #expect(!font.covers("\u{10FFFD}"))
    }

    @Test func missingFontFileIsReportedByCode() {
        #expect(throws: PDFError(.fontNotFound, "")) { try TrueTypeFont(contentsOf: "/nonexistent/font.ttf") }
        #expect(throws: PDFError(.malformedFont, "")) { try TrueTypeFont(bytes: Array(repeating: 0, count: 64)) }
    }

    @Test func subsetKeepsCompositeComponentsOfStackedDiacritics() throws {
        let font = TestFonts.regular
        let letters: [Unicode.Scalar] = ["ệ", "ẫ", "Ặ"]
        let glyphs = letters.map { font.glyph(for: $0) }
        let components = glyphs.flatMap { font.components(of: $0) }
        #expect(!components.isEmpty, "DejaVu builds these letters from components")
        let subset = font.subset(glyphs)
        #expect(subset.glyphs.isSuperset(of: Set(glyphs + components + [0])))
        // Nested components are followed too: the closure is closed under components(of:).
        for glyph in subset.glyphs { #expect(Set(font.components(of: glyph)).isSubset(of: subset.glyphs)) }
        #expect(subset.tag.count == 6 && subset.tag.allSatisfy { $0.isUppercase })

        // The subset is itself a font we can parse, holding exactly the kept glyphs, renumbered compactly in their
        // original order, with the same outlines and metrics, and composites pointing at renumbered components.
        let parsed = try TrueTypeFont(bytes: subset.bytes)
        #expect(parsed.glyphCount == subset.glyphs.count)
        #expect(subset.originalGlyphs == subset.glyphs.sorted())
        for (newGlyph, glyph) in subset.originalGlyphs.enumerated() {
            let size = parsed.glyphOffsets[newGlyph + 1] - parsed.glyphOffsets[newGlyph]
            let originalSize = font.glyphOffsets[Int(glyph) + 1] - font.glyphOffsets[Int(glyph)]
            #expect(size == (originalSize + 3) & ~3, "glyph \(glyph) → \(newGlyph)")
            #expect(parsed.width(of: UInt16(newGlyph)) == font.width(of: glyph))
            #expect(
                parsed.components(of: UInt16(newGlyph)) == font.components(of: glyph).map { subset.newGlyph(for: $0)! })
        }
        for letter in letters { #expect(parsed.glyph(for: letter) == subset.newGlyph(for: font.glyph(for: letter))) }
    }

    @Test func subsetTableChecksumsAndHeadAdjustmentAreValid() throws {
        let subset = TestFonts.bold.subset("Độc lập".unicodeScalars.map { TestFonts.bold.glyph(for: $0) })
        let bytes = subset.bytes
        #expect(TrueTypeFont.checksum(bytes[...]) == 0xB1B0_AFBA)
        let count = Int(bytes[4]) << 8 | Int(bytes[5])
        for index in 0..<count {
            let record = 12 + 16 * index
            func word(_ at: Int) -> Int {
                Int(bytes[at]) << 24 | Int(bytes[at + 1]) << 16 | Int(bytes[at + 2]) << 8 | Int(bytes[at + 3])
            }
            let tag = String(decoding: bytes[record..<(record + 4)], as: UTF8.self)
            let offset = word(record + 8)
            #expect(offset % 4 == 0)
            guard tag != "head" else { continue }
            #expect(
                UInt32(word(record + 4)) == TrueTypeFont.checksum(bytes[offset..<(offset + word(record + 12))]),
                "\(tag)")
        }
    }

    @Test func subsetTagIsDeterministicAndDependsOnTheGlyphs() {
        let font = TestFonts.regular
        #expect(font.subset([36, 37]).tag == font.subset([37, 36]).tag)
        #expect(font.subset([36, 37]).tag != font.subset([36, 38]).tag)
        #expect(font.subset([36, 37]).bytes == font.subset([36, 37]).bytes)
    }

    /// Content streams are written with the font's glyph ids and rewritten to subset ids; every rewritten code
    /// must select, in the embedded subset, the outline of the glyph originally drawn, and the ToUnicode entry
    /// must give back that glyph's character. (pdftotext reads ToUnicode only, so it cannot catch a wrong glyph.)
    @Test func rewrittenContentCodesSelectTheGlyphsThatWereDrawn() throws {
        let page = SampleCertificate.page()
        let embedded = page.fonts.map(EmbeddedFont.init)
        let rewritten = page.content(renumberedFor: embedded.map(\.subset))
        #expect(rewritten.count == page.content.count)
        func glyphBytes(_ font: TrueTypeFont, _ glyph: Int) -> ArraySlice<UInt8> {
            let glyf = font.tables["glyf"]!.lowerBound
            return font.data[(glyf + font.glyphOffsets[glyph])..<(glyf + font.glyphOffsets[glyph + 1])]
        }
        for (index, font) in embedded.enumerated() {
            let subsetFont = try TrueTypeFont(bytes: font.use.font.subset(font.text.map(\.glyph)).bytes)
            let unicode = Dictionary(
                uniqueKeysWithValues: font.text.map { (font.subset.newGlyph(for: $0.glyph), $0.scalar) })
            var checked = 0
            for run in page.glyphRuns where run.font == index {
                for position in 0..<run.count {
                    let at = run.start + 4 * position
                    let original = Int(String(decoding: page.content[at..<(at + 4)], as: UTF8.self), radix: 16)!
                    let code = Int(String(decoding: rewritten[at..<(at + 4)], as: UTF8.self), radix: 16)!
                    #expect(Int(font.subset.originalGlyphs[code]) == original)
                    let drawn = glyphBytes(font.use.font, original)
                    let embeddedGlyph = glyphBytes(subsetFont, code)
                    if font.use.font.components(of: UInt16(original)).isEmpty {
                        #expect(
                            embeddedGlyph.prefix(drawn.count).elementsEqual(drawn), "code \(code) for glyph \(original)"
                        )
                    } else {
                        #expect(
                            subsetFont.components(of: UInt16(code)).map { font.subset.originalGlyphs[Int($0)] }
                                == font.use.font.components(of: UInt16(original)))
                    }
                    if original != 0, let scalar = unicode[UInt16(code)] {
                        #expect(font.use.font.glyph(for: scalar) == UInt16(original))
                        #expect(subsetFont.glyph(for: scalar) == UInt16(code))
                    }
                    checked += 1
                }
            }
            #expect(checked > 50)
        }
    }
}

import Foundation

enum PDFTextMeasure {
    /// `text` in Unicode Normalization Form C, so "ệ" is one scalar with one glyph and extraction returns the
    /// precomposed character. Text made only of scalars below U+0300 or from Latin Extended Additional
    /// (U+1E00–U+1EFF, the precomposed Vietnamese letters) is already NFC and skips the conversion.
    static func normalized(_ text: String) -> String {
        if text.unicodeScalars.allSatisfy({ $0.value < 0x300 || (0x1E00...0x1EFF).contains($0.value) }) { return text }
        return text.precomposedStringWithCanonicalMapping
    }
}

extension TrueTypeFont {
    /// The width of `text` set at `size` points, from the same rounded widths written into `/W`.
    package func measure(_ text: String, size: Double) -> Double {
        Double(units(PDFTextMeasure.normalized(text))) * size / 1000
    }

    /// The ascent (hhea.ascender) at `size` points.
    package func ascent(size: Double) -> Double { Double(ascender) * size / Double(unitsPerEm) }

    /// The descent (hhea.descender, negative) at `size` points.
    package func descent(size: Double) -> Double { Double(descender) * size / Double(unitsPerEm) }

    /// Whether `text` has no "\n", no leading or trailing space and no two spaces in a row.
    static func isSingleSpaced(_ text: String) -> Bool {
        var previous = UInt8(ascii: " ")
        for byte in text.utf8 {
            if byte == UInt8(ascii: "\n") || (byte == UInt8(ascii: " ") && previous == byte) { return false }
            previous = byte
        }
        return text.isEmpty || previous != UInt8(ascii: " ")
    }

    /// Width in 1/1000 em of already-normalized text.
    func units(_ text: some StringProtocol) -> Int {
        var total = 0
        for scalar in text.unicodeScalars { total += width(of: glyph(for: scalar)) }
        return total
    }

    /// Breaks `text` into lines no wider than `width` at `size`: explicit "\n" breaks are kept, lines break at
    /// spaces (runs of spaces collapse to one), and a word wider than the line is broken between characters.
    package func wrap(_ text: String, size: Double, width: Double) -> [String] {
        let limit = Int((width * 1000 / size).rounded(.down))
        let normalized = PDFTextMeasure.normalized(text)
        // Most labels and values fit on one line: when the text has no line break and no space the loop below
        // would drop (leading, trailing, doubled), it is its own single line exactly when it fits.
        if Self.isSingleSpaced(normalized), units(normalized) <= limit { return [normalized] }
        let spaceWidth = self.width(of: glyph(for: " "))
        var lines: [String] = []
        for paragraph in normalized.split(separator: "\n", omittingEmptySubsequences: false) {
            var current = ""
            var currentWidth = 0
            for word in paragraph.split(separator: " ") {
                let wordWidth = units(word)
                if !current.isEmpty, currentWidth + spaceWidth + wordWidth <= limit {
                    current += " " + word
                    currentWidth += spaceWidth + wordWidth
                    continue
                }
                if !current.isEmpty { lines.append(current) }
                current = ""
                currentWidth = 0
                if wordWidth <= limit {
                    current = String(word)
                    currentWidth = wordWidth
                    continue
                }
                for character in word {  // hard break of an overlong word, never inside a grapheme cluster
                    let characterWidth = units(String(character))
                    if !current.isEmpty, currentWidth + characterWidth > limit {
                        lines.append(current)
                        current = ""
                        currentWidth = 0
                    }
                    current.append(character)
                    currentWidth += characterWidth
                }
            }
            lines.append(current)
        }
        return lines
    }
}

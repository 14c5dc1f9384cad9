import Foundation

/// The text rules every free-text field follows.
///
/// Vietnamese text arrives both precomposed and decomposed ("ễ" as U+1EC5 or as e + U+0302 + U+0303); stored and
/// signed text is always NFC (Unicode Standard Annex #15) so that names compare, index and print identically.
package enum TextNormalization {
    /// Text as sent is bounded at this many Unicode code points per character of its limit: a base letter and up to
    /// three combining marks (decomposed Vietnamese needs two). A limit in characters after NFC cannot be stated in
    /// JSON Schema; this bound can (`maxLength` counts code points), so the API document states it exactly.
    package static let codePointsPerCharacter = 4

    /// C0 controls U+0000–U+001F (tab, line feed and carriage return included), DEL U+007F, C1 U+0080–U+009F.
    package static func containsControlCharacters(_ text: String) -> Bool {
        text.unicodeScalars.contains { isControl($0) }
    }

    package static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    /// Unicode bidirectional embedding, override and isolate controls: U+202A–U+202E and U+2066–U+2069.
    /// Printed on a document, an override (U+202E) makes the reader see text in another order than it is stored.
    package static func isBidiControl(_ scalar: Unicode.Scalar) -> Bool {
        (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
    }

    package static func containsBidiControls(_ text: String) -> Bool {
        text.unicodeScalars.contains { isBidiControl($0) }
    }

    /// NFC, trimmed of leading and trailing white space; with `collapsingSpaces`, inner runs of white space
    /// become one U+0020.
    package static func normalise(_ text: String, collapsingSpaces: Bool = false) -> String {
        let trivial = isTriviallyNFC(text)
        let nfc = trivial ? text : text.precomposedStringWithCanonicalMapping
        if collapsingSpaces {
            if trivial && isSingleSpaced(text) { return text }
            return nfc.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        }
        return trimmingWhiteSpace(nfc)
    }

    /// True when `text` (already known to be trivially NFC, see ``isTriviallyNFC(_:)``) has no white space but
    /// single U+0020s between other scalars, so collapsing would return it unchanged. In that range the only
    /// `White_Space` scalars are U+0009–U+000D, U+0020, U+0085 and U+00A0, and no scalar extends a grapheme, so
    /// each U+0020 is a `Character` of its own: splitting on white-space characters and joining with one space
    /// gives back the same string. Saves the grapheme walk of `split` for almost every name.
    static func isSingleSpaced(_ text: String) -> Bool {
        var previousWasSpace = true  // a leading space is not single-spaced
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x09...0x0D, 0x85, 0xA0: return false
            case 0x20:
                if previousWasSpace { return false }
                previousWasSpace = true
            default: previousWasSpace = false
            }
        }
        return !previousWasSpace  // empty or a trailing space
    }

    /// True when every scalar is below U+0300 or in Latin Extended Additional (U+1E00–U+1EFF). No such scalar
    /// decomposes differently under NFC or combines with a neighbour (UAX #15: all have `NFC_Quick_Check=Yes`),
    /// so the text is already NFC. Precomposed Vietnamese is always in these ranges; this fast path skips
    /// Foundation's normaliser, which dominated validation time.
    static func isTriviallyNFC(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { $0.value < 0x300 || (0x1E00...0x1EFF).contains($0.value) }
    }

    /// Removes leading and trailing scalars with the Unicode `White_Space` property (what
    /// `CharacterSet.whitespacesAndNewlines` holds, tab, line and paragraph separators included).
    static func trimmingWhiteSpace(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        if first == scalars.startIndex && last == scalars.index(before: scalars.endIndex) { return text }
        return String(scalars[first...last])
    }
}

import Foundation

/// The text rules every free-text field follows.
///
/// Vietnamese text arrives both precomposed and decomposed ("ễ" as U+1EC5 or as e + U+0302 + U+0303); stored and
/// signed text is always NFC (Unicode Standard Annex #15) so that names compare, index and print identically.
public enum TextNormalization {
    /// C0 controls U+0000–U+001F (tab, line feed and carriage return included), DEL U+007F, C1 U+0080–U+009F.
    public static func containsControlCharacters(_ text: String) -> Bool {
        text.unicodeScalars.contains { isControl($0) }
    }

    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    /// NFC, trimmed of leading and trailing white space; with `collapsingSpaces`, inner runs of white space
    /// become one U+0020.
    public static func normalise(_ text: String, collapsingSpaces: Bool = false) -> String {
        let nfc = text.precomposedStringWithCanonicalMapping
        if collapsingSpaces {
            return nfc.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        }
        return nfc.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

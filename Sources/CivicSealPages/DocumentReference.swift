import CivicSealRecords
import CivicSealWorkflow

/// What a verifier may type to find a document: its 26-character ID (printed beside the QR code as "Mã tài liệu /
/// Document ID"), or the number printed at the top ("Số / No.: N03RW44HBZ/2026/LLTP": the first ten characters of
/// the ID, the year of issue and the document family).
///
/// Typing is forgiven the way Crockford's base 32 intends: case, spaces and hyphens are ignored, `O` reads as `0`
/// and `I`/`L` as `1` (the alphabet has neither `I`, `L`, `O` nor `U`). Anything else is refused, never guessed:
/// a wrong length or a `U` is ``ParseError`` with a stable code.
enum DocumentReference: Equatable, Sendable {
    /// A well-formed 26-character document ID.
    case id(String)
    /// A printed number: the ID's first ten characters, the year and the family suffix.
    case number(prefix: String, year: Int, suffix: String)

    /// Why a typed reference is refused (the page shows each as its own message).
    enum ParseError: String, Error, Sendable {
        /// Nothing was typed.
        case empty = "document-reference.empty"
        /// A character that is in neither the alphabet nor its usual misreadings (e.g. `U`, `#`).
        case badCharacter = "document-reference.bad-character"
        /// A code that is not 26 characters long.
        case wrongLength = "document-reference.wrong-length"
        /// Something with slashes that is not `XXXXXXXXXX/YYYY/SUFFIX`.
        case badNumber = "document-reference.bad-number"
    }

    /// The family suffixes numbers end with (see the issuer's `DocumentRecordBuilder`).
    static let suffixes = ["LLTP", "GKSK", "SSK"]
    static let prefixLength = 10

    /// The printed number this reference stands for (`N03RW44HBZ/2026/LLTP`), for a number.
    var printedNumber: String? {
        guard case .number(let prefix, let year, let suffix) = self else { return nil }
        return "\(prefix)/\(year)/\(suffix)"
    }

    static func parse(_ typed: String) throws(ParseError) -> DocumentReference {
        var text = TextNormalization.normalise(typed, collapsingSpaces: true).uppercased()
        // "Số / No.: N03RW44HBZ/2026/LLTP" copied whole: keep what follows the label.
        if let colon = text.lastIndex(of: ":") { text = String(text[text.index(after: colon)...]) }
        text.removeAll { $0.isWhitespace || $0 == "-" }
        guard !text.isEmpty else { throw .empty }
        if text.contains("/") {
            let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 3, let prefix = try? code(parts[0]), prefix.count == prefixLength,
                parts[1].count == 4, parts[1].allSatisfy(\.isASCII), let year = Int(parts[1]),
                (2000...2999).contains(year),
                suffixes.contains(parts[2])
            else { throw .badNumber }
            return .number(prefix: prefix, year: year, suffix: parts[2])
        }
        let id = try code(text)
        guard id.count == 26, DocumentID.isValid(id) else { throw .wrongLength }
        return .id(id)
    }

    /// Crockford's reading of typed characters: digits and the alphabet as they are, `O` → `0`, `I`/`L` → `1`.
    static func code(_ text: String) throws(ParseError) -> String {
        var output = ""
        for character in text {
            switch character {
            case "O": output.append("0")
            case "I", "L": output.append("1")
            case "U": throw .badCharacter  // not in Crockford's alphabet
            case "0"..."9", "A"..."Z": output.append(character)
            default: throw .badCharacter
            }
        }
        return output
    }
}

/// A PDF value as the verifier reads it (ISO 32000-1 §7.3). Strings keep their position in the file so the
/// signature's `/Contents` can be matched against the `/ByteRange` hole.
enum PDFValue: Sendable {
    case null
    case boolean(Bool)
    case integer(Int)
    case real(Double)
    case name(String)
    /// Decoded bytes, whether it was a hexadecimal string, and where the string (delimiters included) lies in the file.
    case string([UInt8], hex: Bool, range: Range<Int>)
    /// The first ``PDFObjectScanner/retainedArrayItems`` items and how many the array held in all.
    case array([PDFValue], count: Int)
    case dictionary([String: PDFValue])
    case reference(Int)

    subscript(key: String) -> PDFValue? {
        if case .dictionary(let entries) = self { entries[key] } else { nil }
    }

    var dictionary: [String: PDFValue]? { if case .dictionary(let d) = self { d } else { nil } }
    var nameValue: String? { if case .name(let n) = self { n } else { nil } }
    var integerValue: Int? { if case .integer(let i) = self { i } else { nil } }
    var bytes: [UInt8]? { if case .string(let b, _, _) = self { b } else { nil } }
}

/// Why a file could not be read as a PDF; becomes the `structure` check's detail.
struct PDFStructureError: Error, Sendable {
    let message: String
    init(_ message: String) { self.message = message }
}

extension PDFValue {
    /// Whether two values mean the same (§7.3): strings by their bytes (hexadecimal or literal alike), numbers by
    /// value, arrays item by item, dictionaries key by key. How the value was written does not matter.
    func means(_ other: PDFValue) -> Bool {
        switch (self, other) {
        case (.null, .null): true
        case (.boolean(let a), .boolean(let b)): a == b
        case (.integer(let a), .integer(let b)): a == b
        case (.real(let a), .real(let b)): a == b
        case (.integer(let a), .real(let b)), (.real(let b), .integer(let a)): Double(a) == b
        case (.name(let a), .name(let b)): a == b
        case (.string(let a, _, _), .string(let b, _, _)): a == b
        case (.reference(let a), .reference(let b)): a == b
        case (.array(let a, let countA), .array(let b, let countB)):
            countA == countB && a.count == b.count && zip(a, b).allSatisfy { $0.means($1) }
        case (.dictionary(let a), .dictionary(let b)):
            a.count == b.count && a.allSatisfy { key, value in b[key].map { value.means($0) } ?? false }
        default: false
        }
    }

    /// The items of an array (all of them when it was read whole).
    var arrayItems: [PDFValue]? { if case .array(let items, _) = self { items } else { nil } }
    /// The object numbers an array refers to.
    var referencedNumbers: [Int] {
        (arrayItems ?? []).compactMap { if case .reference(let number) = $0 { number } else { nil } }
    }
}

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

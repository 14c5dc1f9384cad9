import Foundation

/// A PDF object (ISO 32000-1 §7.3). Dictionaries keep their key order so output is deterministic.
package indirect enum PDFObject: Sendable, Equatable {
    case null
    case boolean(Bool)
    case integer(Int)
    /// A real, written with at most three decimals (§7.3.3).
    case number(Double)
    /// A name without the leading slash (§7.3.5).
    case name(String)
    /// A literal string `( … )` of raw bytes (§7.3.4.2).
    case literalString([UInt8])
    /// A hexadecimal string `< … >` (§7.3.4.3).
    case hexString([UInt8])
    case array([PDFObject])
    case dictionary(PDFDictionary)
    /// An indirect reference `n 0 R` (§7.3.10); this writer always uses generation 0.
    case reference(Int)
    /// A fixed-width signature placeholder whose position the serializer records (see ``PDFSignatureLocation``).
    case placeholder(PDFPlaceholder)

    /// A text string (§7.9.2.2): PDFDocEncoding-compatible printable ASCII as a literal string, anything else as
    /// UTF-16BE with a byte order mark, so Vietnamese metadata survives exactly.
    package static func text(_ value: String) -> PDFObject {
        if value.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) {
            return .literalString(Array(value.utf8))
        }
        var bytes: [UInt8] = [0xFE, 0xFF]
        for unit in value.utf16 { bytes.appendUInt16(unit) }
        return .hexString(bytes)
    }

    /// A date string `D:YYYYMMDDHHmmSSZ` in UTC (§7.9.4).
    package static func date(_ date: Date) -> PDFObject { .literalString(Array(PDFDateFormat.pdf(date).utf8)) }

    /// A rectangle `[llx lly urx ury]` (§7.9.5).
    package static func rectangle(_ rect: PDFRect) -> PDFObject {
        .array([.number(rect.x), .number(rect.y), .number(rect.x + rect.width), .number(rect.y + rect.height)])
    }
}

/// Positions of fixed-width signature placeholders, recorded during serialization.
package struct PDFPlaceholder: Sendable, Equatable {
    enum Kind: Equatable {
        case byteRange
        case contents(capacity: Int)
    }

    let kind: Kind
}

/// An ordered PDF dictionary (§7.3.7).
package struct PDFDictionary: Sendable, Equatable {
    package private(set) var entries: [(key: String, value: PDFObject)]

    package init(_ entries: [(String, PDFObject)] = []) { self.entries = entries.map { (key: $0.0, value: $0.1) } }

    package subscript(key: String) -> PDFObject? {
        get { entries.first { $0.key == key }?.value }
        set {
            if let index = entries.firstIndex(where: { $0.key == key }) {
                if let newValue { entries[index].value = newValue } else { entries.remove(at: index) }
            } else if let newValue {
                entries.append((key: key, value: newValue))
            }
        }
    }

    package static func == (lhs: PDFDictionary, rhs: PDFDictionary) -> Bool {
        lhs.entries.count == rhs.entries.count
            && zip(lhs.entries, rhs.entries).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }
}

/// A rectangle in PDF user space (points, origin at the bottom left).
package struct PDFRect: Sendable, Equatable {
    package var x: Double
    package var y: Double
    package var width: Double
    package var height: Double

    package init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }
}

/// An indirect object's body: a plain object or a stream (§7.3.8).
enum PDFIndirectObject {
    case object(PDFObject)
    case stream(PDFDictionary, [UInt8])
    /// A stream whose data the file identifier covers through `digest`, a hash of what determines the data
    /// (an embedded font program: the font file and the glyph set), instead of through the data itself.
    case digestedStream(PDFDictionary, [UInt8], digest: [UInt8])
}

/// Date formats used in the Info dictionary (ISO 32000-1 §7.9.4) and XMP (ISO 8601), always in UTC.
package enum PDFDateFormat {
    /// UTC calendar fields of `date`, computed without Foundation's calendar (it dominates hot paths).
    package static func components(_ date: Date) -> (
        year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int
    ) {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400
        let secondOfDay = seconds - days * 86400
        // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day, secondOfDay / 3600, secondOfDay % 3600 / 60, secondOfDay % 60)
    }

    private static func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

    static func pdf(_ date: Date) -> String {
        let c = components(date)
        return "D:\(c.year)\(two(c.month))\(two(c.day))\(two(c.hour))\(two(c.minute))\(two(c.second))Z"
    }

    static func iso8601(_ date: Date) -> String {
        let c = components(date)
        return "\(c.year)-\(two(c.month))-\(two(c.day))T\(two(c.hour)):\(two(c.minute)):\(two(c.second))Z"
    }
}

import Foundation

/// What verification reads from an untrusted PDF: the signature dictionary to check and the metadata that
/// names the document. Built by ``PDFObjectScanner``; nothing here is trusted until the checks pass.
struct SignedPDF {
    /// One signature dictionary (ISO 32000-1 §12.8.1, Table 252).
    struct Signature {
        /// `/ByteRange` as written (any count; the `byte-range` check judges it); a long one is cut short.
        let byteRange: [Int]
        /// How many numbers `/ByteRange` holds, all of them.
        let byteRangeCount: Int
        /// Where the `/Contents` hexadecimal string lies in the file, angle brackets included.
        let contentsRange: Range<Int>
        /// The decoded `/Contents`: the DER CMS followed by zero padding.
        let contents: [UInt8]
        let subFilter: String?
        /// `/M`, the claimed signing time.
        let claimedTime: Date?
        let name: String?
    }

    let signature: Signature
    /// From XMP `civicseal:documentId`, else the first `/Keywords` entry of the Info dictionary.
    let documentID: String?
    /// The template id CivicSeal writes as the second `/Keywords` entry (e.g. `criminal-record-form-1`).
    let documentKind: String?

    /// Reads `bytes`; throws when the file is not a PDF or holds no usable signature dictionary.
    init(_ bytes: [UInt8]) throws(PDFStructureError) {
        var scanned = 0
        try self.init(bytes, bytesExamined: &scanned)
    }

    /// As ``init(_:)``, reporting how many bytes the scanner read (the linear-work bound the tests check).
    init(_ bytes: [UInt8], bytesExamined: inout Int) throws(PDFStructureError) {
        var best: Signature?
        // Dictionaries are judged as the scanner meets them: only the best signature so far is kept.
        let scanner = try PDFObjectScanner(bytes, bytesExamined: &bytesExamined) {
            dictionary throws(PDFStructureError) in
            // A signature value (`/Type /Sig`, or a dictionary with a byte range and contents), or a field or
            // merged field/widget with `/FT /Sig` whose `/V` is written inline.
            func consider(_ candidate: [String: PDFValue]) throws(PDFStructureError) {
                let type = candidate["Type"]?.nameValue
                guard type == "Sig" || (type == nil && candidate["ByteRange"] != nil) else { return }
                // Several signatures: verify the one covering the most (the last signed revision). One that covers no
                // more than the best so far is only checked for the errors that refuse the file, never built.
                if let best, case .array(let items, 4)? = candidate["ByteRange"], items.count == 4,
                    case .integer = items[0], case .integer = items[1], case .integer(let start) = items[2],
                    case .integer(let length) = items[3],
                    start &+ length <= Self.coveredEnd(best)
                {
                    if case .string(_, false, _)? = candidate["Contents"] {
                        throw PDFStructureError("/Contents is not a hexadecimal string")
                    }
                    return
                }
                guard let signature = try Self.signature(candidate) else { return }
                if best == nil || Self.coveredEnd(signature) > Self.coveredEnd(best!) { best = signature }
            }
            try consider(dictionary)
            if dictionary["FT"]?.nameValue == "Sig", let value = dictionary["V"]?.dictionary { try consider(value) }
        }
        guard let best else { throw PDFStructureError("no signature dictionary with /ByteRange and /Contents") }
        signature = best

        var identifier: String?
        var kind: String?
        if let info = scanner.resolve(scanner.trailer?["Info"])?.dictionary, let keywords = info["Keywords"]?.bytes {
            // A document id and a template id: the first kilobyte says all there is to say.
            let entries = Self.text(Array(keywords.prefix(1024))).split(separator: ",").map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            identifier = entries.first.flatMap { $0.isEmpty ? nil : $0 }
            if entries.count > 1, !entries[1].isEmpty { kind = entries[1] }
        }
        if let catalog = scanner.resolve(scanner.trailer?["Root"])?.dictionary,
            case .reference(let number)? = catalog["Metadata"],
            let stream = scanner.object(number), stream.value["Filter"] == nil, let range = stream.stream,
            let xmp = Self.element("civicseal:documentId", in: bytes[range])
        {
            identifier = xmp
        }
        documentID = identifier
        documentKind = kind
    }

    private static func coveredEnd(_ signature: Signature) -> Int {
        signature.byteRange.count == 4 ? signature.byteRange[2] &+ signature.byteRange[3] : 0
    }

    private static func signature(_ dictionary: [String: PDFValue]) throws(PDFStructureError) -> Signature? {
        guard case .array(let items, let count)? = dictionary["ByteRange"],
            case .string(let contents, let hex, let range)? = dictionary["Contents"]
        else {
            return nil
        }
        // The hole must be a hexadecimal string: a literal string could hide PDF syntax (§12.8.1 mandates hex).
        guard hex else { throw PDFStructureError("/Contents is not a hexadecimal string") }
        var byteRange: [Int] = []
        for item in items {
            guard case .integer(let value) = item else { throw PDFStructureError("/ByteRange holds a non-integer") }
            byteRange.append(value)
        }

        return Signature(
            byteRange: byteRange, byteRangeCount: count, contentsRange: range, contents: contents,
            subFilter: dictionary["SubFilter"]?.nameValue,
            claimedTime: dictionary["M"]?.bytes.flatMap { PDFDate.parse($0) },
            name: dictionary["Name"]?.bytes.map { text(Array($0.prefix(1024))) })
    }

    /// A PDF text string (§7.9.2.2): UTF-16BE with a byte order mark, UTF-8 with one (PDF 2.0), else PDFDocEncoding
    /// (read as Latin-1, which it equals for the characters metadata uses).
    static func text(_ bytes: [UInt8]) -> String {
        if bytes.count >= 2, bytes[0] == 0xFE, bytes[1] == 0xFF {
            var units: [UInt16] = []
            var index = 2
            while index + 1 < bytes.count {
                units.append(UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1]))
                index += 2
            }
            return String(decoding: units, as: UTF16.self)
        }
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
            return String(decoding: bytes.dropFirst(3), as: UTF8.self)
        }
        return String(bytes.map { Character(Unicode.Scalar($0)) })
    }

    /// The text of the first `<name>…</name>` element in an XMP packet, entities decoded; nil when absent or empty.
    static func element(_ name: String, in xml: ArraySlice<UInt8>) -> String? {
        let open = Array("<\(name)>".utf8)
        let close = Array("</\(name)>".utf8)
        let packet = Array(xml.prefix(1 << 20))
        guard let start = PDFObjectScanner.find(open, in: packet, from: 0),
            let end = PDFObjectScanner.find(close, in: packet, from: start + open.count)
        else { return nil }
        let value = String(decoding: packet[(start + open.count)..<end], as: UTF8.self)
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&").trimmingCharacters(in: .whitespacesAndNewlines)
        return value.isEmpty ? nil : value
    }
}

/// PDF dates (ISO 32000-1 §7.9.4): `D:YYYYMMDDHHmmSSOHH'mm'`, every part after the year optional.
enum PDFDate {
    static func parse(_ bytes: [UInt8]) -> Date? {
        guard bytes.count <= 64 else { return nil }  // `D:YYYYMMDDHHmmSS+HH'mm'` is 23 bytes
        var text = Substring(String(decoding: bytes, as: UTF8.self))
        if text.hasPrefix("D:") { text = text.dropFirst(2) }
        var index = text.startIndex
        func take(_ count: Int, default value: Int) -> Int? {
            guard text.distance(from: index, to: text.endIndex) >= count else { return value }
            let end = text.index(index, offsetBy: count)
            let part = text[index..<end]
            guard part.allSatisfy(\.isASCII), let number = Int(part) else { return nil }
            index = end
            return number
        }
        guard text.count >= 4, let year = take(4, default: 0), let month = take(2, default: 1),
            let day = take(2, default: 1),
            let hour = take(2, default: 0), let minute = take(2, default: 0), let second = take(2, default: 0),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 60
        else { return nil }
        var offset = 0
        if index < text.endIndex {
            let sign = text[index]
            index = text.index(after: index)
            if sign == "+" || sign == "-" {
                let digits = text[index...].filter(\.isNumber)
                let hours = Int(digits.prefix(2)) ?? 0
                let minutes = Int(digits.dropFirst(2).prefix(2)) ?? 0
                offset = (hours * 3600 + minutes * 60) * (sign == "+" ? 1 : -1)
            } else if sign != "Z" {
                return nil
            }
        }
        // Days since 1970-01-01 of the civil date (Howard Hinnant's algorithm), then the time of day.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        return Date(timeIntervalSince1970: TimeInterval(days * 86400 + hour * 3600 + minute * 60 + second - offset))
    }
}

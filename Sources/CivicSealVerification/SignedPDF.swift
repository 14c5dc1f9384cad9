import Foundation

/// What verification reads from an untrusted PDF: its revisions, every signature dictionary, and the metadata that
/// names the document. Built by ``PDFObjectScanner``; nothing here is trusted until the checks pass.
struct SignedPDF {
    /// At most this many signature dictionaries (approval signatures and document timestamps together).
    static let maximumSignatures = 16

    /// One signature dictionary (ISO 32000-1 §12.8.1, Table 252), or a document timestamp (ISO 32000-2 §12.8.5).
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
        /// `/Type /DocTimeStamp` (or `/SubFilter /ETSI.RFC3161`): a document timestamp, not an approval signature.
        let isDocumentTimeStamp: Bool
        /// The object holding the dictionary (the signature value, or the field when `/V` is written inline).
        let objectNumber: Int
        /// A FieldMDP transform locking every field (`/Action /All`) or a DocMDP one with `/P 1` in `/Reference`.
        var locksDocument: Bool
        /// The field's `/T`, when a field refers to this value.
        var fieldName: String?
        /// The index in ``SignedPDF/revisions`` of the revision the byte range ends with; nil when none.
        var revision: Int?

        /// Where the signed bytes end: the second range's end.
        var coveredEnd: Int { byteRange.count == 4 ? byteRange[2] &+ byteRange[3] : 0 }
    }

    /// One revision: the original file, then each incremental update (§7.5.6), as its `startxref … %%EOF` ends it.
    struct Revision {
        /// Where the revision ends: after `%%EOF` and one end-of-line marker.
        let end: Int
        /// Just after `%%EOF`.
        let endOfFileMarkerEnd: Int
        /// The offset `startxref` names.
        let crossReference: Int
        /// The revision's trailer (classic or cross-reference stream dictionary), retained entries only.
        let trailer: [String: PDFValue]?
    }

    /// Approval signatures and document timestamps, in the order they were made (by where their bytes end).
    let signatures: [Signature]
    let revisions: [Revision]
    let scanner: PDFObjectScanner
    /// From XMP `civicseal:documentId`, else the first `/Keywords` entry of the Info dictionary.
    let documentID: String?
    /// The template id CivicSeal writes as the second `/Keywords` entry (e.g. `criminal-record-form-1`).
    let documentKind: String?

    /// The signature that covers the most of the file (the last one made).
    var signature: Signature { signatures[signatures.count - 1] }

    /// Reads `bytes`; throws when the file is not a PDF or holds no usable signature dictionary.
    init(_ bytes: [UInt8]) throws(PDFStructureError) {
        var scanned = 0
        try self.init(bytes, bytesExamined: &scanned)
    }

    /// As ``init(_:)``, reporting how many bytes the scanner read (the linear-work bound the tests check).
    init(_ bytes: [UInt8], bytesExamined: inout Int) throws(PDFStructureError) {
        // Signature values by object number: a later definition of a number replaces the earlier (§7.5.6).
        var candidates: [Int: Signature] = [:]
        // Signature fields by object number: the value they refer to, their name and lock.
        var fields: [Int: (value: Int, name: String?, lock: PDFValue?)] = [:]
        let scanner = try PDFObjectScanner(bytes, bytesExamined: &bytesExamined) {
            dictionary, number throws(PDFStructureError) in
            // A signature value (`/Type /Sig` or `/DocTimeStamp`, or a dictionary with a byte range and contents),
            // or a field or merged field/widget with `/FT /Sig` whose `/V` is written inline.
            func consider(_ candidate: [String: PDFValue], field: [String: PDFValue]?) throws(PDFStructureError) {
                let type = candidate["Type"]?.nameValue
                guard type == "Sig" || type == "DocTimeStamp" || (type == nil && candidate["ByteRange"] != nil)
                else { return }
                guard var signature = try Self.signature(candidate, number: number) else { return }
                if let field {
                    signature.fieldName = field["T"]?.bytes.map { Self.text(Array($0.prefix(1024))) }
                    if Self.isLock(field["Lock"]?.dictionary) { signature.locksDocument = true }
                }
                candidates[number] = signature
                guard candidates.count <= Self.maximumSignatures else {
                    throw PDFStructureError("more than \(Self.maximumSignatures) signatures")
                }
            }
            if dictionary["FT"]?.nameValue == "Sig" {
                if let value = dictionary["V"]?.dictionary {
                    try consider(value, field: dictionary)
                } else if case .reference(let value)? = dictionary["V"] {
                    fields[number] = (
                        value, dictionary["T"]?.bytes.map { Self.text(Array($0.prefix(1024))) },
                        dictionary["Lock"]
                    )
                } else {
                    fields[number] = nil
                }
            } else {
                fields[number] = nil
                try consider(dictionary, field: nil)
            }
        }
        for (_, field) in fields {
            guard var signature = candidates[field.value] else { continue }
            signature.fieldName = signature.fieldName ?? field.name
            if Self.isLock(scanner.resolve(field.lock)?.dictionary) { signature.locksDocument = true }
            candidates[field.value] = signature
        }
        guard !candidates.isEmpty else {
            throw PDFStructureError("no signature dictionary with /ByteRange and /Contents")
        }

        // Each revision's trailer is the last one read inside it.
        var revisions: [Revision] = []
        var trailerIndex = 0
        var start = 0
        for end in scanner.revisionEnds {
            var trailer: [String: PDFValue]?
            while trailerIndex < scanner.trailers.count, scanner.trailers[trailerIndex].offset < end.keyword {
                if scanner.trailers[trailerIndex].offset >= start {
                    trailer = scanner.trailers[trailerIndex].dictionary
                }
                trailerIndex += 1
            }
            revisions.append(
                Revision(
                    end: end.end, endOfFileMarkerEnd: end.endOfFileMarkerEnd, crossReference: end.crossReference,
                    trailer: trailer))
            start = end.end
        }
        var signatures = candidates.values.sorted {
            ($0.coveredEnd, $0.objectNumber) < ($1.coveredEnd, $1.objectNumber)
        }
        for index in signatures.indices {
            let covered = signatures[index].coveredEnd
            signatures[index].revision = revisions.firstIndex {
                $0.end == covered || $0.endOfFileMarkerEnd == covered
            }
        }
        self.signatures = signatures
        self.revisions = revisions
        self.scanner = scanner

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

    /// A field lock (`/Type /SigFieldLock`) of every field, or one whose `/P` is 1 (ISO 32000-2 Table 237).
    static func isLock(_ lock: [String: PDFValue]?) -> Bool {
        guard let lock else { return false }
        return lock["Action"]?.nameValue == "All" || lock["P"]?.integerValue == 1
    }

    private static func signature(_ dictionary: [String: PDFValue], number: Int) throws(PDFStructureError)
        -> Signature?
    {
        guard case .array(let items, let count)? = dictionary["ByteRange"],
            case .string(let contents, let hex, let range)? = dictionary["Contents"]
        else {
            // A dictionary that says it is a signature but cannot be checked is a damaged signature, never one
            // to pass over: skipping it would let the rest of the file verify without it (§12.8.1, Table 252).
            if let type = dictionary["Type"]?.nameValue, type == "Sig" || type == "DocTimeStamp" {
                throw PDFStructureError("a /\(type) signature dictionary lacks /ByteRange or /Contents")
            }
            return nil
        }
        // The hole must be a hexadecimal string: a literal string could hide PDF syntax (§12.8.1 mandates hex).
        guard hex else { throw PDFStructureError("/Contents is not a hexadecimal string") }
        var byteRange: [Int] = []
        for item in items {
            guard case .integer(let value) = item else { throw PDFStructureError("/ByteRange holds a non-integer") }
            byteRange.append(value)
        }
        // A signature reference dictionary (Table 253): FieldMDP of all fields, or DocMDP forbidding changes.
        var locks = false
        for reference in dictionary["Reference"]?.arrayItems ?? [] {
            guard let transform = reference.dictionary else { continue }
            let parameters = transform["TransformParams"]?.dictionary
            switch transform["TransformMethod"]?.nameValue {
            case "FieldMDP":
                if parameters?["Action"]?.nameValue == "All" || parameters?["P"]?.integerValue == 1 { locks = true }
            case "DocMDP": if parameters?["P"]?.integerValue == 1 { locks = true }
            default: break
            }
        }
        let subFilter = dictionary["SubFilter"]?.nameValue
        return Signature(
            byteRange: byteRange, byteRangeCount: count, contentsRange: range, contents: contents,
            subFilter: subFilter,
            claimedTime: dictionary["M"]?.bytes.flatMap { PDFDate.parse($0) },
            name: dictionary["Name"]?.bytes.map { text(Array($0.prefix(1024))) },
            isDocumentTimeStamp: dictionary["Type"]?.nameValue == "DocTimeStamp" || subFilter == "ETSI.RFC3161",
            objectNumber: number, locksDocument: locks, fieldName: nil, revision: nil)
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

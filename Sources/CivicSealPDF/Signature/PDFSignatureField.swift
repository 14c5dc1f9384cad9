import Foundation

/// A signature form field with a placeholder signature dictionary (ISO 32000-1 §12.7.4.5, §12.8.1), written
/// so a signer can fill in the signature later without moving a byte:
///
/// - `/ByteRange` is reserved at fixed width and, once the file is complete, filled with
///   `[0 a b c]` where `a` is the offset of the `<` that opens `/Contents` and `b` the offset just after its `>`:
///   "the byte range shall cover the entire file, including the signature dictionary but excluding the
///   signature value itself", i.e. exactly the hexadecimal string including its angle brackets (§12.8.1).
/// - `/Contents` is a hexadecimal string of `2 × contentsCapacity` zeros; the DER-encoded CMS
///   (`/SubFilter /ETSI.CAdES.detached`, ETSI EN 319 142-1) is written over its start, the rest stays zero.
///
/// The field is a merged field/widget annotation (§12.5.6.19, §12.7.4.5) on ``pageIndex``; with a ``rect`` and
/// an ``appearance`` it is visible, otherwise its rectangle is `[0 0 0 0]`.
package struct PDFSignatureField: Sendable {
    /// Text and font of a visible signature appearance (a form XObject, §12.5.5).
    package struct Appearance: Sendable {
        package var font: TrueTypeFont
        package var size: Double
        /// Lines to show; when nil: "Ký bởi / Signed by: <signer>" and "Thời gian / Time: <signing time UTC>".
        package var lines: [String]?

        package init(font: TrueTypeFont, size: Double = 7, lines: [String]? = nil) {
            self.font = font
            self.size = size
            self.lines = lines
        }
    }

    package var fieldName: String
    package var pageIndex: Int
    /// The widget rectangle in page coordinates; nil for an invisible signature.
    package var rect: PDFRect?
    package var appearance: Appearance?
    /// Bytes reserved for the DER-encoded CMS; `/Contents` holds twice as many hex digits.
    package var contentsCapacity: Int
    /// `/M`: the signing time claimed in the dictionary (the CMS signing-time or none for PAdES B-B).
    package var signingTime: Date
    package var signerName: String?
    package var reason: String?
    package var location: String?

    package init(
        fieldName: String = "Signature1", pageIndex: Int = 0, rect: PDFRect? = nil, appearance: Appearance? = nil,
        contentsCapacity: Int = 8192, signingTime: Date, signerName: String? = nil, reason: String? = nil,
        location: String? = nil
    ) {
        self.fieldName = fieldName
        self.pageIndex = pageIndex
        self.rect = rect
        self.appearance = appearance
        self.contentsCapacity = contentsCapacity
        self.signingTime = signingTime
        self.signerName = signerName
        self.reason = reason
        self.location = location
    }

    func signatureDictionary() -> PDFDictionary {
        var dictionary = PDFDictionary([
            ("Type", .name("Sig")), ("Filter", .name("Adobe.PPKLite")), ("SubFilter", .name("ETSI.CAdES.detached")),
            ("ByteRange", .placeholder(PDFPlaceholder(kind: .byteRange))),
            ("Contents", .placeholder(PDFPlaceholder(kind: .contents(capacity: contentsCapacity)))),
            ("M", .date(signingTime)),
        ])
        if let signerName { dictionary["Name"] = .text(signerName) }
        if let reason { dictionary["Reason"] = .text(reason) }
        if let location { dictionary["Location"] = .text(location) }
        return dictionary
    }

    func appearancePage(rect: PDFRect, style: Appearance) -> PDFPage {
        var page = PDFPage(width: rect.width, height: rect.height)
        page.strokeRectangle(
            PDFRect(x: 0.5, y: 0.5, width: rect.width - 1, height: rect.height - 1), width: 0.75,
            color: .rgb(0.1, 0.3, 0.6))
        let c = PDFDateFormat.components(signingTime)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let time = "\(two(c.day))/\(two(c.month))/\(c.year) \(two(c.hour)):\(two(c.minute)):\(two(c.second)) UTC"
        let lines = style.lines ?? ["Ký bởi / Signed by: \(signerName ?? "")", "Thời gian / Time: \(time)"]
        page.paragraph(
            lines.joined(separator: "\n"), font: style.font, size: style.size, x: 4, top: rect.height - 4,
            width: rect.width - 8,
            color: .rgb(0.1, 0.3, 0.6))
        return page
    }
}

/// Where the signature placeholders of a rendered file sit (byte offsets into ``PDFFile/bytes``).
package struct PDFSignatureLocation: Sendable, Equatable {
    /// The `/Contents` hexadecimal string, from its `<` up to and including its `>`.
    package let contents: Range<Int>
    /// The `/ByteRange` array from `[` to `]` (already filled in, space-padded to its reserved width).
    package let byteRangeArray: Range<Int>
    /// The four `/ByteRange` numbers: `[0, contents.lowerBound, contents.upperBound, length − contents.upperBound]`.
    package let byteRange: [Int]

    /// The most CMS bytes that fit.
    package var capacity: Int { (contents.count - 2) / 2 }

    /// The bytes a signature covers: the file without the `/Contents` string (§12.8.1).
    package func signedBytes(of file: [UInt8]) -> [UInt8] {
        Array(file[byteRange[0]..<(byteRange[0] + byteRange[1])])
            + Array(file[byteRange[2]..<(byteRange[2] + byteRange[3])])
    }

    /// Writes `signature` (DER) as hex into the `/Contents` placeholder, zero-padded; no byte moves.
    package func embed(_ signature: [UInt8], into file: inout [UInt8]) throws(PDFError) {
        guard signature.count <= capacity else {
            throw PDFError(.signatureTooLarge, "signature of \(signature.count) bytes exceeds the reserved \(capacity)")
        }
        guard contents.upperBound <= file.count, file[contents.lowerBound] == UInt8(ascii: "<"),
            file[contents.upperBound - 1] == UInt8(ascii: ">")
        else {
            throw PDFError(.malformedDocument, "no /Contents placeholder at \(contents)")
        }
        var hex: [UInt8] = []
        hex.reserveCapacity(2 * signature.count)
        for byte in signature { hex.appendHex8(byte) }
        file.replaceSubrange((contents.lowerBound + 1)..<(contents.lowerBound + 1 + hex.count), with: hex)
    }
}

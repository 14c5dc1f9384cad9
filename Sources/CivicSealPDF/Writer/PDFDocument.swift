import Foundation

/// What the document information dictionary (ISO 32000-1 §14.3.3) and the XMP metadata stream (§14.3.2) say.
/// Dates are always injected: rendering never reads the clock.
package struct PDFDocumentInfo: Sendable {
    package var title: String
    /// The issuing department (`/Author`, `dc:creator`).
    package var author: String
    package var subject: String
    package var keywords: [String]
    /// CivicSeal's document id, also written to `/Keywords` and `civicseal:documentId`.
    package var documentID: String
    package var creationDate: Date
    /// Defaults to the creation date.
    package var modificationDate: Date?
    /// The natural language of the text (`/Lang` in the catalog, §14.9.2).
    package var language: String

    package init(
        title: String, author: String, subject: String = "", keywords: [String] = [], documentID: String,
        creationDate: Date,
        modificationDate: Date? = nil, language: String = "vi-VN"
    ) {
        self.title = title
        self.author = author
        self.subject = subject
        self.keywords = keywords
        self.documentID = documentID
        self.creationDate = creationDate
        self.modificationDate = modificationDate
        self.language = language
    }
}

/// A PDF 1.7 document built from ``PDFPage``s; ``render()`` produces deterministic bytes: the same pages, info
/// and dates give the same file, including the `/ID` (derived from a SHA-256 of the body, §14.4, see
/// `PDFSerializer.fileIdentifier()`).
package struct PDFDocument: Sendable {
    package var info: PDFDocumentInfo
    package var pages: [PDFPage]
    /// An optional signature field with a placeholder signature dictionary (see ``PDFSignatureField``).
    package var signatureField: PDFSignatureField?

    package init(info: PDFDocumentInfo, pages: [PDFPage] = [], signatureField: PDFSignatureField? = nil) {
        self.info = info
        self.pages = pages
        self.signatureField = signatureField
    }

    /// Serializes the document: header, objects in number order, a classic cross-reference table and trailer.
    package func render() -> PDFFile {
        var table = PDFObjectTable()
        let catalog = table.allocate()
        let pagesRoot = table.allocate()
        let infoNumber = table.allocate()
        let metadata = table.allocate()
        let pageNumbers = pages.map { _ in (page: table.allocate(), content: table.allocate()) }

        // Fonts are shared by all pages (and the signature appearance): one Type0 font per TrueTypeFont.
        var appearance: PDFPage?
        if let field = signatureField, let rect = field.rect, let style = field.appearance {
            appearance = field.appearancePage(rect: rect, style: style)
        }
        var fontUses: [FontUse] = []
        for page in pages + (appearance.map { [$0] } ?? []) {
            for use in page.fonts {
                if let index = fontUses.firstIndex(where: { $0.font === use.font }) {
                    fontUses[index].merge(use)
                } else {
                    fontUses.append(use)
                }
            }
        }
        let embedded = fontUses.map(EmbeddedFont.init)
        /// The subsets for `page.fonts`, in its resource order.
        func subsets(_ page: PDFPage) -> [CompressedSubset] {
            page.fonts.map { use in embedded[fontUses.firstIndex { $0.font === use.font }!].subset }
        }
        let fontNumbers = fontUses.map { _ in table.allocate() }
        func fontResources(_ page: PDFPage) -> PDFObject {
            .dictionary(
                PDFDictionary(
                    page.fonts.enumerated().map { index, use in
                        ("F\(index + 1)", .reference(fontNumbers[fontUses.firstIndex { $0.font === use.font }!]))
                    }))
        }

        var annotations = Array(repeating: [Int](), count: pages.count)
        var acroForm: PDFObject?
        if let field = signatureField, pages.indices.contains(field.pageIndex) {
            let widget = table.allocate()
            let value = table.allocate()
            annotations[field.pageIndex].append(widget)
            acroForm = .dictionary(
                PDFDictionary([("Fields", .array([.reference(widget)])), ("SigFlags", .integer(3))]))
            table.put(value, .object(.dictionary(field.signatureDictionary())))
            var widgetDictionary = PDFDictionary([
                ("Type", .name("Annot")), ("Subtype", .name("Widget")), ("FT", .name("Sig")),
                ("T", .text(field.fieldName)),
                ("V", .reference(value)), ("F", .integer(132)),  // Print + Locked (§12.5.3)
                ("P", .reference(pageNumbers[field.pageIndex].page)),
                ("Rect", .rectangle(field.rect ?? PDFRect(x: 0, y: 0, width: 0, height: 0))),
            ])
            if let appearance, let rect = field.rect {
                let stream = table.allocate()
                widgetDictionary["AP"] = .dictionary(PDFDictionary([("N", .reference(stream))]))
                table.put(
                    stream,
                    .stream(
                        PDFDictionary([
                            ("Type", .name("XObject")), ("Subtype", .name("Form")),
                            ("BBox", .rectangle(PDFRect(x: 0, y: 0, width: rect.width, height: rect.height))),
                            ("Resources", .dictionary(PDFDictionary([("Font", fontResources(appearance))]))),
                            ("Filter", .name("FlateDecode")),
                        ]), Deflate.zlib(appearance.content(renumberedFor: subsets(appearance)))))
            }
            table.put(widget, .object(.dictionary(widgetDictionary)))
        }

        for (index, page) in pages.enumerated() {
            table.put(
                pageNumbers[index].page,
                .object(
                    .dictionary(
                        PDFPageDictionary.make(
                            parent: pagesRoot, width: page.width, height: page.height, fonts: fontResources(page),
                            contents: [pageNumbers[index].content], annotations: annotations[index]))))
            table.put(
                pageNumbers[index].content,
                .stream(
                    PDFDictionary([("Filter", .name("FlateDecode"))]),
                    Deflate.zlib(page.content(renumberedFor: subsets(page)))))
        }
        for (index, font) in embedded.enumerated() { PDFFontEmitter.emit(font, as: fontNumbers[index], into: &table) }

        table.put(infoNumber, .object(.dictionary(info.dictionary())))
        table.put(
            metadata,
            .stream(PDFDictionary([("Type", .name("Metadata")), ("Subtype", .name("XML"))]), Array(info.xmp().utf8)))
        table.put(
            pagesRoot,
            .object(
                .dictionary(
                    PDFDictionary([
                        ("Type", .name("Pages")), ("Kids", .array(pageNumbers.map { .reference($0.page) })),
                        ("Count", .integer(pages.count)),
                    ]))))
        var catalogDictionary = PDFDictionary([
            ("Type", .name("Catalog")), ("Pages", .reference(pagesRoot)), ("Metadata", .reference(metadata)),
            ("Lang", .text(info.language)),
        ])
        if let acroForm { catalogDictionary["AcroForm"] = acroForm }
        table.put(catalog, .object(.dictionary(catalogDictionary)))

        var serializer = PDFSerializer()
        serializer.writeHeader()
        for number in 1..<table.next { serializer.write(number, table.objects[number]!) }
        let identifier = serializer.fileIdentifier()
        serializer.writeCrossReference(
            includeFreeHead: true,
            trailer: PDFDictionary([
                ("Size", .integer(table.next)), ("Root", .reference(catalog)), ("Info", .reference(infoNumber)),
                ("ID", .array([.hexString(identifier), .hexString(identifier)])),
            ]))
        var location: PDFSignatureLocation?
        if let values = serializer.patchByteRange(), let contents = serializer.contentsPosition,
            let byteRange = serializer.byteRangePosition
        {
            location = PDFSignatureLocation(contents: contents, byteRangeArray: byteRange, byteRange: values)
        }
        let structure = PDFStructure(
            catalog: catalog, info: infoNumber, pagesRoot: pagesRoot, objectCount: table.next,
            pages: pages.enumerated().map { index, page in
                PDFStructure.Page(
                    object: pageNumbers[index].page, width: page.width, height: page.height,
                    contents: [pageNumbers[index].content],
                    fonts: page.fonts.enumerated().map { fontIndex, use in
                        PDFStructure.FontResource(
                            name: "F\(fontIndex + 1)",
                            object: fontNumbers[fontUses.firstIndex { $0.font === use.font }!])
                    }, annotations: annotations[index])
            })
        return PDFFile(bytes: serializer.bytes, signature: location, structure: structure)
    }
}

/// A rendered PDF with what later steps need to know about it.
package struct PDFFile: Sendable {
    package let bytes: [UInt8]
    /// Where the signature placeholders are, when the document has a ``PDFSignatureField``.
    package let signature: PDFSignatureLocation?
    /// Object numbers of the catalog, pages and their resources, for incremental updates.
    package let structure: PDFStructure
}

/// The object numbers of a file written by ``PDFDocument``, so an incremental update (§7.5.6) can replace
/// a page object (e.g. to add a content stream) without parsing the file.
package struct PDFStructure: Sendable {
    package struct FontResource: Sendable {
        package let name: String
        package let object: Int
    }

    package struct Page: Sendable {
        package let object: Int
        package let width: Double
        package let height: Double
        package let contents: [Int]
        package let fonts: [FontResource]
        package let annotations: [Int]
    }

    package let catalog: Int
    package let info: Int
    package let pagesRoot: Int
    /// The trailer's `/Size`: one more than the highest object number.
    package let objectCount: Int
    package let pages: [Page]
}

/// Objects of a new file, numbered from 1.
struct PDFObjectTable: PDFObjectSink {
    var next = 1
    var objects: [Int: PDFIndirectObject] = [:]

    mutating func allocate() -> Int {
        defer { next += 1 }
        return next
    }

    mutating func put(_ number: Int, _ object: PDFIndirectObject) { objects[number] = object }
}

enum PDFPageDictionary {
    static func make(parent: Int, width: Double, height: Double, fonts: PDFObject, contents: [Int], annotations: [Int])
        -> PDFDictionary
    {
        var dictionary = PDFDictionary([
            ("Type", .name("Page")), ("Parent", .reference(parent)),
            ("MediaBox", .rectangle(PDFRect(x: 0, y: 0, width: width, height: height))),
            ("Resources", .dictionary(PDFDictionary([("Font", fonts)]))),
            ("Contents", contents.count == 1 ? .reference(contents[0]) : .array(contents.map { .reference($0) })),
        ])
        if !annotations.isEmpty { dictionary["Annots"] = .array(annotations.map { .reference($0) }) }
        return dictionary
    }
}

extension PDFDocumentInfo {
    func dictionary() -> PDFDictionary {
        let keywords = ([documentID] + self.keywords).joined(separator: ", ")
        return PDFDictionary([
            ("Title", .text(title)), ("Author", .text(author)), ("Subject", .text(subject)),
            ("Keywords", .text(keywords)),
            ("Creator", .text("CivicSeal")), ("Producer", .text("CivicSeal")),
            ("CreationDate", .date(creationDate)), ("ModDate", .date(modificationDate ?? creationDate)),
        ])
    }

    /// The XMP packet (ISO 16684-1) mirroring the Info dictionary, plus `civicseal:documentId`.
    func xmp() -> String {
        let keywords = ([documentID] + self.keywords).joined(separator: ", ")
        return """
            <?xpacket begin="\u{FEFF}" id="W5M0MpCehiHzreSzNTczkc9d"?>
            <x:xmpmeta xmlns:x="adobe:ns:meta/">
            <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
            <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"
            xmlns:pdf="http://ns.adobe.com/pdf/1.3/" xmlns:xmp="http://ns.adobe.com/xap/1.0/"
            xmlns:civicseal="https://civicseal.gov.vn/ns/document/1.0/">
            <dc:format>application/pdf</dc:format>
            <dc:title><rdf:Alt><rdf:li xml:lang="x-default">\(xmlEscaped(title))</rdf:li></rdf:Alt></dc:title>
            <dc:creator><rdf:Seq><rdf:li>\(xmlEscaped(author))</rdf:li></rdf:Seq></dc:creator>
            <dc:description><rdf:Alt><rdf:li
            xml:lang="x-default">\(xmlEscaped(subject))</rdf:li></rdf:Alt></dc:description>
            <pdf:Producer>CivicSeal</pdf:Producer>
            <pdf:Keywords>\(xmlEscaped(keywords))</pdf:Keywords>
            <xmp:CreatorTool>CivicSeal</xmp:CreatorTool>
            <xmp:CreateDate>\(PDFDateFormat.iso8601(creationDate))</xmp:CreateDate>
            <xmp:ModifyDate>\(PDFDateFormat.iso8601(modificationDate ?? creationDate))</xmp:ModifyDate>
            <xmp:MetadataDate>\(PDFDateFormat.iso8601(modificationDate ?? creationDate))</xmp:MetadataDate>
            <civicseal:documentId>\(xmlEscaped(documentID))</civicseal:documentId>
            </rdf:Description>
            </rdf:RDF>
            </x:xmpmeta>
            <?xpacket end="w"?>
            """
    }
}

/// `text` safe inside XML character data and attribute values.
func xmlEscaped(_ text: String) -> String {
    var result = ""
    result.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
        switch scalar {
        case "&": result += "&amp;"
        case "<": result += "&lt;"
        case ">": result += "&gt;"
        case "\"": result += "&quot;"
        case "'": result += "&apos;"
        default:
            // Control characters other than tab/newline are not allowed in XML 1.0; drop them.
            if scalar.value < 0x20, scalar != "\t", scalar != "\n" { continue }
            result.unicodeScalars.append(scalar)
        }
    }
    return result
}

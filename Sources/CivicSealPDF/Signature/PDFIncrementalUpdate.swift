/// An incremental update (ISO 32000-1 §7.5.6): new and replaced objects appended after the original bytes,
/// followed by a cross-reference section for just those objects and a trailer whose `/Prev` points at the
/// previous section. The original bytes are never changed, so an earlier signature's byte range still
/// covers exactly what it covered (§12.8.1; a verifier must notice what the update changes).
///
/// Works on files with classic cross-reference tables and trailers, as ``PDFDocument`` and this type write them,
/// however many updates they already carry: objects are found through the `/Prev` chain and dictionaries are
/// copied whole, with only the entries an operation changes replaced.
package struct PDFIncrementalUpdate: Sendable {
    package let original: [UInt8]
    /// The trailer `/Size` of the original; new objects are numbered from here.
    package let originalSize: Int
    let previousCrossReference: Int
    let root: Int
    let info: Int?
    let firstIdentifier: [UInt8]?
    let crossReference: PDFCrossReference
    private var next: Int
    private var objects: [Int: PDFIndirectObjectBox] = [:]
    /// Whether this update already holds a signature placeholder (one per revision: a signature covers the
    /// whole file up to its own revision, so two placeholders in one update could not both be filled).
    var hasPlaceholder = false

    /// Reads the cross-reference chain of `original` (every section, through `/Prev`) and its newest trailer.
    package init(appendingTo original: [UInt8]) throws(PDFError) {
        self.original = original
        let crossReference = try PDFCrossReference(bytes: original)
        let trailer = crossReference.trailer
        guard case .integer(let size)? = trailer["Size"], size > 0, size <= PDFCrossReference.maximumObjectNumber + 1
        else { throw PDFError(.malformedDocument, "trailer lacks a valid /Size") }
        guard case .reference(let root)? = trailer["Root"] else {
            throw PDFError(.malformedDocument, "trailer lacks /Root")
        }
        guard case .dictionary(let catalog)? = try crossReference.object(root).map(Self.value),
            catalog["Pages"] != nil
        else { throw PDFError(.malformedDocument, "no document catalog") }
        if case .reference(let info)? = trailer["Info"] { self.info = info } else { info = nil }
        if case .array(let identifiers)? = trailer["ID"], case .hexString(let first)? = identifiers.first {
            firstIdentifier = first
        } else {
            firstIdentifier = nil
        }
        self.crossReference = crossReference
        self.root = root
        originalSize = size
        previousCrossReference = crossReference.newestSection
        next = max(size, (crossReference.offsets.keys.max() ?? 0) + 1)
    }

    /// How many cross-reference sections (revisions) the original has.
    package var revisionCount: Int { crossReference.sectionCount }

    /// The current value of object `number`: this update's version if it set one, otherwise the newest in the
    /// file; a stream's dictionary for a stream; nil when there is no such object.
    package func object(_ number: Int) throws(PDFError) -> PDFObject? {
        try indirectObject(number).map(Self.value)
    }

    func indirectObject(_ number: Int) throws(PDFError) -> PDFIndirectObject? {
        if let pending = objects[number] { return pending.object }
        return try crossReference.object(number)
    }

    static func value(_ object: PDFIndirectObject) -> PDFObject {
        switch object {
        case .object(let value): value
        case .stream(let dictionary, _), .digestedStream(let dictionary, _, _): .dictionary(dictionary)
        }
    }

    /// `object` itself, or what it refers to (following at most a few references).
    func resolve(_ object: PDFObject?) throws(PDFError) -> PDFObject? {
        var current = object
        var hops = 0
        while case .reference(let number)? = current {
            hops += 1
            guard hops <= 8 else { throw PDFError(.malformedDocument, "reference chain too long") }
            current = try self.object(number)
        }
        return current
    }

    /// The dictionary object `number`, or a typed error naming `what` it should be.
    func dictionary(_ number: Int, _ what: String) throws(PDFError) -> PDFDictionary {
        guard case .dictionary(let dictionary)? = try object(number) else {
            throw PDFError(.malformedDocument, "\(what) (object \(number)) is not a dictionary")
        }
        return dictionary
    }

    /// The page objects in document order, from the catalog's page tree (§7.7.3), bounded in depth and count.
    package func pageObjects() throws(PDFError) -> [Int] {
        let catalog = try dictionary(root, "the catalog")
        guard case .reference(let pagesRoot)? = catalog["Pages"] else {
            throw PDFError(.malformedDocument, "the catalog has no /Pages reference")
        }
        var pages: [Int] = []
        var visited = Set<Int>()
        func walk(_ number: Int, depth: Int) throws(PDFError) {
            guard depth < 32, visited.insert(number).inserted, visited.count <= 100_000 else {
                throw PDFError(.malformedDocument, "page tree too deep, too large or cyclic")
            }
            let node = try dictionary(number, "a page tree node")
            if case .name("Page")? = node["Type"] {
                pages.append(number)
                return
            }
            guard case .array(let kids)? = try resolve(node["Kids"]) else {
                throw PDFError(.malformedDocument, "page tree node \(number) without /Kids")
            }
            for kid in kids {
                guard case .reference(let child) = kid else {
                    throw PDFError(.malformedDocument, "page tree kid is not a reference")
                }
                try walk(child, depth: depth + 1)
            }
        }
        try walk(pagesRoot, depth: 0)
        return pages
    }

    /// A fresh object number.
    package mutating func allocate() -> Int {
        defer { next += 1 }
        return next
    }

    /// Adds or replaces object `number` with `object`.
    package mutating func set(_ number: Int, _ object: PDFObject) {
        objects[number] = PDFIndirectObjectBox(.object(object))
    }

    /// Adds or replaces object `number` with a stream; `compress` applies `/FlateDecode`.
    package mutating func setStream(
        _ number: Int, dictionary: PDFDictionary = PDFDictionary(), data: [UInt8], compress: Bool = true
    ) {
        var dictionary = dictionary
        if compress { dictionary["Filter"] = .name("FlateDecode") }
        objects[number] = PDFIndirectObjectBox(.stream(dictionary, compress ? Deflate.zlib(data) : data))
    }

    /// Replaces page `pageIndex` of `structure` with one whose content is the old content followed by what
    /// `overlay` draws (its fonts are embedded as new subset fonts).
    package mutating func addOverlay(_ overlay: PDFPage, onPage pageIndex: Int, of structure: PDFStructure) {
        let page = structure.pages[pageIndex]
        var fontEntries = page.fonts.map { ($0.name, PDFObject.reference($0.object)) }
        let embedded = overlay.fonts.map(EmbeddedFont.init)
        for (index, font) in embedded.enumerated() {
            let number = allocate()
            PDFFontEmitter.emit(font, as: number, into: &self)
            fontEntries.append(("U\(originalSize)F\(index + 1)", .reference(number)))
        }
        // The overlay was written with resource names F1, F2…; rename them so they cannot clash.
        var content = overlay.content(renumberedFor: embedded.map(\.subset))
        if !overlay.fonts.isEmpty {
            content = Self.renameFonts(content, count: overlay.fonts.count, prefix: "U\(originalSize)F")
        }
        let contentNumber = allocate()
        setStream(contentNumber, data: content)
        // Amend the page as it stands (every other entry kept); fall back to the structure's picture of it.
        if case .dictionary(var current)? = try? object(page.object),
            case .dictionary(var resources)? = try? resolve(current["Resources"]),
            let contents = try? Self.contentReferences(current["Contents"], in: self)
        {
            var fonts = PDFDictionary()
            if case .dictionary(let existing)? = try? resolve(resources["Font"]) { fonts = existing }
            for entry in fontEntries where fonts[entry.0] == nil { fonts[entry.0] = entry.1 }
            resources["Font"] = .dictionary(fonts)
            current["Resources"] = .dictionary(resources)
            current["Contents"] = .array((contents + [contentNumber]).map { .reference($0) })
            set(page.object, .dictionary(current))
            return
        }
        set(
            page.object,
            .dictionary(
                PDFPageDictionary.make(
                    parent: structure.pagesRoot, width: page.width, height: page.height,
                    fonts: .dictionary(PDFDictionary(fontEntries)),
                    contents: page.contents + [contentNumber], annotations: page.annotations)))
    }

    /// The content streams of a page's `/Contents`: one stream, an array, or a reference to an array (§7.7.3.3).
    static func contentReferences(_ contents: PDFObject?, in update: PDFIncrementalUpdate) throws(PDFError) -> [Int] {
        switch contents {
        case nil: return []
        case .reference(let number)?:
            if case .array(let items)? = try update.object(number) {
                return try contentReferences(.array(items), in: update)
            }
            return [number]
        case .array(let items)?:
            var numbers: [Int] = []
            for item in items {
                guard case .reference(let number) = item else {
                    throw PDFError(.malformedDocument, "a page content is not a stream reference")
                }
                numbers.append(number)
            }
            return numbers
        default: throw PDFError(.malformedDocument, "the page's /Contents is not a stream or an array")
        }
    }

    /// The original bytes followed by the update.
    package func serialized() -> [UInt8] { serializer().bytes }

    /// The original bytes followed by the update, with the signature placeholder this update added located
    /// and its `/ByteRange` filled in (§12.8.1): ready for ``PDFSignatureLocation/embed(_:into:)``.
    package func serializedForSigning() throws(PDFError) -> PDFFile {
        var serializer = serializer()
        guard let values = serializer.patchByteRange(), let contents = serializer.contentsPosition,
            let byteRange = serializer.byteRangePosition
        else { throw PDFError(.invalidArgument, "this update adds no signature placeholder") }
        let location = PDFSignatureLocation(contents: contents, byteRangeArray: byteRange, byteRange: values)
        return PDFFile(bytes: serializer.bytes, signature: location, structure: try structure())
    }

    private func serializer() -> PDFSerializer {
        var serializer = PDFSerializer(startingWith: original)
        if original.last != 0x0A { serializer.bytes.append(0x0A) }
        for number in objects.keys.sorted() { serializer.write(number, objects[number]!.object) }
        // The second /ID half changes with every update (§14.4): a hash of the original's length and identifier
        // and of what this update appends (placeholders and font programs through their stand-ins); the original
        // bytes are fixed by the first two, and not hashed again.
        var salt: [UInt8] = []
        salt.appendInteger(original.count)
        let identifier = serializer.fileIdentifier(from: original.count, salt: salt + (firstIdentifier ?? []))
        var trailer = PDFDictionary([("Size", .integer(max(next, originalSize))), ("Root", .reference(root))])
        if let info { trailer["Info"] = .reference(info) }
        trailer["ID"] = .array([.hexString(firstIdentifier ?? identifier), .hexString(identifier)])
        trailer["Prev"] = .integer(previousCrossReference)
        serializer.writeCrossReference(includeFreeHead: false, trailer: trailer)
        return serializer
    }

    private static func renameFonts(_ content: [UInt8], count: Int, prefix: String) -> [UInt8] {
        // Font selections are written by PDFPage as "/F<n> <size> Tf"; text is hex, so "/F" appears nowhere else.
        var result: [UInt8] = []
        result.reserveCapacity(content.count + 64)
        var index = 0
        while index < content.count {
            if content[index] == UInt8(ascii: "/"), index + 1 < content.count, content[index + 1] == UInt8(ascii: "F") {
                result.append(UInt8(ascii: "/"))
                result.append(contentsOf: Array(prefix.utf8))
                index += 2
                continue
            }
            result.append(content[index])
            index += 1
        }
        return result
    }
}

extension PDFIncrementalUpdate: PDFObjectSink {
    mutating func put(_ number: Int, _ object: PDFIndirectObject) { objects[number] = PDFIndirectObjectBox(object) }
}

/// `PDFIndirectObject` is internal; this keeps the public struct's stored property type internal too.
struct PDFIndirectObjectBox: @unchecked Sendable {  // holds only value types ([UInt8], PDFObject, PDFDictionary)
    let object: PDFIndirectObject
    init(_ object: PDFIndirectObject) { self.object = object }
}

extension PDFIncrementalUpdate {
    /// The object numbers of the document as this update leaves it, for a later update or overlay.
    func structure() throws(PDFError) -> PDFStructure {
        let catalog = try dictionary(root, "the catalog")
        guard case .reference(let pagesRoot)? = catalog["Pages"] else {
            throw PDFError(.malformedDocument, "the catalog has no /Pages reference")
        }
        func references(_ object: PDFObject?) throws(PDFError) -> [Int] {
            switch try resolve(object) {
            case .reference(let number)?: return [number]
            case .array(let items)?:
                return items.compactMap { if case .reference(let number) = $0 { number } else { nil } }
            default: return []
            }
        }
        var pages: [PDFStructure.Page] = []
        for number in try pageObjects() {
            let page = try dictionary(number, "a page")
            var box: [Double] = [0, 0, 612, 792]
            if case .array(let values)? = try resolve(page["MediaBox"]), values.count == 4 {
                box = values.map {
                    switch $0 {
                    case .integer(let value): Double(value)
                    case .number(let value): value
                    default: 0
                    }
                }
            }
            var fonts: [PDFStructure.FontResource] = []
            if case .dictionary(let resources)? = try resolve(page["Resources"]),
                case .dictionary(let fontDictionary)? = try resolve(resources["Font"])
            {
                for entry in fontDictionary.entries {
                    if case .reference(let font) = entry.value { fonts.append(.init(name: entry.key, object: font)) }
                }
            }
            let contents = try Self.contentReferences(page["Contents"], in: self)
            pages.append(
                PDFStructure.Page(
                    object: number, width: box[2] - box[0], height: box[3] - box[1], contents: contents,
                    fonts: fonts, annotations: try references(page["Annots"])))
        }
        return PDFStructure(
            catalog: root, info: info ?? 0, pagesRoot: pagesRoot, objectCount: max(next, originalSize), pages: pages)
    }
}

/// A FieldMDP lock (ISO 32000-1 §12.7.4.5 Table 233, §12.8.2.4): which form fields a signature locks, and
/// optionally (`/P`, ISO 32000-2 §12.7.5.5) which later changes the document still permits, with DocMDP's
/// meaning: 1 = none at all except DSS and document timestamps (§12.8.2.2.2 Table 257 as amended by PAdES).
package struct PDFFieldLock: Sendable, Equatable {
    package enum Action: Sendable, Equatable {
        /// Every field of the document.
        case all
        /// Only the fields named (fully qualified names).
        case include([String])
        /// Every field except those named.
        case exclude([String])
    }

    package var action: Action
    /// `/P` in the lock and in the signature's FieldMDP transform parameters (1, 2 or 3), or nil.
    package var permission: Int?

    package init(_ action: Action, permission: Int? = nil) {
        self.action = action
        self.permission = permission
    }

    package static var all: PDFFieldLock { PDFFieldLock(.all) }
    package static func all(permission: Int?) -> PDFFieldLock { PDFFieldLock(.all, permission: permission) }
    package static func include(_ fields: [String]) -> PDFFieldLock { PDFFieldLock(.include(fields)) }
    package static func exclude(_ fields: [String]) -> PDFFieldLock { PDFFieldLock(.exclude(fields)) }

    /// `/Action` and, unless every field is locked, `/Fields`.
    private var entries: [(String, PDFObject)] {
        switch action {
        case .all: [("Action", .name("All"))]
        case .include(let fields): [("Action", .name("Include")), ("Fields", .array(fields.map(PDFObject.text)))]
        case .exclude(let fields): [("Action", .name("Exclude")), ("Fields", .array(fields.map(PDFObject.text)))]
        }
    }

    /// The field's `/Lock` dictionary (§12.7.4.5 Table 233).
    func lockDictionary() -> PDFDictionary {
        var dictionary = PDFDictionary([("Type", .name("SigFieldLock"))] + entries)
        if let permission { dictionary["P"] = .integer(permission) }
        return dictionary
    }

    /// The signature reference dictionary (§12.8.1 Table 253) for the signature dictionary's `/Reference`:
    /// FieldMDP over the catalog, its transform parameters (§12.8.2.4 Table 256) repeating the lock. `/P` in the
    /// transform parameters is not in ISO 32000 but is what Acrobat and pyHanko write and read.
    func signatureReference(catalog: Int) -> PDFDictionary {
        var parameters = PDFDictionary([("Type", .name("TransformParams"))] + entries + [("V", .name("1.2"))])
        if let permission { parameters["P"] = .integer(permission) }
        return PDFDictionary([
            ("Type", .name("SigRef")), ("TransformMethod", .name("FieldMDP")), ("Data", .reference(catalog)),
            ("TransformParams", .dictionary(parameters)),
        ])
    }
}

extension PDFIncrementalUpdate {
    /// Adds a signature field with a placeholder signature dictionary (see ``PDFSignatureField``): a merged
    /// field/widget on the field's page, appended to the page's `/Annots` and the AcroForm's `/Fields`
    /// (`/SigFlags 3`), visible when the field has a rectangle and an appearance. With `lock`, the field carries
    /// `/Lock` and the signature dictionary the matching FieldMDP `/Reference`, so a validator knows which
    /// later changes the signature allows. Fill it with ``serializedForSigning()``.
    /// On error nothing is added: the update stays as it was.
    package mutating func addSignatureField(_ field: PDFSignatureField, lock: PDFFieldLock? = nil) throws(PDFError) {
        var copy = self
        try copy.insertSignatureField(field, lock: lock)
        self = copy
    }

    private mutating func insertSignatureField(_ field: PDFSignatureField, lock: PDFFieldLock?) throws(PDFError) {
        guard !hasPlaceholder else {
            throw PDFError(.invalidArgument, "an update holds one signature placeholder; serialize and update again")
        }
        let pages = try pageObjects()
        guard pages.indices.contains(field.pageIndex) else {
            throw PDFError(.invalidArgument, "no page \(field.pageIndex + 1) for field \(field.fieldName)")
        }
        if let permission = lock?.permission, !(1...3).contains(permission) {
            throw PDFError(.invalidArgument, "a lock's /P is 1, 2 or 3, not \(permission)")
        }
        guard field.contentsCapacity > 0, field.contentsCapacity <= 1 << 20 else {
            throw PDFError(.invalidArgument, "contents capacity \(field.contentsCapacity) out of range")
        }
        try requireNewFieldName(field.fieldName)
        try requireSigningAllowed()
        let page = pages[field.pageIndex]
        let widget = allocate()
        let value = allocate()
        var signature = field.signatureDictionary()
        if let lock { signature["Reference"] = .array([.dictionary(lock.signatureReference(catalog: root))]) }
        set(value, .dictionary(signature))

        var widgetDictionary = Self.widget(
            name: field.fieldName, value: value, page: page,
            rect: field.rect ?? PDFRect(x: 0, y: 0, width: 0, height: 0))
        if let lock {
            // §12.7.4.5 Table 232: /Lock "shall be an indirect reference".
            let lockObject = allocate()
            set(lockObject, .dictionary(lock.lockDictionary()))
            widgetDictionary["Lock"] = .reference(lockObject)
        }
        if let rect = field.rect, let style = field.appearance {
            let appearance = field.appearancePage(rect: rect, style: style)
            let embedded = appearance.fonts.map(EmbeddedFont.init)
            var fonts: [(String, PDFObject)] = []
            for (index, font) in embedded.enumerated() {
                let number = allocate()
                PDFFontEmitter.emit(font, as: number, into: &self)
                fonts.append(("F\(index + 1)", .reference(number)))
            }
            let stream = allocate()
            setStream(
                stream,
                dictionary: PDFDictionary([
                    ("Type", .name("XObject")), ("Subtype", .name("Form")),
                    ("BBox", .rectangle(PDFRect(x: 0, y: 0, width: rect.width, height: rect.height))),
                    ("Resources", .dictionary(PDFDictionary([("Font", .dictionary(PDFDictionary(fonts)))]))),
                ]), data: appearance.content(renumberedFor: embedded.map(\.subset)))
            widgetDictionary["AP"] = .dictionary(PDFDictionary([("N", .reference(stream))]))
        }
        set(widget, .dictionary(widgetDictionary))
        try appendAnnotation(widget, toPage: page)
        try appendField(widget)
        hasPlaceholder = true
    }

    /// Adds an invisible document timestamp field (ETSI EN 319 142-1 §5.4.3, ISO 32000-2 §12.8.5) on the first
    /// page: its value is a `/Type /DocTimeStamp` dictionary, `/SubFilter /ETSI.RFC3161`, whose `/Contents`
    /// placeholder takes an RFC 3161 token over the byte range. Fill it with ``serializedForSigning()``.
    /// On error nothing is added: the update stays as it was.
    package mutating func addDocumentTimeStampField(name: String, contentsCapacity: Int = 12_000) throws(PDFError) {
        var copy = self
        try copy.insertDocumentTimeStampField(name: name, contentsCapacity: contentsCapacity)
        self = copy
    }

    private mutating func insertDocumentTimeStampField(name: String, contentsCapacity: Int) throws(PDFError) {
        guard !hasPlaceholder else {
            throw PDFError(.invalidArgument, "an update holds one signature placeholder; serialize and update again")
        }
        guard contentsCapacity > 0, contentsCapacity <= 1 << 20 else {
            throw PDFError(.invalidArgument, "contents capacity \(contentsCapacity) out of range")
        }
        guard let page = try pageObjects().first else { throw PDFError(.malformedDocument, "the document has no page") }
        try requireNewFieldName(name)
        let widget = allocate()
        let value = allocate()
        set(
            value,
            .dictionary(
                PDFDictionary([
                    ("Type", .name("DocTimeStamp")), ("Filter", .name("Adobe.PPKLite")),
                    ("SubFilter", .name("ETSI.RFC3161")),
                    ("ByteRange", .placeholder(PDFPlaceholder(kind: .byteRange))),
                    ("Contents", .placeholder(PDFPlaceholder(kind: .contents(capacity: contentsCapacity)))),
                ])))
        set(
            widget,
            .dictionary(
                Self.widget(name: name, value: value, page: page, rect: PDFRect(x: 0, y: 0, width: 0, height: 0))))
        try appendAnnotation(widget, toPage: page)
        try appendField(widget)
        hasPlaceholder = true
    }

    /// Adds validation data to the document security store (ETSI EN 319 142-1 §5.4.2, ISO 32000-2 §12.8.4.3):
    /// `/DSS` in the catalog with `/Certs`, `/OCSPs` and `/CRLs` arrays of streams holding the DER. An existing
    /// DSS is extended, keeping every entry, and an item whose bytes are already stored is not stored again.
    ///
    /// No `/VRI`: it is optional in PAdES and ISO 32000-2, validators (pyHanko, our verifier) search the whole
    /// store, and the store serves every signature of the document alike (officer, seal, timestamps).
    /// On error nothing is added: the update stays as it was.
    package mutating func addDSS(certificates: [[UInt8]], ocspResponses: [[UInt8]], crls: [[UInt8]])
        throws(PDFError)
    {
        var copy = self
        try copy.insertDSS(certificates: certificates, ocspResponses: ocspResponses, crls: crls)
        self = copy
    }

    private mutating func insertDSS(certificates: [[UInt8]], ocspResponses: [[UInt8]], crls: [[UInt8]])
        throws(PDFError)
    {
        var catalog = try dictionary(root, "the catalog")
        let number: Int
        var store: PDFDictionary
        switch catalog["DSS"] {
        case .reference(let existing)?:
            number = existing
            store = try dictionary(existing, "the DSS")
        case .dictionary(let direct)?:
            number = allocate()
            store = direct
        case nil:
            number = allocate()
            store = PDFDictionary([("Type", .name("DSS"))])
        default: throw PDFError(.malformedDocument, "the catalog's /DSS is not a dictionary")
        }
        var storeChanged = false
        for (key, items) in [("Certs", certificates), ("OCSPs", ocspResponses), ("CRLs", crls)] {
            var array: [PDFObject] = []
            var arrayObject: Int?
            switch store[key] {
            case nil: break
            case .array(let direct)?: array = direct
            case .reference(let reference)?:
                guard case .array(let indirect)? = try object(reference) else {
                    throw PDFError(.malformedDocument, "DSS /\(key) is not an array")
                }
                array = indirect
                arrayObject = reference
            default: throw PDFError(.malformedDocument, "DSS /\(key) is not an array")
            }
            var stored = Set<[UInt8]>()
            for entry in array {
                if case .reference(let reference) = entry,
                    case .stream(let stream, let data)? =
                        try indirectObject(reference)
                {
                    stored.insert(stream["Filter"] == nil ? data : Self.compressedMarker + data)
                }
            }
            var added = false
            for item in items where stored.insert(item).inserted {
                let stream = allocate()
                setStream(stream, data: item, compress: false)
                array.append(.reference(stream))
                added = true
            }
            guard added else { continue }
            if let arrayObject { set(arrayObject, .array(array)) } else { store[key] = .array(array) }
            storeChanged = storeChanged || arrayObject == nil
        }
        // Everything already stored (an archive renewal that found nothing new): leave the DSS as it is.
        if case .reference(number)? = catalog["DSS"], !storeChanged { return }
        set(number, .dictionary(store))
        if catalog["DSS"] != .reference(number) {
            catalog["DSS"] = .reference(number)
            set(root, .dictionary(catalog))
        }
    }

    /// Keeps filtered stream data apart from raw DER in the duplicate check (filtered data is not decoded).
    private static let compressedMarker: [UInt8] = [0xFF, 0x00, 0xFF]

    static func widget(name: String, value: Int, page: Int, rect: PDFRect) -> PDFDictionary {
        PDFDictionary([
            ("Type", .name("Annot")), ("Subtype", .name("Widget")), ("FT", .name("Sig")), ("T", .text(name)),
            ("V", .reference(value)), ("F", .integer(132)),  // Print + Locked (§12.5.3)
            ("P", .reference(page)), ("Rect", .rectangle(rect)),
        ])
    }

    /// Throws when a terminal field of the AcroForm already has `name`.
    private func requireNewFieldName(_ name: String) throws(PDFError) {
        guard !name.isEmpty, !name.contains(".") else {
            throw PDFError(.invalidArgument, "a field name is non-empty and has no period")
        }
        let catalog = try dictionary(root, "the catalog")
        guard case .dictionary(let form)? = try resolve(catalog["AcroForm"]),
            case .array(let fields)? = try resolve(form["Fields"])
        else { return }
        for field in fields {
            if case .dictionary(let existing)? = try resolve(field), existing["T"] == PDFObject.text(name) {
                throw PDFError(.invalidArgument, "the document already has a field named \(name)")
            }
        }
    }

    /// Throws when a signed field's lock, or a certification signature, has `/P 1`: then nothing but DSS updates
    /// and document timestamps may follow (ISO 32000-2 §12.7.5.5, §12.8.2.2.2), and a further signature would
    /// break the seal in every validator's eyes.
    private func requireSigningAllowed() throws(PDFError) {
        let catalog = try dictionary(root, "the catalog")
        if case .dictionary(let permissions)? = try resolve(catalog["Perms"]),
            case .dictionary(let certification)? = try resolve(permissions["DocMDP"]),
            case .array(let references)? = try resolve(certification["Reference"])
        {
            for reference in references {
                if case .dictionary(let dictionary)? = try resolve(reference),
                    case .dictionary(let parameters)? = try resolve(dictionary["TransformParams"]),
                    parameters["P"] == .integer(1)
                {
                    throw PDFError(.invalidArgument, "a certification signature (/P 1) forbids further signatures")
                }
            }
        }
        guard case .dictionary(let form)? = try resolve(catalog["AcroForm"]),
            case .array(let fields)? = try resolve(form["Fields"])
        else { return }
        for field in fields {
            guard case .dictionary(let existing)? = try resolve(field), existing["V"] != nil,
                case .dictionary(let lock)? = try resolve(existing["Lock"]), lock["P"] == .integer(1)
            else { continue }
            throw PDFError(
                .invalidArgument,
                "a signed field locks the document (/P 1): only DSS and document timestamps may follow")
        }
    }

    /// Appends `widget` to the page's `/Annots`, wherever that array lives (direct, indirect, absent).
    private mutating func appendAnnotation(_ widget: Int, toPage page: Int) throws(PDFError) {
        var dictionary = try dictionary(page, "the page")
        switch dictionary["Annots"] {
        case nil:
            dictionary["Annots"] = .array([.reference(widget)])
        case .array(let annotations)?:
            dictionary["Annots"] = .array(annotations + [.reference(widget)])
        case .reference(let number)?:
            guard case .array(let annotations)? = try object(number) else {
                throw PDFError(.malformedDocument, "the page's /Annots is not an array")
            }
            set(number, .array(annotations + [.reference(widget)]))
            return
        default: throw PDFError(.malformedDocument, "the page's /Annots is not an array")
        }
        set(page, .dictionary(dictionary))
    }

    /// Appends `field` to the AcroForm's `/Fields` (creating the form if needed) and sets `/SigFlags 3`
    /// (SignaturesExist, AppendOnly: §12.7.2 Table 219).
    private mutating func appendField(_ field: Int) throws(PDFError) {
        var catalog = try dictionary(root, "the catalog")
        var form: PDFDictionary
        var formObject: Int?
        switch catalog["AcroForm"] {
        case nil: form = PDFDictionary()
        case .dictionary(let direct)?: form = direct
        case .reference(let number)?:
            form = try dictionary(number, "the AcroForm")
            formObject = number
        default: throw PDFError(.malformedDocument, "the catalog's /AcroForm is not a dictionary")
        }
        switch form["Fields"] {
        case nil: form["Fields"] = .array([.reference(field)])
        case .array(let fields)?: form["Fields"] = .array(fields + [.reference(field)])
        case .reference(let number)?:
            guard case .array(let fields)? = try object(number) else {
                throw PDFError(.malformedDocument, "the AcroForm's /Fields is not an array")
            }
            set(number, .array(fields + [.reference(field)]))
        default: throw PDFError(.malformedDocument, "the AcroForm's /Fields is not an array")
        }
        form["SigFlags"] = .integer(3)
        if let formObject {
            set(formObject, .dictionary(form))
        } else {
            catalog["AcroForm"] = .dictionary(form)
            set(root, .dictionary(catalog))
        }
    }
}

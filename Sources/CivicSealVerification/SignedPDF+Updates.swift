/// The `allowed-updates` rule: which incremental updates (ISO 32000-1 §7.5.6) may follow a signature.
///
/// Each revision after the first signed one is compared, object by object, with the revision before it. Objects
/// that are new in a revision change nothing by themselves: they matter only when an existing object starts to refer
/// to them, so the rule judges changed objects and what they newly refer to.
///
/// - After an approval signature without a lock: a new signature field (field and widget, its appearance streams,
///   its value), the form (`/AcroForm`) gaining fields and its `/SigFlags` or `/DR`, a page gaining `/Annots`
///   entries that are signature widgets, an empty signature field receiving its value, the catalog gaining `/DSS`,
///   `/AcroForm` or `/Extensions`, DSS objects, document timestamps, the Info dictionary (except `/Keywords`) and
///   the XMP metadata stream while it names the same `civicseal:documentId` (signers refresh their dates).
/// - After a lock (a FieldMDP `/Action /All` or `/P 1` lock, or DocMDP `/P 1`): only DSS objects and document
///   timestamps, whose widgets must not show (zero-size `/Rect`, or hidden): no approval signature, nothing that
///   changes a page, its content or resources, or a form field's value.
///
/// Anything else fails the check, naming the object and the revision. Compressed objects (object streams) in a
/// later revision cannot be compared and fail it too, as does a revision that does not continue the cross-reference
/// chain (`/Prev`) or replaces the catalog.
extension SignedPDF {
    /// Why an update is not allowed, in both languages; `revision` counts from 1 (the original file).
    struct DisallowedUpdate: Error {
        let revision: Int
        let vietnamese: String
        let english: String
    }

    /// The first update that is not allowed, or nil when every revision after the first signature is allowed.
    func disallowedUpdate() -> DisallowedUpdate? {
        do throws(DisallowedUpdate) {
            try judgeUpdates()
            return nil
        } catch {
            return error
        }
    }

    private func judgeUpdates() throws(DisallowedUpdate) {
        guard let first = signatures.compactMap(\.revision).min(), let last = revisions.last else { return }
        let bytes = scanner.bytes
        if !bytes[last.end...].allSatisfy(PDFObjectScanner.isSpace) {
            throw DisallowedUpdate(
                revision: revisions.count + 1,
                vietnamese:
                    "Có \(bytes.count - last.end) byte được thêm vào cuối tệp ngoài mọi phiên bản của tài liệu.",
                english: "\(bytes.count - last.end) bytes were appended after the last revision of the document.")
        }
        var definitions: [Int: [Int]] = [:]
        for location in scanner.locations {
            definitions[Int(location.number), default: []].append(Int(location.offset))
        }
        let objects = ObjectCache(scanner)
        for index in revisions.indices where index > first {
            try judgeRevision(index, definitions: definitions, objects: objects)
        }
    }

    /// Whole objects by offset, each parsed once however many revisions ask for it (a large catalog consulted by
    /// 64 revisions is read once, keeping the work linear in the file).
    private final class ObjectCache {
        let scanner: PDFObjectScanner
        var objects: [Int: PDFObjectScanner.IndirectObject?] = [:]

        init(_ scanner: PDFObjectScanner) { self.scanner = scanner }

        func object(at offset: Int) -> PDFObjectScanner.IndirectObject? {
            if let cached = objects[offset] { return cached }
            let object = scanner.wholeObject(at: offset)
            objects[offset] = object
            return object
        }
    }

    private func judgeRevision(_ index: Int, definitions: [Int: [Int]], objects: ObjectCache) throws(DisallowedUpdate) {
        let lower = revisions[index - 1].end
        let upper = revisions[index].end
        let number = index + 1
        func refuse(_ vietnamese: String, _ english: String) -> DisallowedUpdate {
            DisallowedUpdate(
                revision: number, vietnamese: "Phiên bản \(number): \(vietnamese)",
                english: "Revision \(number): \(english)")
        }
        let locked = signatures.contains {
            !$0.isDocumentTimeStamp && $0.locksDocument && ($0.revision ?? .max) < index
        }
        guard let trailer = revisions[index].trailer, let previous = revisions[index - 1].trailer else {
            throw refuse("không có trailer.", "it has no trailer.")
        }
        guard trailer["Prev"]?.integerValue == revisions[index - 1].crossReference else {
            throw refuse(
                "không nối tiếp bảng tham chiếu chéo của phiên bản trước (/Prev).",
                "it does not continue the previous revision's cross-reference chain (/Prev).")
        }
        guard case .reference(let root)? = trailer["Root"], case .reference(root)? = previous["Root"] else {
            throw refuse("thay thế danh mục tài liệu (/Root).", "it replaces the document catalog (/Root).")
        }
        if locked, let signature = signatures.first(where: { $0.revision == index && !$0.isDocumentTimeStamp }) {
            let name = signature.fieldName ?? "\(signature.objectNumber)"
            throw refuse(
                "thêm chữ ký phê duyệt \(name) sau khi con dấu đã khóa tài liệu.",
                "it adds the approval signature \(name) after the seal locked the document.")
        }

        // What was current before this revision, for telling roles apart.
        func before(_ object: Int) -> PDFObjectScanner.IndirectObject? {
            definitions[object]?.last { $0 < lower }.flatMap { objects.object(at: $0) }
        }
        func current(_ object: Int) -> PDFObjectScanner.IndirectObject? {
            definitions[object]?.last { $0 < upper }.flatMap { objects.object(at: $0) }
        }
        let oldCatalog = before(root)?.value.dictionary
        let newCatalog = current(root)?.value.dictionary
        let acroForm: Int? = if case .reference(let form)? = oldCatalog?["AcroForm"] { form } else { nil }
        var validationObjects: Set<Int> = []
        for catalog in [oldCatalog, newCatalog] {
            guard case .reference(let dss)? = catalog?["DSS"] else { continue }
            validationObjects.insert(dss)
            for object in [before(dss), current(dss)] {
                for (_, value) in object?.value.dictionary ?? [:] {
                    if case .reference(let child) = value { validationObjects.insert(child) }
                }
            }
        }
        let info: Int? = if case .reference(let info)? = previous["Info"] { info } else { nil }
        let metadata = oldCatalog?["Metadata"]?.referencedNumber

        var changed: [Int: Int] = [:]
        for location in scanner.locations where Int(location.offset) >= lower && Int(location.offset) < upper {
            changed[Int(location.number)] = Int(location.offset)
        }
        var added: [Int] = []  // fields and annotations the revision starts to refer to
        for (object, offset) in changed.sorted(by: { $0.key < $1.key }) {
            guard let new = objects.object(at: offset) else {
                throw refuse("không đọc được đối tượng \(object).", "object \(object) cannot be read.")
            }
            if new.value["Type"]?.nameValue == "ObjStm" {
                throw refuse(
                    "có đối tượng nén (luồng đối tượng \(object)) nên không so sánh được.",
                    "it holds compressed objects (object stream \(object)), which cannot be compared.")
            }
            guard let oldOffset = definitions[object]?.last(where: { $0 < lower }) else {
                if let size = previous["Size"]?.integerValue, object < size, object != 0 {
                    throw refuse(
                        "thay đổi đối tượng \(object) mà phiên bản trước không đọc được để so sánh.",
                        "it changes object \(object), whose earlier definition cannot be read to compare.")
                }
                continue
            }
            guard let old = objects.object(at: oldOffset) else {
                throw refuse("không đọc được đối tượng \(object).", "object \(object) cannot be read.")
            }
            if old.value.means(new.value),
                Self.streamData(old, bytes: scanner.bytes) == Self.streamData(new, bytes: scanner.bytes)
            {
                continue
            }
            if validationObjects.contains(object) { continue }
            if object == root {
                let role = "catalog"
                try judgeDictionary(object, role, old, new, allowed: ["DSS", "Extensions"]) { key, oldValue, newValue in
                    guard key == "AcroForm", let newValue else { return false }
                    if oldValue == nil {
                        // The catalog gains a form: its fields are all new.
                        let form =
                            newValue.dictionary ?? newValue.referencedNumber.flatMap { current($0)?.value.dictionary }
                        added += form?["Fields"]?.referencedNumbers ?? []
                        return true
                    }
                    // A form written inline in the catalog: judged as the form object would be.
                    guard let oldForm = oldValue?.dictionary, let newForm = newValue.dictionary,
                        let gained = Self.formGained(oldForm, newForm)
                    else { return false }
                    added += gained
                    return true
                } refuse: {
                    refuse($0, $1)
                }
                continue
            } else if object == acroForm {
                guard let oldForm = old.value.dictionary, let newForm = new.value.dictionary,
                    let gained = Self.formGained(oldForm, newForm)
                else {
                    throw refuse(
                        "thay đổi biểu mẫu (/AcroForm) ngoài việc thêm trường.",
                        "it changes the form (/AcroForm) "
                            + "beyond adding fields.")
                }
                added += gained
                continue
            } else if object == info {
                let role = "Info"
                try judgeDictionary(object, role, old, new, allowed: []) { key, _, _ in
                    key != "Keywords"
                } refuse: {
                    refuse($0, $1)
                }
                continue
            } else if object == metadata, let oldID = documentID(in: old), oldID == documentID(in: new) {
                // XMP metadata a signer refreshes (dates, producer): allowed while it names the same document.
                continue
            } else if old.value["Type"]?.nameValue == "Page" {
                let role = "page"
                try judgeDictionary(object, role, old, new, allowed: []) { key, oldValue, newValue in
                    guard key == "Annots", let gained = Self.gained(oldValue, newValue) else { return false }
                    added += gained
                    return true
                } refuse: {
                    refuse($0, $1)
                }
                continue
            } else if case .array = old.value, old.stream == nil, let gained = Self.gained(old.value, new.value) {
                // An indirect /Annots or /Fields array gaining entries: each entry is judged as a field or widget.
                added += gained
                continue
            } else if old.value["FT"]?.nameValue == "Sig", old.value["V"] == nil, new.value["V"] != nil {
                // An empty signature field receiving its value (and appearance).
                let role = "signature field"
                try judgeDictionary(object, role, old, new, allowed: ["V", "AP", "AS"]) { _, _, _ in
                    false
                } refuse: {
                    refuse($0, $1)
                }
                if locked, !isDocumentTimeStamp(new.value["V"], current) {
                    throw refuse(
                        "ký vào trường chữ ký \(object) sau khi con dấu đã khóa tài liệu.",
                        "it signs the signature field \(object) after the seal locked the document.")
                }
                continue
            }
            let role = old.value["Type"]?.nameValue ?? (old.stream == nil ? "object" : "stream")
            throw refuse(
                "thay đổi đối tượng \(object) (\(role)) — chỉ được thêm chữ ký, dấu thời gian "
                    + "và dữ liệu kiểm tra (DSS).",
                "it changes object \(object) (\(role)); only signatures, timestamps and validation data (DSS) may be "
                    + "added.")
        }

        for object in added {
            guard let field = current(object)?.value.dictionary else {
                throw refuse(
                    "tham chiếu tới đối tượng \(object) không tồn tại.", "it refers to a missing object \(object).")
            }
            var signatureField = field
            if field["FT"] == nil, case .reference(let parent)? = field["Parent"],
                let parentField = current(parent)?.value.dictionary
            {
                signatureField = parentField
            }
            guard signatureField["FT"]?.nameValue == "Sig" else {
                throw refuse(
                    "thêm trường biểu mẫu hoặc chú thích \(object) không phải là trường chữ ký.",
                    "it adds the form field or annotation \(object), which is not a signature field.")
            }
            if locked {
                guard isDocumentTimeStamp(signatureField["V"], current), Self.isInvisible(field) else {
                    throw refuse(
                        "thêm trường \(object) sau khi con dấu đã khóa tài liệu "
                            + "(chỉ được thêm dấu thời gian tài liệu).",
                        "it adds the field \(object) after the seal locked the document (only document timestamps "
                            + "may follow).")
                }
            }
        }
    }

    /// Compares two dictionaries key by key: keys in `allowed` may change freely, `judge` rules on the others that
    /// changed (true: allowed), and anything else is refused.
    private func judgeDictionary(
        _ object: Int, _ role: String, _ old: PDFObjectScanner.IndirectObject, _ new: PDFObjectScanner.IndirectObject,
        allowed: Set<String>,
        judge: (String, PDFValue?, PDFValue?) throws(DisallowedUpdate) -> Bool,
        refuse: (String, String) -> DisallowedUpdate
    ) throws(DisallowedUpdate) {
        guard let oldEntries = old.value.dictionary, let newEntries = new.value.dictionary, old.stream == nil,
            new.stream == nil
        else {
            throw refuse(
                "thay đổi đối tượng \(object) (\(role)) thành một đối tượng khác loại.",
                "it changes object \(object) (\(role)) into an object of another kind.")
        }
        for key in Set(oldEntries.keys).union(newEntries.keys).sorted() {
            let before = oldEntries[key]
            let after = newEntries[key]
            if let before, let after, before.means(after) { continue }
            if allowed.contains(key) { continue }
            if try judge(key, before, after) { continue }
            throw refuse(
                "thay đổi /\(key) của đối tượng \(object) (\(role)) đã được ký.",
                "it changes /\(key) of the signed object \(object) (\(role)).")
        }
    }

    /// The fields a form gained, when it changed only by gaining fields and its `/SigFlags`, `/DR` or `/DA`.
    private static func formGained(_ old: [String: PDFValue], _ new: [String: PDFValue]) -> [Int]? {
        for key in Set(old.keys).union(new.keys) where !["Fields", "SigFlags", "DR", "DA"].contains(key) {
            guard let before = old[key], let after = new[key], before.means(after) else { return nil }
        }
        if let before = old["Fields"], let after = new["Fields"], before.means(after) { return [] }
        return gained(old["Fields"], new["Fields"])
    }

    /// The references an array gained, when it only gained references (nil when it lost or changed an item).
    private static func gained(_ old: PDFValue?, _ new: PDFValue?) -> [Int]? {
        guard let new, case .array(let newItems, _) = new else { return nil }
        let oldItems = old?.arrayItems ?? []
        guard old == nil || old?.arrayItems != nil else { return nil }
        // Linear either way: the old items as a prefix (how writers append), else counted references.
        var remaining: ArraySlice<PDFValue>
        if newItems.count >= oldItems.count, zip(oldItems, newItems).allSatisfy({ $0.means($1) }) {
            remaining = newItems[oldItems.count...]
        } else {
            var counts: [Int: Int] = [:]
            for item in oldItems {
                guard let number = item.referencedNumber else { return nil }
                counts[number, default: 0] += 1
            }
            remaining = []
            for item in newItems {
                if let number = item.referencedNumber, let count = counts[number], count > 0 {
                    counts[number] = count - 1
                } else {
                    remaining.append(item)
                }
            }
            guard counts.values.allSatisfy({ $0 == 0 }) else { return nil }
        }
        var numbers: [Int] = []
        for item in remaining {
            guard case .reference(let number) = item else { return nil }
            numbers.append(number)
        }
        return numbers
    }

    private func isDocumentTimeStamp(_ value: PDFValue?, _ current: (Int) -> PDFObjectScanner.IndirectObject?) -> Bool {
        let dictionary = value?.dictionary ?? value?.referencedNumber.flatMap { current($0)?.value.dictionary }
        return dictionary?["Type"]?.nameValue == "DocTimeStamp"
    }

    /// A widget that shows nothing: a zero-size `/Rect`, or the Hidden (2) or NoView (32) flag (Table 165).
    private static func isInvisible(_ widget: [String: PDFValue]) -> Bool {
        if let flags = widget["F"]?.integerValue, flags & (2 | 32) != 0 { return true }
        guard let rect = widget["Rect"]?.arrayItems, rect.count == 4 else { return widget["Rect"] == nil }
        let numbers = rect.map { item -> Double? in
            switch item {
            case .integer(let value): Double(value)
            case .real(let value): value
            default: nil
            }
        }
        guard numbers.allSatisfy({ $0 != nil }) else { return false }
        return numbers[0]! == numbers[2]! || numbers[1]! == numbers[3]!
    }

    /// The `civicseal:documentId` an XMP stream names ("" when none); nil when the stream cannot be read.
    private func documentID(in stream: PDFObjectScanner.IndirectObject) -> String? {
        guard let range = stream.stream else { return nil }
        let raw = Array(scanner.bytes[range])
        let data: [UInt8]?
        switch stream.value["Filter"] {
        case nil: data = raw
        case .name("FlateDecode")?: data = FlateDecode.inflate(raw, maximumSize: 1 << 20)
        default: data = nil
        }
        guard let data else { return nil }
        return Self.element("civicseal:documentId", in: data[...]) ?? ""
    }

    private static func streamData(_ object: PDFObjectScanner.IndirectObject, bytes: [UInt8]) -> ArraySlice<UInt8>? {
        object.stream.map { bytes[$0] }
    }
}

extension PDFValue {
    var referencedNumber: Int? { if case .reference(let number) = self { number } else { nil } }
}

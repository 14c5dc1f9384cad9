import CivicSealCrypto
import CivicSealJSON
import CivicSealWorkflow
import Foundation

/// Reads and validates templates. Everything a render could trip over is checked here, once: JSON syntax,
/// member names and types, sizes, block types, every `{{field}}` against ``DocumentSchema``, vocabulary terms,
/// and that every block fits its page.
package enum TemplateLoader {
    /// Loads every `*.json` file of `directory`, in name order; ids must be unique.
    package static func loadDirectory(_ directory: String) throws(DocumentTemplateError) -> [DocumentTemplate] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".json") }
                .sorted()
        } catch {
            throw DocumentTemplateError(
                .unreadable, file: directory, path: "",
                "cannot list the template directory: \(error.localizedDescription)")
        }
        var templates: [DocumentTemplate] = []
        for name in names {
            let template = try load(contentsOf: "\(directory)/\(name)")
            if templates.contains(where: { $0.id == template.id }) {
                throw DocumentTemplateError(
                    .duplicateTemplate, file: name, path: "id", "template id \"\(template.id)\" is used by another file"
                )
            }
            templates.append(template)
        }
        return templates
    }

    /// Loads one template file.
    package static func load(contentsOf path: String) throws(DocumentTemplateError) -> DocumentTemplate {
        let file = (path as NSString).lastPathComponent
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DocumentTemplateError(.unreadable, file: file, path: "", "cannot read \(path)")
        }
        return try load(bytes: [UInt8](data), file: file)
    }

    /// Parses and validates template bytes; `file` names the template in errors.
    package static func load(bytes: [UInt8], file: String) throws(DocumentTemplateError) -> DocumentTemplate {
        let json: JSONValue
        do { json = try JSONValue(parsing: bytes) } catch {
            throw DocumentTemplateError(.invalidJSON, file: file, path: "", "not valid JSON: \(error)")
        }
        let root = DocumentTemplateNode(value: json, path: "", file: file)
        _ = try root.object(allowed: [
            "id", "version", "kind", "title", "subject", "page", "vocabulary", "blocks", "description",
        ])
        let id = try root.member("id").nonEmptyString()
        let version = try root.member("version").nonEmptyString()
        let kindNode = try root.member("kind")
        let kindText = try kindNode.string()
        guard let kind = RequestKind(rawValue: kindText) else {
            throw kindNode.error(
                .invalidValue,
                "unknown kind \"\(kindText)\" (one of \(RequestKind.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        var vocabulary: [String: String] = [:]
        if let node = root.optionalMember("vocabulary") {
            guard case .object(let members) = node.value else {
                throw node.error(.wrongType, "expected an object, found \(node.value.typeName)")
            }
            for key in members.keys.sorted() {
                vocabulary[key] = try DocumentTemplateNode(value: members[key]!, path: node.child(key), file: file)
                    .string()
            }
        }
        var parser = BlockParser(
            file: file, kind: kind, vocabulary: vocabulary, page: try pageSetup(root.member("page")))
        let title = try parser.text(root.member("title"), item: nil)
        let subject = try root.optionalMember("subject").map { (node) throws(DocumentTemplateError) in
            try parser.text(node, item: nil)
        }
        let page = parser.page
        let blocks = try parser.blocks(root.member("blocks"), width: page.width - page.left - page.right, item: nil)
        return DocumentTemplate(
            id: id, version: version, kind: kind, file: file, sha256: Digest.sha256(bytes), page: page, title: title,
            subject: subject ?? TemplateText(segments: []), vocabulary: vocabulary, blocks: blocks,
            hasSeal: parser.sealCount > 0)
    }

    static func pageSetup(_ node: DocumentTemplateNode) throws(DocumentTemplateError) -> PageSetup {
        _ = try node.object(allowed: ["size", "width", "height", "margins"])
        var width = 595.276
        var height = 841.89
        if let size = node.optionalMember("size") {
            guard try size.string() == "A4" else {
                throw size.error(.invalidValue, "only \"A4\" is a named size; give width and height instead")
            }
        }
        if let node = node.optionalMember("width") { width = try node.size(positive: true) }
        if let node = node.optionalMember("height") { height = try node.size(positive: true) }
        let margins = try node.member("margins")
        _ = try margins.object(allowed: ["top", "left", "right", "bottom"])
        let setup = PageSetup(
            width: width, height: height, top: try margins.member("top").size(),
            left: try margins.member("left").size(),
            right: try margins.member("right").size(), bottom: try margins.member("bottom").size())
        guard setup.left + setup.right < width else {
            throw margins.error(.outsidePage, "left and right margins leave no room on a \(width) pt page")
        }
        guard setup.top + setup.bottom < height else {
            throw margins.error(.outsidePage, "top and bottom margins leave no room on a \(height) pt page")
        }
        return setup
    }
}

/// Parses blocks recursively, keeping what validation needs: the template's kind, vocabulary and page.
struct BlockParser {
    let file: String
    let kind: RequestKind
    let vocabulary: [String: String]
    let page: PageSetup
    var sealCount = 0

    init(file: String, kind: RequestKind, vocabulary: [String: String], page: PageSetup) {
        self.file = file
        self.kind = kind
        self.vocabulary = vocabulary
        self.page = page
    }

    static let placementMembers: Set<String> = ["type", "top", "spaceBefore", "spaceAfter", "x", "width"]

    mutating func blocks(_ node: DocumentTemplateNode, width: Double, item: ListItemKind?) throws(DocumentTemplateError)
        -> [TemplateBlock]
    {
        var blocks: [TemplateBlock] = []
        for element in try node.array() { blocks.append(try block(element, width: width, item: item)) }
        return blocks
    }

    func placement(_ node: DocumentTemplateNode, containerWidth: Double) throws(DocumentTemplateError) -> BlockPlacement
    {
        let placement = BlockPlacement(
            top: try node.optionalMember("top").map { (n) throws(DocumentTemplateError) in try n.size() },
            spaceBefore: try node.optionalSize("spaceBefore", default: 0),
            spaceAfter: try node.optionalSize("spaceAfter", default: 0),
            x: try node.optionalSize("x", default: 0),
            width: try node.optionalMember("width").map { (n) throws(DocumentTemplateError) in
                try n.size(positive: true)
            })
        if let top = placement.top, top < page.top || top > page.height - page.bottom {
            throw node.error(
                .outsidePage,
                "top \(top) lies outside the printable area \(page.top)…\(page.height - page.bottom) of the page",
                at: node.child("top"))
        }
        let right = placement.x + (placement.width ?? 0)
        if placement.x >= containerWidth || right > containerWidth + 0.001 {
            throw node.error(
                .outsidePage,
                "x \(placement.x) + width \(placement.width ?? 0) exceeds the \(containerWidth) pt available",
                at: node.child(placement.width == nil ? "x" : "width"))
        }
        return placement
    }

    mutating func block(_ node: DocumentTemplateNode, width containerWidth: Double, item: ListItemKind?)
        throws(DocumentTemplateError)
        -> TemplateBlock
    {
        let typeNode = try node.member("type")
        let type = try typeNode.string()
        func allowed(_ extra: Set<String>) throws(DocumentTemplateError) {
            _ = try node.object(allowed: BlockParser.placementMembers.union(extra))
        }
        switch type {
        case "text":
            try allowed(["text", "font", "size", "align", "leading", "underline"])
            let placement = try placement(node, containerWidth: containerWidth)
            return .text(
                TemplateBlock.Text(
                    placement: placement, text: try text(node.member("text"), item: item), style: try style(node),
                    underline: try node.optionalMember("underline").map { (n) throws(DocumentTemplateError) in
                        try n.size(positive: true)
                    }))
        case "rule":
            try allowed(["thickness"])
            return .rule(
                TemplateBlock.Rule(
                    placement: try placement(node, containerWidth: containerWidth),
                    thickness: try node.optionalSize("thickness", default: 0.5, positive: true)))
        case "space":
            try allowed(["height"])
            return .space(try placement(node, containerWidth: containerWidth), try node.member("height").size())
        case "fields":
            try allowed(["labelWidth", "labelSize", "englishSize", "valueSize", "valueFont", "rowGap", "rows"])
            let placement = try placement(node, containerWidth: containerWidth)
            let width = placement.width ?? containerWidth - placement.x
            let labelWidthNode = try node.member("labelWidth")
            let labelWidth = try labelWidthNode.size(positive: true)
            guard labelWidth < width else {
                throw labelWidthNode.error(
                    .outsidePage, "labelWidth \(labelWidth) leaves no room for values in \(width) pt")
            }
            var rows: [TemplateBlock.Fields.Row] = []
            for row in try node.member("rows").array() {
                _ = try row.object(allowed: ["vi", "en", "field", "text", "omitIfEmpty", "emptyText"])
                let value: TemplateText
                if let field = row.optionalMember("field") {
                    let name = try field.string()
                    value = TemplateText(segments: [.field(try reference(name, at: field, item: item))])
                } else if let text = row.optionalMember("text") {
                    value = try self.text(text, item: item)
                } else {
                    throw row.error(.missingMember, "a row needs \"field\" or \"text\"", at: row.child("field"))
                }
                rows.append(
                    TemplateBlock.Fields.Row(
                        vietnamese: try row.member("vi").nonEmptyString(),
                        english: try row.member("en").nonEmptyString(), value: value,
                        omitIfEmpty: try row.optionalMember("omitIfEmpty")?.bool() ?? false,
                        emptyText: try row.optionalMember("emptyText")?.string() ?? ""))
            }
            return .fields(
                TemplateBlock.Fields(
                    placement: placement, labelWidth: labelWidth,
                    labelSize: try node.optionalSize("labelSize", default: 10, positive: true),
                    englishSize: try node.optionalSize("englishSize", default: 7.5, positive: true),
                    valueSize: try node.optionalSize("valueSize", default: 10.5, positive: true),
                    valueFont: try node.choice("valueFont", default: FontChoice.regular),
                    rowGap: try node.optionalSize("rowGap", default: 4), rows: rows))
        case "table":
            try allowed(["source", "columns", "size", "headerSize", "englishSize", "padding", "ruleWidth"])
            let placement = try placement(node, containerWidth: containerWidth)
            let width = placement.width ?? containerWidth - placement.x
            let sourceNode = try node.member("source")
            let sourceName = try sourceNode.string()
            guard let source = DocumentSchema.lists[sourceName] else {
                throw sourceNode.error(
                    .unknownField,
                    "unknown list field \"\(sourceName)\" (lists: \(DocumentSchema.lists.keys.sorted().joined(separator: ", ")))"
                )
            }
            guard source.kind == kind else {
                throw sourceNode.error(
                    .unknownField,
                    "list field \"\(sourceName)\" belongs to \(source.kind.rawValue) documents, not \(kind.rawValue)")
            }
            var columns: [TemplateBlock.Table.Column] = []
            var total = 0.0
            for column in try node.member("columns").array() {
                _ = try column.object(allowed: ["vi", "en", "width", "value", "align"])
                let columnWidth = try column.member("width").size(positive: true)
                total += columnWidth
                guard total <= width + 0.001 else {
                    throw column.error(
                        .outsidePage, "the columns are \(total) pt wide, more than the \(width) pt available",
                        at: column.child("width"))
                }
                columns.append(
                    TemplateBlock.Table.Column(
                        vietnamese: try column.member("vi").nonEmptyString(), english: try column.member("en").string(),
                        width: columnWidth,
                        value: try text(column.member("value"), item: source.itemKind),
                        alignment: try column.choice("align", default: TextAlignment.left)))
            }
            guard !columns.isEmpty else {
                throw node.error(.invalidValue, "a table needs at least one column", at: node.child("columns"))
            }
            return .table(
                TemplateBlock.Table(
                    placement: placement, source: source, columns: columns,
                    size: try node.optionalSize("size", default: 8, positive: true),
                    headerSize: try node.optionalSize("headerSize", default: 8, positive: true),
                    englishSize: try node.optionalSize("englishSize", default: 6.5, positive: true),
                    padding: try node.optionalSize("padding", default: 3),
                    ruleWidth: try node.optionalSize("ruleWidth", default: 0.5, positive: true)))
        case "if":
            try allowed(["flag", "then", "else"])
            let placement = try placement(node, containerWidth: containerWidth)
            let width = placement.width ?? containerWidth - placement.x
            let flagNode = try node.member("flag")
            let name = try flagNode.string()
            guard let flag = DocumentSchema.flags[name] else {
                throw flagNode.error(
                    .unknownField,
                    "unknown flag \"\(name)\" (flags: \(DocumentSchema.flags.keys.sorted().joined(separator: ", ")))")
            }
            if let flagKind = flag.kind, flagKind != kind {
                throw flagNode.error(
                    .unknownField, "flag \"\(name)\" belongs to \(flagKind.rawValue) documents, not \(kind.rawValue)")
            }
            return .condition(
                TemplateBlock.Condition(
                    placement: placement, flag: flag, then: try blocks(node.member("then"), width: width, item: item),
                    otherwise: try node.optionalMember("else").map { (n) throws(DocumentTemplateError) in
                        try blocks(n, width: width, item: item)
                    } ?? []))
        case "columns":
            try allowed(["columns"])
            let placement = try placement(node, containerWidth: containerWidth)
            let width = placement.width ?? containerWidth - placement.x
            var columns: [TemplateBlock.Columns.Column] = []
            for column in try node.member("columns").array() {
                _ = try column.object(allowed: ["x", "width", "blocks"])
                let x = try column.optionalSize("x", default: 0)
                let columnWidth = try column.member("width").size(positive: true)
                guard x + columnWidth <= width + 0.001 else {
                    throw column.error(
                        .outsidePage, "x \(x) + width \(columnWidth) exceeds the \(width) pt available",
                        at: column.child("width"))
                }
                columns.append(
                    TemplateBlock.Columns.Column(
                        x: x, width: columnWidth,
                        blocks: try blocks(column.member("blocks"), width: columnWidth, item: item)))
            }
            return .columns(TemplateBlock.Columns(placement: placement, columns: columns))
        case "qr":
            try allowed(["moduleSize", "quietZone", "align", "caption", "captionSize", "captionWidth"])
            let placement = try placement(node, containerWidth: containerWidth)
            let width = placement.width ?? containerWidth - placement.x
            let moduleSize = try node.member("moduleSize").size(positive: true)
            let quietZoneNode = node.optionalMember("quietZone")
            let quietZone = try quietZoneNode?.size() ?? 4
            guard quietZone == quietZone.rounded(), quietZone <= 16 else {
                throw quietZoneNode!.error(.invalidValue, "quietZone must be a whole number of modules up to 16")
            }
            let smallest = Double(21 + 2 * Int(quietZone)) * moduleSize
            guard smallest <= width else {
                throw node.error(
                    .outsidePage, "even a version-1 symbol is \(smallest) pt wide, more than the \(width) pt available",
                    at: node.child("moduleSize"))
            }
            let captionWidth = try node.optionalMember("captionWidth").map { (n) throws(DocumentTemplateError) in
                try n.size(positive: true)
            }
            if let captionWidth, captionWidth > width + 0.001 {
                throw node.error(
                    .outsidePage, "captionWidth \(captionWidth) exceeds the \(width) pt available",
                    at: node.child("captionWidth"))
            }
            return .qr(
                TemplateBlock.QR(
                    placement: placement, moduleSize: moduleSize, quietZone: Int(quietZone),
                    alignment: try node.choice("align", default: TextAlignment.left),
                    caption: try node.optionalMember("caption").map { (n) throws(DocumentTemplateError) in
                        try text(n, item: item)
                    } ?? TemplateText(segments: []),
                    captionSize: try node.optionalSize("captionSize", default: 7, positive: true),
                    captionWidth: captionWidth))
        case "seal":
            try allowed(["height", "align"])
            let placement = try placement(node, containerWidth: containerWidth)
            sealCount += 1
            guard sealCount == 1 else {
                throw node.error(.invalidValue, "a template has at most one seal block", at: typeNode.path)
            }
            let widthNode = try node.member("width")
            return .seal(
                TemplateBlock.Seal(
                    placement: placement, width: try widthNode.size(positive: true),
                    height: try node.member("height").size(positive: true),
                    alignment: try node.choice("align", default: TextAlignment.center)))
        default:
            throw typeNode.error(
                .unknownBlockType,
                "unknown block type \"\(type)\" (one of text, rule, space, fields, table, if, columns, qr, seal)")
        }
    }

    func style(_ node: DocumentTemplateNode) throws(DocumentTemplateError) -> TextStyle {
        TextStyle(
            font: try node.choice("font", default: FontChoice.regular),
            size: try node.member("size").size(positive: true),
            alignment: try node.choice("align", default: TextAlignment.left),
            leading: try node.optionalMember("leading").map { (n) throws(DocumentTemplateError) in
                try n.size(positive: true)
            })
    }

    /// Compiles a string with `{{field}}` / `{{field|upper}}` placeholders.
    func text(_ node: DocumentTemplateNode, item: ListItemKind?) throws(DocumentTemplateError) -> TemplateText {
        let source = try node.string()
        var segments: [TemplateText.Segment] = []
        var rest = Substring(source)
        while let open = rest.range(of: "{{") {
            if open.lowerBound > rest.startIndex { segments.append(.literal(String(rest[..<open.lowerBound]))) }
            let afterOpen = rest[open.upperBound...]
            guard let close = afterOpen.range(of: "}}"), !afterOpen[..<close.lowerBound].contains("{") else {
                throw node.error(
                    .unclosedPlaceholder, "placeholder \"\(rest[open.lowerBound...].prefix(40))\" is not closed with }}"
                )
            }
            segments.append(.field(try reference(String(afterOpen[..<close.lowerBound]), at: node, item: item)))
            rest = afterOpen[close.upperBound...]
        }
        if !rest.isEmpty { segments.append(.literal(String(rest))) }
        return TemplateText(segments: segments)
    }

    /// Resolves a field name (with an optional `|upper`) in the scope of a template of `kind`, inside a table
    /// row of `item` when not nil.
    func reference(_ raw: String, at node: DocumentTemplateNode, item: ListItemKind?) throws(DocumentTemplateError)
        -> TemplateText.FieldReference
    {
        let parts = raw.split(separator: "|", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        let name = parts[0]
        var uppercased = false
        for filter in parts.dropFirst() {
            guard filter == "upper" else {
                throw node.error(.unknownField, "unknown filter \"\(filter)\" on field \"\(name)\" (only \"upper\")")
            }
            uppercased = true
        }
        if name == "document.verificationURL" {
            return .init(name: name, source: .verificationURL, uppercased: uppercased)
        }
        if name == "item.index", item != nil {
            return .init(name: name, source: .item(DocumentSchema.itemIndex), uppercased: uppercased)
        }
        if name.hasPrefix("item.") {
            guard let item else {
                throw node.error(
                    .unknownField, "unknown field \"\(name)\": item fields exist only inside table columns")
            }
            guard let field = DocumentSchema.itemFields[item]?[name] else {
                let known = (DocumentSchema.itemFields[item]?.keys.sorted() ?? []) + ["item.index"]
                throw node.error(
                    .unknownField,
                    "unknown field \"\(name)\" for \(item.rawValue) rows (known: \(known.joined(separator: ", ")))")
            }
            try requireTerms(field.terms, for: name, at: node)
            return .init(name: name, source: .item(field), uppercased: uppercased)
        }
        guard let field = DocumentSchema.textFields[name] else {
            throw node.error(.unknownField, "unknown field \"\(name)\"")
        }
        if let fieldKind = field.kind, fieldKind != kind {
            throw node.error(
                .unknownField,
                "unknown field \"\(name)\": it belongs to \(fieldKind.rawValue) documents, not \(kind.rawValue)")
        }
        try requireTerms(field.terms, for: name, at: node)
        return .init(name: name, source: .record(field), uppercased: uppercased)
    }

    func requireTerms(_ terms: [String], for name: String, at node: DocumentTemplateNode) throws(DocumentTemplateError)
    {
        for term in terms where vocabulary[term] == nil {
            throw node.error(
                .missingVocabulary,
                "field \"\(name)\" needs the vocabulary entry \"\(term)\", which the template does not define")
        }
    }
}

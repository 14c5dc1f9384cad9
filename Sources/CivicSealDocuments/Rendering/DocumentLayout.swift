import CivicSealPDF
import CivicSealQR

/// Lays a template's blocks out top-down on one page for one record. Coordinates are PDF points with y up;
/// `top` arguments are the y of a block's upper edge, and each method returns the y of its lower edge.
struct DocumentLayout {
    let record: DocumentRecord
    let template: DocumentTemplate
    let regular: TrueTypeFont
    let bold: TrueTypeFont
    let verificationURL: String
    var page: PDFPage
    private(set) var sealRect: PDFRect?
    private var overflow: String?

    init(
        record: DocumentRecord, template: DocumentTemplate, regular: TrueTypeFont, bold: TrueTypeFont,
        verificationURL: String, page: PDFPage
    ) {
        self.record = record
        self.template = template
        self.regular = regular
        self.bold = bold
        self.verificationURL = verificationURL
        self.page = page
    }

    mutating func run() throws(DocumentError) {
        let setup = template.page
        _ = try layout(
            template.blocks, x: setup.left, width: setup.width - setup.left - setup.right,
            top: setup.height - setup.top, item: nil, path: "blocks")
        if let overflow { throw DocumentError(.contentOverflow, overflow) }
    }

    func font(_ choice: FontChoice) -> TrueTypeFont { choice == .bold ? bold : regular }

    func resolve(_ text: TemplateText, item: ListItem?) -> String {
        var result = ""
        for segment in text.segments {
            switch segment {
            case .literal(let literal): result += literal
            case .field(let reference):
                let value: FieldValue
                switch reference.source {
                case .record(let field): value = field.value(record)
                case .item(let field): value = item.map(field.value) ?? .text("")
                case .verificationURL: value = .text(verificationURL)
                }
                let text: String
                switch value {
                case .text(let plain): text = plain
                case .term(let key): text = template.vocabulary[key] ?? key
                }
                result += reference.uppercased ? text.uppercased() : text
            }
        }
        return result
    }

    private mutating func layout(
        _ blocks: [TemplateBlock], x: Double, width: Double, top: Double, item: ListItem?, path: String
    ) throws(DocumentError) -> Double {
        var y = top
        for (index, block) in blocks.enumerated() {
            let placement = block.placement
            if let absolute = placement.top { y = page.height - absolute }
            let blockX = x + placement.x
            let blockWidth = placement.width ?? width - placement.x
            guard
                let bottom = try draw(
                    block, x: blockX, width: blockWidth, top: y - placement.spaceBefore, item: item,
                    path: "\(path)[\(index)]")
            else { continue }
            if bottom < template.page.bottom, overflow == nil {
                overflow =
                    "\(template.file): \(path)[\(index)] ends \(Int(template.page.bottom - bottom)) pt below the "
                    + "bottom margin; the content does not fit on one page"
            }
            y = bottom - placement.spaceAfter
        }
        return y
    }

    /// Draws one block; nil when it drew nothing and takes no room (an empty text).
    private mutating func draw(
        _ block: TemplateBlock, x: Double, width: Double, top: Double, item: ListItem?, path: String
    ) throws(DocumentError) -> Double? {
        switch block {
        case .text(let text):
            let content = resolve(text.text, item: item)
            if content.isEmpty { return nil }
            return paragraph(content, style: text.style, x: x, width: width, top: top, underline: text.underline)
        case .rule(let rule):
            page.line(from: PDFPoint(x: x, y: top), to: PDFPoint(x: x + width, y: top), width: rule.thickness)
            return top - rule.thickness
        case .space(_, let height):
            return top - height
        case .fields(let fields):
            return drawFields(fields, x: x, width: width, top: top, item: item)
        case .table(let table):
            return drawTable(table, x: x, width: width, top: top)
        case .condition(let condition):
            let branch = condition.flag.value(record) ? condition.then : condition.otherwise
            return try layout(
                branch, x: x, width: width, top: top, item: item,
                path: "\(path).\(condition.flag.value(record) ? "then" : "else")")
        case .columns(let columns):
            var bottom = top
            for (index, column) in columns.columns.enumerated() {
                bottom = min(
                    bottom,
                    try layout(
                        column.blocks, x: x + column.x, width: column.width, top: top, item: item,
                        path: "\(path).columns[\(index)].blocks"))
            }
            return bottom
        case .qr(let qr):
            return try drawQR(qr, x: x, width: width, top: top, item: item)
        case .seal(let seal):
            let left = aligned(seal.alignment, x: x, width: width, content: seal.width)
            sealRect = PDFRect(x: left, y: top - seal.height, width: seal.width, height: seal.height)
            return top - seal.height
        }
    }

    private func aligned(_ alignment: TextAlignment, x: Double, width: Double, content: Double) -> Double {
        switch alignment {
        case .left: x
        case .center: x + (width - content) / 2
        case .right: x + width - content
        }
    }

    private func pdfAlignment(_ alignment: TextAlignment) -> PDFTextAlignment {
        switch alignment {
        case .left: .left
        case .center: .center
        case .right: .right
        }
    }

    private mutating func paragraph(
        _ text: String, style: TextStyle, x: Double, width: Double, top: Double, underline: Double?
    ) -> Double {
        let font = font(style.font)
        let leading = style.leading ?? style.size * 1.25
        let bottom = page.paragraph(
            text, font: font, size: style.size, x: x, top: top, width: width, alignment: pdfAlignment(style.alignment),
            leading: leading)
        guard let thickness = underline else { return bottom }
        let lines = font.wrap(text, size: style.size, width: width)
        let widest = lines.map { font.measure($0, size: style.size) }.max() ?? 0
        let lastBaseline = top - font.ascent(size: style.size) - Double(lines.count - 1) * leading
        let ruleY = lastBaseline - style.size * 0.4
        let left = aligned(style.alignment, x: x, width: width, content: widest)
        page.line(from: PDFPoint(x: left, y: ruleY), to: PDFPoint(x: left + widest, y: ruleY), width: thickness)
        return min(bottom, ruleY - thickness)
    }

    /// Label rows: the Vietnamese label in bold, the English label beneath in a smaller size, the value beside,
    /// its first baseline level with the Vietnamese label's.
    private mutating func drawFields(
        _ fields: TemplateBlock.Fields, x: Double, width: Double, top: Double, item: ListItem?
    ) -> Double {
        var y = top
        let labelWidth = fields.labelWidth - 6
        let valueFont = font(fields.valueFont)
        for row in fields.rows {
            var value = resolve(row.value, item: item)
            if value.isEmpty {
                if row.omitIfEmpty { continue }
                value = row.emptyText
            }
            let vietnameseBottom = page.paragraph(
                row.vietnamese, font: bold, size: fields.labelSize, x: x, top: y, width: labelWidth)
            let labelBottom = page.paragraph(
                row.english, font: regular, size: fields.englishSize, x: x,
                top: vietnameseBottom + fields.labelSize * 0.1, width: labelWidth,
                leading: fields.englishSize * 1.2)
            let baseline = y - bold.ascent(size: fields.labelSize)
            let valueBottom = page.paragraph(
                value, font: valueFont, size: fields.valueSize, x: x + fields.labelWidth,
                top: baseline + valueFont.ascent(size: fields.valueSize),
                width: width - fields.labelWidth)
            y = min(labelBottom, valueBottom) - fields.rowGap
        }
        return y
    }

    /// A table whose header cells are bilingual (Vietnamese bold, English smaller beneath) and whose rows grow
    /// with their wrapped cells; rules around every cell.
    private mutating func drawTable(_ table: TemplateBlock.Table, x: Double, width: Double, top: Double) -> Double {
        let padding = table.padding
        let totalWidth = table.columns.reduce(0) { $0 + $1.width }
        var y = top
        page.line(from: PDFPoint(x: x, y: y), to: PDFPoint(x: x + totalWidth, y: y), width: table.ruleWidth)

        // Header.
        var headerHeight = 0.0
        var headerCells: [(vietnamese: [String], english: [String])] = []
        for column in table.columns {
            let inner = max(1, column.width - 2 * padding)
            let vietnamese = bold.wrap(column.vietnamese, size: table.headerSize, width: inner)
            let english =
                column.english.isEmpty ? [] : regular.wrap(column.english, size: table.englishSize, width: inner)
            headerCells.append((vietnamese, english))
            headerHeight = max(
                headerHeight,
                Double(vietnamese.count) * table.headerSize * 1.2 + Double(english.count) * table.englishSize * 1.2)
        }
        headerHeight += 2 * padding
        var columnX = x
        for (index, column) in table.columns.enumerated() {
            var baseline = y - padding - bold.ascent(size: table.headerSize)
            let inner = column.width - 2 * padding
            for line in headerCells[index].vietnamese {
                page.text(
                    line, font: bold, size: table.headerSize, x: columnX + padding, width: inner, baseline: baseline,
                    alignment: pdfAlignment(column.alignment))
                baseline -= table.headerSize * 1.2
            }
            baseline =
                y - padding - Double(headerCells[index].vietnamese.count) * table.headerSize * 1.2
                - regular.ascent(size: table.englishSize) + table.englishSize * 0.1
            for line in headerCells[index].english {
                page.text(
                    line, font: regular, size: table.englishSize, x: columnX + padding, width: inner,
                    baseline: baseline, alignment: pdfAlignment(column.alignment))
                baseline -= table.englishSize * 1.2
            }
            columnX += column.width
        }
        y -= headerHeight
        page.line(from: PDFPoint(x: x, y: y), to: PDFPoint(x: x + totalWidth, y: y), width: table.ruleWidth * 1.6)

        // Rows.
        let leading = table.size * 1.25
        for item in table.source.items(record) {
            var cells: [[String]] = []
            for column in table.columns {
                cells.append(
                    regular.wrap(
                        resolve(column.value, item: item), size: table.size, width: max(1, column.width - 2 * padding)))
            }
            let height = Double(cells.map(\.count).max() ?? 1) * leading + 2 * padding
            columnX = x
            for (index, column) in table.columns.enumerated() {
                var baseline = y - padding - regular.ascent(size: table.size)
                for line in cells[index] {
                    page.text(
                        line, font: regular, size: table.size, x: columnX + padding, width: column.width - 2 * padding,
                        baseline: baseline, alignment: pdfAlignment(column.alignment))
                    baseline -= leading
                }
                columnX += column.width
            }
            y -= height
            page.line(from: PDFPoint(x: x, y: y), to: PDFPoint(x: x + totalWidth, y: y), width: table.ruleWidth)
        }
        var ruleX = x
        page.line(from: PDFPoint(x: ruleX, y: top), to: PDFPoint(x: ruleX, y: y), width: table.ruleWidth)
        for column in table.columns {
            ruleX += column.width
            page.line(from: PDFPoint(x: ruleX, y: top), to: PDFPoint(x: ruleX, y: y), width: table.ruleWidth)
        }
        return y
    }

    /// The QR symbol (level M) as vector squares, quiet zone included, with the caption (the address) beneath.
    private mutating func drawQR(_ qr: TemplateBlock.QR, x: Double, width: Double, top: Double, item: ListItem?)
        throws(DocumentError) -> Double
    {
        let code: QRCode
        do { code = try QRCode(encoding: verificationURL, level: .medium) } catch {
            throw DocumentError(.verificationURLTooLong, "the verification address does not fit a QR code: \(error)")
        }
        let side = Double(code.totalSize(quietZone: qr.quietZone)) * qr.moduleSize
        if side > width + 0.001, overflow == nil {
            overflow = "\(template.file): the QR code is \(side) pt wide, more than the \(width) pt available"
        }
        let left = aligned(qr.alignment, x: x, width: width, content: side)
        let rects = code.darkRuns(quietZone: qr.quietZone).map { run in
            PDFRect(
                x: left + Double(run.x) * qr.moduleSize, y: top - Double(run.y + 1) * qr.moduleSize,
                width: Double(run.width) * qr.moduleSize,
                height: qr.moduleSize)
        }
        page.fillRectangles(rects)
        var bottom = top - side
        let caption = resolve(qr.caption, item: item)
        if !caption.isEmpty {
            let captionWidth = qr.captionWidth ?? width
            var captionX = aligned(qr.alignment, x: left, width: side, content: captionWidth)
            captionX = max(x, min(captionX, x + width - captionWidth))
            bottom = page.paragraph(
                caption, font: regular, size: qr.captionSize, x: captionX, top: bottom, width: captionWidth,
                alignment: pdfAlignment(qr.alignment))
        }
        return bottom
    }
}

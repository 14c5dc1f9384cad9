/// Colors for text, rules and fills (DeviceGray or DeviceRGB, components 0…1).
package enum PDFColor: Sendable, Equatable {
    case gray(Double)
    case rgb(Double, Double, Double)

    package static let black = PDFColor.gray(0)
}

/// Horizontal alignment of a line within a box.
package enum PDFTextAlignment: Sendable {
    case left, center, right
}

/// One page's content stream and the fonts it uses.
///
/// **Coordinates.** PDF user space has its origin at the **bottom-left** corner of the page, y growing upward,
/// in points (1/72 in; ISO 32000-1 §8.3.2.3). All drawing methods take that convention; `at:` in
/// ``text(_:font:size:at:color:)``
/// is the left end of the baseline. Layout code that thinks top-down can convert with ``fromTop(_:)``
/// (distance from the top edge → y) — e.g. `page.text("…", font: f, size: 12, at: PDFPoint(x: 56, y:
/// page.fromTop(80)))`.
package struct PDFPage: Sendable {
    /// ISO 216 A4 in points: 210 mm × 297 mm.
    package static let a4 = (width: 595.276, height: 841.89)

    package let width: Double
    package let height: Double
    var content: [UInt8] = []
    /// Fonts in order of first use; the resource name of `fonts[i]` is `F(i+1)`.
    var fonts: [FontUse] = []
    /// Where `content` holds glyph codes: text is written with the font's own glyph ids, which become subset
    /// ids when the document is written (``content(renumberedFor:)``).
    var glyphRuns: [GlyphRun] = []

    package init(width: Double = PDFPage.a4.width, height: Double = PDFPage.a4.height) {
        self.width = width
        self.height = height
    }

    /// The y coordinate that lies `distance` points below the top edge.
    package func fromTop(_ distance: Double) -> Double { height - distance }

    // MARK: Text

    /// Draws `text` on one line with its baseline starting at `point`; returns the advance width in points.
    /// The text is normalized to NFC and each scalar mapped to its glyph; no kerning, no shaping.
    @discardableResult
    package mutating func text(
        _ text: String, font: TrueTypeFont, size: Double, at point: PDFPoint, color: PDFColor = .black
    ) -> Double {
        let resource = resourceName(for: font)
        var width = 0
        content.append("BT\n")
        appendColor(color, stroke: false)
        content.append("/")
        content.append(resource.name)
        content.append(" ")
        content.appendNumber(size)
        content.append(" Tf\n1 0 0 1 ")
        content.appendNumber(point.x)
        content.append(" ")
        content.appendNumber(point.y)
        content.append(" Tm\n<")
        let runStart = content.count
        for scalar in PDFTextMeasure.normalized(text).unicodeScalars {
            let glyph = font.glyph(for: scalar)
            fonts[resource.index].record(glyph, scalar)
            content.appendHex16(glyph)
            width += font.width(of: glyph)
        }
        glyphRuns.append(GlyphRun(font: resource.index, start: runStart, count: (content.count - runStart) / 4))
        content.append("> Tj\nET\n")
        return Double(width) * size / 1000
    }

    /// Draws `text` aligned inside `[x, x + width]`.
    @discardableResult
    package mutating func text(
        _ text: String, font: TrueTypeFont, size: Double, x: Double, width: Double, baseline: Double,
        alignment: PDFTextAlignment, color: PDFColor = .black
    ) -> Double {
        let start: Double
        let measured = alignment == .left ? 0 : font.measure(text, size: size)
        switch alignment {
        case .left: start = x
        case .center: start = x + (width - measured) / 2
        case .right: start = x + width - measured
        }
        return self.text(text, font: font, size: size, at: PDFPoint(x: start, y: baseline), color: color)
    }

    /// Sets `text` wrapped to `width`, the first line's ascent touching `top`; explicit line breaks ("\n") are
    /// kept. Returns the y of the bottom of the last line (top − lines × leading), where the next block can start.
    @discardableResult
    package mutating func paragraph(
        _ text: String, font: TrueTypeFont, size: Double, x: Double, top: Double, width: Double,
        alignment: PDFTextAlignment = .left, leading: Double? = nil, color: PDFColor = .black
    ) -> Double {
        let lineHeight = leading ?? size * 1.25
        let lines = font.wrap(text, size: size, width: width)
        var baseline = top - font.ascent(size: size)
        for line in lines {
            self.text(
                line, font: font, size: size, x: x, width: width, baseline: baseline, alignment: alignment, color: color
            )
            baseline -= lineHeight
        }
        return top - Double(lines.count) * lineHeight
    }

    // MARK: Graphics

    /// A straight line (a "rule") of the given stroke width.
    package mutating func line(from start: PDFPoint, to end: PDFPoint, width: Double = 0.5, color: PDFColor = .black) {
        content.append("q\n")
        appendColor(color, stroke: true)
        content.appendNumber(width)
        content.append(" w\n")
        content.appendNumber(start.x)
        content.append(" ")
        content.appendNumber(start.y)
        content.append(" m\n")
        content.appendNumber(end.x)
        content.append(" ")
        content.appendNumber(end.y)
        content.append(" l\nS\nQ\n")
    }

    /// The outline of `rect`.
    package mutating func strokeRectangle(_ rect: PDFRect, width: Double = 0.5, color: PDFColor = .black) {
        content.append("q\n")
        appendColor(color, stroke: true)
        content.appendNumber(width)
        content.append(" w\n")
        appendRectangle(rect)
        content.append("S\nQ\n")
    }

    /// A filled rectangle.
    package mutating func fillRectangle(_ rect: PDFRect, color: PDFColor = .black) {
        fillRectangles([rect], color: color)
    }

    /// Several filled rectangles in one path and one fill operator.
    package mutating func fillRectangles(_ rects: [PDFRect], color: PDFColor = .black) {
        guard !rects.isEmpty else { return }
        content.append("q\n")
        appendColor(color, stroke: false)
        for rect in rects { appendRectangle(rect) }
        content.append("f\nQ\n")
    }

    /// Dark modules of a matrix code (e.g. a QR symbol): `modules` are (column, row) with row 0 at the top;
    /// `topLeft` is the PDF point of the top-left corner of module (0, 0), and each module is a square of
    /// `moduleSize` points. Horizontal runs of modules are merged into one rectangle, which keeps the content
    /// stream small and avoids hairline seams between neighbours when rasterized.
    package mutating func modules(
        _ modules: [(column: Int, row: Int)], topLeft: PDFPoint, moduleSize: Double, color: PDFColor = .black
    ) {
        let sorted = modules.sorted { $0.row != $1.row ? $0.row < $1.row : $0.column < $1.column }
        var rects: [PDFRect] = []
        var index = 0
        while index < sorted.count {
            var end = index
            while end + 1 < sorted.count, sorted[end + 1].row == sorted[index].row,
                sorted[end + 1].column == sorted[end].column + 1
            { end += 1 }
            rects.append(
                PDFRect(
                    x: topLeft.x + Double(sorted[index].column) * moduleSize,
                    y: topLeft.y - Double(sorted[index].row + 1) * moduleSize,
                    width: Double(end - index + 1) * moduleSize, height: moduleSize))
            index = end + 1
        }
        fillRectangles(rects, color: color)
    }

    // MARK: Internals

    /// A hex string of `count` 4-digit glyph codes at `content[start...]`, drawn with `fonts[font]`.
    struct GlyphRun: Sendable {
        let font: Int
        let start: Int
        let count: Int
    }

    /// The content stream with every glyph code rewritten from the font's glyph id to the id in `subsets[i]`,
    /// the subset embedded for `fonts[i]`. Codes keep their 4 hex digits, so nothing moves.
    func content(renumberedFor subsets: [CompressedSubset]) -> [UInt8] {
        var result = content
        let hexDigits = hexDigits
        result.withUnsafeMutableBufferPointer { bytes in
            @inline(__always) func digit(_ byte: UInt8) -> UInt16 {
                UInt16(byte <= UInt8(ascii: "9") ? byte &- 48 : byte &- 55)
            }
            for run in glyphRuns {
                let subset = subsets[run.font]
                for index in 0..<run.count {
                    let at = run.start + 4 * index
                    let glyph =
                        digit(bytes[at]) << 12 | digit(bytes[at + 1]) << 8 | digit(bytes[at + 2]) << 4
                        | digit(bytes[at + 3])
                    let cid = subset.newGlyph(for: glyph)
                    bytes[at] = hexDigits[Int(cid >> 12)]
                    bytes[at + 1] = hexDigits[Int(cid >> 8 & 0xF)]
                    bytes[at + 2] = hexDigits[Int(cid >> 4 & 0xF)]
                    bytes[at + 3] = hexDigits[Int(cid & 0xF)]
                }
            }
        }
        return result
    }

    mutating func resourceName(for font: TrueTypeFont) -> (name: String, index: Int) {
        if let index = fonts.firstIndex(where: { $0.font === font }) { return ("F\(index + 1)", index) }
        fonts.append(FontUse(font: font))
        return ("F\(fonts.count)", fonts.count - 1)
    }

    private mutating func appendColor(_ color: PDFColor, stroke: Bool) {
        switch color {
        case .gray(let level):
            content.appendNumber(level)
            content.append(stroke ? " G\n" : " g\n")
        case .rgb(let red, let green, let blue):
            content.appendNumber(red)
            content.append(" ")
            content.appendNumber(green)
            content.append(" ")
            content.appendNumber(blue)
            content.append(stroke ? " RG\n" : " rg\n")
        }
    }

    private mutating func appendRectangle(_ rect: PDFRect) {
        content.appendNumber(rect.x)
        content.append(" ")
        content.appendNumber(rect.y)
        content.append(" ")
        content.appendNumber(rect.width)
        content.append(" ")
        content.appendNumber(rect.height)
        content.append(" re\n")
    }
}

/// A point in PDF user space (points, origin bottom-left).
package struct PDFPoint: Sendable, Equatable {
    package var x: Double
    package var y: Double

    package init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}

/// The glyphs of one font used on a page, and the text each glyph stands for (for the ToUnicode CMap).
struct FontUse: Sendable {
    let font: TrueTypeFont
    /// Indexed by glyph id: the scalar value the glyph was first drawn for, or 0 when unused.
    private var scalars: [UInt32]
    /// Whether `.notdef` was drawn (a character the font lacks); it gets a width but no Unicode mapping.
    var usesNotdef = false

    init(font: TrueTypeFont) {
        self.font = font
        scalars = [UInt32](repeating: 0, count: font.glyphCount)
    }

    @inline(__always) mutating func record(_ glyph: UInt16, _ scalar: Unicode.Scalar) {
        if glyph == 0 { usesNotdef = true } else if scalars[Int(glyph)] == 0 { scalars[Int(glyph)] = scalar.value }
    }

    mutating func merge(_ other: FontUse) {
        usesNotdef = usesNotdef || other.usesNotdef
        for glyph in other.scalars.indices where scalars[glyph] == 0 { scalars[glyph] = other.scalars[glyph] }
    }

    /// Used glyphs (without `.notdef`) in ascending order with their scalars.
    var text: [(glyph: UInt16, scalar: Unicode.Scalar)] {
        scalars.indices.compactMap { glyph in
            scalars[glyph] == 0 ? nil : Unicode.Scalar(scalars[glyph]).map { (UInt16(glyph), $0) }
        }
    }
}

/// A simple table: fixed column widths, a bold header row, wrapped cells and horizontal rules between rows.
/// Drawn with ``PDFPage/table(_:x:top:)``; it does not break across pages.
package struct PDFTable: Sendable {
    /// One column: its header text ("\n" allowed, e.g. "Ngày\nDate"), width in points and alignment.
    package struct Column: Sendable {
        package var title: String
        package var width: Double
        package var alignment: PDFTextAlignment

        package init(_ title: String, width: Double, alignment: PDFTextAlignment = .left) {
            self.title = title
            self.width = width
            self.alignment = alignment
        }
    }

    package var columns: [Column]
    package var rows: [[String]]
    package var font: TrueTypeFont
    package var boldFont: TrueTypeFont
    package var size: Double
    package var padding: Double
    package var ruleWidth: Double
    /// Draw vertical rules between columns and at both sides as well.
    package var verticalRules: Bool

    package init(
        columns: [Column], rows: [[String]], font: TrueTypeFont, boldFont: TrueTypeFont, size: Double = 10,
        padding: Double = 4, ruleWidth: Double = 0.5, verticalRules: Bool = true
    ) {
        self.columns = columns
        self.rows = rows
        self.font = font
        self.boldFont = boldFont
        self.size = size
        self.padding = padding
        self.ruleWidth = ruleWidth
        self.verticalRules = verticalRules
    }
}

extension PDFPage {
    /// Draws `table` with its top-left corner at (`x`, `top`); returns the y of its bottom edge.
    @discardableResult
    package mutating func table(_ table: PDFTable, x: Double, top: Double) -> Double {
        let totalWidth = table.columns.reduce(0) { $0 + $1.width }
        let leading = table.size * 1.25
        var y = top
        line(from: PDFPoint(x: x, y: y), to: PDFPoint(x: x + totalWidth, y: y), width: table.ruleWidth)
        let allRows = [table.columns.map(\.title)] + table.rows
        for (rowIndex, row) in allRows.enumerated() {
            let font = rowIndex == 0 ? table.boldFont : table.font
            var cellLines: [[String]] = []
            for (columnIndex, column) in table.columns.enumerated() {
                let text = columnIndex < row.count ? row[columnIndex] : ""
                cellLines.append(font.wrap(text, size: table.size, width: max(1, column.width - 2 * table.padding)))
            }
            let lineCount = cellLines.map(\.count).max() ?? 1
            let rowHeight = Double(lineCount) * leading + 2 * table.padding
            var columnX = x
            for (columnIndex, column) in table.columns.enumerated() {
                var baseline = y - table.padding - font.ascent(size: table.size)
                for text in cellLines[columnIndex] {
                    self.text(
                        text, font: font, size: table.size, x: columnX + table.padding,
                        width: column.width - 2 * table.padding,
                        baseline: baseline, alignment: column.alignment)
                    baseline -= leading
                }
                columnX += column.width
            }
            let bottom = y - rowHeight
            line(
                from: PDFPoint(x: x, y: bottom), to: PDFPoint(x: x + totalWidth, y: bottom),
                width: rowIndex == 0 ? table.ruleWidth * 2 : table.ruleWidth)
            if table.verticalRules {
                var ruleX = x
                for column in [PDFTable.Column("", width: 0)] + table.columns {
                    ruleX += column.width
                    line(from: PDFPoint(x: ruleX, y: y), to: PDFPoint(x: ruleX, y: bottom), width: table.ruleWidth)
                }
            }
            y = bottom
        }
        return y
    }
}

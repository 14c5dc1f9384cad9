extension QRCode {
    /// A standalone SVG 1.1 document of the symbol: a white background over the whole symbol including its
    /// quiet zone and one black `<path>` made of the ``darkRuns(quietZone:)`` rectangles, drawn with
    /// `shape-rendering="crispEdges"`.
    ///
    /// The `viewBox` is in modules; `width` and `height` are `moduleSize` user units per module.
    /// - Parameters:
    ///   - moduleSize: rendered size of one module (px when the SVG stands alone).
    ///   - quietZone: light border in modules; ISO/IEC 18004:2015 §6.3.7 requires at least 4.
    package func svg(moduleSize: Int = 4, quietZone: Int = 4) -> String {
        let total = totalSize(quietZone: quietZone)
        let pixels = total * moduleSize
        var path = ""
        path.reserveCapacity(size * size * 2)
        for run in darkRuns(quietZone: quietZone) {
            path += "M\(run.x) \(run.y)h\(run.width)v1h-\(run.width)z"
        }
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="\(pixels)" height="\(pixels)" \
            viewBox="0 0 \(total) \(total)" shape-rendering="crispEdges">
            <rect width="\(total)" height="\(total)" fill="#fff"/>
            <path fill="#000" d="\(path)"/>
            </svg>

            """
    }
}

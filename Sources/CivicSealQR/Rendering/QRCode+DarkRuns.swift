extension QRCode {
    /// A horizontal run of dark modules, one module high, for renderers that draw vector rectangles.
    ///
    /// Coordinates are in modules, origin at the top-left corner of the symbol *including* its quiet zone,
    /// x to the right and y downwards. A PDF writer, whose y axis points up, places the rectangle at
    /// `(x, totalSize − y − 1)` with height 1, where `totalSize = size + 2 × quietZone`.
    package struct DarkRun: Sendable, Hashable {
        /// Column of the leftmost module of the run.
        package let x: Int
        /// Row of the run.
        package let y: Int
        /// Number of adjacent dark modules, at least 1.
        package let width: Int

        package init(x: Int, y: Int, width: Int) {
            self.x = x
            self.y = y
            self.width = width
        }
    }

    /// Modules per side including a quiet zone of `quietZone` modules on every side (§6.3.7 asks for 4).
    package func totalSize(quietZone: Int = 4) -> Int { size + 2 * quietZone }

    /// Every maximal horizontal run of dark modules, row by row from the top, offset by `quietZone`.
    /// Drawing each as a `width × 1` rectangle reproduces the symbol exactly.
    package func darkRuns(quietZone: Int = 4) -> [DarkRun] {
        var runs: [DarkRun] = []
        runs.reserveCapacity(size * size / 4)
        for y in 0..<size {
            var x = 0
            while x < size {
                guard modules[y * size + x] else {
                    x += 1
                    continue
                }
                let start = x
                while x < size && modules[y * size + x] { x += 1 }
                runs.append(DarkRun(x: start + quietZone, y: y + quietZone, width: x - start))
            }
        }
        return runs
    }
}

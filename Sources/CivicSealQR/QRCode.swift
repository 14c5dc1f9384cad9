/// A QR Code model 2 symbol (ISO/IEC 18004:2015) holding bytes in byte mode.
///
/// Encoding follows §7.1: the input is written in byte mode (§7.4.5) into the smallest version 1–40 that
/// holds it at the requested error-correction level (§7.4.1, Table 7); Reed–Solomon codewords are computed
/// per block (§7.5) and interleaved (§7.6); modules are placed around the function patterns (§6.3, §7.7);
/// every one of the eight masks (§7.8.2) is scored by the penalty rules (§7.8.3) and the lowest is kept;
/// format and version information follow (§7.9, §7.10).
///
/// Text is encoded as its UTF-8 bytes without an ECI header: decoders such as ZBar read UTF-8 byte-mode
/// data as UTF-8.
///
/// The matrix is row-major with the origin at the top-left module, x to the right and y downwards; it does
/// not include the quiet zone (§6.3.7), which renderers add.
package struct QRCode: Sendable, Hashable {
    /// The symbol version, 1...40 (§6.1); the symbol is 17 + 4·version modules wide.
    package let version: Int
    /// The error-correction level the symbol was built with.
    package let errorCorrectionLevel: ErrorCorrectionLevel
    /// The data mask pattern reference, 0...7 (§7.8.2, Table 10).
    package let mask: Int
    /// Modules per side, without the quiet zone.
    package let size: Int
    /// `size × size` modules, row-major from the top-left; `true` is dark.
    package let modules: [Bool]
    /// The §7.8.3 penalty score of this symbol as masked (lower is better).
    package let penalty: Int

    /// Encodes the UTF-8 bytes of `text`.
    ///
    /// - Parameters:
    ///   - level: the error-correction level; the default M suits printed documents.
    ///   - mask: forces a mask pattern (0...7) instead of choosing the one with the lowest penalty.
    /// - Throws: ``QRCodeError/Code/dataTooLong`` when the bytes do not fit version 40 at `level`.
    package init(encoding text: String, level: ErrorCorrectionLevel = .medium, mask: Int? = nil) throws(QRCodeError) {
        try self.init(bytes: Array(text.utf8), level: level, mask: mask)
    }

    /// Encodes `bytes` in byte mode; see ``init(encoding:level:mask:)``.
    package init(bytes: [UInt8], level: ErrorCorrectionLevel = .medium, mask forcedMask: Int? = nil) throws(QRCodeError)
    {
        if let forcedMask, !(0...7).contains(forcedMask) {
            throw QRCodeError(.invalidMask, "mask pattern \(forcedMask) is not in 0...7")
        }
        guard let version = Codewords.smallestVersion(byteCount: bytes.count, level: level) else {
            throw QRCodeError(
                .dataTooLong,
                "\(bytes.count) bytes exceed the \(QRCode.byteCapacity(version: 40, level: level)) bytes a "
                    + "version 40 symbol holds at level \(level)")
        }
        let structure = BlockStructure.of(version: version, level: level)
        let data = Codewords.dataCodewords(bytes, version: version, capacity: structure.dataCodewords)
        var matrix = SymbolMatrix(version: version)
        matrix.placeCodewords(Codewords.interleaved(data, structure: structure))

        var best: (mask: Int, penalty: Int, matrix: SymbolMatrix)? = nil
        for mask in forcedMask.map({ [$0] }) ?? Array(0...7) {
            var candidate = matrix
            candidate.applyMask(mask)
            candidate.drawFormatInformation(FormatInformation.bits(level: level, mask: mask))
            let penalty = Penalty.score(candidate.modules, size: candidate.size)
            if best == nil || penalty < best!.penalty { best = (mask, penalty, candidate) }
        }
        let chosen = best!
        self.version = version
        self.errorCorrectionLevel = level
        self.mask = chosen.mask
        self.size = matrix.size
        self.modules = chosen.matrix.modules.map { $0 != 0 }
        self.penalty = chosen.penalty
    }

    /// Whether the module at column `x`, row `y` (top-left origin) is dark.
    package subscript(x x: Int, y y: Int) -> Bool { modules[y * size + x] }

    /// The most bytes a symbol of `version` holds in byte mode at `level` (Table 7).
    package static func byteCapacity(version: Int, level: ErrorCorrectionLevel) -> Int {
        let bits = BlockStructure.of(version: version, level: level).dataCodewords * 8
        return (bits - 4 - Codewords.characterCountBits(version: version)) / 8
    }
}

/// Builds the final codeword sequence of a byte-mode symbol: ISO/IEC 18004:2015 §7.4 (data encoding),
/// §7.5 (error correction) and §7.6 (interleaving).
enum Codewords {
    /// The byte-mode indicator 0100 (§7.4.2, Table 2).
    static let byteModeIndicator = 0b0100

    /// Bits of the character count indicator in byte mode (§7.4.1, Table 3): 8 for versions 1–9, 16 for 10–40.
    static func characterCountBits(version: Int) -> Int { version <= 9 ? 8 : 16 }

    /// Bits needed for `byteCount` bytes in byte mode at `version`, before terminator and padding.
    static func bitsNeeded(byteCount: Int, version: Int) -> Int {
        4 + characterCountBits(version: version) + 8 * byteCount
    }

    /// The smallest version whose data capacity at `level` holds `byteCount` bytes, or nil past version 40.
    static func smallestVersion(byteCount: Int, level: ErrorCorrectionLevel) -> Int? {
        for version in 1...40
        where bitsNeeded(byteCount: byteCount, version: version)
            <= BlockStructure.of(version: version, level: level).dataCodewords * 8
        {
            return version
        }
        return nil
    }

    /// The data codewords (§7.4.2 to §7.4.10): mode, count, data, terminator, bit padding, pad codewords 0xEC/0x11.
    static func dataCodewords(_ bytes: [UInt8], version: Int, capacity: Int) -> [UInt8] {
        var writer = BitWriter(capacity: capacity)
        writer.append(byteModeIndicator, bits: 4)
        writer.append(bytes.count, bits: characterCountBits(version: version))
        for byte in bytes { writer.append(Int(byte), bits: 8) }
        // Terminator: up to four zero bits, fewer when the symbol is full (§7.4.9).
        writer.append(0, bits: min(4, capacity * 8 - writer.bitCount))
        // Zero bits to the next codeword boundary, then alternating pad codewords (§7.4.10).
        if writer.bitCount % 8 != 0 { writer.append(0, bits: 8 - writer.bitCount % 8) }
        var pad: UInt8 = 0xEC
        while writer.bytes.count < capacity {
            writer.bytes.append(pad)
            pad = pad == 0xEC ? 0x11 : 0xEC
        }
        return writer.bytes
    }

    /// Splits `data` into the blocks of `structure`, computes each block's Reed–Solomon codewords and
    /// interleaves them: data codewords column by column across blocks, then error-correction codewords (§7.6).
    static func interleaved(_ data: [UInt8], structure: BlockStructure) -> [UInt8] {
        let blockCount = structure.blockCount
        let degree = structure.errorCorrectionCodewordsPerBlock
        var starts: [Int] = []
        starts.reserveCapacity(blockCount + 1)
        var errorCorrection: [UInt8] = []
        errorCorrection.reserveCapacity(structure.errorCorrectionCodewords)
        var start = 0
        for block in 0..<blockCount {
            starts.append(start)
            let count = structure.dataCodewords(inBlock: block)
            ReedSolomonEncoder.appendErrorCorrection(
                for: data[start..<(start + count)], degree: degree, to: &errorCorrection)
            start += count
        }
        var result: [UInt8] = []
        result.reserveCapacity(structure.totalCodewords)
        let longest = max(structure.group1DataCodewords, structure.group2DataCodewords)
        for column in 0..<longest {
            for block in 0..<blockCount where column < structure.dataCodewords(inBlock: block) {
                result.append(data[starts[block] + column])
            }
        }
        for column in 0..<degree {
            for block in 0..<blockCount { result.append(errorCorrection[block * degree + column]) }
        }
        return result
    }
}

/// Appends bit fields most significant bit first into bytes.
struct BitWriter {
    var bytes: [UInt8]
    private(set) var bitCount = 0

    init(capacity: Int) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    mutating func append(_ value: Int, bits: Int) {
        for shift in stride(from: bits - 1, through: 0, by: -1) {
            if bitCount % 8 == 0 { bytes.append(0) }
            if (value >> shift) & 1 == 1 { bytes[bytes.count - 1] |= 0x80 >> UInt8(bitCount % 8) }
            bitCount += 1
        }
    }
}

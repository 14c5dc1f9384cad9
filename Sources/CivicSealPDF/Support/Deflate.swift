/// A small zlib (RFC 1950) / DEFLATE (RFC 1951) compressor: LZ77 with hash chains, emitted as a single
/// fixed-Huffman block (RFC 1951 §3.2.6). Its output is a valid `/FlateDecode` stream (ISO 32000-1 §7.4.4).
///
/// Dynamic Huffman tables would gain some more ratio; the fixed code keeps this short and fast, and it is enough
/// to keep a one-page certificate with two embedded font subsets well under 60 KB.
enum Deflate {
    /// The zlib stream (CMF/FLG header, DEFLATE data, Adler-32) of `input`.
    static func zlib(_ input: [UInt8], maximumChain: Int = 8) -> [UInt8] {
        var writer = BitWriter(capacity: input.count / 2 + 64)
        writer.bytes.append(0x78)  // CM = 8 (deflate), CINFO = 7 (32 KiB window)
        writer.bytes.append(0x01)  // FLEVEL 0, no dictionary; 0x7801 % 31 == 0
        writer.write(1, count: 1)  // BFINAL
        writer.write(1, count: 2)  // BTYPE = 01, fixed Huffman
        input.withUnsafeBufferPointer { compress($0, into: &writer, maximumChain: maximumChain) }
        writer.writeSymbol(256)  // end of block
        writer.flush()
        let adler = adler32(input)
        writer.bytes.append(contentsOf: [UInt8(adler >> 24), UInt8(truncatingIfNeeded: adler >> 16), UInt8(truncatingIfNeeded: adler >> 8), UInt8(truncatingIfNeeded: adler)])
        return writer.bytes
    }

    static func adler32(_ input: [UInt8]) -> UInt32 {
        var a: UInt32 = 1
        var b: UInt32 = 0
        var index = 0
        while index < input.count {
            let end = min(index + 5552, input.count)  // largest block before b can overflow (zlib's NMAX)
            while index < end {
                a &+= UInt32(input[index])
                b &+= a
                index += 1
            }
            a %= 65521
            b %= 65521
        }
        return b << 16 | a
    }

    private static let windowSize = 32768
    private static let hashBits = 15

    private static func compress(_ data: UnsafeBufferPointer<UInt8>, into writer: inout BitWriter, maximumChain: Int) {
        let count = data.count
        guard count > 0 else { return }
        let hashSize = 1 << hashBits
        let hashMask = hashSize - 1
        let windowMask = windowSize - 1
        // Raw buffers: the hot loop must not pay for exclusivity checks on captured arrays.
        let head = UnsafeMutableBufferPointer<Int32>.allocate(capacity: hashSize)
        head.initialize(repeating: -1)
        let previous = UnsafeMutableBufferPointer<Int32>.allocate(capacity: windowSize)
        previous.initialize(repeating: -1)
        defer {
            head.deallocate()
            previous.deallocate()
        }
        @inline(__always) func hashAt(_ i: Int) -> Int {
            (Int(data[i]) << 10 ^ Int(data[i + 1]) << 5 ^ Int(data[i + 2])) & hashMask
        }
        @inline(__always) func insert(_ i: Int) {
            guard i + 2 < count else { return }
            let h = hashAt(i)
            previous[i & windowMask] = head[h]
            head[h] = Int32(i)
        }
        var position = 0
        while position < count {
            var bestLength = 0
            var bestDistance = 0
            if position + 2 < count {
                let h = hashAt(position)
                var candidate = Int(head[h])
                var chain = maximumChain
                let limit = min(258, count - position)
                while candidate >= 0, chain > 0 {
                    let distance = position - candidate
                    if distance > windowSize - 1 { break }
                    if data[candidate + bestLength] == data[position + bestLength] || bestLength == 0 {
                        var length = 0
                        while length < limit, data[candidate + length] == data[position + length] { length += 1 }
                        if length > bestLength {
                            bestLength = length
                            bestDistance = distance
                            if length == limit { break }
                        }
                    }
                    let next = Int(previous[candidate & windowMask])
                    if next >= candidate { break }
                    candidate = next
                    chain -= 1
                }
                previous[position & windowMask] = head[h]
                head[h] = Int32(position)
            }
            if bestLength >= 3 {
                writer.writeLength(bestLength)
                writer.writeDistance(bestDistance)
                for i in (position + 1)..<(position + bestLength) { insert(i) }
                position += bestLength
            } else {
                writer.writeSymbol(Int(data[position]))
                position += 1
            }
        }
    }
}

/// Least-significant-bit-first bit packing as DEFLATE requires (RFC 1951 §3.1.1).
private struct BitWriter {
    var bytes: [UInt8]
    private var accumulator: UInt64 = 0
    private var bitCount: UInt64 = 0

    init(capacity: Int) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    @inline(__always) mutating func write(_ value: UInt32, count: Int) {
        accumulator |= UInt64(value) << bitCount
        bitCount += UInt64(count)
        if bitCount >= 32 {
            bytes.append(UInt8(truncatingIfNeeded: accumulator))
            bytes.append(UInt8(truncatingIfNeeded: accumulator >> 8))
            bytes.append(UInt8(truncatingIfNeeded: accumulator >> 16))
            bytes.append(UInt8(truncatingIfNeeded: accumulator >> 24))
            accumulator >>= 32
            bitCount -= 32
        }
    }

    mutating func flush() {
        while bitCount > 0 {
            bytes.append(UInt8(truncatingIfNeeded: accumulator))
            accumulator >>= 8
            bitCount = bitCount >= 8 ? bitCount - 8 : 0
        }
    }

    /// A literal/length symbol in the fixed code (RFC 1951 §3.2.6); Huffman codes are packed starting with
    /// their most significant bit, hence the reversed table.
    @inline(__always) mutating func writeSymbol(_ symbol: Int) {
        write(UInt32(FixedCode.literalCodes[symbol]), count: Int(FixedCode.literalLengths[symbol]))
    }

    @inline(__always) mutating func writeLength(_ length: Int) {
        let code = Int(FixedCode.lengthCode[length])
        writeSymbol(257 + code)
        let extra = FixedCode.lengthExtraBits[code]
        if extra > 0 { write(UInt32(length - Int(FixedCode.lengthBase[code])), count: Int(extra)) }
    }

    @inline(__always) mutating func writeDistance(_ distance: Int) {
        let code = Int(FixedCode.distanceCode(distance))
        write(UInt32(FixedCode.distanceCodes[code]), count: 5)
        let extra = FixedCode.distanceExtraBits[code]
        if extra > 0 { write(UInt32(distance - Int(FixedCode.distanceBase[code])), count: Int(extra)) }
    }
}

private enum FixedCode {
    static let lengthBase: [UInt16] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
    static let lengthExtraBits: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    static let distanceBase: [UInt16] = [
        1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145,
        8193, 12289, 16385, 24577,
    ]
    static let distanceExtraBits: [UInt8] = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]

    /// Length 3…258 → index into `lengthBase` (code 257 + index).
    static let lengthCode: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 259)
        for code in 0..<29 {
            let upper = code == 28 ? 258 : Int(lengthBase[code + 1]) - 1
            let lower = Int(lengthBase[code])
            // Length 258 has its own code (285), never the last range of code 284.
            for length in lower...min(upper, code == 27 ? 257 : upper) { table[length] = UInt8(code) }
        }
        return table
    }()

    @inline(__always) static func distanceCode(_ distance: Int) -> UInt8 {
        var low = 0
        var high = 29
        while low < high {  // the last base not above `distance`
            let middle = (low + high + 1) / 2
            if Int(distanceBase[middle]) <= distance { low = middle } else { high = middle - 1 }
        }
        return UInt8(low)
    }

    static let distanceCodes: [UInt16] = (0..<30).map { reverse(UInt32($0), bits: 5) }

    static let literalCodes: [UInt16] = (0..<288).map { symbol in
        switch symbol {
        case 0...143: reverse(UInt32(0x30 + symbol), bits: 8)
        case 144...255: reverse(UInt32(0x190 + symbol - 144), bits: 9)
        case 256...279: reverse(UInt32(symbol - 256), bits: 7)
        default: reverse(UInt32(0xC0 + symbol - 280), bits: 8)
        }
    }

    static let literalLengths: [UInt8] = (0..<288).map { symbol in
        switch symbol {
        case 0...143: 8
        case 144...255: 9
        case 256...279: 7
        default: 8
        }
    }

    static func reverse(_ value: UInt32, bits: Int) -> UInt16 {
        var result: UInt32 = 0
        for i in 0..<bits where value & (1 << UInt32(i)) != 0 { result |= 1 << UInt32(bits - 1 - i) }
        return UInt16(result)
    }
}

/// A small zlib (RFC 1950) / DEFLATE (RFC 1951) compressor: LZ77 with hash chains, emitted as a single
/// fixed-Huffman block (RFC 1951 §3.2.6). Its output is a valid `/FlateDecode` stream (ISO 32000-1 §7.4.4).
///
/// Dynamic Huffman tables would gain some more ratio; the fixed code keeps this short and fast, and it is enough
/// to keep a one-page certificate with two embedded font subsets well under 60 KB.
enum Deflate {
    /// The zlib stream (CMF/FLG header, DEFLATE data, Adler-32) of `input`. `maximumChain` bounds how many
    /// earlier positions with the same 3-byte hash are tried for each match.
    static func zlib(_ input: [UInt8], maximumChain: Int = 8) -> [UInt8] {
        input.withUnsafeBufferPointer { data in
            // Fixed-code output is at most 9 bits per input byte; 16 bytes of slack let the bit writer store
            // whole 64-bit words.
            let capacity = data.count + data.count / 8 + 32
            return [UInt8](unsafeUninitializedCapacity: capacity) { output, written in
                var writer = BitWriter(output.baseAddress!, tables: FixedCode.tables)
                writer.write(0x0178, count: 16)  // CMF 0x78: deflate, 32 KiB window; FLG 0x01 (0x7801 % 31 == 0)
                writer.write(0b011, count: 3)  // BFINAL = 1, BTYPE = 01 (fixed Huffman)
                compress(data, into: &writer, maximumChain: maximumChain)
                writer.writeSymbol(256)  // end of block
                let adler = adler32(data)
                writer.alignToByte()
                writer.write(UInt64(adler.byteSwapped), count: 32)  // big-endian (RFC 1950 §2.2)
                written = writer.finish()
                precondition(written <= capacity)
            }
        }
    }

    static func adler32(_ input: [UInt8]) -> UInt32 { input.withUnsafeBufferPointer { adler32($0) } }

    static func adler32(_ input: UnsafeBufferPointer<UInt8>) -> UInt32 {
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
    /// Matches longer than this insert only their first position into the hash chains (zlib's
    /// `max_insert_length` idea): long runs (zero-filled font tables, repeated operators) cost almost nothing,
    /// at a negligible loss of ratio.
    private static let maximumInsertLength = 32

    private static func compress(_ data: UnsafeBufferPointer<UInt8>, into writer: inout BitWriter, maximumChain: Int) {
        let count = data.count
        guard count > 0 else { return }
        let bytes = data.baseAddress!
        // Tables sized to the input (at most 2^15 entries each): a small stream gets small tables, and none
        // reaches the size at which malloc maps fresh zeroed pages for every call. `previous` needs no more
        // entries than there are positions, so the window mask never aliases two live positions.
        let sizeBits = Int.bitWidth - max(count - 1, 1).leadingZeroBitCount
        let hashBits = min(Self.hashBits, max(8, sizeBits))
        let hashSize = 1 << hashBits
        let windowMask = min(windowSize, 1 << sizeBits) - 1
        // Raw buffers: the hot loop must not pay for exclusivity or bounds checks on captured arrays.
        let head = UnsafeMutablePointer<Int32>.allocate(capacity: hashSize)
        head.initialize(repeating: -1, count: hashSize)
        let previous = UnsafeMutablePointer<Int32>.allocate(capacity: windowMask + 1)
        defer {
            head.deallocate()
            previous.deallocate()
        }
        // The 3 bytes at i as the low bits of a word (needs i + 2 < count): one 4-byte load where 4 bytes remain.
        let lastWordLoad = count - 4
        @inline(__always) func prefix(_ i: Int) -> UInt32 {
            if i <= lastWordLoad {
                return UInt32(littleEndian: UnsafeRawPointer(bytes + i).loadUnaligned(as: UInt32.self)) & 0xFF_FFFF
            }
            return UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16
        }
        // A multiplicative hash of 3 bytes.
        @inline(__always) func hash(_ word: UInt32) -> Int { Int((word &* 0x9E37_79B1) >> UInt32(32 - hashBits)) }
        @inline(__always) func hashAt(_ i: Int) -> Int { hash(prefix(i)) }
        @inline(__always) func insert(_ i: Int) {
            let h = hashAt(i)
            previous[i & windowMask] = head[h]
            head[h] = Int32(i)
        }
        /// The length of the common prefix of the data at `a` and at `b` (a < b), at most `limit`.
        @inline(__always) func matchLength(_ a: Int, _ b: Int, limit: Int) -> Int {
            var length = 0
            while length + 8 <= limit {
                let x = UnsafeRawPointer(bytes + a + length).loadUnaligned(as: UInt64.self)
                let y = UnsafeRawPointer(bytes + b + length).loadUnaligned(as: UInt64.self)
                if x != y {
                    return length + (UInt64(littleEndian: x) ^ UInt64(littleEndian: y)).trailingZeroBitCount / 8
                }
                length += 8
            }
            while length < limit, bytes[a + length] == bytes[b + length] { length += 1 }
            return length
        }
        var position = 0
        let lastHashable = count - 3  // the last position with 3 bytes to hash
        while position < count {
            var bestLength = 0
            var bestDistance = 0
            if position <= lastHashable {
                let word = prefix(position)
                let h = hash(word)
                var candidate = Int(head[h])
                var chain = maximumChain
                let limit = min(258, count - position)
                while candidate >= 0, chain > 0 {
                    let distance = position - candidate
                    if distance >= windowSize { break }
                    // Only a candidate that matches the first 3 bytes and the byte after the best length so far
                    // can improve on it.
                    if bytes[candidate + bestLength] == bytes[position + bestLength], prefix(candidate) == word {
                        let length = matchLength(candidate, position, limit: limit)
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
                if bestLength <= maximumInsertLength {
                    for i in (position + 1)..<min(position + bestLength, lastHashable + 1) { insert(i) }
                }
                position += bestLength
            } else {
                writer.writeSymbol(Int(bytes[position]))
                position += 1
            }
        }
    }
}

/// Least-significant-bit-first bit packing as DEFLATE requires (RFC 1951 §3.1.1), into a buffer the caller
/// sized with at least 8 bytes of slack: whole 64-bit words are stored and the position advances by the bytes
/// completed.
private struct BitWriter {
    private let start: UnsafeMutablePointer<UInt8>
    private var cursor: UnsafeMutablePointer<UInt8>
    private var accumulator: UInt64 = 0
    private var bitCount = 0
    private let tables: FixedCode.Tables

    init(_ start: UnsafeMutablePointer<UInt8>, tables: FixedCode.Tables) {
        self.start = start
        cursor = start
        self.tables = tables
    }

    /// Appends the low `count` bits of `value` (count ≤ 32).
    @inline(__always) mutating func write(_ value: UInt64, count: Int) {
        accumulator |= value << UInt64(bitCount)
        bitCount += count
        if bitCount >= 32 {
            UnsafeMutableRawPointer(cursor).storeBytes(of: accumulator.littleEndian, as: UInt64.self)
            let whole = bitCount >> 3
            cursor += whole
            accumulator >>= UInt64(whole << 3)
            bitCount &= 7
        }
    }

    /// Pads with zero bits to a byte boundary.
    mutating func alignToByte() {
        if bitCount % 8 != 0 { write(0, count: 8 - bitCount % 8) }
    }

    /// Stores the remaining bits and returns the number of bytes written.
    mutating func finish() -> Int {
        while bitCount > 0 {
            cursor.pointee = UInt8(truncatingIfNeeded: accumulator)
            cursor += 1
            accumulator >>= 8
            bitCount = max(0, bitCount - 8)
        }
        return cursor - start
    }

    /// A literal/length symbol in the fixed code (RFC 1951 §3.2.6).
    @inline(__always) mutating func writeSymbol(_ symbol: Int) {
        let entry = tables.literals[symbol]
        write(UInt64(entry & 0x0FFF), count: Int(entry >> 12))
    }

    /// The length symbol and its extra bits, as one write.
    @inline(__always) mutating func writeLength(_ length: Int) {
        let entry = tables.lengths[length]
        write(UInt64(entry & 0xFF_FFFF), count: Int(entry >> 24))
    }

    /// The distance code and its extra bits, as one write.
    @inline(__always) mutating func writeDistance(_ distance: Int) {
        let code = Int(
            distance <= 256 ? tables.distanceCodes[distance - 1] : tables.distanceCodes[256 + (distance - 1) >> 7])
        let entry = tables.distances[code]
        let extra = Int(entry >> 8 & 0xFF)
        write(UInt64(entry & 0x1F) | UInt64(distance - Int(entry >> 16)) << 5, count: 5 + extra)
    }
}

private enum FixedCode {
    static let lengthBase: [UInt16] = [
        3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227,
        258,
    ]
    static let lengthExtraBits: [UInt8] = [
        0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
    ]
    static let distanceBase: [UInt16] = [
        1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097,
        6145,
        8193, 12289, 16385, 24577,
    ]
    static let distanceExtraBits: [UInt8] = [
        0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
    ]

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

    /// Distance 1…32768 → code, zlib's `_dist_code` layout: distances up to 256 index directly, larger ones
    /// by `256 + (distance − 1) >> 7`.
    private static let distanceCodeTable: [UInt8] = {
        func search(_ distance: Int) -> UInt8 {
            var code = 0
            while code + 1 < 30, Int(distanceBase[code + 1]) <= distance { code += 1 }  // the last base not above it
            return UInt8(code)
        }
        var table = [UInt8](repeating: 0, count: 512)
        for distance in 1...256 { table[distance - 1] = search(distance) }
        for index in 2..<256 { table[256 + index] = search((index << 7) + 1) }
        return table
    }()

    /// Per distance code: the reversed 5-bit code, the extra bit count at bit 8 and the base distance at bit 16.
    private static let distanceEntries: [UInt32] = (0..<30).map { code in
        UInt32(reverse(UInt32(code), bits: 5)) | UInt32(distanceExtraBits[code]) << 8 | UInt32(distanceBase[code]) << 16
    }

    /// The tables the bit writer reads in its inner loop, as raw pointers into immortal storage. They are built
    /// once, the first time a stream is compressed, and never freed.
    struct Tables: @unchecked Sendable {  // read-only pointers into storage that is never mutated or freed
        let literals: UnsafePointer<UInt16>
        let lengths: UnsafePointer<UInt32>
        let distanceCodes: UnsafePointer<UInt8>
        let distances: UnsafePointer<UInt32>
    }

    static let tables: Tables = {
        func immortal<T>(_ values: [T]) -> UnsafePointer<T> {
            let storage = UnsafeMutablePointer<T>.allocate(capacity: values.count)
            storage.initialize(from: values, count: values.count)
            return UnsafePointer(storage)
        }
        return Tables(
            literals: immortal(literalCodes), lengths: immortal(lengthEntries),
            distanceCodes: immortal(distanceCodeTable),
            distances: immortal(distanceEntries))
    }()

    /// Per literal/length symbol: the reversed code in the low 12 bits, its length in the high 4.
    static let literalCodes: [UInt16] = (0..<288).map { symbol in
        literalCodeBits[symbol] | UInt16(literalLengths[symbol]) << 12
    }

    /// Per match length 3…258: the length symbol's reversed code followed by the extra bits in the low 24 bits,
    /// the total bit count in the high 8.
    static let lengthEntries: [UInt32] = (0..<259).map { length in
        guard length >= 3 else { return 0 }
        let code = Int(lengthCode[length])
        let symbol = 257 + code
        let bits = UInt32(literalCodeBits[symbol])
        let codeLength = UInt32(literalLengths[symbol])
        let extra = UInt32(lengthExtraBits[code])
        let value = bits | UInt32(length - Int(lengthBase[code])) << codeLength
        return value | (codeLength + extra) << 24
    }

    static let literalCodeBits: [UInt16] = (0..<288).map { symbol in
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

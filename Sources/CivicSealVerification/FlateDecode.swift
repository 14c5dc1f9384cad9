/// The `/FlateDecode` filter (ISO 32000-1 §7.4.4): a zlib stream (RFC 1950) of DEFLATE data (RFC 1951), decoded with
/// a bound on the output so that a small hostile stream cannot expand without limit. DSS streams are often written
/// compressed. Returns nil on any malformation or when the output would exceed `maximumSize`.
enum FlateDecode {
    static func inflate(_ input: [UInt8], maximumSize: Int) -> [UInt8]? {
        guard input.count >= 2, (Int(input[0]) << 8 | Int(input[1])) % 31 == 0, input[0] & 0x0F == 8,
            input[1] & 0x20 == 0
        else { return nil }
        var inflater = Inflater(input: input, position: 2, maximumSize: maximumSize)
        return inflater.run() ? inflater.output : nil
    }

    private struct Huffman {
        var counts = [Int](repeating: 0, count: 16)
        var symbols: [Int] = []

        init?(lengths: [Int]) {
            symbols = [Int](repeating: 0, count: lengths.count)
            for length in lengths { counts[length] += 1 }
            counts[0] = 0
            var left = 1
            for length in 1..<16 {
                left = left * 2 - counts[length]
                if left < 0 { return nil }
            }
            var offsets = [Int](repeating: 0, count: 16)
            for length in 1..<15 { offsets[length + 1] = offsets[length] + counts[length] }
            for (symbol, length) in lengths.enumerated() where length != 0 {
                symbols[offsets[length]] = symbol
                offsets[length] += 1
            }
        }
    }

    private struct Inflater {
        let input: [UInt8]
        var position: Int
        let maximumSize: Int
        var output: [UInt8] = []
        var bitBuffer = 0
        var bitCount = 0

        static let lengthBase = [
            3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195,
            227, 258,
        ]
        static let lengthExtra = [
            0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
        ]
        static let distanceBase = [
            1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073,
            4097, 6145, 8193, 12289, 16385, 24577,
        ]
        static let distanceExtra = [
            0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
        ]
        static let order = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

        mutating func bits(_ count: Int) -> Int? {
            while bitCount < count {
                guard position < input.count else { return nil }
                bitBuffer |= Int(input[position]) << bitCount
                position += 1
                bitCount += 8
            }
            let value = bitBuffer & ((1 << count) - 1)
            bitBuffer >>= count
            bitCount -= count
            return value
        }

        mutating func decode(_ code: Huffman) -> Int? {
            var value = 0
            var first = 0
            var index = 0
            for length in 1..<16 {
                guard let bit = bits(1) else { return nil }
                value |= bit
                let count = code.counts[length]
                if value - count < first { return code.symbols[index + (value - first)] }
                index += count
                first += count
                first <<= 1
                value <<= 1
            }
            return nil
        }

        mutating func run() -> Bool {
            while true {
                guard let last = bits(1), let type = bits(2) else { return false }
                let ok: Bool
                switch type {
                case 0: ok = stored()
                case 1: ok = fixed()
                case 2: ok = dynamic()
                default: ok = false
                }
                guard ok else { return false }
                if last == 1 { return true }
            }
        }

        mutating func stored() -> Bool {
            bitBuffer = 0
            bitCount = 0
            guard position + 4 <= input.count else { return false }
            let length = Int(input[position]) | Int(input[position + 1]) << 8
            let complement = Int(input[position + 2]) | Int(input[position + 3]) << 8
            position += 4
            guard length == ~complement & 0xFFFF, position + length <= input.count,
                output.count + length <= maximumSize
            else { return false }
            output += input[position..<(position + length)]
            position += length
            return true
        }

        mutating func fixed() -> Bool {
            var lengths = [Int](repeating: 8, count: 288)
            for index in 144..<256 { lengths[index] = 9 }
            for index in 256..<280 { lengths[index] = 7 }
            guard let literal = Huffman(lengths: lengths),
                let distance = Huffman(lengths: [Int](repeating: 5, count: 30))
            else { return false }
            return codes(literal, distance)
        }

        mutating func dynamic() -> Bool {
            guard let literalCount = bits(5), let distanceCount = bits(5), let codeCount = bits(4) else { return false }
            let literals = literalCount + 257
            let distances = distanceCount + 1
            guard literals <= 286, distances <= 30 else { return false }
            var codeLengths = [Int](repeating: 0, count: 19)
            for index in 0..<(codeCount + 4) {
                guard let length = bits(3) else { return false }
                codeLengths[Self.order[index]] = length
            }
            guard let lengthCode = Huffman(lengths: codeLengths) else { return false }
            var lengths: [Int] = []
            while lengths.count < literals + distances {
                guard let symbol = decode(lengthCode) else { return false }
                if symbol < 16 {
                    lengths.append(symbol)
                    continue
                }
                var repeated = 0
                var count = 0
                switch symbol {
                case 16:
                    guard let previous = lengths.last, let extra = bits(2) else { return false }
                    repeated = previous
                    count = 3 + extra
                case 17:
                    guard let extra = bits(3) else { return false }
                    count = 3 + extra
                default:
                    guard let extra = bits(7) else { return false }
                    count = 11 + extra
                }
                guard lengths.count + count <= literals + distances else { return false }
                lengths += repeatElement(repeated, count: count)
            }
            guard lengths[256] != 0, let literal = Huffman(lengths: Array(lengths[0..<literals])),
                let distance = Huffman(lengths: Array(lengths[literals...]))
            else { return false }
            return codes(literal, distance)
        }

        mutating func codes(_ literal: Huffman, _ distance: Huffman) -> Bool {
            while true {
                guard let symbol = decode(literal) else { return false }
                if symbol < 256 {
                    guard output.count < maximumSize else { return false }
                    output.append(UInt8(symbol))
                } else if symbol == 256 {
                    return true
                } else {
                    let index = symbol - 257
                    guard index < 29, let extra = bits(Self.lengthExtra[index]),
                        let distanceSymbol = decode(distance), distanceSymbol < 30,
                        let distanceExtra = bits(Self.distanceExtra[distanceSymbol])
                    else { return false }
                    let length = Self.lengthBase[index] + extra
                    let back = Self.distanceBase[distanceSymbol] + distanceExtra
                    guard back <= output.count, output.count + length <= maximumSize else { return false }
                    let start = output.count - back
                    for offset in 0..<length { output.append(output[start + offset]) }
                }
            }
        }
    }
}

/// Big-endian reads over a byte array, bounds-checked (OpenType data is big-endian throughout).
struct ByteReader {
    let bytes: [UInt8]

    func uint8(_ offset: Int) throws(PDFError) -> UInt8 {
        guard offset >= 0, offset < bytes.count else {
            throw PDFError(.malformedFont, "read past the end at \(offset)")
        }
        return bytes[offset]
    }

    func uint16(_ offset: Int) throws(PDFError) -> UInt16 {
        guard offset >= 0, offset + 2 <= bytes.count else {
            throw PDFError(.malformedFont, "read past the end at \(offset)")
        }
        return UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
    }

    func int16(_ offset: Int) throws(PDFError) -> Int16 { Int16(bitPattern: try uint16(offset)) }

    func uint32(_ offset: Int) throws(PDFError) -> UInt32 {
        guard offset >= 0, offset + 4 <= bytes.count else {
            throw PDFError(.malformedFont, "read past the end at \(offset)")
        }
        return UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8
            | UInt32(bytes[offset + 3])
    }

    func slice(_ offset: Int, _ length: Int) throws(PDFError) -> ArraySlice<UInt8> {
        guard offset >= 0, length >= 0, offset + length <= bytes.count else {
            throw PDFError(.malformedFont, "range \(offset)+\(length) outside the file")
        }
        return bytes[offset..<(offset + length)]
    }
}

extension Array where Element == UInt8 {
    @inline(__always) mutating func appendUInt16(_ value: UInt16) {
        append(UInt8(value >> 8))
        append(UInt8(truncatingIfNeeded: value))
    }

    @inline(__always) mutating func appendUInt32(_ value: UInt32) {
        append(UInt8(value >> 24))
        append(UInt8(truncatingIfNeeded: value >> 16))
        append(UInt8(truncatingIfNeeded: value >> 8))
        append(UInt8(truncatingIfNeeded: value))
    }

    mutating func setUInt16(_ value: UInt16, at offset: Int) {
        self[offset] = UInt8(value >> 8)
        self[offset + 1] = UInt8(truncatingIfNeeded: value)
    }

    mutating func setUInt32(_ value: UInt32, at offset: Int) {
        self[offset] = UInt8(value >> 24)
        self[offset + 1] = UInt8(truncatingIfNeeded: value >> 16)
        self[offset + 2] = UInt8(truncatingIfNeeded: value >> 8)
        self[offset + 3] = UInt8(truncatingIfNeeded: value)
    }

    /// Appends ASCII/UTF-8 text.
    @inline(__always) mutating func append(_ text: String) { append(contentsOf: text.utf8) }

    /// Appends a decimal integer without going through `String`.
    mutating func appendInteger(_ value: Int) {
        if value < 0 { append(UInt8(ascii: "-")) }
        let magnitude = value.magnitude
        if magnitude >= 10 { appendInteger(Int(magnitude / 10)) }
        append(UInt8(ascii: "0") + UInt8(magnitude % 10))
    }

    /// Appends a real number with at most three decimals and no exponent (ISO 32000-1 §7.3.3 forbids
    /// exponent notation), trailing zeros stripped, so the same value always serializes to the same bytes.
    mutating func appendNumber(_ value: Double) {
        let scaled = Int((value * 1000).rounded())
        if scaled < 0 { append(UInt8(ascii: "-")) }
        let magnitude = scaled.magnitude
        appendInteger(Int(magnitude / 1000))
        var fraction = Int(magnitude % 1000)
        guard fraction != 0 else { return }
        append(UInt8(ascii: "."))
        var divisor = 100
        while fraction > 0 {
            append(UInt8(ascii: "0") + UInt8(fraction / divisor))
            fraction %= divisor
            divisor /= 10
        }
    }

    /// Appends `value` as four uppercase hexadecimal digits.
    @inline(__always) mutating func appendHex16(_ value: UInt16) {
        appendHex8(UInt8(value >> 8))
        appendHex8(UInt8(truncatingIfNeeded: value))
    }

    @inline(__always) mutating func appendHex8(_ value: UInt8) {
        append(hexDigits[Int(value >> 4)])
        append(hexDigits[Int(value & 0xF)])
    }
}

let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

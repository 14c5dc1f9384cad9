/// Writes indirect objects, the classic cross-reference table and the trailer (ISO 32000-1 §7.5),
/// recording byte offsets as it goes.
struct PDFSerializer {
    var bytes: [UInt8]
    private(set) var offsets: [Int: Int] = [:]
    private(set) var byteRangePosition: Range<Int>?
    private(set) var contentsPosition: Range<Int>?
    /// Byte ranges the file identifier hashes through a stand-in (see ``fileIdentifier()``).
    private var identifierStandIns: [(range: Range<Int>, standIn: [UInt8])] = []

    /// Width of the `/ByteRange` array: `[0 ` plus three 10-digit fields (§12.8.1 requires the
    /// signature dictionary to be written before the offsets are known, so the space is reserved).
    static let byteRangeWidth = 1 + 1 + 3 * 11 + 1

    init(startingWith bytes: [UInt8] = []) { self.bytes = bytes }

    mutating func writeHeader() {
        bytes.append("%PDF-1.7\n")
        // A comment with bytes above 127 marks the file as binary (§7.5.2).
        bytes.append(contentsOf: [0x25, 0xE2, 0xE3, 0xCF, 0xD3, 0x0A])
    }

    mutating func write(_ number: Int, _ object: PDFIndirectObject) {
        offsets[number] = bytes.count
        bytes.appendInteger(number)
        bytes.append(" 0 obj\n")
        switch object {
        case .object(let value):
            write(value)
        case .stream(let dictionary, let data):
            writeStream(dictionary, data)
        case .digestedStream(let dictionary, let data, let digest):
            let range = writeStream(dictionary, data)
            identifierStandIns.append((range, digest))
        }
        bytes.append("\nendobj\n")
    }

    @discardableResult
    private mutating func writeStream(_ dictionary: PDFDictionary, _ data: [UInt8]) -> Range<Int> {
        var dictionary = dictionary
        dictionary["Length"] = .integer(data.count)
        write(.dictionary(dictionary))
        bytes.append("\nstream\n")
        let start = bytes.count
        bytes.append(contentsOf: data)
        let range = start..<bytes.count
        bytes.append("\nendstream")
        return range
    }

    /// The 16-byte file identifier (ISO 32000-1 §14.4) for what has been written so far: the first half of a
    /// SHA-256 of the bytes, in which each digested stream's data is replaced by its digest and the signature
    /// `/Contents` placeholder (all zeros) by its length. Each stand-in is a function of what it replaces, so
    /// the identifier is as deterministic and as specific to the content as a hash of every byte, while the
    /// font programs and the placeholder, most of the file, are not hashed again for every document.
    ///
    /// With `start` and `salt`, only the bytes from `start` on are hashed, after `salt` (an incremental update:
    /// the earlier bytes are fixed by what the salt says about them).
    func fileIdentifier(from start: Int = 0, salt: [UInt8] = []) -> [UInt8] {
        var hasher = SHA256()
        if !salt.isEmpty { hasher.update(salt) }
        var position = start
        bytes.withUnsafeBytes { file in
            for (range, standIn) in identifierStandIns.sorted(by: { $0.range.lowerBound < $1.range.lowerBound })
            where range.lowerBound >= start {
                hasher.update(UnsafeRawBufferPointer(rebasing: file[position..<range.lowerBound]))
                hasher.update(standIn)
                position = range.upperBound
            }
            hasher.update(UnsafeRawBufferPointer(rebasing: file[position...]))
        }
        return Array(hasher.finalize().prefix(16))
    }

    mutating func write(_ object: PDFObject) {
        switch object {
        case .null: bytes.append("null")
        case .boolean(let value): bytes.append(value ? "true" : "false")
        case .integer(let value): bytes.appendInteger(value)
        case .number(let value): bytes.appendNumber(value)
        case .name(let name): writeName(name)
        case .literalString(let value):
            bytes.append(UInt8(ascii: "("))
            for byte in value {
                switch byte {
                case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "\\"):
                    bytes.append(UInt8(ascii: "\\"))
                    bytes.append(byte)
                case 0x0A: bytes.append("\\n")
                case 0x0D: bytes.append("\\r")
                default: bytes.append(byte)
                }
            }
            bytes.append(UInt8(ascii: ")"))
        case .hexString(let value):
            bytes.append(UInt8(ascii: "<"))
            for byte in value { bytes.appendHex8(byte) }
            bytes.append(UInt8(ascii: ">"))
        case .array(let items):
            bytes.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: " ")) }
                write(item)
            }
            bytes.append(UInt8(ascii: "]"))
        case .dictionary(let dictionary):
            bytes.append("<<")
            for entry in dictionary.entries {
                writeName(entry.key)
                bytes.append(UInt8(ascii: " "))
                write(entry.value)
            }
            bytes.append(">>")
        case .reference(let number):
            bytes.appendInteger(number)
            bytes.append(" 0 R")
        case .placeholder(let placeholder):
            switch placeholder.kind {
            case .byteRange:
                let start = bytes.count
                bytes.append("[0 0000000000 0000000000 0000000000]")
                byteRangePosition = start..<bytes.count
            case .contents(let capacity):
                let start = bytes.count
                bytes.append(UInt8(ascii: "<"))
                bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: 2 * capacity))
                bytes.append(UInt8(ascii: ">"))
                contentsPosition = start..<bytes.count
                var length: [UInt8] = []
                length.appendUInt32(UInt32(capacity))
                identifierStandIns.append((start..<bytes.count, length))
            }
        }
    }

    /// A name object; bytes outside the regular characters are written `#xx` (§7.3.5).
    private mutating func writeName(_ name: String) {
        bytes.append(UInt8(ascii: "/"))
        for byte in name.utf8 {
            let delimiter: Bool
            switch byte {
            case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "["),
                UInt8(ascii: "]"),
                UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "/"), UInt8(ascii: "%"), UInt8(ascii: "#"):
                delimiter = true
            default: delimiter = false
            }
            if byte < 0x21 || byte > 0x7E || delimiter {
                bytes.append(UInt8(ascii: "#"))
                bytes.appendHex8(byte)
            } else {
                bytes.append(byte)
            }
        }
    }

    /// Writes a cross-reference section for the recorded objects (one subsection per run of consecutive
    /// numbers; with `includeFreeHead` the section starts at object 0, the head of the free list) and the trailer.
    /// Each entry is exactly 20 bytes: `nnnnnnnnnn ggggg n\r\n` (§7.5.4).
    mutating func writeCrossReference(includeFreeHead: Bool, trailer: PDFDictionary) {
        let start = bytes.count
        bytes.append("xref\n")
        var numbers = offsets.keys.sorted()
        if includeFreeHead { numbers.insert(0, at: 0) }
        var index = 0
        while index < numbers.count {
            var end = index
            while end + 1 < numbers.count, numbers[end + 1] == numbers[end] + 1 { end += 1 }
            bytes.appendInteger(numbers[index])
            bytes.append(" ")
            bytes.appendInteger(end - index + 1)
            bytes.append("\n")
            for number in numbers[index...end] {
                if number == 0 {
                    bytes.append("0000000000 65535 f\r\n")
                } else {
                    let digits = String(offsets[number]!)
                    bytes.append(String(repeating: "0", count: 10 - digits.count) + digits + " 00000 n\r\n")
                }
            }
            index = end + 1
        }
        bytes.append("trailer\n")
        write(.dictionary(trailer))
        bytes.append("\nstartxref\n")
        bytes.appendInteger(start)
        bytes.append("\n%%EOF\n")
    }

    /// Fills the `/ByteRange` placeholder with the real ranges once the file length is final. The values are
    /// padded with spaces inside the brackets so no byte moves.
    mutating func patchByteRange() -> [Int]? {
        guard let byteRange = byteRangePosition, let contents = contentsPosition else { return nil }
        let values = [0, contents.lowerBound, contents.upperBound, bytes.count - contents.upperBound]
        var text = Array("[\(values.map(String.init).joined(separator: " "))]".utf8)
        precondition(text.count <= byteRange.count, "byte range does not fit its placeholder")
        text.insert(
            contentsOf: repeatElement(UInt8(ascii: " "), count: byteRange.count - text.count), at: text.count - 1)
        bytes.replaceSubrange(byteRange, with: text)
        return values
    }
}

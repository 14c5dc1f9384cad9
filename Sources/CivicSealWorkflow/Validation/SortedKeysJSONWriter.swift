/// Writes compact JSON text the way `WorkflowJSON.encoder()` does (`JSONEncoder` with `.sortedKeys`): no
/// whitespace, `/` escaped as `\/`, `"` `\` and control characters escaped, everything else as UTF-8.
///
/// The caller writes each object's keys already in sorted order and leaves out absent optionals (as the
/// synthesized `Encodable` conformances do with `encodeIfPresent`). Used where `JSONEncoder` is too slow for a hot
/// path; tests compare its bytes with `JSONEncoder`'s.
struct SortedKeysJSONWriter {
    private(set) var bytes: [UInt8] = []
    /// True right after `{` or `[`: the next member needs no comma.
    private var atContainerStart = false

    init(capacity: Int = 1024) {
        bytes.reserveCapacity(capacity)
    }

    mutating func beginObject() {
        separate()
        bytes.append(UInt8(ascii: "{"))
        atContainerStart = true
    }

    mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        atContainerStart = false
    }

    mutating func beginArray() {
        separate()
        bytes.append(UInt8(ascii: "["))
        atContainerStart = true
    }

    mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
        atContainerStart = false
    }

    /// A member name; `name` is plain ASCII without characters that need escaping.
    mutating func key(_ name: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        // The value that follows is not preceded by a comma.
        atContainerStart = true
    }

    mutating func string(_ value: String) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { utf8 in
            var start = 0
            for index in utf8.indices {
                let byte = utf8[index]
                guard
                    byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "/")
                else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index]))
                escape(byte)
                start = index + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...]))
        }
        bytes.append(UInt8(ascii: "\""))
        atContainerStart = false
    }

    mutating func integer(_ value: Int) {
        separate()
        bytes.append(contentsOf: String(value).utf8)
        atContainerStart = false
    }

    mutating func bool(_ value: Bool) {
        separate()
        bytes.append(contentsOf: value ? Array("true".utf8) : Array("false".utf8))
        atContainerStart = false
    }

    mutating func optionalMember(_ name: StaticString, _ value: String?) {
        guard let value else { return }
        key(name)
        string(value)
    }

    mutating func optionalMember(_ name: StaticString, _ value: Bool?) {
        guard let value else { return }
        key(name)
        bool(value)
    }

    private mutating func separate() {
        if !atContainerStart && !bytes.isEmpty { bytes.append(UInt8(ascii: ",")) }
        atContainerStart = false
    }

    private mutating func escape(_ byte: UInt8) {
        bytes.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): bytes.append(byte)
        case 0x08: bytes.append(UInt8(ascii: "b"))
        case 0x0C: bytes.append(UInt8(ascii: "f"))
        case 0x0A: bytes.append(UInt8(ascii: "n"))
        case 0x0D: bytes.append(UInt8(ascii: "r"))
        case 0x09: bytes.append(UInt8(ascii: "t"))
        default:
            let hex = Array("0123456789abcdef".utf8)
            bytes.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
            bytes.append(hex[Int(byte >> 4)])
            bytes.append(hex[Int(byte & 0x0F)])
        }
    }
}

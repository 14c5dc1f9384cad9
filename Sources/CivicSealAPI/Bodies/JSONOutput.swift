import CivicSealHTTP
import Foundation

/// A small, fast JSON writer for response bodies (Foundation's `JSONEncoder` dominated request handling).
/// Members are written in the order given; strings are escaped by ``JSONText`` (RFC 8259 §7: control characters,
/// quote, backslash, and DEL, U+2028 and U+2029 so the output is also safe inside JavaScript).
struct JSONOutput {
    private(set) var bytes: [UInt8] = []
    private var needsComma: [Bool] = []

    init(capacity: Int = 1024) { bytes.reserveCapacity(capacity) }

    mutating func beginObject() {
        separator()
        bytes.append(UInt8(ascii: "{"))
        needsComma.append(false)
    }

    mutating func endObject() {
        needsComma.removeLast()
        bytes.append(UInt8(ascii: "}"))
    }

    mutating func beginArray() {
        separator()
        bytes.append(UInt8(ascii: "["))
        needsComma.append(false)
    }

    mutating func endArray() {
        needsComma.removeLast()
        bytes.append(UInt8(ascii: "]"))
    }

    /// A member name; the value written next belongs to it.
    mutating func key(_ name: String) {
        separator()
        writeString(name)
        bytes.append(UInt8(ascii: ":"))
        if !needsComma.isEmpty { needsComma[needsComma.count - 1] = false }
    }

    mutating func string(_ value: String?) {
        separator()
        if let value { writeString(value) } else { bytes.append(contentsOf: "null".utf8) }
    }

    mutating func int(_ value: Int?) {
        separator()
        bytes.append(contentsOf: (value.map(String.init) ?? "null").utf8)
    }

    mutating func bool(_ value: Bool) {
        separator()
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    /// An RFC 3339 / ISO 8601 UTC timestamp with second precision, like `JSONEncoder`'s `.iso8601`.
    mutating func date(_ value: Date) {
        var seconds = time_t(value.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        var text: [UInt8] = [UInt8(ascii: "\"")]
        func digits(_ number: Int32, _ count: Int) {
            var divisor: Int32 = 1
            for _ in 1..<count { divisor *= 10 }
            var rest = number
            while divisor > 0 {
                text.append(0x30 + UInt8(rest / divisor))
                rest %= divisor
                divisor /= 10
            }
        }
        digits(parts.tm_year + 1900, 4)
        text.append(UInt8(ascii: "-"))
        digits(parts.tm_mon + 1, 2)
        text.append(UInt8(ascii: "-"))
        digits(parts.tm_mday, 2)
        text.append(UInt8(ascii: "T"))
        digits(parts.tm_hour, 2)
        text.append(UInt8(ascii: ":"))
        digits(parts.tm_min, 2)
        text.append(UInt8(ascii: ":"))
        digits(parts.tm_sec, 2)
        text.append(contentsOf: "Z\"".utf8)
        separator()
        bytes.append(contentsOf: text)
    }

    /// Already-serialised JSON (stored canonical documents), inserted as is.
    mutating func raw(_ json: String) {
        separator()
        bytes.append(contentsOf: json.utf8)
    }

    private mutating func separator() {
        guard !needsComma.isEmpty else { return }
        if needsComma[needsComma.count - 1] {
            bytes.append(UInt8(ascii: ","))
        } else {
            needsComma[needsComma.count - 1] = true
        }
    }

    private mutating func writeString(_ value: String) {
        JSONText.appendQuoted(value, to: &bytes)
    }
}

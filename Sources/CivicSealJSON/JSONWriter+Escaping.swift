import Foundation

extension JSONWriter {
    /// `text` as one quoted JSON string.
    package static func quoted(_ text: String, escaping: Escaping = .web) -> String {
        var bytes: [UInt8] = []
        appendQuoted(text, to: &bytes, escaping: escaping)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `text` as a JSON string (RFC 8259 §7): quotation mark, reverse solidus and U+0000…U+001F always
    /// escaped, plus what `escaping` names; everything else copied as UTF-8. Runs that need no escape are copied
    /// in one piece.
    package static func appendQuoted(_ text: String, to bytes: inout [UInt8], escaping: Escaping = .web) {
        var text = text
        text.withUTF8 { appendQuoted($0, to: &bytes, escaping: escaping) }
    }

    /// As ``appendQuoted(_:to:escaping:)-(String,_,_)`` for UTF-8 that is already valid.
    package static func appendQuoted(
        _ utf8: UnsafeBufferPointer<UInt8>, to bytes: inout [UInt8], escaping: Escaping = .web
    ) {
        bytes.append(UInt8(ascii: "\""))
        var start = 0
        var index = 0
        while index < utf8.count {
            let byte = utf8[index]
            // Most bytes need no look: printable ASCII after the solidus except the reverse solidus and DEL, and
            // UTF-8 except the lead byte of U+2028/U+2029.
            if (byte > 0x2F && byte < 0x7F && byte != 0x5C) || (byte >= 0x80 && byte != 0xE2) {
                index += 1
                continue
            }
            let escape: UInt32?
            var length = 1
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): escape = UInt32(byte)
            case UInt8(ascii: "/"): escape = escaping.solidus ? UInt32(byte) : nil
            case 0..<0x20: escape = UInt32(byte)
            case 0x7F: escape = escaping.delete ? UInt32(byte) : nil
            case 0xE2 where escaping.lineSeparators:
                // U+2028 and U+2029 are E2 80 A8 and E2 80 A9.
                if index + 2 < utf8.count, utf8[index + 1] == 0x80, utf8[index + 2] == 0xA8 || utf8[index + 2] == 0xA9 {
                    escape = utf8[index + 2] == 0xA8 ? 0x2028 : 0x2029
                    length = 3
                } else {
                    escape = nil
                }
            default: escape = nil
            }
            guard let escape else {
                index += 1
                continue
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index]))
            appendEscape(escape, to: &bytes, escaping: escaping)
            index += length
            start = index
        }
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<utf8.count]))
        bytes.append(UInt8(ascii: "\""))
    }

    private static func appendEscape(_ scalar: UInt32, to bytes: inout [UInt8], escaping: Escaping) {
        let short: UInt8? =
            switch scalar {
            case 0x22: UInt8(ascii: "\"")
            case 0x5C: UInt8(ascii: "\\")
            case 0x2F: UInt8(ascii: "/")
            case 0x0A: UInt8(ascii: "n")
            case 0x0D: UInt8(ascii: "r")
            case 0x09: UInt8(ascii: "t")
            case 0x08 where escaping.shortControlEscapes: UInt8(ascii: "b")
            case 0x0C where escaping.shortControlEscapes: UInt8(ascii: "f")
            default: nil
            }
        bytes.append(UInt8(ascii: "\\"))
        if let short {
            bytes.append(short)
            return
        }
        let digits = Array("0123456789abcdef".utf8)
        bytes.append(UInt8(ascii: "u"))
        for shift in stride(from: 12, through: 0, by: -4) { bytes.append(digits[Int((scalar >> UInt32(shift)) & 0xF)]) }
    }

    /// `date` as `yyyy-MM-ddTHH:mm:ssZ` in UTC, the fraction of a second dropped (what ``date(_:)`` writes).
    package static func timestamp(_ date: Date) -> String {
        var bytes: [UInt8] = []
        appendTimestamp(date, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `yyyy-MM-ddTHH:mm:ssZ` in UTC, the fraction of a second dropped.
    static func appendTimestamp(_ date: Date, to bytes: inout [UInt8]) {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func digits(_ number: Int32, _ count: Int) {
            var divisor: Int32 = 1
            for _ in 1..<count { divisor *= 10 }
            var rest = number
            while divisor > 0 {
                bytes.append(0x30 + UInt8(rest / divisor))
                rest %= divisor
                divisor /= 10
            }
        }
        digits(parts.tm_year + 1900, 4)
        bytes.append(UInt8(ascii: "-"))
        digits(parts.tm_mon + 1, 2)
        bytes.append(UInt8(ascii: "-"))
        digits(parts.tm_mday, 2)
        bytes.append(UInt8(ascii: "T"))
        digits(parts.tm_hour, 2)
        bytes.append(UInt8(ascii: ":"))
        digits(parts.tm_min, 2)
        bytes.append(UInt8(ascii: ":"))
        digits(parts.tm_sec, 2)
        bytes.append(UInt8(ascii: "Z"))
    }
}

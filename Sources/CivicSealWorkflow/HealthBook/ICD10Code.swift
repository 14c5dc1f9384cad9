/// A WHO ICD-10 diagnosis code: a capital letter, two digits, optionally a dot and one or two digits
/// (`E11`, `J45.0`, `S72.00`). Lowercase, trailing dots and ICD-10-CM letter extensions are refused.
package struct ICD10Code: RawRepresentable, Codable, Sendable, Hashable, CustomStringConvertible {
    package let rawValue: String

    package init?(rawValue: String) {
        guard Self.isValid(rawValue) else { return nil }
        self.rawValue = rawValue
    }

    package var description: String { rawValue }

    /// The three-character category (`J45` for `J45.0`).
    package var category: String { String(rawValue.prefix(3)) }

    package static func isValid(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
        guard bytes.count == 3 || (5...6).contains(bytes.count),
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(bytes[0]), isDigit(bytes[1]), isDigit(bytes[2])
        else { return false }
        if bytes.count == 3 { return true }
        return bytes[3] == UInt8(ascii: ".") && bytes[4...].allSatisfy(isDigit)
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let code = ICD10Code(rawValue: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "\"\(text)\" is not an ICD-10 code such as E11 or J45.0")
        }
        self = code
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

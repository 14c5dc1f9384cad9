import Foundation

/// Foundation's `JSONEncoder` and `JSONDecoder` as the service used them before the JSON module had its own encoder
/// (`.sortedKeys`, `.iso8601`): the reference the stored bytes are compared with, in tests only.
enum FoundationJSON {
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }

    static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}

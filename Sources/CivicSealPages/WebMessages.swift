import CivicSealJSON
import Foundation

/// The two page languages. Vietnamese is the default; English is one click away.
enum WebLanguage: String, Sendable, CaseIterable {
    case vietnamese = "vi"
    case english = "en"

    var other: WebLanguage { self == .vietnamese ? .english : .vietnamese }
}

/// `messages.json`: every key maps to `[Vietnamese, English]`. Loaded once, by the strict JSON reader, so a key
/// written twice (two blocks added by different changes) is refused at start instead of one silently winning; a key
/// missing from the catalogue makes rendering fail (templates) or shows the key itself (Swift lookups, caught by the
/// catalogue test).
struct WebMessages: Sendable {
    struct LoadError: Error, CustomStringConvertible {
        let description: String
    }

    private let entries: [String: (String, String)]

    init(file: String) throws(LoadError) {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw LoadError(description: "\(file): cannot be read")
        }
        let value: JSONValue
        do { value = try JSONValue(parsing: data) } catch {
            throw LoadError(description: "\(file): \(error.description)")
        }
        guard let object = value.objectValue else { throw LoadError(description: "\(file): not a JSON object") }
        var entries: [String: (String, String)] = [:]
        for (key, value) in object {
            let pair = value.arrayValue?.compactMap(\.stringValue) ?? []
            guard value.arrayValue?.count == 2, pair.count == 2, !pair[0].isEmpty, !pair[1].isEmpty else {
                throw LoadError(description: "\(file): \(key) must be [\"Vietnamese\", \"English\"]")
            }
            entries[key] = (pair[0], pair[1])
        }
        self.entries = entries
    }

    func lookup(_ key: String, _ language: WebLanguage) -> String? {
        guard let entry = entries[key] else { return nil }
        return language == .vietnamese ? entry.0 : entry.1
    }

    /// The text for `key`, or the key itself when the catalogue lacks it.
    func text(_ key: String, _ language: WebLanguage) -> String { lookup(key, language) ?? key }
}

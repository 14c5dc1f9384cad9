/// An ordered list of header fields, as received or as to be sent.
///
/// Names compare case-insensitively (RFC 9110 §5.1: "Field names are case-insensitive"); duplicates are kept as
/// separate entries in their original order, so a caller can see every `Set-Cookie` or every `Content-Length`
/// a client sent rather than a silently merged value.
package struct HTTPHeaders: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    /// One field line: name and value as they appear on the wire (value without surrounding whitespace).
    package struct Field: Sendable, Equatable {
        package var name: String
        package var value: String
        package init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    package private(set) var fields: [Field]

    package init() { fields = [] }
    package init(_ pairs: [(String, String)]) { fields = pairs.map { Field(name: $0.0, value: $0.1) } }
    package init(dictionaryLiteral elements: (String, String)...) { self.init(elements) }

    package var count: Int { fields.count }
    package var isEmpty: Bool { fields.isEmpty }
    package func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }

    /// Appends a field, keeping any existing fields of the same name.
    package mutating func add(name: String, value: String) { fields.append(Field(name: name, value: value)) }

    /// Removes every field named `name`, then appends one with `value`.
    package mutating func replaceOrAdd(name: String, value: String) {
        remove(name: name)
        add(name: name, value: value)
    }

    /// Removes every field named `name` (case-insensitively).
    package mutating func remove(name: String) { fields.removeAll { $0.name.equalsIgnoringASCIICase(name) } }

    /// The first value of `name`, or nil.
    package subscript(name: String) -> String? { fields.first { $0.name.equalsIgnoringASCIICase(name) }?.value }

    /// Every value of `name`, in the order received.
    package func values(for name: String) -> [String] {
        fields.lazy.filter { $0.name.equalsIgnoringASCIICase(name) }.map(\.value)
    }

    package func contains(name: String) -> Bool { fields.contains { $0.name.equalsIgnoringASCIICase(name) } }

    /// The comma-separated list elements of every `name` field, trimmed and lowercased, empty elements dropped
    /// (RFC 9110 §5.6.1 list syntax), e.g. `Connection: keep-alive, Upgrade` → `["keep-alive", "upgrade"]`.
    package func tokens(for name: String) -> [String] {
        var result: [String] = []
        for value in values(for: name) {
            for element in value.split(separator: ",") {
                let trimmed = element.trimmingHTTPWhitespace()
                if !trimmed.isEmpty { result.append(trimmed.lowercased()) }
            }
        }
        return result
    }
}

extension StringProtocol {
    /// ASCII case-insensitive equality, without allocating lowercased copies.
    func equalsIgnoringASCIICase(_ other: some StringProtocol) -> Bool {
        let left = utf8
        let right = other.utf8
        guard left.count == right.count else { return false }
        for (a, b) in zip(left, right) where a != b {
            guard a | 0x20 == b | 0x20, (a | 0x20) >= UInt8(ascii: "a"), (a | 0x20) <= UInt8(ascii: "z") else {
                return false
            }
        }
        return true
    }

    /// The string without leading and trailing SP / HTAB (HTTP's optional whitespace).
    func trimmingHTTPWhitespace() -> String {
        let bytes = Array(utf8)
        var start = 0
        var end = bytes.count
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }
}

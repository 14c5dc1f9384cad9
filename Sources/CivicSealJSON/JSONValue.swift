import Foundation

/// A JSON value as CivicSeal reads every JSON text: parsed strictly, with every object member name unique.
///
/// Numbers keep their literal text (RFC 8259 leaves precision to implementations; `exp` and `iat`
/// must not lose digits), so `1` and `1.0` are different values. Object member order is not kept;
/// ``serialized()`` writes members sorted by name, which makes output deterministic.
package enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    /// The number's literal text, already checked against the RFC 8259 §6 grammar.
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Parses one JSON text (RFC 8259) strictly: UTF-8 only, no duplicate member names at any depth,
    /// no trailing content, within `limits` (64 levels deep, 1 MiB by default).
    package init(parsing bytes: some ContiguousBytes, limits: JSONLimits = .standard) throws(JSONError) {
        let result: Result<JSONValue, JSONError> = bytes.withUnsafeBytes { raw in
            do throws(JSONError) {
                return .success(try StrictJSONParser.parse(raw.bindMemory(to: UInt8.self), limits: limits))
            } catch {
                return .failure(error)
            }
        }
        self = try result.get()
    }

    package var stringValue: String? { if case .string(let value) = self { value } else { nil } }
    package var boolValue: Bool? { if case .bool(let value) = self { value } else { nil } }
    package var arrayValue: [JSONValue]? { if case .array(let value) = self { value } else { nil } }
    package var objectValue: [String: JSONValue]? { if case .object(let value) = self { value } else { nil } }
    /// The number as an integer, when its literal is one that fits (`1300819380`, not `1.5` or `1e3`).
    package var int64Value: Int64? { if case .number(let text) = self { Int64(text) } else { nil } }
    /// The number as a double (may round).
    package var doubleValue: Double? { if case .number(let text) = self { Double(text) } else { nil } }

    /// Canonical JSON: compact, object members sorted by name, strings escaped as ``JSONWriter/Escaping/canonical``
    /// (so equal values serialize to equal bytes). JOSE signs these bytes and the records store them.
    package func serialized() -> String {
        var writer = JSONWriter(escaping: .canonical, capacity: 256)
        writer.value(self)
        return writer.text
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    package init(stringLiteral value: String) { self = .string(value) }
    package init(booleanLiteral value: Bool) { self = .bool(value) }
    package init(integerLiteral value: Int64) { self = .number(String(value)) }
    package init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    package init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
    package init(nilLiteral: ()) { self = .null }
}

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
    /// The number as an integer when its value is whole, in any notation (`2`, `2.0`, `2e0`, `-0.25e1` is not), as
    /// JSON Schema reads `integer`; nil for a fraction or outside `Int64`. Exact: no floating point is involved.
    package var integralValue: Int64? {
        guard case .number(let text) = self else { return nil }
        return Int64(text) ?? Self.integralText(text).flatMap { Int64($0) }
    }

    /// The decimal integer a JSON number literal denotes (`"-12.50e1"` → `"-125"`), or nil when it has a fraction.
    /// The result may still be too large for a fixed-width type; callers parse it.
    package static func integralText(_ literal: String) -> String? {
        var text = Substring(literal)
        let negative = text.first == "-"
        if negative { text = text.dropFirst() }
        let parts = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "e" || $0 == "E" })
        guard parts.count <= 2, let mantissa = parts.first else { return nil }
        var exponent = 0
        if parts.count == 2 {
            let written = parts[1].first == "+" ? parts[1].dropFirst() : parts[1]
            guard let value = Int(written), abs(value) <= 1000 else { return nil }
            exponent = value
        }
        let pieces = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(pieces.count),
            pieces.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) })
        else { return nil }
        let fraction = pieces.count == 2 ? pieces[1] : ""
        var digits = Substring(pieces[0] + fraction).drop { $0 == "0" }
        exponent -= fraction.count
        if digits.isEmpty { return "0" }
        if exponent < 0 {
            // The digits past the decimal point must all be zeros.
            guard -exponent <= digits.count, digits.suffix(-exponent).allSatisfy({ $0 == "0" }) else { return nil }
            digits = digits.dropLast(-exponent)
            exponent = 0
        }
        guard digits.count + exponent <= 40 else { return nil }
        return (negative ? "-" : "") + digits + String(repeating: "0", count: exponent)
    }

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

import Foundation

/// CivicSeal's one JSON writer: compact RFC 8259 text written straight into bytes, member by member, in the order
/// the caller gives (``value(_:)`` and ``JSONValue/serialized()`` sort object members by name: canonical JSON).
///
/// Every string goes through one escaper whose choices are named by ``Escaping``: the RFC 8259 §7 minimum
/// (quotation mark, reverse solidus, U+0000…U+001F) is always escaped; the presets add what each consumer has always
/// received, so no stored or signed byte changes (``Escaping/canonical``, ``Escaping/web``,
/// ``Escaping/foundation``).
package struct JSONWriter: Sendable {
    /// Which characters beyond the RFC 8259 minimum are escaped, and how.
    package struct Escaping: Sendable, Hashable {
        /// `/` as `\/` (allowed by RFC 8259 §7, written by Foundation's `JSONEncoder`).
        package var solidus: Bool
        /// DEL (U+007F) as `\u007f`, so a terminal or log viewer shows it.
        package var delete: Bool
        /// U+2028 and U+2029 as `\u2028` `\u2029`, so the text is also a valid JavaScript string literal.
        package var lineSeparators: Bool
        /// Backspace and form feed as `\b` `\f` rather than `\u0008` `\u000c` (RFC 8259 allows either).
        package var shortControlEscapes: Bool

        package init(solidus: Bool, delete: Bool, lineSeparators: Bool, shortControlEscapes: Bool) {
            self.solidus = solidus
            self.delete = delete
            self.lineSeparators = lineSeparators
            self.shortControlEscapes = shortControlEscapes
        }

        /// Canonical JSON: what JOSE signs (JWS headers and claims, JWKs), the officer's stored findings and the
        /// issued document's canonical record.
        package static let canonical = Escaping(
            solidus: false, delete: false, lineSeparators: true, shortControlEscapes: true)
        /// Response bodies, problem details and access-log lines: also DEL, safe inside `<script>` and a log viewer.
        package static let web = Escaping(
            solidus: false, delete: true, lineSeparators: true, shortControlEscapes: false)
        /// The bytes Foundation's `JSONEncoder` wrote for records stored before this writer existed (submissions,
        /// identities, health-book entries): `/` as `\/`, U+2028 and U+2029 as they are.
        package static let foundation = Escaping(
            solidus: true, delete: false, lineSeparators: false, shortControlEscapes: true)
    }

    package private(set) var bytes: [UInt8] = []
    package let escaping: Escaping
    /// How many containers are open: values at depth 0 are written without separators.
    private var depth = 0
    /// True right after `{`, `[` or a member name: the next value needs no comma before it.
    private var atContainerStart = false

    package init(escaping: Escaping = .web, capacity: Int = 1024) {
        self.escaping = escaping
        bytes.reserveCapacity(capacity)
    }

    /// The text written so far.
    package var text: String { String(decoding: bytes, as: UTF8.self) }

    // MARK: - Containers

    package mutating func beginObject() {
        separator()
        bytes.append(UInt8(ascii: "{"))
        depth += 1
        atContainerStart = true
    }

    package mutating func endObject() {
        depth -= 1
        atContainerStart = false
        bytes.append(UInt8(ascii: "}"))
    }

    package mutating func beginArray() {
        separator()
        bytes.append(UInt8(ascii: "["))
        depth += 1
        atContainerStart = true
    }

    package mutating func endArray() {
        depth -= 1
        atContainerStart = false
        bytes.append(UInt8(ascii: "]"))
    }

    /// A member name; the value written next belongs to it.
    package mutating func key(_ name: String) {
        separator()
        Self.appendQuoted(name, to: &bytes, escaping: escaping)
        bytes.append(UInt8(ascii: ":"))
        atContainerStart = true
    }

    /// A member name known at compile time.
    package mutating func key(_ name: StaticString) {
        separator()
        name.withUTF8Buffer { Self.appendQuoted($0, to: &bytes, escaping: escaping) }
        bytes.append(UInt8(ascii: ":"))
        atContainerStart = true
    }

    // MARK: - Values

    /// A string, or `null` for nil.
    package mutating func string(_ value: String?) {
        separator()
        if let value { Self.appendQuoted(value, to: &bytes, escaping: escaping) } else { appendNull() }
    }

    /// An integer, or `null` for nil.
    package mutating func int(_ value: Int?) {
        separator()
        if let value { bytes.append(contentsOf: String(value).utf8) } else { appendNull() }
    }

    /// A number given as its literal text, already valid per RFC 8259 §6 (``JSONValue/number(_:)``).
    package mutating func number(literal: String) {
        separator()
        bytes.append(contentsOf: literal.utf8)
    }

    package mutating func bool(_ value: Bool) {
        separator()
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    package mutating func null() {
        separator()
        appendNull()
    }

    /// An RFC 3339 UTC timestamp with second precision (`2026-09-21T14:13:20Z`), as `JSONEncoder`'s `.iso8601`
    /// writes it: fractions of a second are dropped, not rounded.
    package mutating func date(_ value: Date) {
        separator()
        bytes.append(UInt8(ascii: "\""))
        Self.appendTimestamp(value, to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    /// Already-serialised JSON (a stored canonical document), inserted as is.
    package mutating func raw(_ json: String) {
        separator()
        bytes.append(contentsOf: json.utf8)
    }

    /// A member written only when `value` is present (a synthesized `encodeIfPresent`).
    package mutating func optionalMember(_ name: StaticString, _ value: String?) {
        guard let value else { return }
        key(name)
        string(value)
    }

    /// A member written only when `value` is present.
    package mutating func optionalMember(_ name: StaticString, _ value: Bool?) {
        guard let value else { return }
        key(name)
        bool(value)
    }

    /// A whole value; object members sorted by name (Unicode scalar order, which for UTF-8 is byte order).
    package mutating func value(_ value: JSONValue) {
        switch value {
        case .null: null()
        case .bool(let flag): bool(flag)
        case .number(let literal): number(literal: literal)
        case .string(let text): string(text)
        case .array(let elements):
            beginArray()
            for element in elements { self.value(element) }
            endArray()
        case .object(let members):
            beginObject()
            for name in members.keys.sorted() {
                key(name)
                self.value(members[name]!)
            }
            endObject()
        }
    }

    /// `value` laid out for people (configuration files): two-space indentation, `"name" : value`, members
    /// sorted, and an empty container as `{`, an empty line, `}` — the layout of `JSONEncoder`'s `.prettyPrinted`,
    /// which wrote these files before, so a regenerated file reads the same.
    package static func prettyText(_ value: JSONValue, escaping: Escaping = .web) -> String {
        var writer = JSONWriter(escaping: escaping)
        writer.pretty(value, depth: 0)
        return writer.text
    }

    private mutating func pretty(_ value: JSONValue, depth: Int) {
        func indent(_ level: Int) { bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * level)) }
        switch value {
        case .array(let elements):
            bytes.append(contentsOf: "[\n".utf8)
            for (index, element) in elements.enumerated() {
                if index > 0 { bytes.append(contentsOf: ",\n".utf8) }
                indent(depth + 1)
                pretty(element, depth: depth + 1)
            }
            bytes.append(UInt8(ascii: "\n"))
            indent(depth)
            bytes.append(UInt8(ascii: "]"))
        case .object(let members):
            bytes.append(contentsOf: "{\n".utf8)
            for (index, name) in members.keys.sorted().enumerated() {
                if index > 0 { bytes.append(contentsOf: ",\n".utf8) }
                indent(depth + 1)
                Self.appendQuoted(name, to: &bytes, escaping: escaping)
                bytes.append(contentsOf: " : ".utf8)
                pretty(members[name]!, depth: depth + 1)
            }
            bytes.append(UInt8(ascii: "\n"))
            indent(depth)
            bytes.append(UInt8(ascii: "}"))
        default: self.value(value)
        }
    }

    private mutating func separator() {
        guard depth > 0 else { return }
        if atContainerStart {
            atContainerStart = false
        } else {
            bytes.append(UInt8(ascii: ","))
        }
    }

    private mutating func appendNull() { bytes.append(contentsOf: "null".utf8) }
}

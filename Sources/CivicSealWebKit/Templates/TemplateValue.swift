/// The data a template renders: strings, booleans, lists, objects, and trusted markup.
///
/// Build contexts with literals: `["title": "Queue", "rows": [["id": "A-1"]], "empty": false]`.
/// There is no null: leave a key out and `{{name}}` renders nothing, `{{#name}}` is skipped.
///
/// **Safety rule.** Only ``html(_:)`` is ever written unescaped, and only through a triple tag `{{{name}}}`.
/// A ``string(_:)`` is escaped wherever it appears, including in a triple tag, so text from a user or a database
/// can never become markup by a template mistake. Wrap a value in ``html(_:)`` only when trusted code built it
/// (and escaped what it interpolated, e.g. with ``escapeHTML(_:)``).
package indirect enum TemplateValue: Sendable, Equatable {
    /// Text; always HTML-escaped on output.
    case string(String)
    /// A flag for sections; renders as `true` / `false` in a variable tag.
    case bool(Bool)
    /// Repeats a section once per element, each element becoming the innermost context.
    case list([TemplateValue])
    /// Named members looked up by `{{name}}` and `{{a.b}}`; becomes the innermost context in a section.
    case object([String: TemplateValue])
    /// Markup built by trusted code: written raw by `{{{name}}}`, escaped like text by `{{name}}`.
    case html(String)

    /// Whether a section over this value is rendered (Mustache truthiness): false, an empty list and an empty
    /// string or markup are skipped; everything else, including an empty object, renders.
    var isTruthy: Bool {
        switch self {
        case .bool(let flag): flag
        case .list(let elements): !elements.isEmpty
        case .string(let text): !text.isEmpty
        case .html(let markup): !markup.isEmpty
        case .object: true
        }
    }
}

extension TemplateValue: ExpressibleByStringLiteral, ExpressibleByStringInterpolation {
    /// A ``string(_:)`` value: `"Queue"` or `"\(count) requests"`.
    package init(stringLiteral value: String) { self = .string(value) }
}

extension TemplateValue: ExpressibleByBooleanLiteral {
    /// A ``bool(_:)`` value.
    package init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension TemplateValue: ExpressibleByArrayLiteral {
    /// A ``list(_:)`` value.
    package init(arrayLiteral elements: TemplateValue...) { self = .list(elements) }
}

extension TemplateValue: ExpressibleByDictionaryLiteral {
    /// An ``object(_:)`` value. A key written twice in one literal is a programming error and traps,
    /// as it does for `Dictionary`.
    package init(dictionaryLiteral elements: (String, TemplateValue)...) {
        self = .object(Dictionary(uniqueKeysWithValues: elements))
    }
}

extension TemplateValue {
    /// `text` with `&`, `<`, `>`, `"` and `'` replaced by `&amp;`, `&lt;`, `&gt;`, `&quot;` and `&#39;`:
    /// safe in element content and in single- or double-quoted attribute values.
    package static func escapeHTML(_ text: String) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count + 16)
        escapeHTML(text, into: &output)
        return String(decoding: output, as: UTF8.self)
    }

    /// Appends the UTF-8 of `text`, escaped as by ``escapeHTML(_:)``, to `output` without building a String.
    package static func escapeHTML(_ text: String, into output: inout [UInt8]) {
        var text = text
        text.withUTF8 { escapeHTML(bytes: $0, into: &output) }
    }

    /// The escaping loop: copies runs of ordinary bytes in one go and expands the five special ones.
    static func escapeHTML(bytes: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) {
        var runStart = 0
        var index = 0
        while index < bytes.count {
            let replacement: StaticString
            switch bytes[index] {
            case UInt8(ascii: "&"): replacement = "&amp;"
            case UInt8(ascii: "<"): replacement = "&lt;"
            case UInt8(ascii: ">"): replacement = "&gt;"
            case UInt8(ascii: "\""): replacement = "&quot;"
            case UInt8(ascii: "'"): replacement = "&#39;"
            default:
                index += 1
                continue
            }
            if runStart < index { output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index])) }
            replacement.withUTF8Buffer { output.append(contentsOf: $0) }
            index += 1
            runStart = index
        }
        if runStart < bytes.count {
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<bytes.count]))
        }
    }
}

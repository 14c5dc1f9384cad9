/// One piece of a parsed template. A template is parsed once, at load, into an array of these.
enum TemplateNode: Sendable {
    /// Literal template text, kept as UTF-8 so rendering is a plain append.
    case text([UInt8])
    /// `{{name}}` (escaped) or `{{{name}}}` (raw when the value is ``TemplateValue/html(_:)``).
    case variable(TemplateName, escaped: Bool, line: Int)
    /// `{{#name}}…{{/name}}`, or `{{^name}}…{{/name}}` when inverted.
    case section(TemplateName, inverted: Bool, children: [TemplateNode], line: Int)
    /// `{{>name}}`: another template of the set, rendered with the current context stack.
    case partial(String, line: Int)
    /// `{{@key}}`: a message from the render call's lookup, escaped.
    case message(String, line: Int)
}

/// A variable or section name: `.` (the current value, an empty path) or dot-separated segments.
struct TemplateName: Sendable, Equatable {
    /// The segments of `a.b.c`; empty for `.`.
    let path: [String]
    /// The name as written, for error messages and matching a closing tag.
    let text: String
}

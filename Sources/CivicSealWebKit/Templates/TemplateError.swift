/// The one error type of the template engine: a stable ``Code``, a human message and where it happened.
///
/// Load-time errors (``Code/syntax``, ``Code/missingPartial``, ``Code/partialCycle``, ``Code/io``) name the
/// template and, for syntax, the 1-based line; render-time errors (``Code/missingTemplate``,
/// ``Code/missingMessage``, ``Code/typeMismatch``) name the template and line of the tag that failed.
/// Errors compare by code only, like the other CivicSeal error types: tests match on what went wrong,
/// never on the wording.
package struct TemplateError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable, machine-readable reason.
    package enum Code: String, Sendable {
        /// Malformed template text: an unclosed tag or section, a mismatched closing tag, an empty tag,
        /// an unknown sigil or an invalid name.
        case syntax
        /// ``TemplateSet/render(_:_:)`` was asked for a template the set does not hold.
        case missingTemplate = "missing-template"
        /// A `{{>partial}}` names a template the set does not hold (found at load time).
        case missingPartial = "missing-partial"
        /// Partials include each other in a loop (found at load time).
        case partialCycle = "partial-cycle"
        /// A `{{@key}}` the message lookup does not know (or no lookup was given).
        case missingMessage = "missing-message"
        /// The template directory or a file in it could not be read, or a file is not UTF-8.
        case io
        /// A `{{name}}` or `{{{name}}}` resolved to a list or an object, which has no text form.
        case typeMismatch = "type-mismatch"
    }

    /// What went wrong, for code to match on.
    package let code: Code
    /// What went wrong, naming the tag or file but never a value from the render context.
    package let message: String
    /// The template's name (its file name without `.html`), when the error concerns one.
    package let template: String?
    /// The 1-based line in ``template`` where the offending tag starts.
    package let line: Int?

    /// An error with its code, message and, when known, the template and line.
    package init(_ code: Code, _ message: String, template: String? = nil, line: Int? = nil) {
        self.code = code
        self.message = message
        self.template = template
        self.line = line
    }

    /// `code: template.html:line: message`, with the parts that are known.
    package var description: String {
        var location = ""
        if let template { location += "\(template).html" }
        if let line { location += location.isEmpty ? "line \(line)" : ":\(line)" }
        return location.isEmpty ? "\(code.rawValue): \(message)" : "\(code.rawValue): \(location): \(message)"
    }

    /// Equal when the codes are equal; message and location are for people.
    package static func == (lhs: TemplateError, rhs: TemplateError) -> Bool { lhs.code == rhs.code }
}

import Foundation

/// A set of HTML templates parsed once at load and rendered many times, Mustache-style but strict.
///
/// Tags (whitespace inside the braces is allowed):
/// - `{{name}}`, `{{a.b.c}}`: the value, HTML-escaped (``TemplateValue/escapeHTML(_:)``). The first segment is
///   looked up in each context from the innermost outwards (an inner object shadows an outer one); the rest are
///   members of what was found. `{{.}}` is the current context. A missing name renders nothing.
/// - `{{{name}}}`: raw output, honoured only for ``TemplateValue/html(_:)``; a string is still escaped.
/// - `{{#name}}…{{/name}}`: rendered once per list element (each pushed as the innermost context), or once for
///   `true`, a non-empty string or markup, or an object (pushed); skipped for `false`, a missing name, an empty
///   list or an empty string. `{{^name}}…{{/name}}` renders exactly when the section would be skipped.
/// - `{{>partial}}`: another template of the set, with the current context. Missing partials and include cycles
///   are load-time errors.
/// - `{{@key}}`: the text the render call's `messages` lookup gives for `key`, escaped; an unknown key throws
///   ``TemplateError/Code/missingMessage``, so a typo in a translation key fails the first test that renders it.
/// - `{{!comment}}`: nothing.
///
/// Anything else inside `{{ }}` — an empty tag, an unknown sigil, an unclosed or mismatched section — is a
/// ``TemplateError/Code/syntax`` error at load, naming the template and line. Text outside tags is copied
/// byte for byte (lines holding only a section tag are not trimmed as Mustache would).
package struct TemplateSet: Sendable {
    private let templates: [String: [TemplateNode]]

    /// Loads and parses every `*.html` file directly inside `directory` (not subfolders; hidden files skipped,
    /// as a shell glob would). A template's name is its file name without `.html`, e.g. `officer-queue`.
    package init(directory: String) throws(TemplateError) {
        let entries: [String]
        do {
            entries = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw TemplateError(.io, "cannot list template directory \(directory)")
        }
        var sources: [String: [UInt8]] = [:]
        for entry in entries where entry.hasSuffix(".html") && !entry.hasPrefix(".") && entry.count > ".html".count {
            let path = (directory as NSString).appendingPathComponent(entry)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
                continue
            }
            let name = String(entry.dropLast(".html".count))
            guard let data = FileManager.default.contents(atPath: path) else {
                throw TemplateError(.io, "cannot read \(path)", template: name)
            }
            let bytes = [UInt8](data)
            guard String(validating: bytes, as: UTF8.self) != nil else {
                throw TemplateError(.io, "\(path) is not valid UTF-8", template: name)
            }
            sources[name] = bytes
        }
        templates = try Self.parse(sources)
    }

    /// Parses templates given as text, keyed by name (for tests and embedded templates).
    package init(sources: [String: String]) throws(TemplateError) {
        templates = try Self.parse(sources.mapValues { Array($0.utf8) })
    }

    /// Whether the set holds a template called `name`.
    package func contains(_ name: String) -> Bool { templates[name] != nil }

    /// The names of every template in the set, sorted.
    package var names: [String] { templates.keys.sorted() }

    private static func parse(_ sources: [String: [UInt8]]) throws(TemplateError) -> [String: [TemplateNode]] {
        var templates: [String: [TemplateNode]] = [:]
        // Sorted so that, of several broken templates, the same one is reported every time.
        for (name, bytes) in sources.sorted(by: { $0.key < $1.key }) {
            var parser = TemplateParser(template: name, bytes: bytes)
            templates[name] = try parser.parse()
        }
        try checkPartials(templates)
        return templates
    }

    // MARK: Partials

    /// Rejects a `{{>name}}` naming no template, and any chain of partials that leads back to where it started.
    private static func checkPartials(_ templates: [String: [TemplateNode]]) throws(TemplateError) {
        var references: [String: [(name: String, line: Int)]] = [:]
        for (name, nodes) in templates {
            var found: [(name: String, line: Int)] = []
            collectPartials(nodes, into: &found)
            for reference in found where templates[reference.name] == nil {
                throw TemplateError(
                    .missingPartial, "{{>\(reference.name)}} names no template in the set", template: name,
                    line: reference.line)
            }
            references[name] = found
        }
        // Depth-first search; a template met again while still on the path closes a cycle.
        var finished: Set<String> = []
        for root in templates.keys.sorted() where !finished.contains(root) {
            var path: [(name: String, line: Int)] = []
            try visit(root, line: 0, references: references, path: &path, finished: &finished)
        }
    }

    private static func visit(
        _ name: String, line: Int, references: [String: [(name: String, line: Int)]],
        path: inout [(name: String, line: Int)],
        finished: inout Set<String>
    ) throws(TemplateError) {
        if let start = path.firstIndex(where: { $0.name == name }) {
            let cycle = path[start...].map(\.name) + [name]
            let includer = path[path.count - 1]
            throw TemplateError(
                .partialCycle, "partials include each other in a loop: \(cycle.joined(separator: " → "))",
                template: includer.name, line: line)
        }
        guard !finished.contains(name) else { return }
        path.append((name, line))
        for reference in references[name] ?? [] {
            try visit(reference.name, line: reference.line, references: references, path: &path, finished: &finished)
        }
        path.removeLast()
        finished.insert(name)
    }

    private static func collectPartials(_ nodes: [TemplateNode], into found: inout [(name: String, line: Int)]) {
        for node in nodes {
            switch node {
            case .partial(let name, let line): found.append((name, line))
            case .section(_, _, let children, _): collectPartials(children, into: &found)
            case .text, .variable, .message: break
            }
        }
    }

    // MARK: Rendering

    /// Renders template `name` with `context` as the outermost context; any `{{@key}}` is a
    /// ``TemplateError/Code/missingMessage`` error (use ``render(_:_:messages:)`` for pages with messages).
    package func render(_ name: String, _ context: TemplateValue) throws(TemplateError) -> String {
        try render(name, context, messages: { _ in nil })
    }

    /// Renders template `name` with `context`, taking the text of each `{{@key}}` from `messages`
    /// (nil for an unknown key throws ``TemplateError/Code/missingMessage``).
    package func render(_ name: String, _ context: TemplateValue, messages: (String) -> String?) throws(TemplateError)
        -> String
    {
        var output: [UInt8] = []
        try renderBytes(name, context, into: &output, messages: messages)
        return String(decoding: output, as: UTF8.self)
    }

    /// Appends the UTF-8 rendering of template `name` to `output`; `{{@key}}` tags throw as in ``render(_:_:)``.
    package func renderBytes(_ name: String, _ context: TemplateValue, into output: inout [UInt8]) throws(TemplateError)
    {
        try renderBytes(name, context, into: &output, messages: { _ in nil })
    }

    /// Appends the UTF-8 rendering of template `name` to `output`, with `{{@key}}` text from `messages`.
    ///
    /// Text and values are appended straight into `output` (no String per node). On error `output` is left as it
    /// was before the call.
    package func renderBytes(
        _ name: String, _ context: TemplateValue, into output: inout [UInt8], messages: (String) -> String?
    ) throws(TemplateError) {
        guard let nodes = templates[name] else {
            throw TemplateError(.missingTemplate, "no template named '\(name)'", template: name)
        }
        let start = output.count
        var stack: [TemplateValue] = [context]
        do {
            try render(nodes, template: name, stack: &stack, into: &output, messages: messages)
        } catch {
            output.removeSubrange(start...)
            throw error
        }
    }

    private func render(
        _ nodes: [TemplateNode], template: String, stack: inout [TemplateValue], into output: inout [UInt8],
        messages: (String) -> String?
    ) throws(TemplateError) {
        for node in nodes {
            switch node {
            case .text(let bytes):
                output.append(contentsOf: bytes)
            case .variable(let name, let escaped, let line):
                guard let value = Self.lookup(name, in: stack) else { continue }
                switch value {
                case .string(let text):
                    TemplateValue.escapeHTML(text, into: &output)
                case .html(let markup):
                    if escaped {
                        TemplateValue.escapeHTML(markup, into: &output)
                    } else {
                        output.append(contentsOf: markup.utf8)
                    }
                case .bool(let flag):
                    output.append(contentsOf: flag ? "true".utf8 : "false".utf8)
                case .list, .object:
                    throw TemplateError(
                        .typeMismatch, "{{\(name.text)}} is a list or an object, which has no text form",
                        template: template,
                        line: line)
                }
            case .section(let name, let inverted, let children, _):
                let value = Self.lookup(name, in: stack)
                let truthy = value?.isTruthy ?? false
                if inverted {
                    if !truthy {
                        try render(children, template: template, stack: &stack, into: &output, messages: messages)
                    }
                } else if let value, truthy {
                    if case .list(let elements) = value {
                        for element in elements {
                            stack.append(element)
                            try render(children, template: template, stack: &stack, into: &output, messages: messages)
                            stack.removeLast()
                        }
                    } else {
                        stack.append(value)
                        try render(children, template: template, stack: &stack, into: &output, messages: messages)
                        stack.removeLast()
                    }
                }
            case .partial(let partialName, let line):
                // Checked at load; kept as an error rather than a trap in case that check is ever loosened.
                guard let partial = templates[partialName] else {
                    throw TemplateError(
                        .missingPartial, "{{>\(partialName)}} names no template", template: template, line: line)
                }
                try render(partial, template: partialName, stack: &stack, into: &output, messages: messages)
            case .message(let key, let line):
                guard let text = messages(key) else {
                    throw TemplateError(.missingMessage, "no message for key '\(key)'", template: template, line: line)
                }
                TemplateValue.escapeHTML(text, into: &output)
            }
        }
    }

    /// Mustache name resolution: `.` is the innermost context; otherwise the first segment is looked up in each
    /// object context from the innermost outwards, and the remaining segments only inside what was found.
    private static func lookup(_ name: TemplateName, in stack: [TemplateValue]) -> TemplateValue? {
        guard let first = name.path.first else { return stack.last }
        var found: TemplateValue?
        var index = stack.count - 1
        while index >= 0 {
            if case .object(let members) = stack[index], let member = members[first] {
                found = member
                break
            }
            index -= 1
        }
        guard var current = found else { return nil }
        for segment in name.path.dropFirst() {
            guard case .object(let members) = current, let member = members[segment] else { return nil }
            current = member
        }
        return current
    }
}

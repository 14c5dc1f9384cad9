/// Turns one template's text into nodes, or a ``TemplateError`` with code ``TemplateError/Code/syntax``
/// naming the template and the line of the offending tag.
///
/// The grammar is deliberately small: `{{name}}`, `{{a.b}}`, `{{.}}`, `{{{name}}}`, `{{#name}}`, `{{^name}}`,
/// `{{/name}}`, `{{>partial}}`, `{{!comment}}` and `{{@message.key}}`. Whitespace inside the braces around
/// the name is allowed (`{{ name }}`). Everything else between `{{` and `}}` is an error, so a Mustache feature
/// we do not support (`{{&name}}`, `{{=<% %>=}}`) fails at load instead of rendering surprising output.
/// Text outside tags is kept byte for byte; unlike Mustache, lines holding only a section tag are not trimmed.
struct TemplateParser {
    private let template: String
    private let bytes: [UInt8]
    private var line = 1

    init(template: String, bytes: [UInt8]) {
        self.template = template
        self.bytes = bytes
    }

    /// An open section whose children are still being collected.
    private struct OpenSection {
        let name: TemplateName
        let inverted: Bool
        let line: Int
        var children: [TemplateNode] = []
    }

    mutating func parse() throws(TemplateError) -> [TemplateNode] {
        var open: [OpenSection] = []
        var nodes: [TemplateNode] = []
        var index = 0

        /// Appends to the innermost open section, or to the top level.
        func append(_ node: TemplateNode) {
            if open.isEmpty {
                Self.append(node, to: &nodes)
            } else {
                Self.append(node, to: &open[open.count - 1].children)
            }
        }

        while let tagStart = find(UInt8(ascii: "{"), UInt8(ascii: "{"), from: index) {
            if tagStart > index {
                append(.text(Array(bytes[index..<tagStart])))
                countLines(index..<tagStart)
            }
            let tagLine = line
            let triple = tagStart + 2 < bytes.count && bytes[tagStart + 2] == UInt8(ascii: "{")
            let contentStart = tagStart + (triple ? 3 : 2)
            let closing =
                triple
                ? find3(UInt8(ascii: "}"), from: contentStart)
                : find(UInt8(ascii: "}"), UInt8(ascii: "}"), from: contentStart)
            guard let closing else {
                throw error(triple ? "'{{{' is never closed by '}}}'" : "'{{' is never closed by '}}'", line: tagLine)
            }
            let content = trimmed(contentStart..<closing)
            countLines(contentStart..<closing)
            index = closing + (triple ? 3 : 2)

            guard !content.isEmpty else { throw error("empty tag", line: tagLine) }
            if triple {
                append(.variable(try variableName(content, line: tagLine), escaped: false, line: tagLine))
                continue
            }
            let sigil = bytes[content.lowerBound]
            let rest = trimmed(content.lowerBound + 1..<content.upperBound)
            switch sigil {
            case UInt8(ascii: "!"):
                continue
            case UInt8(ascii: "#"), UInt8(ascii: "^"):
                let name = try variableName(rest, line: tagLine)
                open.append(OpenSection(name: name, inverted: sigil == UInt8(ascii: "^"), line: tagLine))
            case UInt8(ascii: "/"):
                let name = try variableName(rest, line: tagLine)
                guard let section = open.popLast() else {
                    throw error("{{/\(name.text)}} closes no open section", line: tagLine)
                }
                guard section.name == name else {
                    throw error(
                        "{{/\(name.text)}} does not match {{\(section.inverted ? "^" : "#")\(section.name.text)}} "
                            + "opened at line \(section.line)",
                        line: tagLine)
                }
                append(
                    .section(section.name, inverted: section.inverted, children: section.children, line: section.line))
            case UInt8(ascii: ">"):
                append(.partial(try key(rest, kind: "partial name", line: tagLine), line: tagLine))
            case UInt8(ascii: "@"):
                append(.message(try key(rest, kind: "message key", line: tagLine), line: tagLine))
            default:
                guard sigil == UInt8(ascii: ".") || Self.isNameByte(sigil) else {
                    throw error("unknown sigil '\(String(decoding: [sigil], as: UTF8.self))'", line: tagLine)
                }
                append(.variable(try variableName(content, line: tagLine), escaped: true, line: tagLine))
            }
        }
        if index < bytes.count { append(.text(Array(bytes[index...]))) }
        if let unclosed = open.last {
            throw error(
                "section {{\(unclosed.inverted ? "^" : "#")\(unclosed.name.text)}} is never closed", line: unclosed.line
            )
        }
        return nodes
    }

    // MARK: Names

    /// `[A-Za-z0-9_-]`: the bytes of one name segment.
    private static func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "_"), UInt8(ascii: "-"):
            true
        default: false
        }
    }

    /// `.` or dot-separated non-empty segments of name bytes.
    private func variableName(_ range: Range<Int>, line: Int) throws(TemplateError) -> TemplateName {
        let text = String(decoding: bytes[range], as: UTF8.self)
        guard !range.isEmpty else { throw error("tag without a name", line: line) }
        if text == "." { return TemplateName(path: [], text: text) }
        let segments = bytes[range].split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard segments.allSatisfy({ !$0.isEmpty && $0.allSatisfy(Self.isNameByte) }) else {
            throw error("invalid name '\(text)' (letters, digits, '_', '-', separated by '.')", line: line)
        }
        return TemplateName(path: segments.map { String(decoding: $0, as: UTF8.self) }, text: text)
    }

    /// A partial name or message key: name bytes and dots, non-empty.
    private func key(_ range: Range<Int>, kind: String, line: Int) throws(TemplateError) -> String {
        let text = String(decoding: bytes[range], as: UTF8.self)
        guard !range.isEmpty else { throw error("\(kind) missing", line: line) }
        guard bytes[range].allSatisfy({ Self.isNameByte($0) || $0 == UInt8(ascii: ".") }) else {
            throw error("invalid \(kind) '\(text)'", line: line)
        }
        return text
    }

    // MARK: Scanning

    /// Adds text to a node list, merging it into a preceding text node (comments leave two text runs).
    private static func append(_ node: TemplateNode, to nodes: inout [TemplateNode]) {
        if case .text(let next) = node, case .text(var previous) = nodes.last {
            nodes.removeLast()
            previous.append(contentsOf: next)
            nodes.append(.text(previous))
        } else {
            nodes.append(node)
        }
    }

    private func find(_ first: UInt8, _ second: UInt8, from start: Int) -> Int? {
        var index = start
        while index + 1 < bytes.count {
            if bytes[index] == first, bytes[index + 1] == second { return index }
            index += 1
        }
        return nil
    }

    private func find3(_ byte: UInt8, from start: Int) -> Int? {
        var index = start
        while index + 2 < bytes.count {
            if bytes[index] == byte, bytes[index + 1] == byte, bytes[index + 2] == byte { return index }
            index += 1
        }
        return nil
    }

    /// `range` without leading and trailing spaces, tabs, CR and LF.
    private func trimmed(_ range: Range<Int>) -> Range<Int> {
        var lower = range.lowerBound
        var upper = range.upperBound
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
        while lower < upper, isSpace(bytes[lower]) { lower += 1 }
        while upper > lower, isSpace(bytes[upper - 1]) { upper -= 1 }
        return lower..<upper
    }

    private mutating func countLines(_ range: Range<Int>) {
        for index in range where bytes[index] == 0x0A { line += 1 }
    }

    private func error(_ message: String, line: Int) -> TemplateError {
        TemplateError(.syntax, message, template: template, line: line)
    }
}

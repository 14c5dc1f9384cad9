import CivicSealWebKit
import Testing

/// Template mistakes are caught when the set loads, with the template, line and problem.
@Suite("Template syntax")
struct TemplateSyntaxTests {
    private func loadError(_ sources: [String: String]) -> TemplateError? {
        do {
            _ = try TemplateSet(sources: sources)
            return nil
        } catch {
            return error
        }
    }

    struct BrokenCase: Sendable, CustomTestStringConvertible {
        let name: String
        let source: String
        let line: Int
        let mentions: String
        var testDescription: String { name }
    }

    static let brokenCases: [BrokenCase] = [
        BrokenCase(name: "unclosed section", source: "a\nb\n{{#rows}}\n<li>\n", line: 3, mentions: "rows"),
        BrokenCase(name: "unclosed inverted section", source: "{{^rows}}x", line: 1, mentions: "rows"),
        BrokenCase(
            name: "mismatched close", source: "{{#a}}\n{{#b}}\n{{/a}}\n{{/b}}", line: 3, mentions: "opened at line 2"),
        BrokenCase(name: "close without open", source: "x\n{{/a}}", line: 2, mentions: "a"),
        BrokenCase(name: "empty tag", source: "one\ntwo {{}}", line: 2, mentions: "empty"),
        BrokenCase(name: "blank tag", source: "{{   }}", line: 1, mentions: "empty"),
        BrokenCase(name: "unclosed tag", source: "x\ny {{name\n", line: 2, mentions: "never closed"),
        BrokenCase(name: "unclosed triple", source: "{{{name}}", line: 1, mentions: "}}}"),
        BrokenCase(name: "ampersand sigil", source: "{{&name}}", line: 1, mentions: "unknown sigil"),
        BrokenCase(name: "delimiter change", source: "\n\n{{=<% %>=}}", line: 3, mentions: "unknown sigil"),
        BrokenCase(name: "space inside a name", source: "{{first name}}", line: 1, mentions: "invalid name"),
        BrokenCase(name: "empty segment", source: "{{a..b}}", line: 1, mentions: "invalid name"),
        BrokenCase(name: "section without name", source: "{{#}}{{/}}", line: 1, mentions: "name"),
        BrokenCase(name: "partial without name", source: "{{>}}", line: 1, mentions: "partial"),
        BrokenCase(name: "sigil in triple", source: "{{{#a}}}", line: 1, mentions: "invalid name"),
        BrokenCase(name: "line counted through a comment", source: "{{!\n\n}}{{#x}}", line: 3, mentions: "x"),
    ]

    @Test(arguments: brokenCases)
    func malformedTemplateIsRefusedWithItsLine(_ row: BrokenCase) throws {
        let error = try #require(loadError(["page": row.source]))
        #expect(error.code == .syntax)
        #expect(error.template == "page")
        #expect(error.line == row.line)
        #expect(error.message.contains(row.mentions), "\(error.message)")
        #expect(error.description.contains("page.html:\(row.line)"))
    }

    @Test func missingPartialIsALoadError() throws {
        let error = try #require(loadError(["page": "x\n{{>footer}}"]))
        #expect(error.code == .missingPartial)
        #expect(error.template == "page")
        #expect(error.line == 2)
        #expect(error.message.contains("footer"))
    }

    @Test func partialIncludingItselfIsACycle() throws {
        let error = try #require(loadError(["tree": "{{#children}}{{>tree}}{{/children}}"]))
        #expect(error.code == .partialCycle)
        #expect(error.message.contains("tree → tree"))
    }

    @Test func longerPartialCycleIsNamedInFull() throws {
        let error = try #require(loadError(["a": "{{>b}}", "b": "\n{{>c}}", "c": "{{>a}}", "page": "{{>a}}"]))
        #expect(error.code == .partialCycle)
        #expect(error.message.contains("a → b → c → a"))
        #expect(error.template == "c")
    }

    @Test func sharedPartialIsNotACycle() throws {
        let set = try TemplateSet(sources: ["page": "{{>a}}{{>b}}", "a": "{{>leaf}}", "b": "{{>leaf}}", "leaf": "."])
        #expect(try set.render("page", [:]) == "..")
    }

    @Test func strayBracesInTextAreJustText() throws {
        let set = try TemplateSet(sources: ["page": "a }} b } c {x}"])
        #expect(try set.render("page", [:]) == "a }} b } c {x}")
    }
}

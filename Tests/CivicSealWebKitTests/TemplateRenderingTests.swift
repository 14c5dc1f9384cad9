import CivicSealTestSupport
import CivicSealWebKit
import Testing

@Suite("Template rendering")
struct TemplateRenderingTests {
    private func render(_ source: String, _ context: TemplateValue, partials: [String: String] = [:]) throws -> String {
        var sources = partials
        sources["page"] = source
        return try TemplateSet(sources: sources).render("page", context)
    }

    // MARK: Escaping

    @Test func everySpecialCharacterIsEscapedInTextAndAttributes() throws {
        let hostile: TemplateValue = .string(#"<script>alert("x" & 'y')</script>"#)
        let output = try render(#"<p title="{{v}}" data-x='{{v}}'>{{v}}</p>"#, ["v": hostile])
        let escaped = "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;"
        #expect(output == #"<p title="\#(escaped)" data-x='\#(escaped)'>\#(escaped)</p>"#)
        #expect(TemplateValue.escapeHTML(#"&<>"'"#) == "&amp;&lt;&gt;&quot;&#39;")
    }

    @Test func nonASCIITextPassesThroughUnchanged() throws {
        #expect(try render("{{name}}", ["name": "Nguyễn Thị Ánh <b>"]) == "Nguyễn Thị Ánh &lt;b&gt;")
    }

    @Test func tripleTagWritesTrustedMarkupRawButStillEscapesStrings() throws {
        let context: TemplateValue = ["markup": .html("<em>ok</em>"), "text": "<em>no</em>"]
        #expect(try render("{{{markup}}}|{{{text}}}", context) == "<em>ok</em>|&lt;em&gt;no&lt;/em&gt;")
    }

    @Test func doubleTagEscapesTrustedMarkupToo() throws {
        #expect(try render("{{markup}}", ["markup": .html("<em>")]) == "&lt;em&gt;")
    }

    @Test func missingNameRendersNothing() throws {
        #expect(try render("[{{absent}}][{{{absent}}}][{{a.b.c}}]", ["a": ["x": "1"]]) == "[][][]")
    }

    @Test func booleanVariableRendersAsWord() throws {
        #expect(try render("{{yes}}/{{no}}", ["yes": true, "no": false]) == "true/false")
    }

    @Test func listInVariableTagIsATypeMismatch() throws {
        let set = try TemplateSet(sources: ["page": "line one\n{{rows}}"])
        let error = #expect(throws: TemplateError.self) { try set.render("page", ["rows": ["a"]]) }
        #expect(error?.code == .typeMismatch)
        #expect(error?.line == 2)
        #expect(error?.template == "page")
    }

    @Test func whitespaceInsideTagsIsAllowed() throws {
        #expect(try render("{{ name }}{{# on }}+{{/ on }}", ["name": "n", "on": true]) == "n+")
    }

    // MARK: Sections

    @Test func sectionRepeatsForEachListElement() throws {
        let context: TemplateValue = ["rows": [["id": "A"], ["id": "B"], ["id": "C"]]]
        #expect(
            try render("<ul>{{#rows}}<li>{{id}}</li>{{/rows}}</ul>", context)
                == "<ul><li>A</li><li>B</li><li>C</li></ul>")
    }

    @Test func dotIsTheCurrentElement() throws {
        #expect(try render("{{#tags}}[{{.}}]{{/tags}}", ["tags": ["x", "<y>"]]) == "[x][&lt;y&gt;]")
    }

    @Test func sectionOverTruthyValuesRendersOnce() throws {
        let context: TemplateValue = [
            "flag": true, "text": "hi", "markup": .html("<b>"), "object": ["k": "v"], "empty": [:],
        ]
        #expect(
            try render(
                "{{#flag}}F{{/flag}}{{#text}}T{{.}}{{/text}}{{#object}}O{{k}}{{/object}}{{#empty}}E{{/empty}}", context)
                == "FThiOvE")
        #expect(try render("{{#markup}}{{{.}}}{{/markup}}", context) == "<b>")
    }

    @Test func sectionOverFalsyValuesIsSkipped() throws {
        let context: TemplateValue = ["flag": false, "text": "", "rows": []]
        #expect(
            try render("a{{#flag}}F{{/flag}}{{#text}}T{{/text}}{{#rows}}R{{/rows}}{{#missing}}M{{/missing}}b", context)
                == "ab")
    }

    @Test func invertedSectionRendersExactlyWhenTheSectionWouldNot() throws {
        let template = "{{#rows}}has{{/rows}}{{^rows}}none{{/rows}}"
        #expect(try render(template, ["rows": []]) == "none")
        #expect(try render(template, [:]) == "none")
        #expect(try render(template, ["rows": ["x"]]) == "has")
        #expect(try render("{{^flag}}off{{/flag}}", ["flag": false]) == "off")
        #expect(try render("{{^flag}}off{{/flag}}", ["flag": true]) == "")
        #expect(try render("{{^text}}blank{{/text}}", ["text": ""]) == "blank")
    }

    @Test func innerContextShadowsOuterAndFallsBackToIt() throws {
        let context: TemplateValue = [
            "name": "outer", "office": "Hà Nội",
            "rows": [["name": "inner"], ["other": "x"]],
        ]
        #expect(try render("{{#rows}}{{name}}@{{office}};{{/rows}}", context) == "inner@Hà Nội;outer@Hà Nội;")
    }

    @Test func dottedNamesWalkObjectsFromWhereTheFirstSegmentIsFound() throws {
        let context: TemplateValue = [
            "officer": ["name": "Lan", "unit": ["code": "HN-01"]],
            "rows": [["officer": ["name": "Minh"]]],
        ]
        #expect(try render("{{officer.unit.code}} {{officer.name}}", context) == "HN-01 Lan")
        // Inside the row, `officer` resolves to the row's object, which has no `unit`: Mustache does not fall back.
        #expect(try render("{{#rows}}{{officer.name}}/{{officer.unit.code}}{{/rows}}", context) == "Minh/")
        #expect(try render("{{#officer.unit}}{{code}}{{/officer.unit}}", context) == "HN-01")
    }

    @Test func nestedSectionsOverNestedLists() throws {
        let context: TemplateValue = [
            "groups": [["title": "g1", "items": ["a", "b"]], ["title": "g2", "items": []]]
        ]
        let template = "{{#groups}}{{title}}:{{#items}}{{.}}{{/items}}{{^items}}-{{/items}};{{/groups}}"
        #expect(try render(template, context) == "g1:ab;g2:-;")
    }

    @Test func commentsRenderNothing() throws {
        #expect(try render("a{{! a note, even with {braces} }}b{{!\nmultiline\n}}c", [:]) == "abc")
    }

    // MARK: Partials

    @Test func partialRendersWithTheCurrentContext() throws {
        let partials = ["row": "<td>{{id}}</td><td>{{office}}</td>"]
        let context: TemplateValue = ["office": "HN", "rows": [["id": "1"], ["id": "2"]]]
        #expect(
            try render("{{#rows}}<tr>{{>row}}</tr>{{/rows}}", context, partials: partials)
                == "<tr><td>1</td><td>HN</td></tr><tr><td>2</td><td>HN</td></tr>")
    }

    @Test func partialsNestAcrossTemplates() throws {
        let set = try TemplateSet(sources: [
            "layout": "<html>{{>header}}<main>{{{content}}}</main></html>",
            "header": "<h1>{{title}}</h1>{{>nav}}",
            "nav": "<nav>{{#links}}<a href=\"{{href}}\">{{label}}</a>{{/links}}</nav>",
        ])
        let output = try set.render(
            "layout", ["title": "Q&A", "content": .html("<p>x</p>"), "links": [["href": "/a?b=1&c=2", "label": "A"]]])
        #expect(
            output == #"<html><h1>Q&amp;A</h1><nav><a href="/a?b=1&amp;c=2">A</a></nav><main><p>x</p></main></html>"#)
    }

    // MARK: Messages

    @Test func messageTagsTakeEscapedTextFromTheLookup() throws {
        let set = try TemplateSet(sources: ["page": "<h1>{{@queue.title}}</h1>{{#rows}}{{@row.label}}{{/rows}}"])
        let messages = ["queue.title": "Hàng đợi <officer>", "row.label": "R"]
        let output = try set.render("page", ["rows": ["1", "2"]], messages: { messages[$0] })
        #expect(output == "<h1>Hàng đợi &lt;officer&gt;</h1>RR")
    }

    @Test func unknownMessageKeyFailsNamingTheKeyAndLine() throws {
        let set = try TemplateSet(sources: ["page": "<h1>\n{{@queue.titel}}</h1>"])
        let error = #expect(throws: TemplateError.self) {
            try set.render("page", [:], messages: { $0 == "queue.title" ? "Queue" : nil })
        }
        #expect(error?.code == .missingMessage)
        #expect(error?.message.contains("queue.titel") == true)
        #expect(error?.line == 2)
    }

    @Test func renderingWithoutMessagesTreatsAnyMessageTagAsMissing() throws {
        let set = try TemplateSet(sources: ["page": "{{@anything}}"])
        #expect(throws: TemplateError(.missingMessage, "")) { try set.render("page", [:]) }
        var bytes: [UInt8] = []
        #expect(throws: TemplateError(.missingMessage, "")) { try set.renderBytes("page", [:], into: &bytes) }
    }

    @Test func unknownTemplateNameIsAnError() throws {
        let set = try TemplateSet(sources: ["page": "x"])
        #expect(set.contains("page"))
        #expect(!set.contains("other"))
        #expect(throws: TemplateError(.missingTemplate, "")) { try set.render("other", [:]) }
    }

    // MARK: Bytes

    @Test func renderBytesAppendsAndLeavesTheBufferUntouchedOnError() throws {
        let set = try TemplateSet(sources: ["ok": "<b>{{x}}</b>", "bad": "partial output {{@nope}}"])
        var buffer = Array("prefix:".utf8)
        try set.renderBytes("ok", ["x": "é&"], into: &buffer)
        #expect(String(decoding: buffer, as: UTF8.self) == "prefix:<b>é&amp;</b>")
        let before = buffer
        #expect(throws: TemplateError.self) { try set.renderBytes("bad", [:], into: &buffer) }
        #expect(buffer == before)
    }

    @Test func tenThousandRowsRenderCompletelyAndInOrder() throws {
        let set = try TemplateSet(sources: [
            "queue":
                "<table>{{#rows}}<tr><td>{{id}}</td><td>{{name}}</td>"
                + "{{#urgent}}<td>!</td>{{/urgent}}</tr>{{/rows}}</table>"
        ])
        let rows: [TemplateValue] = (0..<10_000).map { index -> TemplateValue in
            ["id": "R-\(index)", "name": "Người nộp <\(index)>", "urgent": .bool(index % 1000 == 0)]
        }
        var bytes: [UInt8] = []
        try set.renderBytes("queue", ["rows": .list(rows)], into: &bytes)
        let html = String(decoding: bytes, as: UTF8.self)
        #expect(html.hasPrefix("<table><tr><td>R-0</td><td>Người nộp &lt;0&gt;</td><td>!</td></tr><tr><td>R-1</td>"))
        #expect(html.hasSuffix("<tr><td>R-9999</td><td>Người nộp &lt;9999&gt;</td></tr></table>"))
        #expect(html.components(separatedBy: "<tr>").count - 1 == 10_000)
        #expect(html.components(separatedBy: "<td>!</td>").count - 1 == 10)
        #expect(try set.render("queue", ["rows": .list(rows)]) == html)
    }

    // MARK: Loading from a directory

    @Test func directoryLoadsEveryHTMLFileByNameAndNothingElse() throws {
        let directory = TemporaryDirectory("civicseal-templates")
        try directory.write("layout.html", text: "<main>{{>officer-queue}}</main>")
        try directory.write("officer-queue.html", text: "{{count}} requests")
        try directory.write("notes.txt", text: "{{#broken")
        try directory.write(".hidden.html", text: "{{#broken")
        let set = try TemplateSet(directory: directory.path)
        #expect(set.names == ["layout", "officer-queue"])
        #expect(try set.render("layout", ["count": "3"]) == "<main>3 requests</main>")
    }

    @Test func directorySyntaxErrorNamesFileAndLine() throws {
        let directory = TemporaryDirectory("civicseal-templates")
        try directory.write("broken.html", text: "<ul>\n{{#rows}}\n<li>{{id}}</li>\n</ul>\n")
        let error = #expect(throws: TemplateError.self) { _ = try TemplateSet(directory: directory.path) }
        #expect(error?.code == .syntax)
        #expect(error?.template == "broken")
        #expect(error?.line == 2)
        #expect(error?.description.contains("broken.html:2") == true)
    }

    @Test func unreadableDirectoryIsAnIOError() {
        #expect(throws: TemplateError(.io, "")) { _ = try TemplateSet(directory: "/nonexistent/civicseal/templates") }
    }

    @Test func fileThatIsNotUTF8IsRefused() throws {
        let directory = TemporaryDirectory("civicseal-templates")
        try directory.write("latin1.html", [0x3C, 0x70, 0x3E, 0xE9, 0x3C, 0x2F, 0x70, 0x3E])
        #expect(throws: TemplateError(.io, "")) { _ = try TemplateSet(directory: directory.path) }
    }
}

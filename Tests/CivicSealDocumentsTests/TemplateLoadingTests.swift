import CivicSealCrypto
import CivicSealDocuments
import CivicSealTestSupport
import Foundation
import Testing

/// The repository's templates load; malformed ones are refused at load, naming the file and the place.
@Suite struct TemplateLoadingTests {
    @Test func everyRepositoryTemplateLoadsWithItsFileHash() throws {
        let templates = try TemplateLoader.loadDirectory(DocumentFixtures.templateDirectory)
        #expect(templates.map(\.id).sorted() == DocumentFixtures.templateIDs.sorted())
        for template in templates {
            let bytes = try Data(
                contentsOf: URL(fileURLWithPath: "\(DocumentFixtures.templateDirectory)/\(template.file)"))
            #expect(template.sha256Hex == Hex.encode(Digest.sha256(bytes)))
            // 1.1.0: the parent body above the agency in capitals, the validity to its end date (issue 13).
            #expect(
                template.version
                    == (template.id.hasSuffix("general") || template.id.hasSuffix("employment")
                        || template.id.hasSuffix("study") ? "1.0.0" : "1.1.0"))
            #expect(template.hasSeal)
        }
    }

    /// A small valid template; each test breaks one thing in it.
    static let valid = """
        {"id": "sample", "version": "1", "kind": "criminal-record", "title": "T {{holder.fullName}}",
         "page": {"size": "A4", "margins": {"top": 36, "left": 50, "right": 50, "bottom": 24}},
         "vocabulary": {"sex.male": "Nam / Male", "sex.female": "Nữ / Female"},
         "blocks": [
          {"type": "text", "text": "Họ và tên: {{holder.fullName}}", "size": 10},
          {"type": "rule"},
          {"type": "space", "height": 4},
          {"type": "fields", "labelWidth": 150, "rows": [
            {"vi": "Họ và tên", "en": "Full name", "field": "holder.fullName"},
            {"vi": "Giới tính", "en": "Sex", "field": "holder.sex"}]},
          {"type": "table", "source": "criminalRecord.allConvictions", "columns": [
            {"vi": "Tòa án", "en": "Court", "width": 100, "value": "{{item.court}}"}]},
          {"type": "if", "flag": "criminalRecord.hasBans", "then": [{"type": "seal", "width": 100, "height": 40}]}
         ]}
        """

    func refusal(_ replacing: String, with replacement: String) -> DocumentTemplateError? {
        #expect(Self.valid.contains(replacing), "test setup: \(replacing) not in the template")
        let text = Self.valid.replacingOccurrences(of: replacing, with: replacement)
        do {
            _ = try TemplateLoader.load(bytes: Array(text.utf8), file: "broken.json")
            return nil
        } catch { return error }
    }

    func expectRefusal(
        _ replacing: String, with replacement: String, code: DocumentTemplateError.Code, path: String,
        mentioning: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        guard let error = refusal(replacing, with: replacement) else {
            Issue.record("the template was accepted", sourceLocation: sourceLocation)
            return
        }
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        #expect(error.file == "broken.json", sourceLocation: sourceLocation)
        #expect(error.path == path, "\(error)", sourceLocation: sourceLocation)
        #expect(error.description.hasPrefix("broken.json: \(path)"), "\(error)", sourceLocation: sourceLocation)
        if let mentioning {
            #expect(error.description.contains(mentioning), "\(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func theSampleTemplateIsValid() throws {
        let template = try TemplateLoader.load(bytes: Array(Self.valid.utf8), file: "sample.json")
        #expect(template.id == "sample")
        #expect(template.sha256 == Digest.sha256(Array(Self.valid.utf8)))
    }

    @Test func invalidJSONIsRefused() {
        guard let error = refusal("]}", with: "]") else {
            Issue.record("accepted")
            return
        }
        #expect(error.code == .invalidJSON)
        #expect(error.description.hasPrefix("broken.json: "), "\(error)")
    }

    @Test func missingIdIsRefused() {
        expectRefusal(#""id": "sample", "#, with: "", code: .missingMember, path: "id")
    }

    @Test func missingVersionIsRefused() {
        expectRefusal(#""version": "1", "#, with: "", code: .missingMember, path: "version")
    }

    @Test func wrongTypeIsRefused() {
        expectRefusal(
            #""size": 10"#, with: #""size": "10""#, code: .wrongType, path: "blocks[0].size",
            mentioning: "expected a number")
    }

    @Test func unknownBlockTypeIsRefused() {
        expectRefusal(
            #"{"type": "rule"}"#, with: #"{"type": "line"}"#, code: .unknownBlockType, path: "blocks[1].type",
            mentioning: "\"line\"")
    }

    @Test func unknownFieldInARowIsRefused() {
        expectRefusal(
            #""field": "holder.sex""#, with: #""field": "holder.gender""#, code: .unknownField,
            path: "blocks[3].rows[1].field",
            mentioning: "holder.gender")
    }

    @Test func unknownFieldInAPlaceholderIsRefused() {
        expectRefusal(
            "Họ và tên: {{holder.fullName}}", with: "Họ và tên: {{holder.fullname}}", code: .unknownField,
            path: "blocks[0].text",
            mentioning: "holder.fullname")
    }

    @Test func unknownItemFieldInATableIsRefused() {
        expectRefusal(
            "{{item.court}}", with: "{{item.judge}}", code: .unknownField, path: "blocks[4].columns[0].value",
            mentioning: "item.judge")
    }

    @Test func itemFieldOutsideATableIsRefused() {
        expectRefusal(
            "Họ và tên: {{holder.fullName}}", with: "{{item.court}}", code: .unknownField, path: "blocks[0].text",
            mentioning: "item.court")
    }

    @Test func fieldOfAnotherDocumentKindIsRefused() {
        expectRefusal(
            "Họ và tên: {{holder.fullName}}", with: "{{healthCertificate.conclusion}}", code: .unknownField,
            path: "blocks[0].text",
            mentioning: "health-certificate")
    }

    @Test func unknownListAndFlagAreRefused() {
        expectRefusal(
            "criminalRecord.allConvictions", with: "criminalRecord.everything", code: .unknownField,
            path: "blocks[4].source",
            mentioning: "criminalRecord.everything")
        expectRefusal(
            "criminalRecord.hasBans", with: "criminalRecord.isBanned", code: .unknownField, path: "blocks[5].flag")
    }

    @Test func unclosedPlaceholderIsRefused() {
        expectRefusal(
            "Họ và tên: {{holder.fullName}}", with: "Họ và tên: {{holder.fullName", code: .unclosedPlaceholder,
            path: "blocks[0].text",
            mentioning: "{{holder.fullName")
    }

    @Test func negativeSizeIsRefused() {
        expectRefusal(
            #""height": 4"#, with: #""height": -4"#, code: .invalidValue, path: "blocks[2].height", mentioning: "-4")
    }

    @Test func blockOutsideThePageIsRefused() {
        expectRefusal(
            #"{"type": "rule"}"#, with: #"{"type": "rule", "top": 900}"#, code: .outsidePage, path: "blocks[1].top",
            mentioning: "900")
        expectRefusal(
            #""width": 100, "value""#, with: #""width": 600, "value""#, code: .outsidePage,
            path: "blocks[4].columns[0].width")
        expectRefusal(
            #"{"type": "seal", "width": 100"#, with: #"{"type": "seal", "x": 450, "width": 100"#, code: .outsidePage,
            path: "blocks[5].then[0].width")
    }

    @Test func misspeltMemberIsRefused() {
        expectRefusal(
            #""labelWidth": 150"#, with: #""labelWidht": 150"#, code: .unknownMember, path: "blocks[3].labelWidht")
    }

    @Test func enumeratedFieldWithoutVocabularyIsRefused() {
        expectRefusal(
            #""sex.female": "Nữ / Female""#, with: #""other": "x""#, code: .missingVocabulary,
            path: "blocks[3].rows[1].field",
            mentioning: "sex.female")
    }

    @Test func duplicateTemplateIdsInADirectoryAreRefused() throws {
        let directory = TemporaryDirectory("civicseal-templates")
        try directory.write("a.json", text: Self.valid)
        try directory.write("b.json", text: Self.valid)
        #expect(throws: DocumentTemplateError(.duplicateTemplate, file: "", path: "", "")) {
            try TemplateLoader.loadDirectory(directory.path)
        }
    }
}

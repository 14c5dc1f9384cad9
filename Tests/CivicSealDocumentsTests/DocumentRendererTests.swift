import CivicSealDocuments
import CivicSealPDF
import CivicSealTestSupport
import CivicSealWorkflow
import Foundation
import Testing

/// Renders: the findings each form shows, determinism, recorded template identity, typed failures.
@Suite struct DocumentRendererTests {
    let renderer = DocumentFixtures.renderer

    /// The page's text as pdftotext extracts it (NFC), with runs of white space as one space: table cells wrap.
    func text(_ record: DocumentRecord) throws -> String {
        let directory = TemporaryDirectory("civicseal-documents")
        let path = try directory.write("document.pdf", try renderer.render(record).bytes)
        let output = try ExternalTool.run("pdftotext", ["-enc", "UTF-8", path, "-"])
        #expect(output.status == 0 && output.errorText.isEmpty, "\(output.errorText)")
        return output.text.precomposedStringWithCanonicalMapping.split(whereSeparator: \.isWhitespace).joined(
            separator: " ")
    }

    @Test(.enabled(if: ExternalTool.isUsable("pdftotext")))
    func formOneWithoutConvictionsSaysNoCriminalRecord() throws {
        let text = try text(DocumentFixtures.criminalRecord(form: .form1, holder: DocumentFixtures.holders[0]))
        #expect(text.contains("Không có án tích"))
        #expect(text.contains("No criminal record"))
        #expect(!text.contains("Có án tích"))
        #expect(!text.contains("Tòa án"))
        #expect(!text.contains("Cấm đảm nhiệm"), "bans are stated on form 1 only when requested")
    }

    @Test(.enabled(if: ExternalTool.isUsable("pdftotext")))
    func formOneListsCurrentConvictionsInATableButNotExpungedOnes() throws {
        let record = DocumentFixtures.criminalRecord(
            form: .form1, holder: DocumentFixtures.holders[1],
            convictions: [
                DocumentFixtures.conviction(1, expunged: true), DocumentFixtures.conviction(2),
                DocumentFixtures.conviction(3),
            ])
        let text = try text(record)
        #expect(text.contains("Có án tích"))
        #expect(!text.contains("Không có án tích"))
        for expected in [
            "Tòa án", "Court", "Tội danh", "Crime", "Hình phạt", "Penalties", "42/2014/HS-ST", "43/2015/HS-ST",
            "Trộm cắp tài", "12/03/2014",
        ] {
            #expect(text.contains(expected), "missing \(expected)")
        }
        #expect(!text.contains("41/2013/HS-ST"), "form 1 does not list expunged convictions")
    }

    @Test(.enabled(if: ExternalTool.isUsable("pdftotext")))
    func formOneWithOnlyExpungedConvictionsSaysNoCriminalRecord() throws {
        let record = DocumentFixtures.criminalRecord(
            form: .form1, holder: DocumentFixtures.holders[1],
            convictions: [DocumentFixtures.conviction(1, expunged: true)])
        #expect(try text(record).contains("Không có án tích"))
    }

    @Test(.enabled(if: ExternalTool.isUsable("pdftotext")))
    func formOneStatesBansOnlyWhenRequested() throws {
        let holder = DocumentFixtures.holders[3]
        let unrequested = try text(
            DocumentFixtures.criminalRecord(form: .form1, holder: holder, bans: [DocumentFixtures.ban]))
        #expect(!unrequested.contains("Cấm đảm nhiệm chức vụ kế toán trưởng"))
        let requested = try text(
            DocumentFixtures.criminalRecord(
                form: .form1, holder: holder, bans: [DocumentFixtures.ban], statesBans: true))
        #expect(requested.contains("Cấm đảm nhiệm chức vụ, thành lập, quản lý doanh nghiệp, hợp tác xã"))
        #expect(requested.contains("Cấm đảm nhiệm chức vụ kế toán trưởng"))
        let requestedNone = try text(DocumentFixtures.criminalRecord(form: .form1, holder: holder, statesBans: true))
        #expect(requestedNone.contains("Không bị cấm đảm nhiệm chức vụ, thành lập, quản lý doanh nghiệp, hợp tác xã"))
    }

    @Test(.enabled(if: ExternalTool.isUsable("pdftotext")))
    func formTwoListsExpungedConvictionsParentsAndAlwaysStatesBans() throws {
        let record = DocumentFixtures.criminalRecord(
            form: .form2, holder: DocumentFixtures.holders[2],
            convictions: [DocumentFixtures.conviction(1, expunged: true)],
            bans: [DocumentFixtures.ban], statesBans: false)
        let text = try text(record)
        #expect(text.contains("Có án tích"), "form 2 says \"Không có án tích\" only if never convicted")
        #expect(text.contains("41/2013/HS-ST"))
        #expect(text.contains("Đã xóa / Yes"))
        #expect(text.contains("Cấm đảm nhiệm chức vụ kế toán trưởng"))
        for expected in [
            "Họ và tên cha", "Father's full name", "Phạm Minh Quang", "Họ và tên mẹ", "Đỗ Thị Quỳnh",
            "Spouse's full name",
        ] {
            #expect(text.contains(expected), "missing \(expected)")
        }
        let clean = try self.text(DocumentFixtures.criminalRecord(form: .form2, holder: DocumentFixtures.holders[0]))
        #expect(clean.contains("Không có án tích"))
        #expect(clean.contains("Không bị cấm đảm nhiệm chức vụ, thành lập, quản lý doanh nghiệp, hợp tác xã"))
    }

    @Test(.enabled(if: ExternalTool.isUsable("pdftotext")))
    func healthDocumentsShowTheirFindings() throws {
        let certificate = try text(DocumentFixtures.healthCertificate(holder: DocumentFixtures.holders[3]))
        for expected in [
            "GIẤY KHÁM SỨC KHỎE CỦA NGƯỜI LÁI XE", "Kết quả khám sức khỏe", "Examination results", "Ophthalmology",
            "Kết luận", "Conclusion",
            "Đủ điều kiện sức khỏe lái xe hạng B", "16/11/2027",
        ] {
            #expect(certificate.contains(expected), "missing \(expected)")
        }
        let extract = try text(DocumentFixtures.healthBook(holder: DocumentFixtures.holders[0]))
        for expected in [
            "TRÍCH LỤC SỔ SỨC KHỎE ĐIỆN TỬ", "Encounters", "J20.9", "K29.7, K21.9", "Ngoại trú / Outpatient",
            "Tiêm chủng", "Vaccinations",
            "Viêm gan B / Hepatitis B", "Dị ứng", "Allergies", "Penicillin", "Mày đay, ngứa toàn thân",
        ] {
            #expect(extract.contains(expected), "missing \(expected)")
        }
        let empty = try text(
            DocumentFixtures.healthBook(
                holder: DocumentFixtures.holders[0], encounters: 0, vaccinations: 0, allergies: 0))
        #expect(empty.contains("Không có"))
    }

    @Test func renderingIsDeterministicAndRecordsTheTemplate() throws {
        for id in DocumentFixtures.templateIDs {
            let record = DocumentFixtures.record(templateID: id, holder: DocumentFixtures.holders[1])
            let first = try renderer.render(record, signature: SignaturePlaceholder())
            let second = try renderer.render(record, signature: SignaturePlaceholder())
            #expect(first.bytes == second.bytes)
            let template = try #require(renderer.template(id: id))
            #expect(first.templateID == id)
            #expect(first.templateVersion == template.version)
            #expect(first.templateSHA256 == template.sha256Hex)
            #expect(first.templateSHA256.count == 64)
            var later = record
            later.issuedAt += 1
            #expect(try renderer.render(later).bytes != first.bytes)
        }
    }

    @Test func signaturePlaceholderCoversTheSealRectangle() throws {
        let record = DocumentFixtures.record(templateID: "criminal-record-form-1", holder: DocumentFixtures.holders[0])
        let rendered = try renderer.render(record, signature: SignaturePlaceholder(contentsCapacity: 6144))
        let seal = try #require(rendered.sealRect)
        #expect(seal.width > 100 && seal.height > 30)
        let location = try #require(rendered.pdf.signature)
        #expect(location.capacity == 6144)
        #expect(location.byteRange[2] + location.byteRange[3] == rendered.bytes.count)
        let text = String(decoding: rendered.bytes, as: UTF8.self)
        #expect(text.contains("/Rect [\(Int(seal.x)) "), "the widget sits on the seal rectangle")
        #expect(try renderer.render(record).pdf.signature == nil)
    }

    @Test func verificationURLUsesTheConfiguredBase() throws {
        let other = DocumentRenderer(
            templates: renderer.templates, regularFont: renderer.regularFont, boldFont: renderer.boldFont,
            verificationBaseURL: "https://verify.example.invalid/")
        let record = DocumentFixtures.record(templateID: "health-book-extract", holder: DocumentFixtures.holders[0])
        #expect(try other.render(record).verificationURL == "https://verify.example.invalid/v/\(record.documentID)")
        #expect(
            try renderer.render(record).verificationURL == "https://verify.civicseal.invalid/v/\(record.documentID)")
    }

    @Test func contentThatDoesNotFitOnePageIsATypedError() {
        let record = DocumentFixtures.criminalRecord(
            form: .form2, holder: DocumentFixtures.holders[0],
            convictions: (1...14).map { DocumentFixtures.conviction($0) })
        #expect(throws: DocumentError(.contentOverflow, "")) { _ = try renderer.render(record) }
        #expect(throws: Never.self) {
            _ = try renderer.render(
                DocumentFixtures.criminalRecord(
                    form: .form1, holder: DocumentFixtures.holders[0],
                    convictions: (1...5).map { DocumentFixtures.conviction($0) },
                    bans: [DocumentFixtures.ban], statesBans: true))
            _ = try renderer.render(
                DocumentFixtures.healthBook(
                    holder: DocumentFixtures.holders[2], encounters: 5, vaccinations: 3, allergies: 2))
        }
    }

    @Test func aTemplateOfAnotherKindOrAnUnknownTemplateIsRefused() {
        let record = DocumentFixtures.record(templateID: "criminal-record-form-1", holder: DocumentFixtures.holders[0])
        #expect(throws: DocumentError(.kindMismatch, "")) {
            _ = try renderer.render(record, templateID: "health-book-extract")
        }
        #expect(throws: DocumentError(.templateNotFound, "")) {
            _ = try renderer.render(record, templateID: "criminal-record-form-3")
        }
    }

    @Test func renderingFromManyThreadsGivesTheSameBytes() async throws {
        let record = DocumentFixtures.record(templateID: "criminal-record-form-2", holder: DocumentFixtures.holders[3])
        let expected = try renderer.render(record).bytes
        let renderer = self.renderer
        try await withThrowingTaskGroup(of: [UInt8].self) { group in
            for _ in 0..<8 { group.addTask { try renderer.render(record).bytes } }
            for try await bytes in group { #expect(bytes == expected) }
        }
    }

    @Test func syntheticHoldersHaveConsistentIDNumbers() throws {
        for holder in DocumentFixtures.holders {
            let id = try PersonalIDNumber(holder.personalID)
            #expect(id.issues(sex: holder.sex, birthDate: holder.birthDate).isEmpty, "\(holder.fullName)")
        }
    }
}

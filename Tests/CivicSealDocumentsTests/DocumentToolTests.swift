import CivicSealDocuments
import CivicSealTestSupport
import Foundation
import Testing

/// Every template × every holder, checked by tools nobody here wrote: qpdf, pdftotext, pdffonts, pdftoppm, zbarimg.
@Suite struct DocumentToolTests {
    struct Rendered {
        let directory = TemporaryDirectory("civicseal-documents")
        let record: DocumentRecord
        let document: RenderedDocument
        let path: String

        init(_ templateID: String, holder: Int, signature: SignaturePlaceholder? = nil) throws {
            record = DocumentFixtures.record(templateID: templateID, holder: DocumentFixtures.holders[holder])
            document = try DocumentFixtures.renderer.render(record, signature: signature)
            path = try directory.write("\(templateID).pdf", document.bytes)
        }
    }

    static let titles = [
        "criminal-record-form-1": [
            "PHIẾU LÝ LỊCH TƯ PHÁP SỐ 1", "CRIMINAL RECORD CERTIFICATE No. 1", "Không có án tích", "No criminal record",
        ],
        "criminal-record-form-2": [
            "PHIẾU LÝ LỊCH TƯ PHÁP SỐ 2", "CRIMINAL RECORD CERTIFICATE No. 2", "Không có án tích", "Họ và tên cha",
        ],
        "health-certificate-driving-licence": [
            "GIẤY KHÁM SỨC KHỎE CỦA NGƯỜI LÁI XE", "DRIVER'S HEALTH CERTIFICATE", "Kết luận", "Conclusion",
        ],
        "health-certificate-general": ["GIẤY KHÁM SỨC KHỎE", "HEALTH CERTIFICATE", "Phân loại sức khỏe", "Conclusion"],
        "health-certificate-employment": [
            "GIẤY KHÁM SỨC KHỎE ĐI LÀM", "HEALTH CERTIFICATE FOR EMPLOYMENT", "Phân loại sức khỏe", "Conclusion",
        ],
        "health-certificate-study": [
            "GIẤY KHÁM SỨC KHỎE ĐI HỌC", "HEALTH CERTIFICATE FOR SCHOOL", "Phân loại sức khỏe", "Conclusion",
        ],
        "health-book-extract": [
            "TRÍCH LỤC SỔ SỨC KHỎE ĐIỆN TỬ", "ELECTRONIC HEALTH BOOK EXTRACT", "Chẩn đoán (ICD-10)", "Vaccinations",
        ],
    ]

    static let common = [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "SOCIALIST REPUBLIC OF VIET NAM", "Độc lập - Tự do - Hạnh phúc",
        "Independence - Freedom - Happiness",
        "Họ và tên", "Full name", "Ngày sinh", "Date of birth", "Số định danh cá nhân", "Personal ID number",
        "Nơi cư trú", "Place of residence",
        "Giới tính", "Sex", "Hà Nội, ngày 18 tháng 11 năm 2026", "18 November 2026", "Quét mã để kiểm tra",
        "Scan to verify",
    ]

    @Test(.enabled(if: ExternalTool.isUsable("qpdf")), arguments: DocumentFixtures.templateIDs, 0..<4)
    func qpdfFindsNoErrors(templateID: String, holder: Int) throws {
        let rendered = try Rendered(templateID, holder: holder, signature: SignaturePlaceholder())
        let output = try ExternalTool.run("qpdf", ["--check", rendered.path])
        #expect(output.status == 0, "\(output.text)\(output.errorText)")
        #expect(output.text.contains("No syntax or stream encoding errors found"))
        #expect(output.errorText.isEmpty)
    }

    @Test(.enabled(if: ExternalTool.isUsable("pdftotext")), arguments: DocumentFixtures.templateIDs, 0..<4)
    func extractedTextHasEveryVietnameseStringExactly(templateID: String, holder: Int) throws {
        let rendered = try Rendered(templateID, holder: holder)
        let output = try ExternalTool.run("pdftotext", ["-enc", "UTF-8", rendered.path, "-"])
        #expect(output.status == 0)
        #expect(output.errorText.isEmpty, "\(output.errorText)")
        let text = output.text.precomposedStringWithCanonicalMapping
        let department = rendered.record.department
        let expected =
            Self.common + Self.titles[templateID]! + [
                rendered.record.holder.fullName, rendered.record.holder.personalID,
                department.nameVietnamese.uppercased(), department.nameEnglish,
                department.parentBodyVietnamese!.uppercased(),
                rendered.document.verificationURL, rendered.record.officer.fullName,
            ]
        for string in expected {
            #expect(text.contains(string.precomposedStringWithCanonicalMapping), "missing \(string)")
        }
    }

    @Test(.enabled(if: ExternalTool.isUsable("pdffonts")), arguments: DocumentFixtures.templateIDs, 0..<4)
    func fontsAreEmbeddedSubsetsWithToUnicode(templateID: String, holder: Int) throws {
        let rendered = try Rendered(templateID, holder: holder)
        let output = try ExternalTool.run("pdffonts", [rendered.path])
        #expect(output.status == 0 && output.errorText.isEmpty, "\(output.errorText)")
        let rows = output.text.split(separator: "\n").dropFirst(2)
        #expect(rows.count == 2, "\(output.text)")
        for row in rows {
            let columns = row.split(separator: " ")
            #expect(
                columns[0].range(of: #"^[A-Z]{6}\+DejaVuSans(-Bold)?$"#, options: .regularExpression) != nil, "\(row)")
            #expect(columns[1] == "CID" && columns[2] == "TrueType" && columns[3] == "Identity-H", "\(row)")
            #expect(columns[4] == "yes" && columns[5] == "yes" && columns[6] == "yes", "emb/sub/uni in \(row)")
        }
    }

    /// pdftoppm renders the page without a word on stderr, and the QR code in the raster decodes to exactly
    /// the verification address.
    @Test(.enabled(if: ExternalTool.isUsable("pdftoppm", "zbarimg")), arguments: DocumentFixtures.templateIDs, 0..<4)
    func pageRastersCleanlyAndTheQRCodeDecodesToTheVerificationURL(templateID: String, holder: Int) throws {
        let rendered = try Rendered(templateID, holder: holder, signature: SignaturePlaceholder())
        let resolution = holder % 2 == 0 ? "150" : "200"
        let raster = try ExternalTool.run(
            "pdftoppm", ["-r", resolution, "-png", "-singlefile", rendered.path, "\(rendered.directory.path)/page"])
        #expect(raster.status == 0)
        #expect(raster.errorText.isEmpty, "\(raster.errorText)")
        let decoded = try ExternalTool.run(
            "zbarimg", ["--raw", "-q", "-Sbinary", "\(rendered.directory.path)/page.png"])
        #expect(decoded.status == 0, "\(decoded.errorText)")
        #expect(decoded.text == rendered.document.verificationURL)
        #expect(rendered.document.verificationURL == "https://verify.civicseal.invalid/v/\(rendered.record.documentID)")
    }

    @Test(arguments: DocumentFixtures.templateIDs, 0..<4)
    func onePageDocumentIsAtMost60KBWithAndWithoutTheSignaturePlaceholder(templateID: String, holder: Int) throws {
        let plain = try Rendered(templateID, holder: holder)
        let sealed = try Rendered(templateID, holder: holder, signature: SignaturePlaceholder())
        #expect(plain.document.bytes.count <= 60_000, "\(plain.document.bytes.count) bytes")
        #expect(sealed.document.bytes.count <= 60_000, "\(sealed.document.bytes.count) bytes")
    }

    @Test(.enabled(if: ExternalTool.isUsable("pdfinfo")))
    func infoAndXMPCarryTitleDepartmentAndDocumentID() throws {
        let rendered = try Rendered("criminal-record-form-1", holder: 0)
        let info = try ExternalTool.run("pdfinfo", [rendered.path])
        #expect(
            info.text.contains("Title:           Phiếu lý lịch tư pháp số 1 – Nguyễn Thị Ánh Tuyết"), "\(info.text)")
        #expect(info.text.contains("Author:          Sở Tư pháp thành phố Hà Nội"))
        #expect(info.text.contains("Keywords:        \(rendered.record.documentID), criminal-record-form-1"))
        #expect(info.text.contains("Pages:           1"))
        let meta = try ExternalTool.run("pdfinfo", ["-meta", rendered.path])
        #expect(meta.text.contains("<civicseal:documentId>\(rendered.record.documentID)</civicseal:documentId>"))
    }
}

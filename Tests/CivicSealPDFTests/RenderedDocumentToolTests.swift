import CivicSealTestSupport
import Foundation
import Testing

@testable import CivicSealPDF

/// The sample certificate checked by tools nobody here wrote (poppler-utils, qpdf).
@Suite struct RenderedDocumentToolTests {
    let directory = TemporaryDirectory("civicseal-pdf")
    let path: String

    init() throws {
        path = try directory.write("certificate.pdf", SampleCertificate.document().render().bytes)
    }

    @Test(.enabled(if: ExternalTool.isUsable("qpdf")))
    func qpdfFindsNoErrors() throws {
        let output = try ExternalTool.run("qpdf", ["--check", path])
        #expect(output.status == 0, "\(output.text)\(output.errorText)")
        #expect(output.text.contains("No syntax or stream encoding errors found"))
        #expect(output.errorText.isEmpty)
    }

    @Test(.enabled(if: ExternalTool.isUsable("pdftotext")), arguments: [["-layout"], []])
    func extractedTextContainsEveryVietnameseStringExactly(options: [String]) throws {
        let output = try ExternalTool.run("pdftotext", options + ["-enc", "UTF-8", path, "-"])
        #expect(output.status == 0)
        #expect(output.errorText.isEmpty, "\(output.errorText)")
        let text = output.text.precomposedStringWithCanonicalMapping
        for expected in SampleCertificate.strings {
            #expect(text.contains(expected.precomposedStringWithCanonicalMapping), "missing \(expected) in \(text)")
        }
    }

    @Test(.enabled(if: ExternalTool.isUsable("pdffonts")))
    func fontsAreEmbeddedSubsetCIDTrueTypeWithToUnicode() throws {
        let output = try ExternalTool.run("pdffonts", [path])
        #expect(output.status == 0)
        #expect(output.errorText.isEmpty, "\(output.errorText)")
        let rows = output.text.split(separator: "\n").dropFirst(2)
        #expect(rows.count == 2, "\(output.text)")
        for row in rows {
            let columns = row.split(separator: " ", omittingEmptySubsequences: true)
            // name type(2 words) encoding emb sub uni object ID
            #expect(
                columns[0].range(of: #"^[A-Z]{6}\+DejaVuSans(-Bold)?$"#, options: .regularExpression) != nil, "\(row)")
            #expect(columns[1] == "CID" && columns[2] == "TrueType", "\(row)")
            #expect(columns[3] == "Identity-H", "\(row)")
            #expect(columns[4] == "yes" && columns[5] == "yes" && columns[6] == "yes", "emb/sub/uni in \(row)")
        }
    }

    @Test(.enabled(if: ExternalTool.isUsable("pdftoppm")))
    func pageRendersWithoutWarnings() throws {
        let output = try ExternalTool.run("pdftoppm", ["-r", "72", "-png", path, "\(directory.path)/page"])
        #expect(output.status == 0)
        #expect(output.errorText.isEmpty, "\(output.errorText)")
        let png = try directory.read("page-1.png")
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
    }

    @Test(.enabled(if: ExternalTool.isUsable("pdfinfo")))
    func pdfinfoShowsTitleAuthorAndMetadata() throws {
        let info = try ExternalTool.run("pdfinfo", [path])
        #expect(info.status == 0)
        #expect(info.errorText.isEmpty, "\(info.errorText)")
        #expect(info.text.contains("Title:           Phiếu lý lịch tư pháp số 1 – Nguyễn Thị Ánh Tuyết"))
        #expect(info.text.contains("Author:          Sở Tư pháp Thành phố Hà Nội"))
        #expect(info.text.contains("Producer:        CivicSeal"))
        #expect(info.text.contains("Keywords:        VN-LLTP-2026-000123, lý lịch tư pháp"))
        #expect(info.text.contains("Pages:           1"))
        #expect(info.text.contains("PDF version:     1.7"))
        #expect(info.text.contains("Page size:       595.276 x 841.89 pts (A4)"))
        let meta = try ExternalTool.run("pdfinfo", ["-meta", path])
        #expect(
            meta.text.contains(
                "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">Phiếu lý lịch tư pháp số 1 – Nguyễn Thị Ánh "
                    + "Tuyết</rdf:li>"
            ))
        #expect(meta.text.contains("<civicseal:documentId>VN-LLTP-2026-000123</civicseal:documentId>"))
        #expect(meta.text.contains("&lt;test &amp; &quot;escape&quot;&gt;"))
        #expect(meta.text.contains("<xmp:CreateDate>2026-11-18T"))
    }

    @Test(.enabled(if: ExternalTool.isUsable("python3")))
    func xmpPacketIsWellFormedXML() throws {
        let xmp = SampleCertificate.info().xmp()
        let output = try ExternalTool.run(
            "python3",
            ["-c", "import sys, xml.dom.minidom; xml.dom.minidom.parseString(sys.stdin.buffer.read()); print('ok')"],
            input: Data(xmp.utf8))
        #expect(output.text == "ok\n", "\(output.errorText)")
    }
}

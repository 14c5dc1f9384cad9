import CivicSealTestSupport
import Foundation
import Testing

@testable import CivicSealPDF

@Suite struct SignaturePlaceholderTests {
    static func field() -> PDFSignatureField {
        PDFSignatureField(
            rect: PDFRect(x: 330, y: 150, width: 210, height: 40), appearance: .init(font: TestFonts.regular),
            contentsCapacity: 8192, signingTime: SampleCertificate.date, signerName: "Sở Tư pháp Thành phố Hà Nội",
            reason: "Cấp phiếu lý lịch tư pháp", location: "Hà Nội")
    }

    @Test func reportedOffsetsPointAtThePlaceholders() throws {
        let file = SampleCertificate.document(signature: Self.field()).render()
        let location = try #require(file.signature)
        let bytes = file.bytes
        #expect(location.capacity == 8192)
        #expect(bytes[location.contents.lowerBound] == UInt8(ascii: "<"))
        #expect(bytes[location.contents.upperBound - 1] == UInt8(ascii: ">"))
        #expect(
            bytes[(location.contents.lowerBound + 1)..<(location.contents.upperBound - 1)].allSatisfy {
                $0 == UInt8(ascii: "0")
            })
        #expect(
            String(decoding: bytes[(location.contents.lowerBound - 10)..<location.contents.lowerBound], as: UTF8.self)
                == "/Contents ")
        #expect(
            String(
                decoding: bytes[(location.byteRangeArray.lowerBound - 11)..<location.byteRangeArray.lowerBound],
                as: UTF8.self) == "/ByteRange ")

        // The byte range covers the whole file except exactly the /Contents string (ISO 32000-1 §12.8.1).
        let range = location.byteRange
        #expect(range[0] == 0 && range[1] == location.contents.lowerBound && range[2] == location.contents.upperBound)
        #expect(range[2] + range[3] == bytes.count)
        let written = String(decoding: bytes[location.byteRangeArray], as: UTF8.self)
        let numbers = written.dropFirst().dropLast().split(separator: " ").map { Int($0)! }
        #expect(numbers == range)
        #expect(location.signedBytes(of: bytes).count == bytes.count - location.contents.count)
    }

    @Test func embeddingASignatureChangesOnlyTheContentsHex() throws {
        let file = SampleCertificate.document(signature: Self.field()).render()
        let location = try #require(file.signature)
        var bytes = file.bytes
        try location.embed([0x30, 0x82, 0x01, 0xAB], into: &bytes)
        #expect(bytes.count == file.bytes.count)
        #expect(location.signedBytes(of: bytes) == location.signedBytes(of: file.bytes))
        #expect(String(decoding: bytes[location.contents.prefix(10)], as: UTF8.self) == "<308201AB0")
        #expect(throws: PDFError(.signatureTooLarge, "")) {
            try location.embed(Array(repeating: 1, count: 8193), into: &bytes)
        }
    }

    @Test(.enabled(if: ExternalTool.isUsable("qpdf", "pdftotext", "pdftoppm")))
    func placeholderFileAndIncrementalUpdatePassTheTools() throws {
        let directory = TemporaryDirectory("civicseal-sig")
        let file = SampleCertificate.document(signature: Self.field()).render()
        let original = try directory.write("placeholder.pdf", file.bytes)
        let check = try ExternalTool.run("qpdf", ["--check", original])
        #expect(check.status == 0, "\(check.text)\(check.errorText)")
        let render = try ExternalTool.run("pdftoppm", ["-r", "72", "-png", original, "\(directory.path)/signed"])
        #expect(render.errorText.isEmpty, "\(render.errorText)")
        let fields = try ExternalTool.run("qpdf", ["--json", "--json-key=acroform", original])
        #expect(fields.text.contains("/Sig"), "\(fields.text)")

        var update = try PDFIncrementalUpdate(appendingTo: file.bytes)
        var overlay = PDFPage()
        overlay.text(
            "ĐÃ THU HỒI — Revoked: Phạm Quỳnh Hương", font: TestFonts.bold, size: 14, at: PDFPoint(x: 56, y: 100),
            color: .rgb(0.8, 0, 0))
        update.addOverlay(overlay, onPage: 0, of: file.structure)
        let updated = update.serialized()
        #expect(
            Array(updated.prefix(file.bytes.count)) == file.bytes, "an incremental update never changes earlier bytes")
        let updatedPath = try directory.write("updated.pdf", updated)
        let updatedCheck = try ExternalTool.run("qpdf", ["--check", updatedPath])
        #expect(updatedCheck.status == 0, "\(updatedCheck.text)\(updatedCheck.errorText)")
        let text = try ExternalTool.run("pdftotext", ["-enc", "UTF-8", updatedPath, "-"])
        #expect(text.errorText.isEmpty, "\(text.errorText)")
        #expect(text.text.contains("ĐÃ THU HỒI — Revoked: Phạm Quỳnh Hương"))
        #expect(text.text.contains("Không có án tích"))
        let before = try ExternalTool.run("pdftotext", ["-enc", "UTF-8", original, "-"])
        #expect(!before.text.contains("ĐÃ THU HỒI"))
        let rendered = try ExternalTool.run("pdftoppm", ["-r", "72", "-png", updatedPath, "\(directory.path)/updated"])
        #expect(rendered.errorText.isEmpty, "\(rendered.errorText)")
    }
}

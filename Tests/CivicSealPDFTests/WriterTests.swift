import CivicSealTestSupport
import Foundation
import Testing

@testable import CivicSealPDF

@Suite struct WriterTests {
    @Test func sameInputsAndDateGiveIdenticalBytes() {
        let first = SampleCertificate.document().render().bytes
        let second = SampleCertificate.document().render().bytes
        #expect(first == second)
    }

    @Test func differentDateGivesDifferentBytes() {
        let first = SampleCertificate.document().render().bytes
        let later = SampleCertificate.document(date: SampleCertificate.date.addingTimeInterval(1)).render().bytes
        #expect(first != later)
    }

    @Test func onePageCertificateIsAtMost60KB() {
        let bytes = SampleCertificate.document().render().bytes
        #expect(bytes.count <= 60 * 1024, "\(bytes.count) bytes")
        let signed = SampleCertificate.document(signature: PDFSignatureField(signingTime: SampleCertificate.date))
            .render().bytes
        #expect(signed.count <= 60 * 1024 + 2 * 8192, "\(signed.count) bytes with the signature placeholder")
    }

    @Test func crossReferenceOffsetsPointAtTheirObjects() throws {
        let bytes = SampleCertificate.document().render().bytes
        let text = String(decoding: bytes, as: UTF8.self)
        let startxref = try #require(text.range(of: "startxref\n", options: .backwards))
        let xrefOffset = Int(text[startxref.upperBound...].prefix { $0.isNumber })!
        #expect(Array(bytes[xrefOffset..<(xrefOffset + 5)]) == Array("xref\n".utf8))
        let table = bytes[xrefOffset...].split(separator: 0x0A).map { String(decoding: $0, as: UTF8.self) }
        let count = Int(table[1].split(separator: " ")[1])!
        for number in 1..<count {
            let offset = Int(table[2 + number].prefix(10))!
            #expect(Array(bytes[offset..<(offset + "\(number) 0 obj".utf8.count)]) == Array("\(number) 0 obj".utf8))
        }
    }

    @Test func pdfDatesAndNumbersAreFormattedDeterministically() {
        #expect(PDFDateFormat.pdf(Date(timeIntervalSince1970: 0)) == "D:19700101000000Z")
        #expect(PDFDateFormat.pdf(Date(timeIntervalSince1970: 951_782_400)) == "D:20000229000000Z")
        #expect(PDFDateFormat.iso8601(Date(timeIntervalSince1970: 1_795_000_000)) == "2026-11-18T11:06:40Z")
        var bytes: [UInt8] = []
        for value in [0, 1.5, -2.25, 595.276, 841.89, 0.0004, 12.0] {
            bytes.appendNumber(value)
            bytes.append(" ")
        }
        #expect(String(decoding: bytes, as: UTF8.self) == "0 1.5 -2.25 595.276 841.89 0 12 ")
    }

    @Test func textStringsUseUTF16WhenNotASCII() {
        #expect(PDFObject.text("CivicSeal") == .literalString(Array("CivicSeal".utf8)))
        #expect(PDFObject.text("Hà") == .hexString([0xFE, 0xFF, 0x00, 0x48, 0x00, 0xE0]))
    }

    @Test func sha256MatchesFIPSVector() {
        let digest = SHA256.hash(Array("abc".utf8))
        #expect(
            digest.map { String(format: "%02x", $0) }.joined()
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let long = SHA256.hash(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
        #expect(
            long.map { String(format: "%02x", $0) }.joined()
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func sha256GivesTheSameDigestWhateverTheChunking() {
        // FIPS 180-2 Appendix B.3: one million "a".
        let million = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        let expected = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        #expect(SHA256.hash(million).map { String(format: "%02x", $0) }.joined() == expected)
        var hasher = SHA256()
        var index = 0
        var step = 1
        while index < million.count {  // chunks of 1, 2, … 97 bytes: every split of a block occurs
            let end = min(index + step, million.count)
            hasher.update(million[index..<end])
            index = end
            step = step % 97 + 1
        }
        #expect(hasher.finalize().map { String(format: "%02x", $0) }.joined() == expected)
    }

    @Test func fileIdentifierDependsOnTheContentButNotOnThePlaceholderBytes() throws {
        func identifier(_ bytes: [UInt8]) throws -> String {
            let text = String(decoding: bytes, as: UTF8.self)
            let range = try #require(text.range(of: "/ID [<"))
            return String(text[range.upperBound...].prefix(32))
        }
        let first = try identifier(SampleCertificate.document().render().bytes)
        #expect(first == (try identifier(SampleCertificate.document().render().bytes)))
        #expect(
            first
                != (try identifier(
                    SampleCertificate.document(date: SampleCertificate.date.addingTimeInterval(1)).render().bytes)))
        var otherText = SampleCertificate.document()
        otherText.pages[0].text("Trần Đức Lương", font: TestFonts.regular, size: 9, at: PDFPoint(x: 56, y: 40))
        #expect(first != (try identifier(otherText.render().bytes)))
        let small = try identifier(
            SampleCertificate.document(
                signature: PDFSignatureField(contentsCapacity: 4096, signingTime: SampleCertificate.date)
            ).render().bytes)
        let large = try identifier(
            SampleCertificate.document(
                signature: PDFSignatureField(contentsCapacity: 8192, signingTime: SampleCertificate.date)
            ).render().bytes)
        #expect(small != large && small != first)
    }

    @Test(.enabled(if: ExternalTool.isUsable("python3")))
    func deflateOfRunsAndFarRepeatsInflatesWithZlib() throws {
        // Font-like data: long zero runs (loca/hmtx padding), short records, and a block repeated 20,000 bytes
        // later, so every length and distance code range is exercised.
        var input: [UInt8] = []
        var generator = SystemRandomNumberGenerator()
        let block = (0..<3000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        for round in 0..<6 {
            input.append(contentsOf: repeatElement(0, count: 1000 * round + 7))
            for index in 0..<2000 { input.append(contentsOf: [0, UInt8(index % 251), UInt8(index % 13), 0]) }
            input.append(contentsOf: block)
        }
        let compressed = Deflate.zlib(input)
        #expect(compressed.count < input.count / 2)
        let output = try ExternalTool.run(
            "python3", ["-c", "import sys, zlib; sys.stdout.buffer.write(zlib.decompress(sys.stdin.buffer.read()))"],
            input: Data(compressed))
        #expect(output.errorText.isEmpty, "\(output.errorText)")
        #expect([UInt8](output.standardOutput) == input)
    }

    @Test(.enabled(if: ExternalTool.isUsable("python3")), arguments: [0, 1, 100, 70_000])
    func deflateOutputInflatesWithZlib(size: Int) throws {
        var generator = SystemRandomNumberGenerator()
        var input: [UInt8] = []
        for index in 0..<size {  // half random bytes, half repetitive text, to exercise literals and matches
            input.append(
                index % 1000 < 500 ? UInt8.random(in: 0...255, using: &generator) : UInt8(ascii: "a") + UInt8(index % 7)
            )
        }
        let compressed = Deflate.zlib(input)
        let output = try ExternalTool.run(
            "python3", ["-c", "import sys, zlib; sys.stdout.buffer.write(zlib.decompress(sys.stdin.buffer.read()))"],
            input: Data(compressed))
        #expect(output.errorText.isEmpty, "\(output.errorText)")
        #expect([UInt8](output.standardOutput) == input)
    }

    @Test func wrappedLinesFitTheWidthAndLongWordsAreBroken() {
        let font = TestFonts.regular
        let text = "Đặng Thị Ngọc Thịnh sống tại Thành phố Hồ Chí Minh Siêudàiliềnmộtchữkhôngcókhoảngtrắngnàocả"
        let lines = font.wrap(text, size: 10, width: 120)
        #expect(lines.count > 3)
        for line in lines { #expect(font.measure(line, size: 10) <= 120, "\(line)") }
        #expect(
            lines.joined(separator: " ").replacingOccurrences(of: " ", with: "")
                == text.replacingOccurrences(of: " ", with: ""))
        #expect(font.wrap("a\n\nb", size: 10, width: 100) == ["a", "", "b"])
    }
}

@Suite struct TextMappingTests {
    @Test func decomposedInputIsDrawnAndMappedAsPrecomposedCharacters() {
        var page = PDFPage()
        let decomposed = "Nguye\u{0302}\u{0303}n"  // "Nguyễn" in NFD
        page.text(decomposed, font: TestFonts.regular, size: 12, at: PDFPoint(x: 10, y: 10))
        let mapped = page.fonts[0].text.map(\.scalar)
        #expect(mapped.contains("ễ"))
        #expect(!mapped.contains("\u{0303}"))
        #expect(TestFonts.regular.measure(decomposed, size: 12) == TestFonts.regular.measure("Nguyễn", size: 12))
    }

    @Test func missingCharactersUseNotdefWithAWidthButNoMapping() {
        var page = PDFPage()
        page.text("A中", font: TestFonts.regular, size: 12, at: PDFPoint(x: 10, y: 10))
        #expect(page.fonts[0].usesNotdef)
        #expect(page.fonts[0].text.map(\.scalar) == ["A"])
    }
}

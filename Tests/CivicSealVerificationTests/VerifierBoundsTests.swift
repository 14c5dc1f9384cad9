import CivicSealApp
import CivicSealPDF
import CivicSealTestSupport
import Foundation
import Testing

@testable import CivicSealVerification

/// The verifier's work and answers on hostile files: every crafted input of several MiB gets a typed "not valid"
/// verdict, and the scanner reads each byte a small constant number of times (counted, never timed).
@Suite struct VerifierBoundsTests {
    /// Bytes the scanner may read per byte of input. The old scanner re-read the rest of the file after each
    /// `1 0 obj(`: for these inputs that is thousands of times the file.
    static let readsPerByte = 8

    /// A file of `size` bytes: the header, then `unit` repeated, then `tail`.
    static func crafted(_ unit: String, size: Int, prefix: String = "", tail: String = "") -> [UInt8] {
        var bytes = Array("%PDF-1.7\n\(prefix)".utf8)
        let piece = Array(unit.utf8)
        let tailBytes = Array(tail.utf8)
        bytes.reserveCapacity(size)
        while bytes.count + piece.count + tailBytes.count <= size { bytes += piece }
        return bytes + tailBytes
    }

    /// `1 0 obj<</k0 0/k1 0 …>>` up to `size` bytes, then a trailer.
    static func distinctKeys(size: Int) -> [UInt8] {
        var bytes = Array("%PDF-1.7\n1 0 obj<<".utf8)
        var key = 0
        while bytes.count < size - 32 {
            bytes += Array("/k\(key) 0".utf8)
            key += 1
        }
        return bytes + Array(">>\ntrailer<<>>".utf8)
    }

    /// The families of the issue and a few more, 2 MiB each.
    static let families: [(name: String, bytes: [UInt8])] = {
        let size = 2 * 1024 * 1024
        return [
            ("unterminated literal string after each header", crafted("1 0 obj(", size: size)),
            ("hex string never closed after each header", crafted("1 0 obj<", size: size)),
            ("dictionaries never closed", crafted("1 0 obj<<", size: size)),
            ("arrays nested past the limit", crafted("[", size: size, prefix: "1 0 obj")),
            ("objects without endobj", crafted("1 0 obj <</Type/Sig/ByteRange[0 1 2 3]/Contents<00>>>\n", size: size)),
            ("one huge literal string", crafted("a", size: size, prefix: "1 0 obj(", tail: ")\ntrailer<<>>")),
            (
                "one huge hexadecimal string",
                crafted(
                    "0f", size: size, prefix: "1 0 obj<</Type/Sig/ByteRange[0 1 2 3]/Contents<",
                    tail: ">>>\ntrailer<<>>")
            ),
            (
                "nested strings whose dictionaries fail after them",
                crafted("1 0 obj<</A(", size: size / 2) + Array(repeating: UInt8(ascii: ")"), count: size / 2)
            ),
            (
                "streams whose /Length lands in whitespace, no endstream",
                crafted("1 0 obj<</Length 60>>stream\n", size: size / 2) + Array(repeating: 0x20, count: size / 2)
            ),
            ("trailer keywords with unterminated dictionaries", crafted("trailer<<(", size: size)),
            ("references that are not", crafted("1 0 obj[1 0 1 0 1 0 1 0 ", size: size)),
            (
                "an array of millions of numbers as /ByteRange",
                crafted(
                    "0 ", size: size, prefix: "1 0 obj<</Type/Sig/Contents<00>/ByteRange[", tail: "]>>\ntrailer<<>>")
            ),
            ("a dictionary of hundreds of thousands of distinct keys", distinctKeys(size: size)),
            ("a comment without an end of line", crafted("x", size: size, prefix: "1 0 obj %")),
        ]
    }()

    @Test(arguments: 0..<families.count)
    func craftedFileIsReadInLinearWorkAndGetsATypedInvalidVerdict(_ index: Int) throws {
        let (name, bytes) = Self.families[index]
        var examined = 0
        do {
            _ = try SignedPDF(bytes, bytesExamined: &examined)
        } catch {
            #expect(!error.message.isEmpty, "\(name): a structure error says what is wrong")
        }
        #expect(examined > 0, "\(name): the scanner read nothing")
        #expect(
            examined <= Self.readsPerByte * bytes.count,
            "\(name): \(examined) bytes read for \(bytes.count) (\(examined / bytes.count) per byte)")

        let verdict = try SealFixtures().verifier().verify(bytes)
        #expect(verdict.outcome == .invalid, "\(name)")
        #expect(verdict.checks.map(\.name) == DocumentVerdict.CheckName.offline, "\(name)")
        #expect(
            verdict.check(.structure)?.passed == false || verdict.check(.byteRange)?.passed == false,
            "\(name): \(verdict.failedChecks)")
    }

    /// A genuine sealed document is read with the same bound, and its fields come out as before.
    @Test func sealedDocumentIsReadInLinearWork() throws {
        let fixtures = try SealFixtures()
        let (_, sealed) = try fixtures.sealedFormOne()
        var examined = 0
        let parsed = try SignedPDF(sealed, bytesExamined: &examined)
        #expect(examined <= Self.readsPerByte * sealed.count, "\(examined) for \(sealed.count)")
        #expect(parsed.documentID == "7QH2KX9V4M3TBCJ5RW8ZNPYD6A")
        #expect(parsed.signature.byteRangeCount == 4)
        #expect(try fixtures.verifier().verify(sealed).outcome == .basic)
    }

    /// Doubling a crafted file doubles the work (within rounding): the bound is linear, not merely generous.
    @Test func workGrowsLinearlyWithTheInput() throws {
        func work(_ size: Int) -> Int {
            var examined = 0
            _ = try? SignedPDF(Self.crafted("1 0 obj <</A(x)>> 1 0 obj(", size: size), bytesExamined: &examined)
            return examined
        }
        let small = work(256 * 1024)
        let large = work(1024 * 1024)
        #expect(large <= 5 * small, "\(small) → \(large)")
    }

    /// An object hidden inside a string of an object that failed is not read: the scan never goes back.
    @Test func objectsInsideAFailedObjectAreNotReadAgain() throws {
        let hidden = "1 0 obj<</X (2 0 obj<</Type/Sig/ByteRange[0 1 2 3]/Contents<00>>>endobj) 5>>endobj\ntrailer<<>>\n"
        #expect(throws: PDFStructureError.self) { try SignedPDF(Array("%PDF-1.7\n\(hidden)".utf8)) }
    }

    /// More than 64 revisions, or more than 16 signatures, are refused as a structure error before any work per
    /// revision or signature is done.
    @Test func tooManyRevisionsOrSignaturesAreRefused() throws {
        var revisions = "%PDF-1.7\n1 0 obj<</Type/Sig/ByteRange[0 1 2 3]/Contents<00>>>endobj\ntrailer<<>>\n"
        for offset in 0...PDFObjectScanner.maximumRevisions { revisions += "startxref\n\(offset)\n%%EOF\n" }
        #expect {
            try SignedPDF(Array(revisions.utf8))
        } throws: { error in
            (error as? PDFStructureError)?.message.contains("revisions") == true
        }
        var signatures = "%PDF-1.7\n"
        for number in 1...(SignedPDF.maximumSignatures + 1) {
            signatures += "\(number) 0 obj<</Type/Sig/ByteRange[0 1 2 3]/Contents<00>>>endobj\n"
        }
        signatures += "trailer<<>>\nstartxref\n0\n%%EOF\n"
        #expect {
            try SignedPDF(Array(signatures.utf8))
        } throws: { error in
            (error as? PDFStructureError)?.message.contains("signatures") == true
        }
        // Sixteen are read, each with the revision its byte range ends.
        let sixteen = try SignedPDF(Array(signatures.replacingOccurrences(of: "17 0 obj", with: "16 0 obj").utf8))
        #expect(sixteen.signatures.count == SignedPDF.maximumSignatures)
        #expect(sixteen.revisions.count == 1)
    }

    /// The FlateDecode reader inflates what a zlib writer made and refuses what would expand past its bound.
    @Test(.enabled(if: ExternalTool.isUsable("python3")))
    func flateDecodeInflatesAndStopsAtItsBound() throws {
        let script =
            "import sys, zlib; sys.stdout.buffer.write(zlib.compress(bytes(range(256)) * 64 + b'x' * 100000, 9))"
        let compressed = try ExternalTool.run("python3", ["-c", script]).standardOutput
        let expected =
            Array(repeating: Array(0...255) as [UInt8], count: 64).flatMap { $0 }
            + Array(
                repeating: UInt8(ascii: "x"), count: 100_000)
        #expect(FlateDecode.inflate(Array(compressed), maximumSize: 1 << 20) == expected)
        #expect(FlateDecode.inflate(Array(compressed), maximumSize: 50_000) == nil)
        var damaged = Array(compressed)
        damaged[damaged.count / 2] ^= 0xFF
        #expect(FlateDecode.inflate(damaged, maximumSize: 1 << 20) != expected)
        #expect(FlateDecode.inflate([0x78, 0x9C], maximumSize: 100) == nil)
    }
}

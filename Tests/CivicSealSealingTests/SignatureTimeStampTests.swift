import CivicSealCrypto
import CivicSealPDF
import CivicSealSealing
import CivicSealTestSupport
import Foundation
import Testing

/// PAdES B-T: each signature's CMS carries a signature-time-stamp over its signature value (RFC 3161 Appendix A),
/// here from `openssl ts -reply`, and validators nobody here wrote accept it.
@Suite struct SignatureTimeStampTests {
    @Test(
        "Officer and seal signatures carry signature-time-stamps that pyHanko validates",
        .enabled(if: ExternalTool.isUsable("openssl", "python3", "pdfsig")))
    func bothSignaturesAreTimestamped() async throws {
        let fixtures = try LongTermFixtures()
        let (signatures, tokens, covered, pdfsig) = try await LongTermFixtures.onOwnThread {
            () throws -> ([LongTermFixtures.PyHankoSignature], [[TimeStampToken]], [Bool], String) in
            try fixtures.makeAuthority()
            let stamper: SignatureTimeStamper = { value in try fixtures.token(digest: Digest.sha256(value)) }
            let rendered = try fixtures.rendered()
            let officerSigned = try PAdESSealer.seal(rendered, signer: fixtures.officer, timestamp: stamper)
            var update = try PDFIncrementalUpdate(appendingTo: officerSigned)
            try update.addSignatureField(try fixtures.sealField(), lock: .all(permission: 1))
            let sealFile = try update.serializedForSigning()
            let sealed = try PAdESSealer.seal(sealFile, signer: fixtures.seal, timestamp: stamper)
            let path = try fixtures.directory.write("bt.pdf", sealed)
            var tokens: [[TimeStampToken]] = []
            var covered: [Bool] = []
            for location in [rendered.signature, sealFile.signature] {
                guard let contents = location?.contents else { throw LongTermFixtures.ToolFailure("no placeholder") }
                let cms = try LongTermFixtures.embeddedCMS(sealed, contents)
                tokens.append(try CMSSignedData.signatureTimeStamps(in: cms))
                covered.append(tokens.last?.first?.covers(try CMSSignedData.signatureValue(of: cms)) == true)
            }
            let pdfsig = try ExternalTool.run("pdfsig", ["-nocert", path])
            return (try fixtures.pyHanko(path), tokens, covered, pdfsig.text)
        }
        #expect(tokens.map(\.count) == [1, 1], "one signature-time-stamp in each CMS")
        #expect(covered == [true, true], "each token covers its own signature value")
        #expect(signatures.map(\.field) == ["CanBo", "Dau"])
        for signature in signatures {
            #expect(signature.bottomLine, "\(signature.field): \(signature.summary)")
            #expect(signature.signatureTimeStamp == true, "\(signature.field): \(signature.summary)")
        }
        #expect(pdfsig.components(separatedBy: "Signature is Valid").count - 1 == 2, "\(pdfsig)")
    }

    @Test("A token that does not cover the signature value is refused")
    func wrongTokenIsRefused() throws {
        let fixtures = try LongTermFixtures()
        try fixtures.makeAuthority()
        let stamper: SignatureTimeStamper = { _ in try fixtures.token(digest: Digest.sha256([1, 2, 3])) }
        #expect(throws: SealingError(.timestampFailed, "")) {
            try PAdESSealer.seal(try fixtures.rendered(), signer: fixtures.officer, timestamp: stamper)
        }
        let garbage: SignatureTimeStamper = { _ in [0x30, 0x03, 0x02, 0x01, 0x00] }
        #expect(throws: SealingError(.timestampFailed, "")) {
            try PAdESSealer.seal(try fixtures.rendered(), signer: fixtures.officer, timestamp: garbage)
        }
        var update = try PDFIncrementalUpdate(appendingTo: try fixtures.rendered().bytes)
        try update.addDocumentTimeStampField(name: "DocTS1")
        let file = try update.serializedForSigning()
        #expect(throws: SealingError(.timestampFailed, "")) {
            try PAdESSealer.documentTimeStamp(file) { _ in try fixtures.token(digest: Digest.sha256([9])) }
        }
    }
}

import CivicSealCrypto
import CivicSealPDF
import CivicSealSealing
import CivicSealTestSupport
import Foundation
import Testing

/// The issuance sequence at the PDF level, judged by tools nobody here wrote: the officer signs the rendered
/// document, the seal signs an incremental update that locks every field (FieldMDP, `/P 1`), a DSS update adds
/// validation data, and a document timestamp covers the whole file.
@Suite struct LongTermSequenceTests {
    struct Steps: Sendable {
        var officerSigned: [UInt8] = []
        var sealed: [UInt8] = []
        var withDSS: [UInt8] = []
        var timestamped: [UInt8] = []
        /// An archive renewal: fresh validation data in the DSS, then a second document timestamp.
        var renewed: [UInt8] = []
        /// Where the first document timestamp sits in ``timestamped``.
        var timestampLocation: PDFSignatureLocation?
    }

    static func run(_ fixtures: LongTermFixtures) throws -> Steps {
        var steps = Steps()
        steps.officerSigned = try PAdESSealer.seal(try fixtures.rendered(), signer: fixtures.officer)

        var sealUpdate = try PDFIncrementalUpdate(appendingTo: steps.officerSigned)
        try sealUpdate.addSignatureField(try fixtures.sealField(), lock: .all(permission: 1))
        steps.sealed = try PAdESSealer.seal(try sealUpdate.serializedForSigning(), signer: fixtures.seal)

        var dssUpdate = try PDFIncrementalUpdate(appendingTo: steps.sealed)
        try dssUpdate.addDSS(
            certificates: [
                fixtures.officer.certificate.der, fixtures.seal.certificate.der, fixtures.root.der,
                fixtures.responderCertificate.der,
            ],
            ocspResponses: [
                try fixtures.responder.response(for: fixtures.officer.certificate),
                try fixtures.responder.response(for: fixtures.seal.certificate),
            ], crls: [fixtures.crl])
        steps.withDSS = dssUpdate.serialized()

        var timestampUpdate = try PDFIncrementalUpdate(appendingTo: steps.withDSS)
        try timestampUpdate.addDocumentTimeStampField(name: "DocTS1")
        let timestampFile = try timestampUpdate.serializedForSigning()
        steps.timestampLocation = timestampFile.signature
        steps.timestamped = try PAdESSealer.documentTimeStamp(timestampFile, token: fixtures.token(digest:))

        var renewalDSS = try PDFIncrementalUpdate(appendingTo: steps.timestamped)
        try renewalDSS.addDSS(
            certificates: [fixtures.root.der, try fixtures.authorityCertificate()], ocspResponses: [], crls: [])
        var renewal = try PDFIncrementalUpdate(appendingTo: renewalDSS.serialized())
        try renewal.addDocumentTimeStampField(name: "DocTS2")
        steps.renewed = try PAdESSealer.documentTimeStamp(
            try renewal.serializedForSigning(), token: fixtures.token(digest:))
        return steps
    }

    @Test(
        "Officer, locked seal, DSS, document timestamp and renewal each pass qpdf, pdftotext and pyHanko",
        .enabled(if: ExternalTool.isUsable("openssl", "qpdf", "pdftotext", "pdfsig", "python3")))
    func sequencePassesTheTools() async throws {
        let fixtures = try LongTermFixtures()
        let (reports, problems) = try await LongTermFixtures.onOwnThread {
            () throws -> ([String: LongTermFixtures.PyHankoReport], [String]) in
            try fixtures.makeAuthority()
            let steps = try Self.run(fixtures)
            var reports: [String: LongTermFixtures.PyHankoReport] = [:]
            var problems: [String] = []
            for (name, bytes) in [
                ("officer", steps.officerSigned), ("sealed", steps.sealed), ("dss", steps.withDSS),
                ("timestamped", steps.timestamped), ("renewed", steps.renewed),
            ] {
                let path = try fixtures.directory.write("\(name).pdf", bytes)
                if let qpdf = try fixtures.qpdfProblems(path) { problems.append("qpdf --check after \(name): \(qpdf)") }
                let text = try ExternalTool.run("pdftotext", ["-enc", "UTF-8", path, "-"])
                if !text.text.contains(LongTermFixtures.pageText) { problems.append("pdftotext after \(name)") }
                reports[name] = try fixtures.pyHankoReport(path)
            }
            // openssl ts -verify: the embedded token covers exactly the document timestamp's byte range.
            guard let location = steps.timestampLocation else { throw LongTermFixtures.ToolFailure("no location") }
            let token = try fixtures.directory.write(
                "doc-token.der", try LongTermFixtures.embeddedCMS(steps.timestamped, location.contents))
            var covered = location.signedBytes(of: steps.timestamped)
            for (name, data) in [
                ("covered", covered),
                (
                    "altered",
                    {
                        covered[100] ^= 1
                        return covered
                    }()
                ),
            ] {
                let path = try fixtures.directory.write("\(name).bin", data)
                let verify = try ExternalTool.run(
                    "openssl",
                    [
                        "ts", "-verify", "-data", path, "-in", token, "-token_in", "-CAfile",
                        "\(fixtures.directory.path)/tsa.pem",
                    ])
                let accepted = verify.status == 0 && verify.text.contains("Verification: OK")
                if accepted != (name == "covered") {
                    problems.append("openssl ts -verify on \(name) data: \(verify.text)\(verify.errorText)")
                }
            }
            return (reports, problems)
        }
        #expect(problems.isEmpty, "\(problems)")
        let outcome = reports.mapValues(\.signatures)
        // pyHanko reads the DSS: four certificates, two successful OCSP responses, one CRL; and with revocation
        // checked strictly from the DSS alone, both signatures validate.
        let store = try #require(reports["timestamped"]?.dss)
        #expect(store.certs == 4 && store.ocspStatus == ["successful", "successful"] && store.crls == 1)
        #expect(store.strict == [true, true])
        #expect(reports["sealed"]?.dss == nil)
        #expect(reports["renewed"]?.dss?.certs == 5, "the renewal adds the TSA certificate, not the root again")
        #expect(outcome["officer"]?.count == 1)
        #expect(outcome["sealed"]?.count == 2)
        #expect(outcome["dss"]?.count == 2)
        #expect(outcome["timestamped"]?.count == 3)
        #expect(outcome["renewed"]?.map(\.field) == ["CanBo", "Dau", "DocTS1", "DocTS2"])
        #expect(outcome["renewed"]?[2].coverage == "ENTIRE_REVISION", "the first timestamp covers its revision")
        #expect(outcome["renewed"]?[1].modificationLevel == "LTA_UPDATES")
        for (step, signatures) in outcome {
            for signature in signatures {
                #expect(signature.intact && signature.valid, "\(step) \(signature.field): \(signature.summary)")
                #expect(signature.trusted, "\(step) \(signature.field): \(signature.summary)")
                #expect(signature.docmdpOK != false, "\(step) \(signature.field): \(signature.summary)")
                #expect(
                    signature.modificationLevel != "OTHER", "\(step) \(signature.field): \(signature.summary)")
                #expect(signature.bottomLine, "\(step) \(signature.field): \(signature.summary)")
            }
        }
        let last = try #require(outcome["timestamped"])
        #expect(last.map(\.field) == ["CanBo", "Dau", "DocTS1"])
        #expect(last.last?.kind == "timestamp")
        #expect(last.last?.coverage == "ENTIRE_FILE")
        // What pyHanko's difference analysis finds after each signature: the seal is form filling for the
        // officer's signature, and the DSS and document timestamp are the archival updates the seal's lock allows.
        #expect(outcome["sealed"]?.first?.modificationLevel == "FORM_FILLING")
        #expect(last.first?.modificationLevel == "FORM_FILLING")
        #expect(last.dropFirst().first?.modificationLevel == "LTA_UPDATES")
    }

    @Test(
        "pdfsig reports both signatures valid and the document timestamp covering the whole file",
        .enabled(if: ExternalTool.isUsable("openssl", "pdfsig")))
    func pdfsigAcceptsEverySignature() async throws {
        let fixtures = try LongTermFixtures()
        let report = try await LongTermFixtures.onOwnThread { () throws -> String in
            try fixtures.makeAuthority()
            let steps = try Self.run(fixtures)
            let path = try fixtures.directory.write("timestamped.pdf", steps.timestamped)
            let run = try ExternalTool.run("pdfsig", ["-nocert", path])
            return run.text + run.errorText
        }
        // Poppler validates the two CMS signatures; it lists the document timestamp but does not check
        // ETSI.RFC3161 tokens ("Unimplemented Feature"), so pyHanko and `openssl ts -verify` judge that one.
        let blocks = report.components(separatedBy: "Signature #").dropFirst()
        #expect(blocks.count == 3, "\(report)")
        for block in blocks.prefix(2) {
            #expect(block.contains("Signature is Valid"), "\(report)")
            #expect(block.contains("Not total document signed"), "\(report)")
        }
        #expect(blocks.last?.contains("Field Name: DocTS1") == true, "\(report)")
        #expect(blocks.last?.contains("- Total document signed") == true, "\(report)")
    }

    @Test(
        "A page change after the locked seal is a modification pyHanko does not allow",
        .enabled(if: ExternalTool.isUsable("python3")))
    func pageChangeAfterTheSealIsRefused() async throws {
        let fixtures = try LongTermFixtures()
        let signatures = try await LongTermFixtures.onOwnThread { () throws -> [LongTermFixtures.PyHankoSignature] in
            let officerSigned = try PAdESSealer.seal(try fixtures.rendered(), signer: fixtures.officer)
            var sealUpdate = try PDFIncrementalUpdate(appendingTo: officerSigned)
            try sealUpdate.addSignatureField(try fixtures.sealField(), lock: .all(permission: 1))
            let sealFile = try sealUpdate.serializedForSigning()
            let sealed = try PAdESSealer.seal(sealFile, signer: fixtures.seal)

            var tamper = try PDFIncrementalUpdate(appendingTo: sealed)
            var overlay = PDFPage()
            overlay.text(
                "Đã sửa sau khi đóng dấu", font: try TrueTypeFont.dejaVuSans(), size: 14, at: PDFPoint(x: 56, y: 600))
            tamper.addOverlay(overlay, onPage: 0, of: sealFile.structure)
            let path = try fixtures.directory.write("tampered.pdf", tamper.serialized())
            return try fixtures.pyHanko(path)
        }
        #expect(signatures.count == 2)
        let seal = try #require(signatures.last)
        #expect(seal.intact, "the seal's own bytes are untouched: \(seal.summary)")
        #expect(seal.modificationLevel == "OTHER", "\(seal.summary)")
        #expect(seal.docmdpOK == false, "the lock's /P 1 forbids it: \(seal.summary)")
        #expect(!seal.bottomLine, "\(seal.summary)")
    }
}

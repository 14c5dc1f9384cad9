import CivicSealCrypto
import CivicSealDocuments
import CivicSealPDF
import CivicSealTestSupport
import Foundation
import Testing

@testable import CivicSealCasework

/// A small PKI in memory (root, officer, seal, TSA, delegated OCSP responder) with the profiles the development PKI
/// uses, and in-process trust services over it.
final class PipelinePKI: IssuanceTrustServices {
    let rootKey: PrivateKey
    let root: Certificate
    let officer: CMSSigner
    let seal: CMSSigner
    let authority: TimeStampAuthority
    let responder: OCSPResponder
    let responderCertificate: Certificate
    let base: String

    init(now: Date = Date()) throws {
        base = "http://127.0.0.1:9"
        let notBefore = now.addingTimeInterval(-3600)
        func years(_ count: Double) -> Date { now.addingTimeInterval(count * 365 * 86400) }
        let rootKey = try PrivateKey.generate(.ecP256)
        let root = try CertificateBuilder.rootAuthority(
            subject: DistinguishedName(
                commonName: "Pipeline Test Root", organization: "CivicSeal tests", country: "VN"),
            publicKey: rootKey.publicKey, notBefore: notBefore, notAfter: years(10)
        ).selfSigned(with: rootKey)
        self.rootKey = rootKey
        self.root = root
        let base = self.base
        func issue(_ builder: CertificateBuilder, key: PrivateKey, policy: String?) throws -> CMSSigner {
            var builder = builder
            builder.ocspURL = "\(base)/pki/ocsp"
            builder.caIssuersURL = "\(base)/pki/ca/root.cer"
            builder.crlDistributionPoints = ["\(base)/pki/crl/root.crl"]
            if let policy { builder.certificatePolicies = [policy] }
            let certificate = try builder.issued(by: root, key: rootKey)
            return try CMSSigner(key: key, certificate: certificate, chain: [root])
        }
        let arc = "2.25.213434514593947064134081311862153508573"
        let officerKey = try PrivateKey.generate(.ecP256)
        officer = try issue(
            .officer(
                subject: DistinguishedName([
                    .init("C", "VN"), .init("O", "Sở Tư pháp thành phố Hà Nội"), .init("OU", "justice-hanoi"),
                    .init("title", "TL. GIÁM ĐỐC"), .init("CN", "Trần Đức Lương"),
                ]), publicKey: officerKey.publicKey, notBefore: notBefore, notAfter: years(2)), key: officerKey,
            policy: arc + ".2")
        let sealKey = try PrivateKey.generate(.ecP256)
        seal = try issue(
            .documentSigner(
                subject: DistinguishedName(
                    commonName: "Sở Tư pháp thành phố Hà Nội", organization: "Sở Tư pháp thành phố Hà Nội",
                    organizationalUnit: "justice-hanoi", country: "VN"),
                publicKey: sealKey.publicKey, notBefore: notBefore, notAfter: years(3)), key: sealKey,
            policy: arc + ".3")
        let tsaKey = try PrivateKey.generate(.ecP256)
        let tsa = try issue(
            .timeStampingAuthority(
                subject: DistinguishedName(
                    commonName: "Pipeline Test TSA", organization: "CivicSeal tests", country: "VN"),
                publicKey: tsaKey.publicKey, notBefore: notBefore, notAfter: years(6)), key: tsaKey, policy: nil)
        authority = try TimeStampAuthority(
            signer: tsa, policy: arc + ".1", serials: RandomTimeStampSerialSource(), clock: { now })
        let responderKey = try PrivateKey.generate(.ecP256)
        var responderBuilder = CertificateBuilder.ocspResponder(
            subject: DistinguishedName(
                commonName: "Pipeline Test OCSP", organization: "CivicSeal tests", country: "VN"),
            publicKey: responderKey.publicKey, notBefore: notBefore, notAfter: years(1))
        responderBuilder.caIssuersURL = "\(base)/pki/ca/root.cer"
        responderCertificate = try responderBuilder.issued(by: root, key: rootKey)
        responder = try OCSPResponder(
            signer: try CMSSigner(key: responderKey, certificate: responderCertificate, chain: [root]), issuer: root,
            clock: { now }, status: { _ in .good })
    }

    var timeStamping: any TimeStamping { authority }
    var timeStampingCertificate: Certificate { authority.certificate }

    func revocationEvidence(for certificates: [Certificate], tsa: [Certificate], at time: Date)
        throws(CaseworkError) -> RevocationEvidence
    {
        do {
            let crl = try CertificateRevocationList.issue(
                by: root, key: rootKey, entries: [], number: 1, thisUpdate: time,
                nextUpdate: time.addingTimeInterval(7 * 86400))
            return RevocationEvidence(
                certificates: certificates + tsa + [authority.certificate, responderCertificate, root],
                ocspResponses: try (certificates + tsa).map { try responder.response(for: $0) }, crls: [crl.der])
        } catch {
            throw CaseworkError(.issuanceFailed, "\(error)")
        }
    }

    /// Signs a form-1 certificate through the whole pipeline at `profile`.
    func issue(_ profile: IssuanceProfile, at time: Date = Date()) throws -> [UInt8] {
        let renderer = DocumentFixtures.renderer
        let record = DocumentFixtures.criminalRecord(
            form: .form1, holder: DocumentFixtures.holders[0], issuedAt: time)
        var placeholder = SignaturePlaceholder(
            fieldName: IssuancePipeline.officerFieldName, contentsCapacity: IssuancePipeline.signatureCapacity,
            visible: true, signerName: "Trần Đức Lương")
        placeholder.lines = ["Ký bởi / Signed by: Trần Đức Lương", "TL. GIÁM ĐỐC", "Sở Tư pháp thành phố Hà Nội"]
        placeholder.horizontalShare = 0...0.5
        let rendered = try renderer.render(record, signature: placeholder)
        let rect = try #require(rendered.sealRect)
        let sealRect = PDFRect(x: rect.x + rect.width / 2, y: rect.y, width: rect.width / 2, height: rect.height)
        let field = PDFSignatureField(
            fieldName: IssuancePipeline.sealFieldName, rect: sealRect,
            appearance: .init(font: renderer.regularFont, size: 5.5, lines: ["Đóng dấu / Sealed by:", "Sở Tư pháp"]),
            contentsCapacity: IssuancePipeline.signatureCapacity, signingTime: time, signerName: "Sở Tư pháp")
        return try IssuancePipeline.run(
            officerSigned: rendered.pdf, officer: officer, seal: seal, sealField: field, profile: profile, trust: self,
            at: time
        ).pdf
    }
}

@Suite("Issuance pipeline: officer signature, locked seal, timestamps, DSS, document timestamp")
struct IssuancePipelineTests {
    @Test(
        "B-B has two signatures, B-T adds their timestamps, B-LTA a DSS and a document timestamp"
    )
    func profiles() throws {
        let pki = try PipelinePKI()
        let bb = try pki.issue(.bb)
        let bt = try pki.issue(.bt)
        let blta = try pki.issue(.blta)
        func count(_ needle: String, in file: [UInt8]) -> Int {
            let pattern = Array(needle.utf8)
            var found = 0
            var index = 0
            while index + pattern.count <= file.count {
                if file[index..<(index + pattern.count)].elementsEqual(pattern) { found += 1 }
                index += 1
            }
            return found
        }
        #expect(count("/ByteRange", in: bb) == 2)
        #expect(count("/ByteRange", in: bt) == 2)
        #expect(count("/ByteRange", in: blta) == 3)
        #expect(count("/DocTimeStamp", in: blta) == 1)
        #expect(count("/DSS", in: blta) >= 1)
        #expect(count("/DSS", in: bt) == 0)
        // The seal's CMS (the last signature of B-T) carries one signature-time-stamp over its signature value.
        let sealCMS = try #require(IssancePipelineProbe.lastContents(bt))
        let tokens = try CMSSignedData.signatureTimeStamps(in: sealCMS)
        #expect(tokens.count == 1)
        #expect(tokens[0].covers(try CMSSignedData.signatureValue(of: sealCMS)))
        #expect(try CMSSignedData.signatureTimeStamps(in: try #require(IssancePipelineProbe.lastContents(bb))).isEmpty)
        // The document timestamp covers the byte range of the final file.
        let token = try TimeStampToken(der: try #require(IssancePipelineProbe.lastContents(blta)))
        #expect(token.policy == "2.25.213434514593947064134081311862153508573.1")
        #expect(token.signerCertificate?.der == pki.authority.certificate.der)
    }

    @Test(
        "qpdf and pyHanko accept a B-LTA document: two signatures intact and trusted, nothing illegal after them",
        .enabled(if: ExternalTool.isUsable("qpdf", "pyhanko")))
    func externalValidators() throws {
        let pki = try PipelinePKI()
        let folder = TemporaryDirectory("civicseal-pipeline")
        let path = try folder.write("blta.pdf", try pki.issue(.blta))
        let root = try folder.write("root.pem", text: pki.root.pem)
        let qpdf = try ExternalTool.run("qpdf", ["--check", path])
        #expect(qpdf.status == 0, "\(qpdf.text)\(qpdf.errorText)")
        let pyhanko = try ExternalTool.run(
            "pyhanko",
            ["sign", "validate", "--pretty-print", "--no-revocation-check", "--trust-replace", "--trust", root, path])
        #expect(pyhanko.status == 0, "\(pyhanko.text)\(pyhanko.errorText)")
    }
}

/// Reads the last signature's `/Contents` the way the archive job does.
enum IssancePipelineProbe {
    static func lastContents(_ file: [UInt8]) -> [UInt8]? { IssuancePipeline.lastSignatureContents(in: file) }
}

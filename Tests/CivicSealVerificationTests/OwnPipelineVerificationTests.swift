import CivicSealCrypto
import CivicSealDocuments
import CivicSealPDF
import CivicSealSealing
import CivicSealVerification
import Foundation
import Testing

/// The long-term document as CivicSeal's own building blocks make it — the rendered form signed by the officer,
/// the locking seal as an incremental update, signature timestamps from our TSA, a DSS with our OCSP responses and
/// CRL, a document timestamp — verified offline.
@Suite struct OwnPipelineVerificationTests {
    /// A root's TSA, OCSP signer (the root itself), officer and seal, and the files of each step.
    struct Pipeline {
        let fixtures: SealFixtures
        let officer: CMSSigner
        let seal: CMSSigner
        let authority: TimeStampAuthority
        let rendered: PDFFile
        var sealFile: PDFFile?
        var sealed: [UInt8] = []
        var archived: [UInt8] = []

        /// - Parameter lateEvidence: the OCSP responses go into a DSS appended after the document timestamp, where no
        ///   timestamp protects them.
        init(
            sealValidity: TimeInterval = 3 * 365 * 86400, revoked: (@Sendable ([UInt8]) -> CertificateStatus)? = nil,
            lateEvidence: Bool = false
        ) throws {
            fixtures = try SealFixtures()
            let (rootKey, root) = try fixtures.root()
            let now = Date()
            func signer(_ builder: CertificateBuilder, _ key: PrivateKey) throws -> CMSSigner {
                try CMSSigner(key: key, certificate: try builder.issued(by: root, key: rootKey), chain: [root])
            }
            let officerKey = try PrivateKey.generate(.ecP256)
            officer = try signer(
                .officer(
                    subject: DistinguishedName([
                        .init("C", "VN"), .init("O", "Sở Tư pháp thành phố Hà Nội"), .init("OU", "justice-hanoi"),
                        .init("title", "Phó Giám đốc"), .init("CN", "Lê Văn Hưởng"),
                    ]), publicKey: officerKey.publicKey, notBefore: now.addingTimeInterval(-600),
                    notAfter: now.addingTimeInterval(2 * 365 * 86400)), officerKey)
            let sealKey = try PrivateKey.generate(.ecP256)
            var sealBuilder = CertificateBuilder.documentSigner(
                subject: DistinguishedName([
                    .init("C", "VN"), .init("O", "Sở Tư pháp thành phố Hà Nội"), .init("OU", "justice-hanoi"),
                    .init("CN", "Sở Tư pháp thành phố Hà Nội"),
                ]), publicKey: sealKey.publicKey, notBefore: now.addingTimeInterval(-600),
                notAfter: now.addingTimeInterval(sealValidity))
            sealBuilder.certificatePolicies = [CivicSealPolicy.seal]
            seal = try signer(sealBuilder, sealKey)
            let tsaKey = try PrivateKey.generate(.ecP256)
            let tsa = try signer(
                .timeStampingAuthority(
                    subject: DistinguishedName([.init("C", "VN"), .init("CN", "CivicSeal TSA")]),
                    publicKey: tsaKey.publicKey, notBefore: now.addingTimeInterval(-600),
                    notAfter: now.addingTimeInterval(6 * 365 * 86400)), tsaKey)
            authority = try TimeStampAuthority(
                signer: tsa, policy: CivicSealPolicy.timeStamping, serials: RandomTimeStampSerialSource())
            rendered = try fixtures.renderedFormOne()

            let authority = self.authority
            let officerSigned = try OwnPipelineVerificationTests.sealWithTimeStamp(
                rendered, signer: officer, authority: authority)
            var sealUpdate = try PDFIncrementalUpdate(appendingTo: officerSigned)
            try sealUpdate.addSignatureField(
                PDFSignatureField(
                    fieldName: "Seal", rect: PDFRect(x: 320, y: 80, width: 220, height: 44),
                    appearance: .init(font: fixtures.renderer.regularFont), contentsCapacity: 16_000,
                    signingTime: now, signerName: "Sở Tư pháp thành phố Hà Nội"), lock: .all(permission: 1))
            let sealFile = try sealUpdate.serializedForSigning()
            self.sealFile = sealFile
            sealed = try OwnPipelineVerificationTests.sealWithTimeStamp(sealFile, signer: seal, authority: authority)

            let responder = try OCSPResponder(
                signer: try CMSSigner(key: rootKey, certificate: root, chain: []), issuer: root,
                status: revoked ?? { _ in .good })
            let responses = [
                try responder.response(for: officer.certificate), try responder.response(for: seal.certificate),
                try responder.response(for: tsa.certificate),
            ]
            var dss = try PDFIncrementalUpdate(appendingTo: sealed)
            try dss.addDSS(
                certificates: [officer.certificate.der, seal.certificate.der, tsa.certificate.der, root.der],
                ocspResponses: lateEvidence ? [] : responses, crls: [])
            var timestampUpdate = try PDFIncrementalUpdate(appendingTo: dss.serialized())
            try timestampUpdate.addDocumentTimeStampField(name: "DocTS1")
            archived = try PAdESSealer.documentTimeStamp(try timestampUpdate.serializedForSigning()) {
                [authority] digest in
                try authority.timestamp(
                    TimeStampRequest(digestAlgorithm: .sha256, messageImprint: digest, nonce: nil)
                ).der
            }
            if lateEvidence {
                var late = try PDFIncrementalUpdate(appendingTo: archived)
                try late.addDSS(certificates: [], ocspResponses: responses, crls: [])
                archived = late.serialized()
            }
        }
    }

    /// Seals the last placeholder with a signature-time-stamp over the signature value (what
    /// `PAdESSealer.seal(_:signer:timestamp:)` does once the CMS helpers are merged).
    static func sealWithTimeStamp(_ file: PDFFile, signer: CMSSigner, authority: TimeStampAuthority) throws -> [UInt8] {
        let location = try require(file.signature, "placeholder")
        var bytes = file.bytes
        let range = location.byteRange
        let hasher = Hasher(signer.digest)
        hasher.update(bytes[range[0]..<(range[0] + range[1])])
        hasher.update(bytes[range[2]..<(range[2] + range[3])])
        let cms = try CMSSignedData.signDetached(contentDigest: hasher.finalize(), signer: signer, signingTime: nil)
        let token = try authority.timestamp(TimeStampRequest(hashing: try CMSSignedData.signatureValue(of: cms)))
        try location.embed(try CMSSignedData.addingSignatureTimeStamp(token, to: cms), into: &bytes)
        return bytes
    }

    @Test func ourLongTermDocumentIsValidOffline() throws {
        let pipeline = try Pipeline()
        let verdict = try pipeline.fixtures.verifier().verify(pipeline.archived)
        #expect(
            verdict.outcome == .valid, "\(verdict.checks.filter { !$0.passed }.map { "\($0.name): \($0.english)" })")
        #expect(verdict.level == .longTermArchive)
        #expect(verdict.signatures.map(\.role) == [.officer, .seal, .documentTimestamp])
        #expect(verdict.signatures.map(\.revision) == [1, 2, 4])
        #expect(verdict.officer == "Lê Văn Hưởng")
        #expect(verdict.signatures.first?.title == "Phó Giám đốc")
        #expect(verdict.signer == "Sở Tư pháp thành phố Hà Nội")
        #expect(verdict.department == "justice-hanoi")
        // Years after the seal certificate expired, the document still verifies at its signing time.
        let expired = try Pipeline(sealValidity: 86400)
        let later = try expired.fixtures.verifier().verify(expired.archived, at: Date().addingTimeInterval(800 * 86400))
        #expect(later.outcome == .valid, "\(later.checks.filter { !$0.passed }.map { "\($0.name): \($0.english)" })")
    }

    @Test func sealRevokedBeforeOurResponderAnsweredFailsRevocationAtSigningTime() throws {
        let revokedAt = Date().addingTimeInterval(-300)
        let pipeline = try Pipeline(revoked: { _ in .revoked(at: revokedAt, reason: .keyCompromise) })
        let verdict = try pipeline.fixtures.verifier().verify(pipeline.archived)
        #expect(verdict.outcome == .invalid)
        #expect(verdict.failedChecks == [.revocationAtSigningTime], "\(verdict.failedChecks)")
        #expect(verdict.check(.revocationAtSigningTime)?.english.contains("signed after the revocation") == true)
    }

    /// Validation data appended after the last document timestamp is allowed as an update, but nothing protects it:
    /// the document is not long-term until a new document timestamp covers it.
    @Test func revocationDataAfterTheLastDocumentTimestampFailsLongTerm() throws {
        let pipeline = try Pipeline(lateEvidence: true)
        let verdict = try pipeline.fixtures.verifier().verify(pipeline.archived)
        #expect(verdict.failedChecks == [.longTerm], "\(verdict.failedChecks)")
        #expect(verdict.check(.longTerm)?.english.contains("added after the last document timestamp") == true)
        #expect(verdict.check(.allowedUpdates)?.passed == true)
    }

    @Test func pageChangedAfterOurSealFailsAllowedUpdates() throws {
        let pipeline = try Pipeline()
        var tamper = try PDFIncrementalUpdate(appendingTo: pipeline.sealed)
        var overlay = PDFPage()
        overlay.text(
            "Có án tích", font: pipeline.fixtures.renderer.boldFont, size: 14, at: PDFPoint(x: 72, y: 420))
        tamper.addOverlay(overlay, onPage: 0, of: try require(pipeline.sealFile).structure)
        let verdict = try pipeline.fixtures.verifier().verify(tamper.serialized())
        #expect(verdict.check(.allowedUpdates)?.passed == false)
        #expect(verdict.check(.allowedUpdates)?.english.contains("Revision 3:") == true, "\(verdict.checks)")
        #expect(verdict.check(.digest)?.passed == true)
    }

    /// Random changes to a B-LTA document: never a crash, always every check named, never valid once a byte the last
    /// document timestamp covers changed.
    @Test func randomMutationsOfALongTermDocumentAreNeverValid() throws {
        let pipeline = try Pipeline()
        let verifier = try pipeline.fixtures.verifier()
        let file = pipeline.archived
        let needle = Array("/Contents <".utf8)
        let start = try require(
            stride(from: file.count - needle.count, through: 0, by: -1).first {
                file[$0..<($0 + needle.count)].elementsEqual(needle)
            })
        let hole = start + needle.count - 1
        let holeEnd = try require(file[hole...].firstIndex(of: UInt8(ascii: ">"))) + 1
        var random = SplitMix64(seed: 0x1_7A_2026)
        for round in 0..<150 {
            var mutated = file
            if round % 5 == 4 {
                mutated.removeLast(1 + Int(random.next() % UInt64(mutated.count / 2)))
            } else {
                var index = Int(random.next() % UInt64(mutated.count - 1))
                if (hole..<holeEnd).contains(index) { index = hole - 1 - Int(random.next() % 1000) }
                mutated[index] ^= UInt8(1 + random.next() % 255)
            }
            let verdict = verifier.verify(mutated)
            #expect(verdict.checks.map(\.name) == DocumentVerdict.CheckName.offline)
            #expect(!verdict.isValid, "round \(round) accepted a changed file")
        }
        #expect(verifier.verify(file).isValid)
    }
}

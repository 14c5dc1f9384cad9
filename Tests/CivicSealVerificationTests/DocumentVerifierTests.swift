import CivicSealApp
import CivicSealCrypto
import CivicSealDocuments
import CivicSealJSON
import CivicSealPDF
import CivicSealSealing
import CivicSealTestSupport
import CivicSealVerification
import CivicSealWorkflow
import Foundation
import Testing

@Suite struct DocumentVerifierTests {
    // MARK: - Genuine documents

    @Test func sealedFormOneIsValidOfflineWithEveryCheckNamed() throws {
        let fixtures = try SealFixtures()
        let issuedAt = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        let department = try require(fixtures.keyring.department("justice-hanoi"))
        let sealed = try PAdESSealer.seal(
            try fixtures.renderedFormOne(issuedAt: issuedAt), signer: try department.signer())
        let verdict = try fixtures.verifier().verify(sealed)
        // A single B-B seal: intact and trusted, but nothing proves its time and no officer signed it.
        #expect(verdict.outcome == .basic, "\(verdict.failedChecks)")
        #expect(verdict.level == .basic)
        #expect(verdict.checks.map(\.name) == DocumentVerdict.CheckName.offline)
        #expect(Set(verdict.failedChecks) == DocumentVerdict.CheckName.longTermOnly)
        #expect(verdict.checks.allSatisfy { !$0.vietnamese.isEmpty && !$0.english.isEmpty && $0.wasRun })
        #expect(verdict.check(.timestamp)?.english.contains("only what the signer claims") == true)
        #expect(verdict.check(.officerSignature)?.vietnamese.contains("chỉ có một chữ ký") == true)
        #expect(verdict.signatures.count == 1)
        #expect(verdict.signatures.first?.role == .seal)
        #expect(verdict.signatures.first?.revision == 1)
        #expect(verdict.signatures.first?.timestampTime == nil)
        #expect(verdict.signer == department.active.certificate.subject.commonName)
        #expect(verdict.department == "justice-hanoi")
        #expect(verdict.signingTime == issuedAt)
        #expect(verdict.documentID == "7QH2KX9V4M3TBCJ5RW8ZNPYD6A")
        #expect(verdict.documentKind == "criminal-record-form-1")
    }

    @Test func registeredUnrevokedDocumentIsValidOnline() throws {
        let fixtures = try SealFixtures()
        let (_, sealed) = try fixtures.sealedFormOne()
        let verdict = try fixtures.verifier().verify(sealed, registry: RegistryStub.registering(sealed))
        #expect(verdict.outcome == .basic, "\(verdict.failedChecks)")
        #expect(verdict.checks.map(\.name) == DocumentVerdict.CheckName.allCases)
        #expect(verdict.failedChecks.filter { !legacy.contains($0) } == [])
        let json = verdict.jsonValue()
        #expect(json.objectValue?["outcome"] == "basic")
        #expect(json.objectValue?["level"] == "B-B")
        #expect(json.objectValue?["checks"]?.arrayValue?.count == 17)
        #expect(json.objectValue?["signatures"]?.arrayValue?.first?.objectValue?["role"] == "seal")
        #expect(json.serialized().contains("\"signingTime\":\""))
    }

    @Test func unknownDocumentAndDifferentBytesFailOnline() throws {
        let fixtures = try SealFixtures()
        let (_, sealed) = try fixtures.sealedFormOne()
        let unknown = try fixtures.verifier().verify(sealed, registry: RegistryStub(document: nil))
        #expect(unknown.outcome == .invalid)
        #expect(unknown.nonLegacyFailures == [.registered, .hashMatches, .notRevoked])
        let other = try fixtures.verifier().verify(
            sealed, registry: RegistryStub.registering(Array("another file".utf8)))
        #expect(other.nonLegacyFailures == [.hashMatches])
    }

    /// A public verdict names the revocation by its code and date only (finding 17: this test used to assert the
    /// officer's grounds appeared in it). The registry view carries no free text at all.
    @Test func revokedDocumentHasOutcomeRevokedWithCodeAndDateButNoGrounds() throws {
        let fixtures = try SealFixtures()
        let (_, sealed) = try fixtures.sealedFormOne()
        let revokedAt = Date(timeIntervalSince1970: 1_780_000_000)
        let registry = RegistryStub.registering(sealed, status: .revoked(code: .issuedInError, at: revokedAt))
        let verdict = try fixtures.verifier().verify(sealed, registry: registry)
        #expect(verdict.outcome == .revoked)
        #expect(verdict.nonLegacyFailures == [.notRevoked])
        let check = try #require(verdict.check(.notRevoked))
        #expect(check.vietnamese.contains("thu hồi"))
        for message in [check.vietnamese, check.english] {
            #expect(message.contains("issued-in-error"), "the reason code is shown: \(message)")
            // 20:26:40 UTC on 28 May is already 29 May in Hà Nội: people read the Hà Nội time, with the zone named.
            #expect(message.contains("29/05/2026 03:26:40"), "the revocation date is shown in Hà Nội time: \(message)")
            #expect(!message.contains("2026-05-28T20:26:40Z") && !message.contains("28/05/2026"), "\(message)")
            #expect(!message.contains("Cấp nhầm người"), "the grounds are not: \(message)")
        }
        #expect(
            check.vietnamese.contains(RevocationReason.issuedInError.vietnamese)
                && check.vietnamese.contains("giờ Hà Nội (UTC+7)"))
        #expect(
            check.english.contains(RevocationReason.issuedInError.english)
                && check.english.contains("Hà Nội time (UTC+7)"))
        #expect(verdict.revocation == DocumentVerdict.Revocation(date: revokedAt, reason: .issuedInError))
        let revocation = try #require(verdict.jsonValue().objectValue?["revocation"]?.objectValue)
        #expect(revocation["reason"] == "issued-in-error")
        #expect(revocation["date"] == "2026-05-28T20:26:40Z")
        #expect(
            try fixtures.verifier().verify(sealed, registry: RegistryStub.registering(sealed)).jsonValue().objectValue?[
                "revocation"] == .null)
    }

    @Test func rsaPSSSealVerifies() throws {
        let fixtures = try SealFixtures(algorithm: .rsaPSS3072)
        let (_, sealed) = try fixtures.sealedFormOne()
        let verdict = try fixtures.verifier().verify(sealed)
        #expect(verdict.outcome == .basic, "\(verdict.failedChecks)")
    }

    // MARK: - Rejections, each by its named check

    @Test func flippedByteInsideTheSignedRangeFailsDigest() throws {
        let fixtures = try SealFixtures()
        let (_, sealed) = try fixtures.sealedFormOne()
        var tampered = sealed
        let producer = try require(find("(CivicSeal)", in: tampered), "Producer")
        tampered[producer + 1] = UInt8(ascii: "X")
        let verdict = try fixtures.verifier().verify(tampered)
        #expect(verdict.outcome == .invalid)
        #expect(verdict.failedChecks.first == .digest, "\(verdict.failedChecks)")
        #expect(verdict.check(.structure)?.passed == true)
        #expect(verdict.check(.byteRange)?.passed == true)
        #expect(verdict.check(.digest)?.vietnamese.contains("bị thay đổi") == true)
    }

    /// A signature that is valid over ranges that leave part of the file out: the signer signed less than the file.
    @Test(arguments: ["tail", "gap"])
    func byteRangeThatLeavesPartOfTheFileUnsignedFailsByteRange(_ variant: String) throws {
        let fixtures = try SealFixtures()
        let file = try fixtures.renderedFormOne()
        let location = try require(file.signature)
        let signer = try require(fixtures.keyring.department("justice-hanoi")).signer()
        var bytes = file.bytes
        let values =
            variant == "tail"
            ? [
                0, location.contents.lowerBound, location.contents.upperBound,
                bytes.count - location.contents.upperBound - 40,
            ]
            : [
                0, location.contents.lowerBound - 12, location.contents.upperBound,
                bytes.count - location.contents.upperBound,
            ]
        var text = Array("[\(values.map(String.init).joined(separator: " "))]".utf8)
        text.insert(
            contentsOf: repeatElement(UInt8(ascii: " "), count: location.byteRangeArray.count - text.count),
            at: text.count - 1)
        bytes.replaceSubrange(location.byteRangeArray, with: text)
        let hasher = Hasher(signer.digest)
        hasher.update(bytes[values[0]..<(values[0] + values[1])])
        hasher.update(bytes[values[2]..<(values[2] + values[3])])
        let cms = try CMSSignedData.signDetached(contentDigest: hasher.finalize(), signer: signer, signingTime: nil)
        try location.embed(cms, into: &bytes)

        let verdict = try fixtures.verifier().verify(bytes)
        #expect(verdict.outcome == .invalid)
        #expect(verdict.check(.byteRange)?.passed == false, "\(verdict.failedChecks)")
        #expect(verdict.check(.digest)?.passed == true)
        #expect(verdict.check(.signature)?.passed == true)
        #expect(verdict.check(.byteRange)?.vietnamese.contains("không được ký") == true)
    }

    @Test func incrementalUpdateThatChangesThePageFailsAllowedUpdates() throws {
        let fixtures = try SealFixtures()
        let department = try require(fixtures.keyring.department("justice-hanoi"))
        let rendered = try fixtures.renderedFormOne()
        let sealed = try PAdESSealer.seal(rendered, signer: try department.signer())
        var update = try PDFIncrementalUpdate(appendingTo: sealed)
        let page = rendered.structure.pages[0]
        var overlay = PDFPage(width: page.width, height: page.height)
        overlay.text(
            "Có án tích: trộm cắp tài sản", font: fixtures.renderer.boldFont, size: 14, at: PDFPoint(x: 72, y: 420))
        update.addOverlay(overlay, onPage: 0, of: rendered.structure)
        let tampered = update.serialized()
        #expect(tampered.starts(with: sealed))

        let verdict = try fixtures.verifier().verify(tampered)
        #expect(verdict.outcome == .invalid)
        #expect(verdict.nonLegacyFailures == [.allowedUpdates], "\(verdict.failedChecks)")
        #expect(verdict.check(.allowedUpdates)?.vietnamese.contains("Phiên bản 2:") == true)
        #expect(verdict.check(.allowedUpdates)?.english.contains("Revision 2:") == true)
        #expect(verdict.check(.allowedUpdates)?.english.contains("(page)") == true, "\(verdict.checks)")
        #expect(verdict.signatures.first?.revision == 1)
    }

    @Test func trailingWhitespaceAfterTheSignedRevisionIsNotAModification() throws {
        let fixtures = try SealFixtures()
        let (_, sealed) = try fixtures.sealedFormOne()
        #expect(try fixtures.verifier().verify(sealed + Array("\r\n  \n".utf8)).outcome == .basic)
        #expect(try fixtures.verifier().verify(sealed + Array("%x\n".utf8)).nonLegacyFailures == [.allowedUpdates])
    }

    @Test func certificateFromAnotherRootFailsChain() throws {
        let fixtures = try SealFixtures()
        let stranger = try SealFixtures()
        let (_, sealed) = try stranger.sealedFormOne()
        let verdict = try fixtures.verifier().verify(sealed)
        #expect(verdict.outcome == .invalid)
        #expect(verdict.nonLegacyFailures == [.chain], "\(verdict.failedChecks)")
        #expect(verdict.signer == stranger.keyring.department("justice-hanoi")?.active.certificate.subject.commonName)
    }

    @Test func signerCertificateExpiredAtSigningTimeFailsValidity() throws {
        let fixtures = try SealFixtures()
        let now = Date()
        let signer = try fixtures.issueSigner(
            validity: now.addingTimeInterval(-2 * 86400)...now.addingTimeInterval(-86400))
        let sealed = try PAdESSealer.seal(try fixtures.renderedFormOne(issuedAt: now), signer: signer)  // /M = now
        let verdict = try fixtures.verifier().verify(sealed)
        #expect(verdict.outcome == .invalid)
        #expect(verdict.nonLegacyFailures == [.validityAtSigningTime], "\(verdict.failedChecks)")
        #expect(verdict.department == "justice-test")
    }

    @Test func certificateNotYetValidAtSigningTimeFailsValidity() throws {
        let fixtures = try SealFixtures()
        let now = Date()
        let signer = try fixtures.issueSigner(
            validity: now.addingTimeInterval(86400)...now.addingTimeInterval(2 * 86400))
        let sealed = try PAdESSealer.seal(try fixtures.renderedFormOne(issuedAt: now), signer: signer)
        #expect(try fixtures.verifier().verify(sealed).nonLegacyFailures == [.validityAtSigningTime])
    }

    @Test func placeholderThatWasNeverSealedFailsSignature() throws {
        let fixtures = try SealFixtures()
        let verdict = try fixtures.verifier().verify(try fixtures.renderedFormOne().bytes)
        #expect(verdict.check(.structure)?.passed == true)
        #expect(verdict.check(.signature)?.passed == false)
    }

    @Test func notAPDFFailsStructureAndListsEveryCheck() throws {
        let fixtures = try SealFixtures()
        for input in [
            [], Array("hello".utf8), Array("%PDF-1.7\n1 0 obj\n<< /Type /Sig >>\nendobj\ntrailer\n<< >>\n".utf8),
        ] {
            let verdict = try fixtures.verifier().verify(input)
            #expect(verdict.outcome == .invalid)
            #expect(verdict.check(.structure)?.passed == false)
            #expect(verdict.checks.map(\.name) == DocumentVerdict.CheckName.offline)
        }
        let large = [UInt8](repeating: 0x20, count: DocumentVerifier.maximumSize + 1)
        #expect(try fixtures.verifier().verify(large).check(.structure)?.passed == false)
    }

    /// Hundreds of random mutations of a sealed file: never a crash, always a full verdict, never valid when a
    /// signed byte changed.
    @Test func randomMutationsAlwaysYieldAVerdict() throws {
        let fixtures = try SealFixtures()
        let (_, sealed) = try fixtures.sealedFormOne()
        let verifier = try fixtures.verifier()
        let hole = try require(find("/Contents <", in: sealed)) + 10
        let holeEnd = try require(sealed[hole...].firstIndex(of: UInt8(ascii: ">"))) + 1
        var random = SplitMix64(seed: 0x5EA1_2026)
        for round in 0..<300 {
            var mutated = sealed
            var touchedSigned = false
            switch round % 6 {
            case 0, 1:  // change one to eight bytes
                for _ in 0..<(1 + Int(random.next() % 8)) {
                    let index = Int(random.next() % UInt64(mutated.count))
                    let value = UInt8(truncatingIfNeeded: random.next())
                    if mutated[index] != value, index < hole || index >= holeEnd {
                        touchedSigned = touchedSigned || index < mutated.count - 1
                    }
                    mutated[index] = value
                }
            case 2:  // truncate
                mutated.removeLast(1 + Int(random.next() % UInt64(mutated.count - 1)))
                touchedSigned = true
            case 3:  // insert PDF-ish or random bytes
                let index = Int(random.next() % UInt64(mutated.count))
                let pieces = [
                    "<<", ">>", "[", "]", "(", ")", "/ByteRange [0 1 2 3]", " 9 0 obj ", "endobj", "stream\n", "<0a>",
                    "%%EOF",
                ]
                mutated.insert(contentsOf: Array(pieces[Int(random.next() % UInt64(pieces.count))].utf8), at: index)
                touchedSigned = true
            case 4:  // duplicate a chunk somewhere else
                let start = Int(random.next() % UInt64(mutated.count))
                let length = min(Int(random.next() % 4096), mutated.count - start)
                let chunk = Array(mutated[start..<(start + length)])
                mutated.insert(contentsOf: chunk, at: Int(random.next() % UInt64(mutated.count)))
                touchedSigned = length > 0
            default:  // rewrite a digit of the byte range or of an object header
                let digits = mutated.indices.filter {
                    (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(mutated[$0]) && ($0 < hole || $0 >= holeEnd)
                }
                let index = digits[Int(random.next() % UInt64(digits.count))]
                let value = UInt8(ascii: "0") + UInt8(random.next() % 10)
                touchedSigned = mutated[index] != value
                mutated[index] = value
            }
            let verdict = verifier.verify(mutated)
            #expect(verdict.checks.map(\.name) == DocumentVerdict.CheckName.offline)
            if touchedSigned { #expect(verdict.outcome == .invalid, "round \(round) accepted a changed file") }
        }
        // Pure noise, with and without a PDF header.
        for round in 0..<100 {
            var noise = (0..<Int(random.next() % 2048)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            if round % 2 == 0 { noise = Array("%PDF-1.7\n".utf8) + noise }
            #expect(verifier.verify(noise).outcome == .invalid)
        }
    }

    // MARK: - Validators nobody here wrote

    @Test(.enabled(if: ExternalTool.isUsable("openssl")))
    func opensslVerifiesTheCMSOverTheSignedByteRanges() throws {
        let fixtures = try SealFixtures()
        let (_, sealed) = try fixtures.sealedFormOne()
        // Read /ByteRange and /Contents with nothing but byte searches (independent of the verifier's parser).
        let open = try require(find("/ByteRange [", in: sealed)) + 12
        let close = try require(sealed[open...].firstIndex(of: UInt8(ascii: "]")))
        let values = String(decoding: sealed[open..<close], as: UTF8.self).split(separator: " ").compactMap { Int($0) }
        try #require(values.count == 4)
        let signedContent =
            Array(sealed[values[0]..<(values[0] + values[1])]) + Array(sealed[values[2]..<(values[2] + values[3])])
        let hex = Array(sealed[(values[1] + 1)..<(values[2] - 1)])
        var der = stride(from: 0, to: hex.count - 1, by: 2).map {
            UInt8(String(decoding: hex[$0..<($0 + 2)], as: UTF8.self), radix: 16)!
        }
        let lengthBytes = Int(der[1] & 0x7F)
        let length = der[1] < 0x80 ? Int(der[1]) : der[2..<(2 + lengthBytes)].reduce(0) { $0 << 8 | Int($1) }
        der = Array(der.prefix((der[1] < 0x80 ? 2 : 2 + lengthBytes) + length))
        let content = try fixtures.directory.write("signed-ranges.bin", signedContent)
        let cms = try fixtures.directory.write("contents.der", der)
        let result = try ExternalTool.run(
            "openssl",
            [
                "cms", "-verify", "-binary", "-inform", "DER", "-in", cms, "-content", content, "-CAfile",
                fixtures.rootPath, "-purpose", "any", "-out", "/dev/null",
            ])
        #expect(result.status == 0, "\(result.errorText)")
        #expect(result.errorText.contains("Verification successful"), "\(result.errorText)")
    }

    /// pyHanko signs (`adbe.pkcs7.detached`, or PAdES with `--use-pades`) our rendered form, and a file pyHanko itself
    /// wrote with a cross-reference stream.
    @Test(.enabled(if: ExternalTool.isUsable("pyhanko", "python3")), arguments: ["pkcs7", "pades", "xref-stream"])
    func pdfSealedByPyHankoWithADevelopmentCertificateIsAccepted(_ variant: String) throws {
        let fixtures = try SealFixtures()
        let signer = try fixtures.issueSigner(commonName: "Sở Y tế thử nghiệm", unit: "health-test")
        let key = try fixtures.directory.write("signer.key.pem", text: try signer.key.pkcs8PEM())
        let certificate = try fixtures.directory.write("signer.cert.pem", text: signer.certificate.pem)
        let unsigned = "\(fixtures.directory.path)/unsigned.pdf"
        if variant == "xref-stream" {
            let script = """
                import sys
                from pyhanko.pdf_utils.writer import PdfFileWriter
                from pyhanko.pdf_utils import generic
                w = PdfFileWriter(stream_xrefs=True)
                box = generic.ArrayObject([generic.NumberObject(v) for v in (0, 0, 595, 842)])
                w.insert_page(generic.DictionaryObject({
                    generic.NameObject('/Type'): generic.NameObject('/Page'), generic.NameObject('/MediaBox'): box}))
                with open(sys.argv[1], 'wb') as f:
                    w.write(f)
                """
            let made = try ExternalTool.run("python3", ["-c", script, unsigned])
            try #require(made.status == 0, "\(made.errorText)")
        } else {
            try fixtures.directory.write("unsigned.pdf", try fixtures.renderer.render(SealFixtures.formOne()).bytes)
        }
        let output = "\(fixtures.directory.path)/pyhanko.pdf"
        let result = try ExternalTool.run(
            "pyhanko",
            ["sign", "addsig", "--field", "Sig1"] + (variant == "pades" ? ["--use-pades"] : [])
                + [
                    "pemder", "--key", key, "--cert", certificate, "--chain", fixtures.rootPath, "--no-pass", unsigned,
                    output,
                ])
        try #require(result.status == 0, "\(result.text)\(result.errorText)")
        let signed = Array(try Data(contentsOf: URL(fileURLWithPath: output)))
        if variant == "xref-stream" {
            #expect(find("/Type /XRef", in: signed) != nil && find("trailer", in: signed) == nil)
        }
        let verdict = try fixtures.verifier().verify(signed)
        #expect(
            verdict.outcome == .basic, "\(verdict.checks.filter { !$0.passed }.map { "\($0.name): \($0.english)" })")
        #expect(verdict.signer == "Sở Y tế thử nghiệm")
        #expect(verdict.department == "health-test")
        #expect(verdict.signingTime != nil)
        if variant != "xref-stream" { #expect(verdict.documentID == "7QH2KX9V4M3TBCJ5RW8ZNPYD6A") }

        // The same file is refused by the chain check under another root, and by the digest check once a signed byte
        // changes.
        let stranger = try SealFixtures()
        #expect(try stranger.verifier().verify(signed).nonLegacyFailures == [.chain])
        var tampered = signed
        tampered[try require(find("/MediaBox", in: tampered)) + 1] = UInt8(ascii: "N")
        #expect(try fixtures.verifier().verify(tampered).check(.digest)?.passed == false)
    }

    @Test(.enabled(if: ExternalTool.isUsable("pdfsig", "certutil", "pyhanko")))
    func rsaPSSSealIsAcceptedByPdfsigAndPyHanko() throws {
        let fixtures = try SealFixtures(algorithm: .rsaPSS3072)
        // A certificate without AIA: pdfsig cannot judge trust when the AIA's OCSP responder is not serving.
        let (path, _) = try fixtures.sealedFormOne(signer: try fixtures.issueSigner(kind: .rsa(bits: 3072)))
        let nss = "\(fixtures.directory.path)/nss"
        try FileManager.default.createDirectory(atPath: nss, withIntermediateDirectories: true)
        #expect(try ExternalTool.run("certutil", ["-N", "-d", "sql:\(nss)", "--empty-password"]).status == 0)
        #expect(
            try ExternalTool.run(
                "certutil", ["-A", "-d", "sql:\(nss)", "-n", "root", "-t", "CT,C,C", "-i", fixtures.rootPath]
            ).status == 0)
        let pdfsig = try ExternalTool.run("pdfsig", ["-nssdir", "sql:\(nss)", path])
        #expect(pdfsig.text.contains("Signature Validation: Signature is Valid."), "\(pdfsig.text)\(pdfsig.errorText)")
        #expect(pdfsig.text.contains("Certificate Validation: Certificate is Trusted."), "\(pdfsig.text)")
        let pyhanko = try ExternalTool.run(
            "pyhanko",
            [
                "sign", "validate", "--pretty-print", "--no-revocation-check", "--trust-replace", "--trust",
                fixtures.rootPath, path,
            ])
        #expect(pyhanko.status == 0, "\(pyhanko.text)\(pyhanko.errorText)")
        #expect(pyhanko.text.contains("The signature is judged VALID."), "\(pyhanko.text)")
    }

    // MARK: - The command line

    @Test func verifyCommandPrintsVietnameseFirstAndExitsByVerdict() throws {
        let fixtures = try SealFixtures()
        let (path, sealed) = try fixtures.sealedFormOne()
        let valid = try BuiltProduct.run("civicseal", ["verify", path, "--trust", fixtures.trustDirectory])
        #expect(valid.status == 2, "a B-B seal proves no time: \(valid.text)\(valid.errorText)")
        for line in [
            "Kết quả / Result: CHỮ KÝ HỢP LỆ, KHÔNG CÓ BẰNG CHỨNG THỜI GIAN", "(B-B)", "Người ký / Signer:",
            "Đơn vị / Department: justice-hanoi", "1. con dấu cơ quan / department seal:",
            "✗ timestamp: Chữ ký không có dấu thời gian",
            "giờ Hà Nội (UTC+7) / Hà Nội time (UTC+7)",
            "✓ digest: Mã băm", "✓ chain: Chứng thư số",
        ] {
            #expect(valid.text.contains(line), "missing «\(line)» in \(valid.text)")
        }
        // Default trust directory: Keys/trust under the working directory.
        #expect(try BuiltProduct.run("civicseal", ["verify", path], directory: fixtures.directory.path).status == 2)

        var tampered = sealed
        tampered[try require(find("(CivicSeal)", in: tampered)) + 1] = UInt8(ascii: "X")
        let tamperedPath = try fixtures.directory.write("tampered.pdf", tampered)
        let invalid = try BuiltProduct.run("civicseal", ["verify", tamperedPath, "--trust", fixtures.trustDirectory])
        #expect(invalid.status == 1)
        #expect(invalid.text.contains("KHÔNG HỢP LỆ / INVALID"))
        #expect(invalid.text.contains("✗ digest: Nội dung tài liệu đã bị thay đổi"), "\(invalid.text)")

        let garbage = try fixtures.directory.write("garbage.pdf", text: "not a pdf")
        #expect(
            try BuiltProduct.run("civicseal", ["verify", garbage, "--trust", fixtures.trustDirectory]).status == 65)
        let missing = try BuiltProduct.run(
            "civicseal", ["verify", "\(fixtures.directory.path)/absent.pdf", "--trust", fixtures.trustDirectory])
        #expect(missing.status == 65)
        #expect(missing.errorText.contains("cannot read"))
        #expect(try BuiltProduct.run("civicseal", ["verify", "--trust", fixtures.trustDirectory]).status == 64)
        #expect(try BuiltProduct.run("civicseal", ["verify", path, "--trusted", "x"]).status == 64)
    }
}

/// The checks a single-signature B-B document cannot pass (it is `basic`, not `valid`).
let legacy = DocumentVerdict.CheckName.longTermOnly

extension DocumentVerdict {
    /// The failed checks other than those a B-B document cannot pass, in report order.
    var nonLegacyFailures: [CheckName] { failedChecks.filter { !legacy.contains($0) } }
}

func find(_ needle: String, in haystack: [UInt8]) -> Int? {
    let bytes = Array(needle.utf8)
    guard haystack.count >= bytes.count else { return nil }
    for index in 0...(haystack.count - bytes.count)
    where haystack[index] == bytes[0] && haystack[index..<(index + bytes.count)].elementsEqual(bytes) {
        return index
    }
    return nil
}

/// A small deterministic generator, so a failing mutation can be replayed.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Test func verdictTimesAreISO8601InUTC() {
    #expect(DocumentVerdict.iso8601(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00Z")
    #expect(DocumentVerdict.iso8601(Date(timeIntervalSince1970: 1_780_000_000.9)) == "2026-05-28T20:26:40Z")
    #expect(DocumentVerdict.iso8601(Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29T00:00:00Z")
}

import CivicSealCrypto
import CivicSealTestSupport
import CivicSealVerification
import Foundation
import Testing

/// Documents with the officer's signature, then the seal's locking one, then validation data and a document
/// timestamp — signed by pyHanko over our rendered form — and updates after the seal that must be refused.
@Suite struct LongTermVerificationTests {
    /// The fixture keyring and pyHanko's files for one revocation scenario.
    struct Scenario {
        let fixtures: SealFixtures
        let files: [String: [UInt8]]

        init(revocation: String = "good", sealDays: Int = 3650, embedRevocation: Bool = true) throws {
            fixtures = try SealFixtures()
            let unsigned = try fixtures.directory.write(
                "unsigned.pdf", try fixtures.renderer.render(SealFixtures.formOne()).bytes)
            files = try LongTermFixtures.make(
                in: fixtures.directory, rootKey: "\(fixtures.directory.path)/Keys/private/root-ca.key.pem",
                rootCertificate: fixtures.rootPath, unsigned: unsigned, revocation: revocation, sealDays: sealDays,
                embedRevocation: embedRevocation)
        }

        func file(_ name: String) throws -> [UInt8] { try require(files[name], name) }
    }

    @Test(.enabled(if: ExternalTool.isUsable("pyhanko", "python3")))
    func officerThenLockingSealAreRecognisedByRoleAndRevision() throws {
        let scenario = try Scenario()
        let verdict = try scenario.fixtures.verifier().verify(try scenario.file("sealed.pdf"))
        #expect(verdict.signatures.map(\.role) == [.officer, .seal])
        #expect(verdict.signatures.map(\.field) == ["Officer", "Seal"])
        let revisions = verdict.signatures.compactMap(\.revision)
        #expect(revisions.count == 2 && revisions[0] + 1 == revisions[1], "\(revisions)")
        #expect(verdict.signatures[0].title == "Phó Giám đốc")
        #expect(verdict.officer == "Lê Văn Hưởng")
        #expect(verdict.signer == "Sở Tư pháp thử nghiệm")
        #expect(verdict.department == "justice-test")
        for name in [DocumentVerdict.CheckName.allowedUpdates, .officerSignature, .sealSignature, .digest, .chain] {
            #expect(verdict.check(name)?.passed == true, "\(name): \(verdict.check(name)?.english ?? "")")
        }
        #expect(verdict.check(.officerSignature)?.english.contains("Lê Văn Hưởng (Phó Giám đốc)") == true)
        #expect(verdict.check(.digest)?.english.contains("all 2 signatures") == true)
        // The officer's signature alone does not lock: a seal may follow it.
        let officerOnly = try scenario.fixtures.verifier().verify(try scenario.file("officer.pdf"))
        #expect(officerOnly.signatures.map(\.role) == [.officer])
        #expect(officerOnly.check(.sealSignature)?.passed == false)
    }

    @Test(.enabled(if: ExternalTool.isUsable("pyhanko", "python3")))
    func validationDataAndDocumentTimestampAfterTheSealAreAllowed() throws {
        let scenario = try Scenario()
        let verdict = try scenario.fixtures.verifier().verify(try scenario.file("lta.pdf"))
        #expect(verdict.level == .longTermArchive)
        #expect(verdict.signatures.map(\.role) == [.officer, .seal, .documentTimestamp])
        #expect(verdict.check(.allowedUpdates)?.passed == true, "\(verdict.check(.allowedUpdates)?.english ?? "")")
        #expect(verdict.check(.byteRange)?.passed == true, "\(verdict.check(.byteRange)?.english ?? "")")
        let json = verdict.jsonValue().objectValue
        #expect(json?["level"] == "B-LTA")
        #expect(
            json?["signatures"]?.arrayValue?.map { $0.objectValue?["role"] } == [
                "officer", "seal",
                "document-timestamp",
            ])
    }

    /// After the seal's lock nothing but validation data and document timestamps may follow.
    @Test(.enabled(if: ExternalTool.isUsable("pyhanko", "python3")))
    func updatesAfterTheSealThatChangeTheDocumentFailAllowedUpdates() throws {
        let scenario = try Scenario()
        let verifier = try scenario.fixtures.verifier()
        let sealed = try scenario.file("sealed.pdf")
        let sealRevision = try require(verifier.verify(sealed).signatures.last?.revision)
        let cases = [
            ("page.pdf", "/Contents", "(page)"), ("field.pdf", "object", "changes"),
            ("third.pdf", "Third", "approval signature"),
        ]
        for (name, first, second) in cases {
            let verdict = verifier.verify(try scenario.file(name))
            let check = try #require(verdict.check(.allowedUpdates))
            #expect(!check.passed, "\(name) was allowed")
            #expect(verdict.outcome == .invalid, "\(name)")
            #expect(check.english.contains("Revision \(sealRevision + 1):"), "\(name): \(check.english)")
            #expect(check.vietnamese.contains("Phiên bản \(sealRevision + 1):"), "\(name): \(check.vietnamese)")
            #expect(check.english.contains(first) && check.english.contains(second), "\(name): \(check.english)")
            // The signatures themselves are intact: only the update is refused.
            #expect(verdict.check(.digest)?.passed == true, "\(name)")
        }
    }

    // MARK: - Proof of time and long-term validation

    @Test(.enabled(if: ExternalTool.isUsable("pyhanko", "python3")))
    func longTermDocumentIsValidWithEveryCheckPassed() throws {
        let scenario = try Scenario()
        let verdict = try scenario.fixtures.verifier().verify(try scenario.file("lta.pdf"))
        #expect(
            verdict.outcome == .valid, "\(verdict.checks.filter { !$0.passed }.map { "\($0.name): \($0.english)" })")
        #expect(verdict.checks.map(\.name) == DocumentVerdict.CheckName.offline)
        #expect(verdict.signatures.allSatisfy { $0.passed && $0.timestampTime != nil })
        // The signing time is the seal's signature timestamp, not the time the signer claims.
        #expect(verdict.signingTime == verdict.signatures[1].timestampTime)
        #expect(verdict.check(.timestamp)?.english.contains("CivicSeal TSA thử nghiệm") == true)
        #expect(verdict.check(.revocationAtSigningTime)?.english.contains("not revoked (OCSP)") == true)
        #expect(verdict.check(.longTerm)?.english.contains("1 document timestamp") == true)
        // `civicseal verify` lists each signature with its role, signer, times and revision, and exits 0.
        let path = try scenario.fixtures.directory.write("lta.pdf", try scenario.file("lta.pdf"))
        let command = try BuiltProduct.run("civicseal", ["verify", path, "--trust", scenario.fixtures.trustDirectory])
        #expect(command.status == 0, "\(command.text)\(command.errorText)")
        for line in [
            "Kết quả / Result: HỢP LỆ / VALID", "Mức PAdES / PAdES level: B-LTA",
            "Người có thẩm quyền / Officer: Lê Văn Hưởng", "1. người có thẩm quyền / officer: Lê Văn Hưởng",
            "Chức vụ / Title: Phó Giám đốc", "2. con dấu cơ quan / department seal: Sở Tư pháp thử nghiệm",
            "3. dấu thời gian tài liệu / document timestamp: CivicSeal TSA thử nghiệm",
            "✓ long-term:", "✓ officer-signature:", "✓ seal-signature:",
        ] {
            #expect(command.text.contains(line), "missing «\(line)» in \(command.text)")
        }
        // Without a document timestamp (B-T) the same signatures cannot be validated in the long term.
        let timestamped = try scenario.fixtures.verifier().verify(try scenario.file("sealed.pdf"))
        #expect(timestamped.level == .timestamp)
        #expect(timestamped.failedChecks == [.revocationAtSigningTime, .longTerm], "\(timestamped.failedChecks)")
        #expect(timestamped.check(.revocationAtSigningTime)?.english.contains("cannot be checked offline") == true)
    }

    /// Years later the seal certificate has expired: the document still verifies, offline, at its signing time —
    /// until the document timestamp's own TSA certificate expires without a renewal.
    @Test(.enabled(if: ExternalTool.isUsable("pyhanko", "python3")))
    func sealCertificateExpiredSinceSigningStillVerifiesAtTheSigningTime() throws {
        let scenario = try Scenario(sealDays: 3)
        let verifier = try scenario.fixtures.verifier()
        let lta = try scenario.file("lta.pdf")
        let later = Date().addingTimeInterval(400 * 86400)
        let verdict = verifier.verify(lta, at: later)
        #expect(
            verdict.outcome == .valid, "\(verdict.checks.filter { !$0.passed }.map { "\($0.name): \($0.english)" })")
        let seal = try #require(verdict.signatures.last { $0.role == .seal })
        #expect(try #require(seal.signingTime) < later)
        // Past the TSA certificate's six years nothing renewed the proof.
        let tooLate = verifier.verify(lta, at: Date().addingTimeInterval(7 * 366 * 86400))
        #expect(tooLate.failedChecks == [.longTerm], "\(tooLate.failedChecks)")
        #expect(tooLate.check(.longTerm)?.english.contains("no newer document timestamp renewed it") == true)
    }

    @Test(.enabled(if: ExternalTool.isUsable("pyhanko", "python3")))
    func sealRevokedAfterSigningStillVerifiesAtTheSigningTime() throws {
        let scenario = try Scenario(revocation: "revoked-after")
        let verdict = try scenario.fixtures.verifier().verify(try scenario.file("lta.pdf"))
        #expect(
            verdict.outcome == .valid, "\(verdict.checks.filter { !$0.passed }.map { "\($0.name): \($0.english)" })")
        #expect(verdict.check(.revocationAtSigningTime)?.english.contains("revoked at") == true)
        #expect(verdict.check(.revocationAtSigningTime)?.english.contains("after signing") == true)
    }

    @Test(.enabled(if: ExternalTool.isUsable("pyhanko", "python3")))
    func sealSignedAfterItsRevocationIsInvalid() throws {
        let scenario = try Scenario(revocation: "revoked-before")
        let verdict = try scenario.fixtures.verifier().verify(try scenario.file("lta.pdf"))
        #expect(verdict.outcome == .invalid)
        #expect(verdict.failedChecks == [.revocationAtSigningTime], "\(verdict.failedChecks)")
        let check = try #require(verdict.check(.revocationAtSigningTime))
        #expect(check.english.contains("signed after the revocation"), "\(check.english)")
        #expect(check.english.contains("keyCompromise"), "\(check.english)")
        #expect(check.vietnamese.contains("sau khi chứng thư số bị thu hồi"), "\(check.vietnamese)")
        #expect(verdict.signatures.last { $0.role == .seal }?.passed == false)
        #expect(verdict.signatures.first?.passed == true, "the officer's signature is not affected")
    }

    @Test(.enabled(if: ExternalTool.isUsable("pyhanko", "python3")))
    func documentWithoutEmbeddedRevocationDataSaysItCannotBeCheckedOffline() throws {
        let scenario = try Scenario(embedRevocation: false)
        let verdict = try scenario.fixtures.verifier().verify(try scenario.file("lta.pdf"))
        #expect(verdict.failedChecks == [.revocationAtSigningTime], "\(verdict.failedChecks)")
        #expect(verdict.check(.revocationAtSigningTime)?.vietnamese.contains("khi ngoại tuyến") == true)
        #expect(verdict.check(.revocationAtSigningTime)?.english.contains("cannot be checked offline") == true)
    }
}

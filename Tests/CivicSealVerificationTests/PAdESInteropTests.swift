import CivicSealCrypto
import CivicSealDocuments
import CivicSealSealing
import CivicSealTestSupport
import CivicSealVerification
import Foundation
import Testing

/// pdfsig fetches OCSP from a signer certificate's AIA and reports "Unknown issue" when no responder answers (its
/// `-no-ocsp` gives the same): the pdfsig tests here seal with a certificate of the same development root without AIA,
/// and the acceptance tests with `serve` up judge the keyring's own seal and officer certificates.
@Suite struct PAdESInteropTests {
    @Test(.enabled(if: ExternalTool.isUsable("pdfsig", "certutil")))
    func pdfsigReportsTheSealValidAndTrusted() throws {
        let fixtures = try SealFixtures()
        let (path, _) = try fixtures.sealedFormOne(signer: try fixtures.issueSigner())
        let nss = "\(fixtures.directory.path)/nss"
        try FileManager.default.createDirectory(atPath: nss, withIntermediateDirectories: true)
        #expect(try ExternalTool.run("certutil", ["-N", "-d", "sql:\(nss)", "--empty-password"]).status == 0)
        let added = try ExternalTool.run(
            "certutil", ["-A", "-d", "sql:\(nss)", "-n", "civicseal-dev-root", "-t", "CT,C,C", "-i", fixtures.rootPath])
        #expect(added.status == 0, "\(added.errorText)")
        let result = try ExternalTool.run("pdfsig", ["-nssdir", "sql:\(nss)", path])
        #expect(result.text.contains("Signature Validation: Signature is Valid."), "\(result.text)\(result.errorText)")
        #expect(result.text.contains("Certificate Validation: Certificate is Trusted."), "\(result.text)")
        #expect(result.text.contains("ETSI.CAdES.detached"), "\(result.text)")
        #expect(result.text.contains("Total document signed"), "\(result.text)")
    }

    @Test(.enabled(if: ExternalTool.isUsable("pyhanko")))
    func pyHankoReportsTheSealIntactAndTrusted() throws {
        let fixtures = try SealFixtures()
        let (path, _) = try fixtures.sealedFormOne()
        let result = try ExternalTool.run(
            "pyhanko",
            [
                "sign", "validate", "--pretty-print", "--no-revocation-check", "--trust-replace", "--trust",
                fixtures.rootPath, path,
            ])
        #expect(result.status == 0, "\(result.text)\(result.errorText)")
        for statement in [
            "The signer's certificate is trusted.", "The signature is cryptographically sound.",
            "The signature covers the entire file.", "The signature is judged VALID.",
        ] {
            #expect(result.text.contains(statement), "missing «\(statement)» in \(result.text)")
        }
    }
}

/// Every document type, sealed as issuance seals it, is accepted by validators nobody here wrote.
@Suite struct EveryDocumentTypeInteropTests {
    static let templates = DocumentFixtures.templateIDs

    static func sealed(_ templateID: String, _ fixtures: SealFixtures, signer: CMSSigner? = nil) throws -> String {
        var record = DocumentFixtures.record(templateID: templateID, holder: DocumentFixtures.holders[0])
        // Sealed now: the development seal certificate was issued a moment ago (the fixtures' fixed date precedes it).
        record.issuedAt = Date()
        let departmentID = record.department.id
        let department = try require(fixtures.keyring.department(departmentID), departmentID)
        let rendered = try fixtures.renderer.render(
            record, templateID: templateID,
            signature: SignaturePlaceholder(signerName: department.name, location: "Hà Nội"))
        return try fixtures.directory.write(
            "\(templateID).pdf", try PAdESSealer.seal(rendered.pdf, signer: try signer ?? department.signer()))
    }

    @Test(.enabled(if: ExternalTool.isUsable("pdfsig", "certutil")), arguments: templates)
    func pdfsigAcceptsEveryDocumentType(templateID: String) throws {
        let fixtures = try SealFixtures()
        let path = try Self.sealed(templateID, fixtures, signer: try fixtures.issueSigner())
        let nss = "\(fixtures.directory.path)/nss"
        try FileManager.default.createDirectory(atPath: nss, withIntermediateDirectories: true)
        #expect(try ExternalTool.run("certutil", ["-N", "-d", "sql:\(nss)", "--empty-password"]).status == 0)
        #expect(
            try ExternalTool.run(
                "certutil", ["-A", "-d", "sql:\(nss)", "-n", "root", "-t", "CT,C,C", "-i", fixtures.rootPath]
            ).status == 0)
        let result = try ExternalTool.run("pdfsig", ["-nssdir", "sql:\(nss)", path])
        #expect(
            result.text.contains("Signature Validation: Signature is Valid."),
            "\(templateID): \(result.text)\(result.errorText)")
        #expect(
            result.text.contains("Certificate Validation: Certificate is Trusted."), "\(templateID): \(result.text)")
    }

    @Test(.enabled(if: ExternalTool.isUsable("pyhanko")), arguments: templates)
    func pyHankoAcceptsEveryDocumentType(templateID: String) throws {
        let fixtures = try SealFixtures()
        let path = try Self.sealed(templateID, fixtures)
        let result = try ExternalTool.run(
            "pyhanko",
            [
                "sign", "validate", "--pretty-print", "--no-revocation-check", "--trust-replace", "--trust",
                fixtures.rootPath, path,
            ])
        #expect(
            result.text.contains("The signature is judged VALID."), "\(templateID): \(result.text)\(result.errorText)")
        #expect(result.text.contains("The signature covers the entire file."), "\(templateID): \(result.text)")
    }

    @Test(arguments: templates)
    func ourVerifierAcceptsEveryDocumentType(templateID: String) throws {
        let fixtures = try SealFixtures()
        let path = try Self.sealed(templateID, fixtures)
        let verdict = try DocumentVerifier(trustAnchors: fixtures.keyring.trustAnchors).verify(
            Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        #expect(verdict.outcome == .basic, "\(templateID): \(verdict.checks.filter { !$0.passed }.map(\.english))")
    }
}

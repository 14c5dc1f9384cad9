import CivicSealCrypto
import CivicSealSigner
import CivicSealTestSupport
import Foundation
import Testing

@Suite struct PAdESInteropTests {
    @Test(.enabled(if: ExternalTool.isUsable("pdfsig", "certutil")))
    func pdfsigReportsTheSealValidAndTrusted() throws {
        let fixtures = try SealFixtures()
        let (path, _) = try fixtures.sealedFormOne()
        let nss = "\(fixtures.directory.path)/nss"
        try FileManager.default.createDirectory(atPath: nss, withIntermediateDirectories: true)
        #expect(try ExternalTool.run("certutil", ["-N", "-d", "sql:\(nss)", "--empty-password"]).status == 0)
        let added = try ExternalTool.run("certutil", ["-A", "-d", "sql:\(nss)", "-n", "civicseal-dev-root", "-t", "CT,C,C", "-i", fixtures.rootPath])
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
            "pyhanko", ["sign", "validate", "--pretty-print", "--no-revocation-check", "--trust-replace", "--trust", fixtures.rootPath, path])
        #expect(result.status == 0, "\(result.text)\(result.errorText)")
        for statement in [
            "The signer's certificate is trusted.", "The signature is cryptographically sound.",
            "The signature covers the entire file.", "The signature is judged VALID.",
        ] {
            #expect(result.text.contains(statement), "missing «\(statement)» in \(result.text)")
        }
    }
}

import CivicSealCrypto
import CivicSealTestSupport
import Foundation
import Testing

@Suite struct CMSTests {
    static let content = Array("%PDF-1.7 … Không có án tích … Nguyễn Thị Ánh Tuyết".utf8)

    static func signer(
        _ pki: TestPKI, kind: KeyKind = .ecP256, algorithm: SignatureAlgorithm? = nil,
        notAfter: Date = TestPKI.now.addingTimeInterval(86400 * 365),
        keyUsage: KeyUsage = [.digitalSignature, .nonRepudiation]
    ) throws -> CMSSigner {
        let (key, certificate) = try pki.leaf(kind: kind, notAfter: notAfter, keyUsage: keyUsage)
        return try CMSSigner(key: key, certificate: certificate, chain: [pki.root], algorithm: algorithm)
    }

    @Test(arguments: [
        (KeyKind.ecP256, SignatureAlgorithm.ecdsa(.sha256)), (.ecP384, .ecdsa(.sha384)),
        (.rsa(bits: 3072), .rsaPSS(.sha256)), (.rsa(bits: 2048), .rsaPKCS1(.sha256)),
    ])
    func signedDataVerifiesWithSignerTimeAndESS(kind: KeyKind, algorithm: SignatureAlgorithm) throws {
        let pki = try TestPKI()
        let signer = try Self.signer(pki, kind: kind, algorithm: algorithm)
        let cms = try CMSSignedData.signDetached(Self.content, signer: signer, signingTime: TestPKI.now)
        let result = CMSSignedData.verifyDetached(
            cms, content: Self.content, validator: try ChainValidator(trustAnchors: [pki.root]),
            requireSigningCertificateV2: true)
        #expect(result.failure == nil, "\(String(describing: result.failure))")
        #expect(result.signerCertificate == signer.certificate)
        #expect(result.signingTime == TestPKI.now)
        #expect(result.hasSigningCertificateV2)
        #expect(result.signatureAlgorithm == algorithm)
        #expect(result.certificates.contains(pki.root))
        #expect(result.chain == [signer.certificate, pki.root])
    }

    @Test func tamperedContentIsNamedDigestMismatch() throws {
        let pki = try TestPKI()
        let cms = try CMSSignedData.signDetached(Self.content, signer: try Self.signer(pki), signingTime: TestPKI.now)
        var tampered = Self.content
        tampered[10] ^= 0x20
        let result = CMSSignedData.verifyDetached(
            cms, content: tampered, validator: try ChainValidator(trustAnchors: [pki.root]))
        #expect(result.failure == .digestMismatch)
        #expect(result.failure?.code == "digest-mismatch")
    }

    @Test func alteredSignatureIsNamedBadSignature() throws {
        let pki = try TestPKI()
        let signer = try Self.signer(pki, kind: .rsa(bits: 2048), algorithm: .rsaPKCS1(.sha256))
        var cms = try CMSSignedData.signDetached(Self.content, signer: signer, signingTime: TestPKI.now)
        cms[cms.count - 5] ^= 0x01  // inside the RSA signature value, the last field of the SignerInfo
        #expect(CMSSignedData.verifyDetached(cms, content: Self.content).failure == .badSignature)
    }

    @Test func signerFromAnotherRootIsNamedUntrusted() throws {
        let pki = try TestPKI()
        let other = try TestPKI(commonName: "Another Root")
        let cms = try CMSSignedData.signDetached(Self.content, signer: try Self.signer(other), signingTime: TestPKI.now)
        let result = CMSSignedData.verifyDetached(
            cms, content: Self.content, validator: try ChainValidator(trustAnchors: [pki.root]))
        #expect(result.failure?.code == "certificate-untrusted-root")
    }

    @Test func signerExpiredAtSigningTimeIsNamedExpired() throws {
        let pki = try TestPKI()
        let signer = try Self.signer(pki, notAfter: TestPKI.now.addingTimeInterval(60))
        let cms = try CMSSignedData.signDetached(
            Self.content, signer: signer, signingTime: TestPKI.now.addingTimeInterval(3600))
        let result = CMSSignedData.verifyDetached(
            cms, content: Self.content, validator: try ChainValidator(trustAnchors: [pki.root]))
        #expect(result.failure?.code == "certificate-expired")
        #expect(result.signingTime == TestPKI.now.addingTimeInterval(3600))
    }

    @Test func signerWithWrongKeyUsageIsNamed() throws {
        let pki = try TestPKI()
        let signer = try Self.signer(pki, keyUsage: [.keyAgreement])
        let cms = try CMSSignedData.signDetached(Self.content, signer: signer, signingTime: TestPKI.now)
        let result = CMSSignedData.verifyDetached(
            cms, content: Self.content, validator: try ChainValidator(trustAnchors: [pki.root]))
        #expect(result.failure?.code == "certificate-wrong-key-usage")
    }

    @Test func garbageAndTrailingBytesAreMalformed() throws {
        let pki = try TestPKI()
        let cms = try CMSSignedData.signDetached(Self.content, signer: try Self.signer(pki), signingTime: TestPKI.now)
        #expect(CMSSignedData.verifyDetached(cms + [0], content: Self.content).failure?.code == "malformed")
        #expect(CMSSignedData.verifyDetached([0x30, 0x00], content: Self.content).failure?.code == "malformed")
        #expect(CMSSignedData.verifyDetached([], content: Self.content).failure?.code == "malformed")
    }

    @Test func keyThatDoesNotMatchTheCertificateIsRefused() throws {
        let pki = try TestPKI()
        let (_, certificate) = try pki.leaf()
        #expect(throws: CryptoError(.invalidArgument, "")) {
            try CMSSigner(key: try PrivateKey.generate(.ecP256), certificate: certificate)
        }
    }

    // MARK: Interoperability with openssl cms

    @Test(.enabled(if: ExternalTool.isUsable("openssl")), arguments: [KeyKind.ecP256, .rsa(bits: 3072)])
    func ourCMSVerifiesWithOpenSSLAndShowsSigningCertificateV2(kind: KeyKind) throws {
        let pki = try TestPKI()
        let cms = try CMSSignedData.signDetached(
            Self.content, signer: try Self.signer(pki, kind: kind), signingTime: Date())
        let directory = TemporaryDirectory()
        let cmsPath = try directory.write("sig.der", cms)
        let dataPath = try directory.write("data.bin", Self.content)
        let rootPath = try directory.write("root.pem", text: pki.root.pem)
        let verified = try ExternalTool.run(
            "openssl",
            [
                "cms", "-verify", "-binary", "-inform", "DER", "-in", cmsPath, "-content", dataPath, "-CAfile",
                rootPath, "-purpose", "any", "-out", "/dev/null",
            ])
        #expect(verified.status == 0 && verified.errorText.contains("Verification successful"), "\(verified.errorText)")
        let printed = try ExternalTool.run("openssl", ["cms", "-cmsout", "-print", "-inform", "DER", "-in", cmsPath])
        #expect(printed.status == 0)
        #expect(printed.text.contains("id-smime-aa-signingCertificateV2"), "signing-certificate-v2 not printed")
        #expect(
            printed.text.contains("signingTime") && printed.text.contains("messageDigest")
                && printed.text.contains("contentType"))
        if case .rsa = kind { #expect(printed.text.contains("rsassaPss")) }

        var tampered = Self.content
        tampered[0] ^= 1
        let tamperedPath = try directory.write("tampered.bin", tampered)
        let refused = try ExternalTool.run(
            "openssl",
            [
                "cms", "-verify", "-binary", "-inform", "DER", "-in", cmsPath, "-content", tamperedPath, "-CAfile",
                rootPath, "-purpose", "any", "-out", "/dev/null",
            ])
        #expect(refused.status != 0)
    }

    @Test(.enabled(if: ExternalTool.isUsable("openssl")), arguments: [false, true])
    func openSSLMadeCMSVerifiesHere(cades: Bool) throws {
        let pki = try TestPKI()
        let (key, certificate) = try pki.leaf()
        let directory = TemporaryDirectory()
        let dataPath = try directory.write("data.bin", Self.content)
        let keyPath = try directory.write("key.pem", text: try key.pkcs8PEM())
        let certPath = try directory.write("cert.pem", text: certificate.pem)
        let rootPath = try directory.write("root.pem", text: pki.root.pem)
        let made = try ExternalTool.run(
            "openssl",
            [
                "cms", "-sign", "-binary", "-in", dataPath, "-signer", certPath, "-inkey", keyPath,
                "-certfile", rootPath, "-md", "sha256", "-outform", "DER", "-out", "\(directory.path)/sig.der",
            ] + (cades ? ["-cades"] : []))
        #expect(made.status == 0, "\(made.errorText)")
        let cms = Array(try directory.read("sig.der"))
        let result = CMSSignedData.verifyDetached(
            cms, content: Self.content, validator: try ChainValidator(trustAnchors: [pki.root]), at: Date(),
            requireSigningCertificateV2: cades)
        #expect(result.failure == nil, "\(String(describing: result.failure))")
        #expect(result.signerCertificate == certificate)
        #expect(result.hasSigningCertificateV2 == cades)
        #expect(result.signingTime != nil)
        var tampered = Self.content
        tampered[3] ^= 1
        #expect(CMSSignedData.verifyDetached(cms, content: tampered).failure == .digestMismatch)
    }
}

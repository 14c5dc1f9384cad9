import CivicSealCrypto
import CivicSealTestSupport
import Foundation
import Testing

/// The signers that build on `PrivateKey.signature(for:algorithm:)` work unchanged with a key in a token.
@Suite("PKCS #11 signers")
struct PKCS11SigningTests {
    static let content = Array("%PDF-1.7 a decision sealed in a token".utf8)

    /// A token key with a certificate from a PEM root (the CA stays in memory).
    static func tokenSigner(_ kind: KeyKind = .ecP256, extendedKeyUsage: [String] = []) throws -> (
        pki: TestPKI, key: PrivateKey, certificate: Certificate
    ) {
        let pki = try TestPKI()
        let key = try SoftHSMToken.make().open().generateKeyPair(kind, label: "signer")
        var builder = CertificateBuilder.documentSigner(
            subject: DistinguishedName(
                commonName: "Sở Tư pháp (token)", organization: "CivicSeal tests", country: "VN"),
            publicKey: key.publicKey, notBefore: Date().addingTimeInterval(-3600),
            notAfter: Date().addingTimeInterval(86400))
        builder.extendedKeyUsage = extendedKeyUsage
        return (pki, key, try builder.issued(by: pki.root, key: pki.rootKey))
    }

    @Test(
        "CMS signed with a token key verifies with openssl cms -verify",
        .enabled(if: SoftHSMToken.isUsable && ExternalTool.isUsable("openssl")),
        arguments: [KeyKind.ecP256, .ecP384])
    func cms(kind: KeyKind) async throws {
        let (pki, key, certificate) = try Self.tokenSigner(kind)
        let signer = try CMSSigner(key: key, certificate: certificate, chain: [pki.root])
        let cms = try CMSSignedData.signDetached(Self.content, signer: signer, signingTime: Date())
        #expect(CMSSignedData.verifyDetached(cms, content: Self.content).failure == nil)
        let directory = TemporaryDirectory()
        let verified = try await ExternalTool.runOnOwnThread(
            "openssl",
            [
                "cms", "-verify", "-binary", "-inform", "DER", "-in", try directory.write("sig.der", cms), "-content",
                try directory.write("data.bin", Self.content), "-CAfile",
                try directory.write("root.pem", text: pki.root.pem), "-purpose", "any", "-out", "/dev/null",
            ])
        #expect(verified.status == 0 && verified.errorText.contains("Verification successful"), "\(verified.errorText)")
    }
}

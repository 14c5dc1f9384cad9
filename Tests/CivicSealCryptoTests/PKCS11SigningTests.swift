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

    @Test(
        "A time-stamp authority with its key in a token: openssl ts -verify accepts the reply",
        .enabled(if: SoftHSMToken.isUsable && ExternalTool.isUsable("openssl")),
        arguments: [KeyKind.ecP256, .rsa(bits: 2048)])
    func timeStampAuthority(kind: KeyKind) async throws {
        let pki = try TestPKI()
        let key = try SoftHSMToken.make().open().generateKeyPair(kind, label: "tsa")
        let certificate = try CertificateBuilder.timeStampingAuthority(
            subject: DistinguishedName(commonName: "CivicSeal TSA (token)", country: "VN"), publicKey: key.publicKey,
            notBefore: Date().addingTimeInterval(-3600), notAfter: Date().addingTimeInterval(86400)
        ).issued(by: pki.root, key: pki.rootKey)
        let authority = try TimeStampAuthority(
            signer: try CMSSigner(key: key, certificate: certificate, chain: [pki.root]), policy: "1.2.3.4.1",
            serials: RandomTimeStampSerialSource())
        let directory = TemporaryDirectory()
        let data = try directory.write("data.bin", Self.content)
        let query = try await ExternalTool.runOnOwnThread(
            "openssl", ["ts", "-query", "-data", data, "-sha256", "-cert", "-out", directory.path + "/q.tsq"])
        #expect(query.status == 0, "\(query.errorText)")
        let reply = try directory.write("r.tsr", authority.respond(to: Array(try directory.read("q.tsq"))))
        let verified = try await ExternalTool.runOnOwnThread(
            "openssl",
            [
                "ts", "-verify", "-data", data, "-in", reply, "-CAfile",
                try directory.write("root.pem", text: pki.root.pem), "-untrusted",
                try directory.write("tsa.pem", text: certificate.pem),
            ])
        #expect(verified.status == 0 && verified.text.contains("Verification: OK"), "\(verified.errorText)")
    }

    @Test(
        "A JWS signed with a token key verifies with our JWSVerifier", .enabled(if: SoftHSMToken.isUsable),
        arguments: [KeyKind.ecP256, .ecP384, .rsa(bits: 2048)])
    func jws(kind: KeyKind) throws {
        let key = try SoftHSMToken.make().open().generateKeyPair(kind, label: "status-signer")
        let signer = try JWSSigner(privateKey: key, keyID: "token-key")
        let token = try signer.sign(claims: ["sub": "document-42", "status": "valid"])
        let verified = try JWSVerifier(keySet: JSONWebKeySet(keys: [try signer.publicJWK()])).verify(token)
        #expect(try verified.payloadJSONObject()["sub"] == "document-42")
    }

    @Test(
        "An OCSP responder with its key in a token: openssl ocsp -respin verifies the response",
        .enabled(if: SoftHSMToken.isUsable && ExternalTool.isUsable("openssl")),
        arguments: [KeyKind.ecP256, .ecP384, .rsa(bits: 2048)])
    func ocspResponder(kind: KeyKind) async throws {
        let pki = try TestPKI()
        let key = try SoftHSMToken.make().open().generateKeyPair(kind, label: "ocsp")
        let responderCertificate = try CertificateBuilder.ocspResponder(
            subject: DistinguishedName(commonName: "CivicSeal OCSP (token)", country: "VN"), publicKey: key.publicKey,
            notBefore: Date().addingTimeInterval(-3600), notAfter: Date().addingTimeInterval(86400)
        ).issued(by: pki.root, key: pki.rootKey)
        let (_, good) = try pki.leaf("good", notBefore: Date().addingTimeInterval(-3600))
        let (_, revoked) = try pki.leaf("revoked", notBefore: Date().addingTimeInterval(-3600))
        let responder = try OCSPResponder(
            signer: try CMSSigner(key: key, certificate: responderCertificate), issuer: pki.root
        ) { serial in
            serial == revoked.serialNumberBytes ? .revoked(at: Date() - 60, reason: .keyCompromise) : .good
        }
        // Our own reader agrees.
        let parsed = try OCSPResponse(der: try responder.response(for: good))
        #expect(parsed.status(of: good, issuer: pki.root, at: Date())?.status == .good)
        #expect(parsed.responderCertificates.contains(responderCertificate))

        let directory = TemporaryDirectory()
        let root = try directory.write("root.pem", text: pki.root.pem)
        for (certificate, expected) in [(good, ": good"), (revoked, ": revoked")] {
            let leaf = try directory.write("leaf.pem", text: certificate.pem)
            let response = try directory.write("response.der", try responder.response(for: certificate))
            let checked = try await ExternalTool.runOnOwnThread(
                "openssl", ["ocsp", "-respin", response, "-issuer", root, "-cert", leaf, "-CAfile", root, "-resp_text"])
            #expect(checked.status == 0, "\(checked.errorText)")
            #expect(checked.errorText.contains("Response verify OK"), "\(checked.errorText)")
            #expect(checked.text.contains(leaf + expected), "\(checked.text)")
        }
    }
}

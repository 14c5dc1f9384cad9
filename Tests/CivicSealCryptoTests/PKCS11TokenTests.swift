import CivicSealCrypto
import CivicSealTestSupport
import Foundation
import Testing

/// Keys in a real SoftHSM2 token, through our own PKCS #11 layer.
@Suite("PKCS #11 tokens")
struct PKCS11TokenTests {
    static let message = Array("Quyết định số 42/2026/QĐ-UBND".utf8)

    @Test(
        "The module's function table is read at the spec's offsets: C_GetInfo names SoftHSM",
        .enabled(if: SoftHSMToken.isUsable))
    func moduleInfo() throws {
        let token = try SoftHSMToken.make().open()
        #expect(token.moduleManufacturer == "SoftHSM")
    }

    @Test(
        "P-256 and P-384 keys generated in the token sign; our PublicKey and openssl dgst verify",
        .enabled(if: SoftHSMToken.isUsable && ExternalTool.isUsable("openssl")),
        arguments: [KeyKind.ecP256, .ecP384])
    func generateSignVerify(kind: KeyKind) async throws {
        let fixture = try SoftHSMToken.make()
        let token = try fixture.open()
        let key = try token.generateKeyPair(kind, label: "seal-\(kind == .ecP256 ? "p256" : "p384")")
        #expect(key.kind == kind)
        guard case .token(let uri) = key.location else {
            Issue.record("not a token key")
            return
        }
        #expect(uri.token == fixture.label && uri.object != nil && uri.id?.count == 16 && uri.type == "private")
        let algorithm = SignatureAlgorithm.preferred(for: kind)
        let signature = try key.signature(for: Self.message, algorithm: algorithm)
        #expect(key.publicKey.isValidSignature(signature, for: Self.message, algorithm: algorithm))
        var tampered = Self.message
        tampered[0] ^= 1
        #expect(!key.publicKey.isValidSignature(signature, for: tampered, algorithm: algorithm))

        let directory = TemporaryDirectory()
        let digest = kind == .ecP256 ? "-sha256" : "-sha384"
        let verified = try await ExternalTool.runOnOwnThread(
            "openssl",
            [
                "dgst", digest, "-verify", try directory.write("public.pem", text: key.publicKey.pem()), "-signature",
                try directory.write("sig.der", signature), try directory.write("message", Self.message),
            ])
        #expect(verified.status == 0 && verified.text.contains("Verified OK"), "\(verified.text)\(verified.errorText)")

        // Loaded again by the URI (label and id), the same key.
        let again = try token.privateKey(matching: uri)
        #expect(try again.publicKey.spkiDER() == key.publicKey.spkiDER())
        let byLabel = try fixture.open().privateKey(matching: fixture.uri.with(object: uri.object, id: nil))
        #expect(
            byLabel.publicKey.isValidSignature(
                try byLabel.signature(for: Self.message, algorithm: algorithm), for: Self.message, algorithm: algorithm)
        )
    }

    @Test("An RSA key generated in the token signs PKCS#1 v1.5 and PSS", .enabled(if: SoftHSMToken.isUsable))
    func rsa() throws {
        let key = try SoftHSMToken.make().open().generateKeyPair(.rsa(bits: 2048), label: "rsa")
        #expect(key.kind == .rsa(bits: 2048))
        for algorithm in [SignatureAlgorithm.rsaPKCS1(.sha256), .rsaPSS(.sha256), .rsaPSS(.sha384), .rsaPKCS1(.sha512)]
        {
            let signature = try key.signature(for: Self.message, algorithm: algorithm)
            #expect(key.publicKey.isValidSignature(signature, for: Self.message, algorithm: algorithm), "\(algorithm)")
        }
    }
}

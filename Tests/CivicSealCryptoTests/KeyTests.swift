import CivicSealCrypto
import CivicSealTestSupport
import Foundation
import Testing

@Suite struct KeyTests {
    static let allAlgorithms: [(KeyKind, SignatureAlgorithm)] = [
        (.ecP256, .ecdsa(.sha256)), (.ecP384, .ecdsa(.sha384)), (.ed25519, .ed25519),
        (.rsa(bits: 2048), .rsaPKCS1(.sha256)), (.rsa(bits: 2048), .rsaPSS(.sha256)),
        (.rsa(bits: 3072), .rsaPSS(.sha384)),
    ]

    @Test(arguments: allAlgorithms)
    func signatureVerifiesAndFailsWhenDataChanges(kind: KeyKind, algorithm: SignatureAlgorithm) throws {
        let key = try PrivateKey.generate(kind)
        #expect(key.kind == kind)
        let message = Array("Phiếu lý lịch tư pháp số 1".utf8)
        let signature = try key.signature(for: message, algorithm: algorithm)
        #expect(key.publicKey.isValidSignature(signature, for: message, algorithm: algorithm))
        var altered = message
        altered[0] ^= 1
        #expect(!key.publicKey.isValidSignature(signature, for: altered, algorithm: algorithm))
        var badSignature = signature
        badSignature[badSignature.count / 2] ^= 0x40
        #expect(!key.publicKey.isValidSignature(badSignature, for: message, algorithm: algorithm))
    }

    @Test func algorithmThatDoesNotFitTheKeyIsRefused() throws {
        let key = try PrivateKey.generate(.ecP256)
        #expect(throws: CryptoError(.keyAlgorithmMismatch, "")) {
            try key.signature(for: [1, 2, 3] as [UInt8], algorithm: .rsaPSS(.sha256))
        }
        let signature = try key.signature(for: [1] as [UInt8], algorithm: .ecdsa(.sha256))
        #expect(!key.publicKey.isValidSignature(signature, for: [1] as [UInt8], algorithm: .ed25519))
    }

    @Test func rsaOutsideTheAcceptedSizesIsRefused() {
        #expect(throws: CryptoError(.unsupportedAlgorithm, "")) { try PrivateKey.generate(.rsa(bits: 1024)) }
        #expect(throws: CryptoError(.unsupportedAlgorithm, "")) { try PrivateKey.generate(.rsa(bits: 8192)) }
    }

    @Test(arguments: [KeyKind.ecP256, .ecP384, .ed25519, .rsa(bits: 2048)])
    func pkcs8PEMRoundTripsPlainAndEncrypted(kind: KeyKind) throws {
        let key = try PrivateKey.generate(kind)
        let plain = try key.pkcs8PEM()
        #expect(plain.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        let encrypted = try key.pkcs8PEM(passphrase: "mật khẩu đủ dài")
        #expect(encrypted.hasPrefix("-----BEGIN ENCRYPTED PRIVATE KEY-----"))
        let again = try PrivateKey(pem: encrypted, passphrase: "mật khẩu đủ dài")
        #expect(try again.publicKey.spkiDER() == key.publicKey.spkiDER())
        #expect(try PrivateKey(pem: plain).publicKey.spkiDER() == key.publicKey.spkiDER())
    }

    @Test func wrongOrMissingPassphraseIsItsOwnError() throws {
        let encrypted = try PrivateKey.generate(.ecP256).pkcs8PEM(passphrase: "correct horse")
        #expect(throws: CryptoError(.wrongPassphrase, "")) { try PrivateKey(pem: encrypted, passphrase: "wrong horse") }
        #expect(throws: CryptoError(.wrongPassphrase, "")) { try PrivateKey(pem: encrypted) }
    }

    @Test func sec1RoundTripsForECKeysOnly() throws {
        let key = try PrivateKey.generate(.ecP384)
        let sec1 = try key.sec1PEM()
        #expect(sec1.hasPrefix("-----BEGIN EC PRIVATE KEY-----"))
        #expect(try PrivateKey(pem: sec1).publicKey.spkiDER() == key.publicKey.spkiDER())
        #expect(throws: CryptoError(.keyAlgorithmMismatch, "")) { try PrivateKey.generate(.ed25519).sec1PEM() }
    }

    @Test func garbageIsMalformedInput() {
        #expect(throws: CryptoError(.malformedInput, "")) { try PrivateKey(pem: "hello") }
        #expect(throws: CryptoError(.malformedInput, "")) {
            try PrivateKey(pem: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
        }
        #expect(throws: CryptoError(.malformedInput, "")) { try PublicKey(spkiDER: [0x30, 0x03, 0x02, 0x01, 0x00]) }
        #expect(throws: CryptoError(.malformedInput, "")) { try PublicKey(ed25519: [1, 2, 3]) }
    }

    @Test func ecPointOffTheCurveIsRefused() throws {
        guard case .ec(_, let x, var y) = try PrivateKey.generate(.ecP256).publicKey.components() else {
            Issue.record("expected EC components")
            return
        }
        y[31] ^= 1
        #expect(throws: CryptoError(.malformedInput, "")) { try PublicKey(ecCurve: .ecP256, x: x, y: y) }
    }

    @Test(arguments: [KeyKind.ecP256, .ecP384, .ed25519, .rsa(bits: 2048)])
    func publicComponentsRebuildTheSameKey(kind: KeyKind) throws {
        let key = try PrivateKey.generate(kind).publicKey
        let rebuilt: PublicKey =
            switch try key.components() {
            case .ec(let kind, let x, let y): try PublicKey(ecCurve: kind, x: x, y: y)
            case .rsa(let n, let e): try PublicKey(rsaModulus: n, exponent: e)
            case .ed25519(let raw): try PublicKey(ed25519: raw)
            }
        #expect(try rebuilt.spkiDER() == key.spkiDER())
        #expect(try PublicKey(pem: key.pem()).spkiDER() == key.spkiDER())
    }

    @Test func ecdsaRawAndDERConvertBothWays() throws {
        let key = try PrivateKey.generate(.ecP256)
        let der = try key.signature(for: [9] as [UInt8], algorithm: .ecdsa(.sha256))
        let raw = try ECDSASignature.raw(fromDER: der, componentLength: 32)
        #expect(raw.count == 64)
        #expect(try ECDSASignature.der(fromRaw: raw, componentLength: 32) == der)
        #expect(throws: CryptoError(.malformedInput, "")) {
            try ECDSASignature.der(fromRaw: Array(raw.dropLast()), componentLength: 32)
        }
    }

    // MARK: Interoperability with the openssl CLI

    @Test(
        .enabled(if: ExternalTool.isUsable("openssl")),
        arguments: [
            ("EC", ["-pkeyopt", "ec_paramgen_curve:P-256"], KeyKind.ecP256),
            ("EC", ["-pkeyopt", "ec_paramgen_curve:P-384"], KeyKind.ecP384),
            ("ED25519", [], KeyKind.ed25519),
            ("RSA", ["-pkeyopt", "rsa_keygen_bits:3072"], KeyKind.rsa(bits: 3072)),
        ])
    func keysMadeByOpenSSLLoad(algorithm: String, options: [String], kind: KeyKind) throws {
        let generated = try ExternalTool.run("openssl", ["genpkey", "-algorithm", algorithm] + options)
        #expect(generated.status == 0, "\(generated.errorText)")
        let key = try PrivateKey(pem: generated.text)
        #expect(key.kind == kind)
        if algorithm == "EC" {
            let sec1 = try ExternalTool.run("openssl", ["ec", "-outform", "PEM"], input: generated.standardOutput)
            #expect(sec1.text.contains("BEGIN EC PRIVATE KEY"))
            #expect(try PrivateKey(pem: sec1.text).publicKey.spkiDER() == key.publicKey.spkiDER())
        }
    }

    @Test(.enabled(if: ExternalTool.isUsable("openssl")))
    func encryptedPKCS8DecryptsWithOpenSSL() throws {
        let key = try PrivateKey.generate(.ecP256)
        let directory = TemporaryDirectory()
        try directory.write("key.pem", text: try key.pkcs8PEM(passphrase: "s3cret-pass"))
        let decrypted = try ExternalTool.run(
            "openssl", ["pkey", "-in", "\(directory.path)/key.pem", "-passin", "pass:s3cret-pass", "-pubout"])
        #expect(decrypted.status == 0, "\(decrypted.errorText)")
        #expect(try PublicKey(pem: decrypted.text).spkiDER() == key.publicKey.spkiDER())
        let wrong = try ExternalTool.run(
            "openssl", ["pkey", "-in", "\(directory.path)/key.pem", "-passin", "pass:nope"])
        #expect(wrong.status != 0)
    }

    @Test(
        .enabled(if: ExternalTool.isUsable("openssl")),
        arguments: [
            (KeyKind.ecP256, SignatureAlgorithm.ecdsa(.sha256), ["-sha256"]),
            (KeyKind.rsa(bits: 2048), SignatureAlgorithm.rsaPKCS1(.sha256), ["-sha256"]),
            (
                KeyKind.rsa(bits: 2048), SignatureAlgorithm.rsaPSS(.sha256),
                ["-sha256", "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:digest"]
            ),
        ])
    func signaturesVerifyWithOpenSSL(kind: KeyKind, algorithm: SignatureAlgorithm, options: [String]) throws {
        let key = try PrivateKey.generate(kind)
        let message = Array("Độc lập - Tự do - Hạnh phúc".utf8)
        let directory = TemporaryDirectory()
        let pub = try directory.write("pub.pem", text: try key.publicKey.pem())
        let sig = try directory.write("sig.bin", try key.signature(for: message, algorithm: algorithm))
        let data = try directory.write("data.bin", message)
        let verified = try ExternalTool.run("openssl", ["dgst"] + options + ["-verify", pub, "-signature", sig, data])
        #expect(verified.status == 0 && verified.text.contains("Verified OK"), "\(verified.text)\(verified.errorText)")
    }

    @Test(.enabled(if: ExternalTool.isUsable("openssl")))
    func ed25519SignatureVerifiesWithOpenSSL() throws {
        let key = try PrivateKey.generate(.ed25519)
        let message = Array("Sở Y tế thành phố Hà Nội".utf8)
        let directory = TemporaryDirectory()
        let pub = try directory.write("pub.pem", text: try key.publicKey.pem())
        let sig = try directory.write("sig.bin", try key.signature(for: message, algorithm: .ed25519))
        let data = try directory.write("data.bin", message)
        let verified = try ExternalTool.run(
            "openssl", ["pkeyutl", "-verify", "-pubin", "-inkey", pub, "-rawin", "-in", data, "-sigfile", sig])
        #expect(
            verified.status == 0 && verified.text.contains("Signature Verified Successfully"),
            "\(verified.text)\(verified.errorText)")
    }
}

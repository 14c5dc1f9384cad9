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

    @Test(
        "pkcs11-tool, an independent client, lists the generated key as sensitive and never extractable",
        .enabled(if: SoftHSMToken.isUsable && ExternalTool.isUsable("pkcs11-tool")))
    func independentClientSeesASensitiveKey() async throws {
        let fixture = try SoftHSMToken.make()
        _ = try fixture.open().generateKeyPair(.ecP256, label: "seal-justice")
        // The test token's PIN on argv is pkcs11-tool's way; the product never does this.
        let listed = try await ExternalTool.runOnOwnThread(
            "pkcs11-tool",
            [
                "--module", fixture.modulePath, "--token-label", fixture.label, "--login", "--pin", fixture.pin,
                "--list-objects", "--type", "privkey",
            ])
        #expect(listed.status == 0, "\(listed.errorText)")
        #expect(listed.text.contains("label:      seal-justice"), "\(listed.text)")
        #expect(listed.text.contains("sensitive") && listed.text.contains("never extractable"), "\(listed.text)")
        #expect(listed.text.contains("Usage:") && listed.text.contains("sign"), "\(listed.text)")
    }

    @Test(
        "A key another process generates in the token (pkcs11-tool --keypairgen) is found by label and id, and signs",
        .enabled(if: SoftHSMToken.isUsable && ExternalTool.isUsable("pkcs11-tool")))
    func keyFromAnotherProcess() async throws {
        let fixture = try SoftHSMToken.make()
        let token = try fixture.open()  // logged in before the other process writes the key
        let generated = try await ExternalTool.runOnOwnThread(
            "pkcs11-tool",
            [
                "--module", fixture.modulePath, "--token-label", fixture.label, "--login", "--pin", fixture.pin,
                "--keypairgen", "--key-type", "EC:secp384r1", "--label", "made-elsewhere", "--id", "c1a55e",
            ])
        #expect(generated.status == 0, "\(generated.errorText)")
        for uri in [
            fixture.uri.with(object: "made-elsewhere", id: nil), fixture.uri.with(object: nil, id: [0xC1, 0xA5, 0x5E]),
        ] {
            let key = try token.privateKey(matching: uri)
            #expect(key.kind == .ecP384 && key.location == .token(uri))
            let signature = try key.signature(for: Self.message, algorithm: .ecdsa(.sha384))
            #expect(key.publicKey.isValidSignature(signature, for: Self.message, algorithm: .ecdsa(.sha384)))
        }
    }

    @Test(
        "A token softhsm2-util initialises in the shared directory is a working token for another process",
        .enabled(if: SoftHSMToken.isUsable && ExternalTool.isUsable("softhsm2-util", "pkcs11-tool")))
    func softhsm2UtilToken() async throws {
        let fixture = try SoftHSMToken.make(via: .softhsm2Util)
        let tool = [
            "--module", fixture.modulePath, "--token-label", fixture.label, "--login", "--pin", fixture.pin,
        ]
        let generated = try await ExternalTool.runOnOwnThread(
            "pkcs11-tool", tool + ["--keypairgen", "--key-type", "EC:prime256v1", "--label", "child-key"])
        #expect(generated.status == 0, "\(generated.errorText)")
        let listed = try await ExternalTool.runOnOwnThread(
            "pkcs11-tool", tool + ["--list-objects", "--type", "privkey"])
        #expect(listed.text.contains("child-key"), "\(listed.text)")
        #expect(fixture.environment == ["SOFTHSM2_CONF": fixture.configPath])
    }

    @Test(
        "The token refuses the private value (CKR_ATTRIBUTE_SENSITIVE); no PEM and no OpenSSL use of a token key",
        .enabled(if: SoftHSMToken.isUsable))
    func keyNeverLeavesTheToken() throws {
        let token = try SoftHSMToken.make().open()
        let key = try token.generateKeyPair(.ecP256, label: "seal")
        let refused = #expect(throws: CryptoError.self) { try token.readSecretValue(of: key) }
        #expect(refused?.code == .tokenFailure && refused?.message.contains("CKR_ATTRIBUTE_SENSITIVE") == true)
        #expect(throws: CryptoError(.keyNotExportable, "")) { try key.pkcs8PEM() }
        #expect(throws: CryptoError(.keyNotExportable, "")) { try key.pkcs8PEM(passphrase: "a passphrase") }
        #expect(throws: CryptoError(.keyNotExportable, "")) { try key.sec1PEM() }
        let selfSigned = #expect(throws: CryptoError.self) {
            try CertificateBuilder.rootAuthority(
                subject: DistinguishedName(commonName: "A CA in a token", country: "VN"), publicKey: key.publicKey,
                notBefore: Date(), notAfter: Date() + 86400
            ).selfSigned(with: key)
        }
        #expect(selfSigned?.code == .keyNotExportable)
        #expect(try PrivateKey.generate(.ecP256).location == .memory)
    }

    @Test("A wrong PIN is tokenLoginFailed, and neither PIN appears in the error", .enabled(if: SoftHSMToken.isUsable))
    func wrongPIN() throws {
        let fixture = try SoftHSMToken.make()
        let directory = TemporaryDirectory()
        let wrong = "wrong-\(fixture.pin.prefix(4))-pin"
        let file = try directory.write("pin", text: wrong + "\n")
        let error = #expect(throws: CryptoError.self) {
            try PKCS11Token.open(modulePath: fixture.modulePath, uri: fixture.uri, pin: .file(file))
        }
        #expect(error?.code == .tokenLoginFailed)
        #expect(error?.message.contains("CKR_PIN_INCORRECT") == true, "\(String(describing: error))")
        #expect(error.map { !"\($0)".contains(wrong) && !"\($0)".contains(fixture.pin) } == true)
        // The right PIN still opens it (one wrong try does not lock SoftHSM's token).
        #expect(try fixture.open().moduleManufacturer == "SoftHSM")
    }

    @Test("A module that is missing or not a PKCS #11 module is tokenModuleUnavailable")
    func missingModule() throws {
        let pin = PINSource.environment("CIVICSEAL_NO_SUCH_PIN")
        for path in ["/nonexistent/libpkcs11.so", "relative/libsofthsm2.so", "/etc/hostname"] {
            let error = #expect(throws: CryptoError.self) {
                try PKCS11Token.open(modulePath: path, uri: PKCS11URI("pkcs11:token=x"), pin: pin)
            }
            #expect(error?.code == .tokenModuleUnavailable, "\(path): \(String(describing: error))")
        }
        // A real shared library without C_GetFunctionList.
        if let library = ["/usr/lib/x86_64-linux-gnu/libz.so.1", "/lib/x86_64-linux-gnu/libz.so.1"].first(where: {
            FileManager.default.fileExists(atPath: $0)
        }) {
            let error = #expect(throws: CryptoError.self) {
                try PKCS11Token.open(modulePath: library, uri: PKCS11URI("pkcs11:token=x"), pin: pin)
            }
            #expect(error?.code == .tokenModuleUnavailable && error?.message.contains("C_GetFunctionList") == true)
        }
    }

    @Test(
        "A token or key that is not there is tokenNotPresent or tokenKeyNotFound", .enabled(if: SoftHSMToken.isUsable))
    func absentTokenAndKey() throws {
        let fixture = try SoftHSMToken.make()
        let missing = #expect(throws: CryptoError.self) {
            try PKCS11Token.open(
                modulePath: fixture.modulePath, uri: PKCS11URI("pkcs11:token=No%20such%20token"),
                pin: fixture.pinSource())
        }
        #expect(missing?.code == .tokenNotPresent && missing?.message.contains("No%20such%20token") == true)
        let token = try fixture.open()
        #expect(throws: CryptoError(.tokenKeyNotFound, "")) {
            try token.privateKey(matching: fixture.uri.with(object: "never-made", id: nil))
        }
        #expect(throws: CryptoError(.tokenKeyNotFound, "")) { try token.privateKey(matching: fixture.uri) }
        #expect(throws: CryptoError(.invalidArgument, "")) {
            try token.privateKey(matching: PKCS11URI("pkcs11:token=another;object=once"))
        }
        _ = try token.generateKeyPair(.ecP256, label: "once")
        #expect(throws: CryptoError(.invalidArgument, "")) { try token.generateKeyPair(.ecP256, label: "once") }
        #expect(throws: CryptoError(.unsupportedAlgorithm, "")) { try token.generateKeyPair(.ed25519, label: "ed") }
    }

    @Test(
        "Token files removed while a key is loaded: the next signature throws a typed error, and nothing crashes",
        .enabled(if: SoftHSMToken.isUsable))
    func tokenDisappears() throws {
        let fixture = try SoftHSMToken.make()
        let token = try fixture.open()
        let key = try token.generateKeyPair(.ecP256, label: "vanishing")
        _ = try key.signature(for: Self.message, algorithm: .ecdsa(.sha256))
        try fixture.remove()
        let codes: Set<CryptoError.Code> = [.tokenNotPresent, .tokenFailure, .tokenKeyNotFound]
        for _ in 0..<3 {
            let error = #expect(throws: CryptoError.self) {
                try key.signature(for: Self.message, algorithm: .ecdsa(.sha256))
            }
            #expect(error.map { codes.contains($0.code) } == true, "\(String(describing: error))")
        }
        let reopened = #expect(throws: CryptoError.self) { try fixture.open().privateKey(matching: key.tokenURI!) }
        #expect(reopened.map { codes.contains($0.code) } == true, "\(String(describing: reopened))")
    }

    @Test(
        "8 threads × 200 signatures with one token key all verify: sessions are never shared",
        .enabled(if: SoftHSMToken.isUsable))
    func concurrentSigning() async throws {
        let token = try SoftHSMToken.make().open()
        let key = try token.generateKeyPair(.ecP256, label: "busy")
        let failures = try await withThrowingTaskGroup(of: Int.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    try await onOwnThread {
                        var failures = 0
                        for index in 0..<200 {
                            let message = Array("worker \(worker) signature \(index)".utf8)
                            let signature = try key.signature(for: message, algorithm: .ecdsa(.sha256))
                            if !key.publicKey.isValidSignature(signature, for: message, algorithm: .ecdsa(.sha256)) {
                                failures += 1
                            }
                        }
                        return failures
                    }
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(failures == 0)
        #expect((1...PKCS11Token.maximumIdleSessions).contains(token.idleSessions))
    }
}

/// Runs blocking work (token calls) on a thread of its own, off the cooperative pool.
func onOwnThread<R: Sendable>(_ work: @escaping @Sendable () throws -> R) async throws -> R {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
    }
}

extension PrivateKey {
    var tokenURI: PKCS11URI? {
        if case .token(let uri) = location { return uri }
        return nil
    }
}

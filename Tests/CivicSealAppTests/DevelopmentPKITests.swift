import CivicSealApp
import CivicSealCrypto
import CivicSealTestSupport
import Foundation
import Testing

@Suite struct DevelopmentPKITests {
    @Test func keysInitCreatesRootSealsAndIdentityProviderWithTheRightModes() throws {
        let directory = TemporaryDirectory()
        let keys = "\(directory.path)/Keys"
        let report = try DevelopmentPKI.initialize(directory: keys)
        #expect(report.kept.isEmpty)
        let keyring = try Keyring(directory: keys)

        #expect(keyring.trustAnchors.count == 1)
        let root = keyring.trustAnchors[0]
        #expect(root.subject.commonName == "CivicSeal Development Root CA")
        #expect(root.isCertificateAuthority && root.isSelfSigned)

        let names = Dictionary(
            uniqueKeysWithValues: keyring.departments.map { ($0.id, $0.active.certificate.subject.commonName) })
        #expect(names["justice-hanoi"] == "Sở Tư pháp thành phố Hà Nội")
        #expect(names["health-hanoi"] == "Sở Y tế thành phố Hà Nội")
        for department in keyring.departments {
            let certificate = department.active.certificate
            #expect(certificate.keyUsage == [.digitalSignature, .nonRepudiation])
            #expect(certificate.extendedKeyUsage.isEmpty)
            #expect(certificate.issuer == root.subject)
            #expect(department.active.algorithm == .ecdsaP256)
            let verdict = keyring.validator.validate(
                certificate, intermediates: department.active.chain, at: Date(),
                requiredKeyUsage: [.digitalSignature, .nonRepudiation])
            #expect(verdict.isTrusted)
        }

        // Private keys 0600, public material 0644.
        let manifest = keyring.manifest
        let privateFiles =
            [manifest.rootKey!, manifest.identityProvider!.key]
            + manifest.departments.flatMap { $0.seals.compactMap(\.key) }
        for file in privateFiles { #expect(SecureFile.mode("\(keys)/\(file)") == 0o600, "\(file)") }
        let publicFiles =
            manifest.trustAnchors + [manifest.identityProvider!.jwks, manifest.trustedIssuers!, "keyring.json"]
            + manifest.departments.flatMap { $0.seals.map(\.certificate) }
        for file in publicFiles { #expect(SecureFile.mode("\(keys)/\(file)") == 0o644, "\(file)") }
        #expect(SecureFile.mode("\(keys)/private") == 0o700)
    }

    @Test("a keyring manifest with a duplicate or unknown member is refused, naming it, instead of read loosely")
    func keyringManifestIsReadStrictly() throws {
        let directory = TemporaryDirectory()
        let keys = "\(directory.path)/Keys"
        _ = try DevelopmentPKI.initialize(directory: keys)
        let path = "\(keys)/keyring.json"
        let original = try String(contentsOfFile: path, encoding: .utf8)
        #expect(original.hasPrefix("{"))
        // A second `trustAnchors` first: a first-wins reader would trust it; the strict reader refuses the file.
        for (edited, named) in [
            ("{\"trustAnchors\": [\"trust/other.pem\"],\n" + original.dropFirst(), "trustAnchors"),
            ("{\"trustAnchor\": [\"trust/other.pem\"],\n" + original.dropFirst(), "trustAnchor"),
        ] {
            try edited.write(toFile: path, atomically: true, encoding: .utf8)
            do {
                _ = try Keyring(directory: keys)
                Issue.record("\(named): the edited manifest was accepted")
            } catch {
                #expect("\(error)".contains("keyring manifest") && "\(error)".contains(named), "\(error)")
            }
        }
        try original.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try Keyring(directory: keys).trustAnchors.count == 1)
    }

    @Test func keysInitNeverOverwritesExistingMaterial() throws {
        let directory = TemporaryDirectory()
        let keys = "\(directory.path)/Keys"
        _ = try DevelopmentPKI.initialize(directory: keys)
        let files = try FileManager.default.subpathsOfDirectory(atPath: keys).filter { path in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: "\(keys)/\(path)", isDirectory: &isDirectory)
                && !isDirectory.boolValue
        }.sorted()
        let before = try files.map { try Data(contentsOf: URL(fileURLWithPath: "\(keys)/\($0)")) }
        let second = try DevelopmentPKI.initialize(directory: keys)
        #expect(second.created.isEmpty, "second run created \(second.created)")
        let after = try files.map { try Data(contentsOf: URL(fileURLWithPath: "\(keys)/\($0)")) }
        #expect(before == after)
        #expect(
            try FileManager.default.subpathsOfDirectory(atPath: keys).filter { files.contains($0) }.count == files.count
        )
    }

    @Test func missingRootKeyIsReportedInsteadOfReplacingTheRoot() throws {
        let directory = TemporaryDirectory()
        let keys = "\(directory.path)/Keys"
        _ = try DevelopmentPKI.initialize(directory: keys)
        try FileManager.default.removeItem(atPath: "\(keys)/private/root-ca.key.pem")
        try FileManager.default.removeItem(atPath: "\(keys)/keyring.json")
        #expect(throws: AppError(.keyMaterial, "")) { try DevelopmentPKI.initialize(directory: keys) }
    }

    @Test func rsaPSSSealsAreSelectableAndSign() throws {
        let directory = TemporaryDirectory()
        let keys = "\(directory.path)/Keys"
        _ = try DevelopmentPKI.initialize(directory: keys, sealAlgorithm: .rsaPSS3072)
        let keyring = try Keyring(directory: keys)
        let justice = try #require(keyring.department("justice-hanoi"))
        #expect(justice.active.certificate.publicKey.kind == .rsa(bits: 3072))
        let content = Array("Phiếu lý lịch tư pháp".utf8)
        let cms = try CMSSignedData.signDetached(content, signer: try justice.signer())
        let result = CMSSignedData.verifyDetached(
            cms, content: content, validator: keyring.validator, requireSigningCertificateV2: true)
        #expect(result.isValid, "\(String(describing: result.failure))")
        #expect(result.signatureAlgorithm == .rsaPSS(.sha256))
    }

    @Test func developmentIdentityProviderKeyMatchesItsPublishedJWKSet() throws {
        let directory = TemporaryDirectory()
        let keys = "\(directory.path)/Keys"
        _ = try DevelopmentPKI.initialize(directory: keys)
        let provider = try #require(try Keyring(directory: keys).manifest.identityProvider)
        let keySet = try JSONWebKeySet(json: try String(contentsOfFile: "\(keys)/\(provider.jwks)", encoding: .utf8))
        let privateKey = try PrivateKey(pem: try String(contentsOfFile: "\(keys)/\(provider.key)", encoding: .utf8))
        let token = try JWSSigner(privateKey: privateKey, keyID: provider.kid, algorithm: .es256).sign(claims: [
            "sub": "x"
        ])
        let verified = try JWSVerifier(keySet: keySet).verify(token)
        #expect(verified.header.keyID == provider.kid)
        let issuers = try String(contentsOfFile: "\(keys)/trusted-issuers.json", encoding: .utf8)
        #expect(issuers.contains(provider.issuer) && issuers.contains("\"development\" : true"))
    }

    @Test(.enabled(if: ExternalTool.isUsable("openssl")))
    func generatedChainPassesOpenSSLVerify() throws {
        let directory = TemporaryDirectory()
        let keys = "\(directory.path)/Keys"
        _ = try DevelopmentPKI.initialize(directory: keys)
        let keyring = try Keyring(directory: keys)
        for department in keyring.manifest.departments {
            let seal = department.seals[0]
            let verified = try ExternalTool.run(
                "openssl",
                ["verify", "-x509_strict", "-CAfile", "\(keys)/trust/root-ca.cert.pem", "\(keys)/\(seal.certificate)"])
            #expect(verified.status == 0 && verified.text.hasSuffix("OK\n"), "\(verified.text)\(verified.errorText)")
            let key = try ExternalTool.run("openssl", ["pkey", "-in", "\(keys)/\(seal.key!)", "-noout"])
            #expect(key.status == 0)
        }
    }
}

@Suite struct CommandLineTests {
    @Test func keysInitAndShowThroughTheExecutable() throws {
        let directory = TemporaryDirectory()
        let keys = "\(directory.path)/Keys"
        let initialised = try BuiltProduct.run("civicseal", ["keys", "init", "--dir", keys])
        #expect(initialised.status == 0, "\(initialised.errorText)")
        #expect(initialised.text.contains("created  \(keys)/trust/root-ca.cert.pem"))
        #expect(initialised.text.contains("DEVELOPMENT keys"))
        let again = try BuiltProduct.run("civicseal", ["keys", "init", "--dir", keys])
        #expect(again.status == 0 && !again.text.contains("created "))

        let shown = try BuiltProduct.run("civicseal", ["keys", "show", "--dir", keys])
        #expect(shown.status == 0, "\(shown.errorText)")
        let keyring = try Keyring(directory: keys)
        for department in keyring.departments {
            #expect(shown.text.contains(department.active.certificate.fingerprintHex))
            #expect(shown.text.contains("Department \(department.id)"))
        }
        #expect(shown.text.contains("active (signs new documents)") && shown.text.contains("chain:       trusted"))
        #expect(!shown.text.contains("PRIVATE KEY"))
    }

    @Test(arguments: [
        (["keys", "init", "--algorithm", "dsa"], "unknown --algorithm"),
        (["keys", "frobnicate"], "keys needs a subcommand"),
        (["keys", "init", "--dir"], "needs a value"),
        (["keys", "init", "--colour", "blue"], "unknown option --colour"),
        (["launch"], "unknown command launch"),
    ])
    func badCommandLinesExitWithUsageStatus(arguments: [String], message: String) throws {
        let result = try BuiltProduct.run("civicseal", arguments)
        #expect(result.status == 64)
        #expect(result.errorText.contains(message), "\(result.errorText)")
    }

    @Test func keysShowWithoutKeysExplainsWhatIsMissing() throws {
        let directory = TemporaryDirectory()
        let result = try BuiltProduct.run("civicseal", ["keys", "show", "--dir", "\(directory.path)/nothing"])
        #expect(result.status == 74)
        #expect(result.errorText.contains("cannot read"))
    }
}

@Suite struct DepartmentSealInteropTests {
    /// The acceptance check as a relying party would run it: a department seal's CMS against the dev root,
    /// with OpenSSL's default S/MIME signing purpose (no `-purpose any`).
    @Test(.enabled(if: ExternalTool.isUsable("openssl")), arguments: [SealAlgorithm.ecdsaP256, .rsaPSS3072])
    func departmentCMSVerifiesWithOpenSSLAgainstTheDevelopmentRoot(algorithm: SealAlgorithm) throws {
        let directory = TemporaryDirectory()
        let keys = "\(directory.path)/Keys"
        _ = try DevelopmentPKI.initialize(directory: keys, sealAlgorithm: algorithm)
        let justice = try #require(try Keyring(directory: keys).department("justice-hanoi"))
        let content = Array("%PDF-1.7\nPhiếu lý lịch tư pháp số 1 — Không có án tích\n".utf8)
        for signingTime in [Date(), nil] as [Date?] {
            let cms = try CMSSignedData.signDetached(content, signer: try justice.signer(), signingTime: signingTime)
            let cmsPath = try directory.write("seal.der", cms)
            let dataPath = try directory.write("content.bin", content)
            let verified = try ExternalTool.run(
                "openssl",
                [
                    "cms", "-verify", "-binary", "-inform", "DER", "-in", cmsPath, "-content", dataPath,
                    "-CAfile", "\(keys)/trust/root-ca.cert.pem", "-out", "/dev/null",
                ])
            #expect(
                verified.status == 0 && verified.errorText.contains("Verification successful"), "\(verified.errorText)")
            let printed = try ExternalTool.run(
                "openssl", ["cms", "-cmsout", "-print", "-inform", "DER", "-in", cmsPath])
            #expect(printed.text.contains("id-smime-aa-signingCertificateV2"))
            #expect(printed.text.contains("signingTime") == (signingTime != nil))
        }
    }
}

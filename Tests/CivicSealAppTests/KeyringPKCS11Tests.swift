import CivicSealApp
import CivicSealCrypto
import CivicSealTestSupport
import Foundation
import Testing

/// `keys init|rotate|show --pkcs11` and the keyring's token entries, on SoftHSM2 tokens (one per test, found by label).
@Suite("Keys in PKCS#11 tokens", .enabled(if: ExternalTool.isUsable("softhsm2-util", "pkcs11-tool")))
struct KeyringPKCS11Tests {
    /// A fresh token and where `keys init --pkcs11` finds it (PIN from a 0600 file).
    static func token() throws -> (token: SoftHSMToken, location: TokenLocation) {
        let token = try SoftHSMToken.make()
        let location = try TokenLocation(
            uri: token.uri.description, module: token.modulePath, pin: "file:\(try token.pinFile())", context: "test")
        return (token, location)
    }

    @Test("keys init --pkcs11 generates every seal and service key in the token and writes no key file for them")
    func keysInitPutsEverySigningKeyInTheToken() throws {
        let (token, location) = try Self.token()
        let directory = TemporaryDirectory()
        let keys = "\(directory.path)/Keys"
        _ = try DevelopmentPKI.initialize(directory: keys, token: location)
        let keyring = try Keyring(directory: keys)
        let manifest = keyring.manifest
        for department in manifest.departments {
            let seal = try #require(department.seals.first)
            #expect(seal.key == nil)
            let entry = try #require(seal.token)
            #expect(entry.uri.contains("token=\(token.label)") && entry.uri.contains("object=seal-\(department.id)-"))
            #expect(entry.module == token.modulePath && entry.pin?.hasPrefix("file:") == true)
            #expect(!FileManager.default.fileExists(atPath: "\(keys)/private/\(department.id)"))
        }
        for identity in [
            manifest.services?.timeStamping, manifest.services?.ocspResponder,
            manifest.services?.statusSigner,
        ] {
            #expect(identity?.key == nil && identity?.token != nil)
        }
        let officers = try #require(manifest.officerKeys)
        #expect(officers.uri.contains("token=\(token.label)") && !officers.uri.contains("object="), "\(officers)")
        #expect(manifest.rootKey == "private/root-ca.key.pem", "the development CA stays a PEM file")
        // Loaded from the token: the seals sign, the keys say where they live, and no PIN is written anywhere.
        for department in keyring.departments {
            guard case .token(let uri) = department.active.key?.location else {
                Issue.record("\(department.id): the seal key is not a token key")
                continue
            }
            #expect(uri.token == token.label)
            #expect(throws: CryptoError.self) { try department.active.key?.pkcs8PEM() }
            let signer = try department.signer()
            let cms = try CMSSignedData.signDetached(Array("seal".utf8), signer: signer, signingTime: Date())
            #expect(!cms.isEmpty)
        }
        #expect(keyring.timeStampingSigner != nil && keyring.ocspResponderSigner != nil && keyring.statusSigner != nil)
        let text = try String(contentsOfFile: "\(keys)/keyring.json", encoding: .utf8)
        #expect(!text.contains(token.pin))
        let summary = keyring.summary()
        #expect(summary.contains("key:         PKCS#11 token \(token.label), object seal-justice-hanoi-"))
        #expect(summary.contains("module \(token.modulePath) (token reachable, key found)"))
        #expect(summary.contains("Officer keys: generated in PKCS#11 token \(token.label)"))
        #expect(!summary.contains(token.pin))
    }

    @Test("the seal's private key in the token is sensitive and never extractable, as pkcs11-tool lists it")
    func sealKeyObjectIsNeverExtractable() throws {
        let (token, location) = try Self.token()
        let directory = TemporaryDirectory()
        let keys = "\(directory.path)/Keys"
        _ = try DevelopmentPKI.initialize(directory: keys, token: location)
        let seal = try #require(try Keyring(directory: keys).department("justice-hanoi")?.active)
        let object = try #require(seal.token?.uri.object)
        // C_GetAttributeValue on CKA_VALUE, through the token the keyring opened: refused.
        let key = try #require(seal.key)
        #expect {
            _ = try TokenKeys.token(location).readSecretValue(of: key)
        } throws: { error in
            "\(error)".contains("CKR_ATTRIBUTE_SENSITIVE")
        }
        let listed = try Self.run(
            try #require(ExternalTool.path("pkcs11-tool")),
            [
                "--module", token.modulePath, "--token-label", token.label, "--login", "--pin", "env:TOKEN_PIN",
                "--list-objects", "--type", "privkey",
            ], pin: token.pin)
        #expect(listed.status == 0, "\(listed.errorText)")
        let block = try #require(
            listed.text.components(separatedBy: "Private Key Object").first { $0.contains("label:      \(object)") },
            "\(listed.text)")
        #expect(block.contains("sensitive, always sensitive, never extractable, local"), "\(block)")
        #expect(block.contains("sign"))
    }

    @Test("keys rotate --pkcs11 makes a new token seal active and keeps the old one listed as retired")
    func rotateIntoTheToken() throws {
        let (token, location) = try Self.token()
        let directory = TemporaryDirectory()
        let keys = "\(directory.path)/Keys"
        _ = try DevelopmentPKI.initialize(directory: keys)  // PEM first, as every keyring today
        let name = try DevelopmentPKI.rotate(directory: keys, departmentID: "justice-hanoi", token: location)
        let keyring = try Keyring(directory: keys)
        let justice = try #require(keyring.department("justice-hanoi"))
        #expect(justice.active.name == name && justice.seals.count == 2)
        #expect(justice.active.token?.uri.token == token.label)
        #expect(justice.seals.first?.key?.location == .memory, "the retired PEM seal keeps its file")
        _ = try justice.signer()
        #expect(keyring.department("health-hanoi")?.active.token == nil)
        // Rotating again without --pkcs11 stays in the token (a new label): a key never leaves its hardware.
        let next = try DevelopmentPKI.rotate(
            directory: keys, departmentID: "justice-hanoi", now: Date().addingTimeInterval(60))
        let rotated = try #require(try Keyring(directory: keys).department("justice-hanoi"))
        #expect(rotated.active.name == next && rotated.seals.count == 3)
        #expect(rotated.active.token?.uri.token == token.label)
        #expect(rotated.active.token?.uri.object != justice.active.token?.uri.object)
        _ = try rotated.signer()
    }

    @Test("keys rotate-services gives a service whose key is in a token a new key in the same token")
    func rotateServicesStaysInTheToken() throws {
        let (token, location) = try Self.token()
        let directory = TemporaryDirectory()
        let keys = "\(directory.path)/Keys"
        _ = try DevelopmentPKI.initialize(directory: keys, token: location)
        let before = try #require(try Keyring(directory: keys).manifest.services?.timeStamping?.token)
        try DevelopmentPKI.rotateServices(directory: keys, names: ["tsa"], now: Date().addingTimeInterval(86400))
        let keyring = try Keyring(directory: keys)
        let after = try #require(keyring.manifest.services?.timeStamping)
        #expect(after.key == nil && after.token?.uri.contains("token=\(token.label)") == true)
        #expect(after.token?.uri != before.uri)
        guard case .token = keyring.timeStampingSigner?.key.location else {
            Issue.record("the new TSA key is not in the token")
            return
        }
    }

    @Test("a wrong PIN in the PIN file fails the load and keys show with a login error that never shows the PIN")
    func wrongPINIsAClearError() throws {
        let (token, location) = try Self.token()
        let rightPIN = String(location.pinSource.dropFirst("file:".count))
        let directory = TemporaryDirectory()
        let keys = "\(directory.path)/Keys"
        // Made by another process: this one never logs in with the right PIN (a login holds for the whole token).
        let created = try BuiltProduct.run(
            "civicseal",
            [
                "keys", "init", "--dir", keys, "--pkcs11", token.uri.description, "--pkcs11-module", token.modulePath,
                "--pin-source", "file:\(rightPIN)",
            ])
        #expect(created.status == 0, "\(created.errorText)")
        let wrong = "0" + token.pin
        let pinFile = try directory.write("wrong-pin", text: wrong + "\n")
        chmod(pinFile, 0o600)
        try Self.repointPIN(keys: keys, from: rightPIN, to: pinFile)
        do {
            _ = try Keyring(directory: keys)
            Issue.record("a wrong PIN loaded the keyring")
        } catch {
            #expect(error.code == .tokenLogin && error.exitStatus == 77)
            #expect(error.message.contains("cannot log in to token \(token.label)"), "\(error.message)")
            #expect(!error.message.contains(wrong) && !error.message.contains(token.pin))
        }
        // `serve` refuses to start, with the same error (before it listens or opens the database).
        var options = ServeOptions()
        options.keysDirectory = keys
        options.dataDirectory = directory.path + "/data"
        options.port = 0
        options.listen = false
        #expect {
            _ = try Service.start(options)
        } throws: { error in
            (error as? AppError)?.code == .tokenLogin && !"\(error)".contains(wrong)
        }
        let shown = try BuiltProduct.run("civicseal", ["keys", "show", "--dir", keys])
        #expect(shown.status == 77, "\(shown.text)\(shown.errorText)")
        #expect(shown.text.contains("NOT USABLE") && shown.errorText.contains("cannot log in"))
        #expect(!shown.text.contains(wrong) && !shown.errorText.contains(wrong))
    }

    @Test("a token that is not there is a clear error naming it, and keys show exits 69")
    func missingTokenIsAClearError() throws {
        let (token, location) = try Self.token()
        let directory = TemporaryDirectory()
        let keys = "\(directory.path)/Keys"
        _ = try DevelopmentPKI.initialize(directory: keys, token: location)
        let path = "\(keys)/keyring.json"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try text.replacingOccurrences(of: "token=\(token.label)", with: "token=\(token.label)-gone")
            .write(toFile: path, atomically: true, encoding: .utf8)
        do {
            _ = try Keyring(directory: keys)
            Issue.record("a missing token loaded the keyring")
        } catch {
            #expect(error.code == .tokenUnavailable && error.exitStatus == 69)
            #expect(error.message.contains("\(token.label)-gone"), "\(error.message)")
        }
        let shown = try BuiltProduct.run("civicseal", ["keys", "show", "--dir", keys])
        #expect(shown.status == 69, "\(shown.text)\(shown.errorText)")
        #expect(shown.errorText.contains("\(token.label)-gone"))
    }

    @Test("keys init --pkcs11 through the executable: the PIN from an environment variable, never on the command line")
    func keysInitThroughTheExecutable() throws {
        let (token, _) = try Self.token()
        let directory = TemporaryDirectory()
        let keys = "\(directory.path)/Keys"
        let civicseal = try #require(BuiltProduct.path("civicseal"))
        let created = try Self.run(
            civicseal,
            [
                "keys", "init", "--dir", keys, "--pkcs11",
                "pkcs11:token=\(token.label)?module-path=\(token.modulePath)&pin-source=env:TOKEN_PIN",
            ], pin: token.pin)
        #expect(created.status == 0, "\(created.errorText)")
        #expect(created.text.contains("in PKCS#11 token \(token.label)"), "\(created.text)")
        let shown = try Self.run(civicseal, ["keys", "show", "--dir", keys], pin: token.pin)
        #expect(shown.status == 0, "\(shown.errorText)")
        #expect(shown.text.contains("(token reachable, key found)") && !shown.text.contains(token.pin))
        // A token that is not there: exit 69 before anything is written.
        let elsewhere = "\(directory.path)/Other"
        let absent = try Self.run(
            civicseal,
            [
                "keys", "init", "--dir", elsewhere, "--pkcs11",
                "pkcs11:token=\(token.label)-absent?module-path=\(token.modulePath)&pin-source=env:TOKEN_PIN",
            ], pin: token.pin)
        #expect(absent.status == 69 && absent.errorText.contains("\(token.label)-absent"), "\(absent.errorText)")
        #expect(!FileManager.default.fileExists(atPath: elsewhere))
        let refused = try BuiltProduct.run(
            "civicseal", ["keys", "init", "--dir", keys, "--pkcs11", "pkcs11:token=x?pin-value=s3cr3t-9f1e"])
        #expect(refused.status != 0 && refused.errorText.contains("PIN never goes in a URI"), "\(refused.errorText)")
        #expect(!refused.errorText.contains("s3cr3t-9f1e"))
    }

    @Test("token entries are read strictly: an unknown member, a key file beside a token, or a relative module")
    func tokenEntriesAreStrict() throws {
        let (_, location) = try Self.token()
        let directory = TemporaryDirectory()
        let keys = "\(directory.path)/Keys"
        _ = try DevelopmentPKI.initialize(directory: keys, token: location)
        let path = "\(keys)/keyring.json"
        let original = try String(contentsOfFile: path, encoding: .utf8)
        let module = "\"module\" : \"\(location.module)\""
        for (edited, expected) in [
            (original.replacingOccurrences(of: module, with: module + ", \"pinValue\": \"1234\""), "pinValue"),
            (original.replacingOccurrences(of: module, with: "\"module\": \"libsofthsm2.so\""), "PKCS#11 module"),
            (
                original.replacingOccurrences(
                    of: "\"algorithm\" : \"ecdsa-p256-sha256\",",
                    with: "\"algorithm\": \"ecdsa-p256-sha256\", \"key\": \"private/x.pem\","),
                "both a key file and a token"
            ),
        ] {
            #expect(edited != original)
            try edited.write(toFile: path, atomically: true, encoding: .utf8)
            #expect {
                _ = try Keyring(directory: keys)
            } throws: { error in
                (error as? AppError)?.message.contains(expected) == true
            }
        }
    }

    /// Runs `executable` with the PIN in its environment variable `TOKEN_PIN`, handed to a shell on standard input:
    /// never in an argument, and never set in this process's environment (which parallel tests share with every child
    /// they spawn).
    static func run(_ executable: String, _ arguments: [String], pin: String) throws -> ExternalTool.Output {
        try ExternalTool.run(
            "/bin/sh",
            ["-c", #"IFS= read -r value; export TOKEN_PIN="$value"; exec "$0" "$@""#, executable] + arguments,
            input: Data((pin + "\n").utf8))
    }

    /// Points every token entry of the keyring at another PIN file.
    static func repointPIN(keys: String, from old: String, to new: String) throws {
        let path = "\(keys)/keyring.json"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let edited = text.replacingOccurrences(of: "file:\(old)", with: "file:\(new)")
        #expect(edited != text)
        try edited.write(toFile: path, atomically: true, encoding: .utf8)
    }
}

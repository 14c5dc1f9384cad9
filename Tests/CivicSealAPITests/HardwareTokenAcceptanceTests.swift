import CivicSealApp
import CivicSealCasework
import CivicSealCrypto
import CivicSealRecords
import CivicSealServiceTestSupport
import CivicSealTestSupport
import Foundation
import Testing

/// Acceptance of issue #17's keys in hardware: a keyring made by `keys init --pkcs11` on a SoftHSM2 token, a service
/// on it issuing documents end to end (officer key and seal in the token), checked by tools nobody here wrote; and a
/// token that vanishes while the service runs.
@Suite(
    "Acceptance: documents sealed with keys in a PKCS#11 token", .serialized,
    .enabled(if: ExternalTool.isUsable("softhsm2-util", "pkcs11-tool")))
struct HardwareTokenAcceptanceTests {
    /// A service whose every signing key (seals, officers, TSA, OCSP responder, status signer) is in a fresh token;
    /// the PIN in a 0600 file of the test folder.
    static func start() throws -> (live: LiveService, token: SoftHSMToken) {
        let token = try SoftHSMToken.make()
        let folder = TemporaryDirectory("civicseal-token")
        let pinFile = try folder.write("token-pin", text: token.pin + "\n")
        chmod(pinFile, 0o600)
        let location = try TokenLocation(
            uri: token.uri.description, module: token.modulePath, pin: "file:\(pinFile)", context: "test")
        _ = try DevelopmentPKI.initialize(directory: folder.path + "/keys", token: location)
        return (try LiveService.start(in: folder), token)
    }

    @Test(
        "a document sealed by a token key is accepted by pdfsig, pyHanko and openssl cms -verify",
        .enabled(if: ExternalTool.isUsable("pdfsig", "certutil", "pyhanko", "openssl")))
    func tokenSealedDocumentIsAcceptedByIndependentValidators() async throws {
        let (live, token) = try Self.start()
        do {
            let justice = try #require(live.service.keyring.department("justice-hanoi"))
            guard case .token(let uri) = justice.active.key?.location else {
                throw ClientError(description: "the active seal is not a token key")
            }
            #expect(uri.token == token.label)
            #expect(live.service.banner.contains { $0.contains("Signing keys in PKCS#11 token \(token.label)") })
            let id = try await IssuanceTests.approvedRequest(live, person: .man(171))
            let download = try await live.client.get(
                "/v1/requests/\(id)/document", token: try live.token(for: .man(171)))
            #expect(download.status == 200, "\(download)")
            let path = try live.folder.write("token-sealed.pdf", download.body)
            let root = IssuanceTests.root(live)
            let pdfsig = try PDFValidators.pdfsig(path, root: root, in: live.folder.path)
            #expect(pdfsig.accepted, "\(pdfsig.output)")
            let pyHanko = try PDFValidators.pyHanko(path, root: root)
            #expect(pyHanko.accepted, "\(pyHanko.output)")
            // The seal's CMS (the second signature; the officer's is first) over the bytes its byte range covers.
            let signatures = IssuancePipeline.signatureContents(in: download.body)
            #expect(signatures.count >= 2)
            for (index, signature) in signatures.prefix(2).enumerated() {
                let cms = try live.folder.write("signature-\(index).der", signature.contents)
                let content = try live.folder.write("signed-\(index).bin", signature.signedBytes(of: download.body))
                let verified = try ExternalTool.run(
                    "openssl",
                    [
                        "cms", "-verify", "-binary", "-inform", "DER", "-in", cms, "-content", content, "-CAfile",
                        root, "-purpose", "any", "-out", "/dev/null",
                    ])
                #expect(
                    verified.status == 0 && verified.errorText.contains("Verification successful"),
                    "signature \(index): \(verified.errorText)")
            }
            // The seal that signed is the token seal; the officer's key went to the token, not to a file.
            let entry = try #require(try live.service.store.documentEntry(forRequest: id))
            #expect(entry.signerCertificateSHA256 == justice.active.certificate.fingerprintHex)
            let officerFiles =
                (try? FileManager.default.contentsOfDirectory(atPath: live.keysDirectory + "/private/officers")) ?? []
            #expect(officerFiles.isEmpty, "\(officerFiles)")
        } catch {
            await live.stop()
            throw error
        }
        await live.stop()
    }

    /// The approval answers 503 `signing-key-unavailable` with Retry-After, the request stays approved, nothing
    /// crashes, and the sweeper issues it once the token is back.
    @Test("a token that vanishes while serving gives 503 and the request is issued once the token is back")
    func vanishedTokenGives503ThenRecovers() async throws {
        let (live, token) = try Self.start()
        let data = live.dataDirectory
        let keys = live.keysDirectory
        var pending = ""
        do {
            // One document while the token is there: sessions are open and logged in when it goes.
            _ = try await IssuanceTests.approvedRequest(live, person: .man(172))
            let saved = try TokenFiles.save(token, in: live.folder.path)
            try token.remove()

            let person = Person.man(173)
            let officer = try live.token(for: .justiceOfficer)
            let submitted = try await live.client.post(
                "/v1/requests", token: try live.token(for: person), json: Bodies.criminalRecord())
            pending = try #require(submitted.json["id"] as? String, "\(submitted)")
            #expect(try await live.client.post("/v1/requests/\(pending)/claim", token: officer, json: "").status == 200)
            let decided = try await live.client.post(
                "/v1/requests/\(pending)/decision", token: officer, json: Bodies.noConviction)
            #expect(decided.status == 503, "\(decided)")
            #expect(decided.header("Content-Type")?.hasPrefix("application/problem+json") == true)
            #expect((decided.json["type"] as? String)?.hasSuffix("/signing-key-unavailable") == true, "\(decided)")
            #expect(decided.header("Retry-After") == "30")
            #expect(!decided.text.contains(token.pin))
            let request = try await live.client.get("/v1/requests/\(pending)", token: officer)
            #expect((request.json["request"] as? [String: Any])?["status"] as? String == "approved", "\(request)")
            // The service goes on: health, verification pages, and another attempt answer without a crash.
            #expect(try await live.client.get("/healthz").status == 200)
            #expect(live.service.issuance.sweep().isEmpty)
            #expect(live.service.issuance.lastFailure(of: pending) != nil)
            #expect(!(live.service.issuance.lastFailure(of: pending) ?? "").contains(token.pin))
            try TokenFiles.restore(saved)
        } catch {
            await live.stop()
            throw error
        }
        await live.stop()
        // SoftHSM marks a token whose files vanished invalid for the rest of the process (OSToken::index never
        // re-validates), so "back" is shown as a real operator sees it: the sweeper of a fresh process, token restored.
        let swept = try BuiltProduct.run("civicseal", ["dev", "sweep", "--data", data, "--keys", keys])
        #expect(swept.status == 0, "\(swept.errorText)")
        #expect(swept.text.contains("issued \(pending) "), "\(swept.text)\(swept.errorText)")
        let store = try RequestStore.open(path: data + "/civicseal.sqlite")
        defer { try? store.close() }
        #expect(try store.documentEntry(forRequest: pending) != nil)
    }
}

/// Copies of a SoftHSM token's files, to put them back after ``SoftHSMToken/remove()`` (the token "comes back").
enum TokenFiles {
    struct Saved {
        /// Each token folder of the token directory, its copy, and the files it held.
        let folders: [(original: String, copy: String, files: [String])]
    }

    /// The token directory SoftHSM keeps the token in, from the fixture's configuration.
    static func tokenDirectory(_ token: SoftHSMToken) throws -> String {
        let text = try String(contentsOfFile: token.configPath, encoding: .utf8)
        for line in text.split(separator: "\n") where line.hasPrefix("directories.tokendir") {
            if let value = line.split(separator: "=", maxSplits: 1).last {
                return value.trimmingCharacters(in: .whitespaces)
            }
        }
        throw ClientError(description: "no directories.tokendir in \(token.configPath)")
    }

    /// Saves the folder SoftHSM keeps this token in: the one whose token.object holds its label (other tests' tokens
    /// in the same token directory come and go meanwhile and are left alone).
    static func save(_ token: SoftHSMToken, in folder: String) throws -> Saved {
        let directory = try tokenDirectory(token)
        let manager = FileManager.default
        let label = Array((token.label + String(repeating: " ", count: max(0, 32 - token.label.utf8.count))).utf8)
        var folders: [(String, String, [String])] = []
        for name in try manager.contentsOfDirectory(atPath: directory) {
            guard let data = manager.contents(atPath: "\(directory)/\(name)/token.object"),
                Array(data).firstRange(of: label) != nil
            else { continue }
            let copy = "\(folder)/token-copy-\(name)"
            try manager.copyItem(atPath: "\(directory)/\(name)", toPath: copy)
            folders.append(("\(directory)/\(name)", copy, try manager.contentsOfDirectory(atPath: copy)))
        }
        #expect(folders.count == 1, "the token's folder in \(directory)")
        return Saved(folders: folders)
    }

    /// Puts back every saved file that is gone.
    static func restore(_ saved: Saved) throws {
        let manager = FileManager.default
        var restored = 0
        for (original, copy, files) in saved.folders {
            try manager.createDirectory(atPath: original, withIntermediateDirectories: true)
            for file in files where !manager.fileExists(atPath: "\(original)/\(file)") {
                try manager.copyItem(atPath: "\(copy)/\(file)", toPath: "\(original)/\(file)")
                restored += 1
            }
        }
        #expect(restored > 0, "the removed token's files")
    }
}

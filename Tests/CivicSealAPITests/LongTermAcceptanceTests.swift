import CivicSealApp
import CivicSealCasework
import CivicSealCrypto
import CivicSealProcess
import CivicSealServiceTestSupport
import CivicSealTestSupport
import CivicSealVerification
import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Acceptance of issue #16 with tools nobody here wrote, on documents a live `serve` issued end to end: the officer's
/// signature, the locked seal, their timestamps, the DSS and the document timestamp (PAdES B-LTA). The keyring's
/// public URL is the server's own address, so pdfsig and pyHanko reach its OCSP responder through the AIA.
@Suite("Acceptance: long-term documents issued by a live service", .serialized)
struct LongTermAcceptanceTests {
    /// A live service on a socket whose keyring publishes `http://127.0.0.1:<its port>`.
    static func start(clock: (@Sendable () -> Date)? = nil) throws -> LiveService {
        let port = try LoopbackPort.free()
        let folder = TemporaryDirectory("civicseal-long-term")
        _ = try DevelopmentPKI.initialize(
            directory: folder.path + "/keys", publicURL: "http://127.0.0.1:\(port)")
        return try LiveService.start(in: folder, transport: .socket) { options in
            options.port = port
            if let clock { options.clock = clock }
        }
    }

    /// Issues a criminal-record certificate for `person` through the API and returns the PDF the owner downloads.
    static func issue(_ live: LiveService, person: Person) async throws -> (request: String, pdf: [UInt8]) {
        let id = try await IssuanceTests.approvedRequest(live, person: person)
        let download = try await live.client.get("/v1/requests/\(id)/document", token: try live.token(for: person))
        #expect(download.status == 200, "\(download)")
        return (id, download.body)
    }

    /// ``issue(_:person:)`` with tokens minted at `now` (for a service whose clock is not the wall clock).
    static func issue(_ live: LiveService, person: Person, at now: Date) async throws -> [UInt8] {
        let citizen = try DevelopmentTokens.mint(
            DevelopmentTokens.Citizen(
                personalID: person.personalID, name: person.name, birthdate: person.birthdate, gender: person.gender),
            directory: live.keysDirectory, now: now)
        let staff = StaffMember.justiceOfficer
        let officer = try DevelopmentTokens.mint(
            DevelopmentTokens.Staff(roles: staff.roles, department: staff.department, name: staff.name),
            directory: live.keysDirectory, now: now)
        let submitted = try await live.client.post("/v1/requests", token: citizen, json: Bodies.criminalRecord())
        let id = try #require(submitted.json["id"] as? String, "\(submitted)")
        #expect(try await live.client.post("/v1/requests/\(id)/claim", token: officer, json: "").status == 200)
        let approved = try await live.client.post(
            "/v1/requests/\(id)/decision", token: officer, json: Bodies.noConviction)
        #expect(approved.json["status"] as? String == "issued", "\(approved)")
        let download = try await live.client.get("/v1/requests/\(id)/document", token: citizen)
        #expect(download.status == 200, "\(download)")
        return download.body
    }

    static func root(_ live: LiveService) -> String { live.keysDirectory + "/trust/root-ca.cert.pem" }

    @Test(
        "qpdf, pdfsig (responder up) and pyHanko (revocation from our responder) accept an issued B-LTA document",
        .enabled(if: ExternalTool.isUsable("qpdf", "pdfsig", "certutil", "pyhanko")))
    func externalValidatorsAcceptIssuedDocument() async throws {
        let live = try Self.start()
        do {
            let (_, pdf) = try await Self.issue(live, person: .man(161))
            let path = try live.folder.write("blta.pdf", pdf)
            let results = try await LongTermTools.validate(path, root: Self.root(live), folder: live.folder.path)
            #expect(results.qpdf.accepted, "\(results.qpdf.output)")
            #expect(results.pdfsig.accepted, "\(results.pdfsig.output)")
            #expect(results.pyHanko.accepted, "\(results.pyHanko.output)")
            // The revocation status came from our own responder, reached through the certificates' AIA.
            let asked = live.log.lines.filter { $0.contains("/pki/ocsp") }
            #expect(!asked.isEmpty, "no OCSP request reached the service: \(live.log.lines.suffix(5))")
        } catch {
            await live.stop()
            throw error
        }
        await live.stop()
    }

    @Test(
        "after the seal certificate is revoked (keys revoke), pyHanko finds both signatures valid at signing time",
        .enabled(if: ExternalTool.isUsable("pyhanko")))
    func revokedSealStillValidAtSigningTime() async throws {
        // Issued ten minutes ago (the service's clock), revoked five minutes ago, validated now.
        let clock = MovableClock(Date().addingTimeInterval(-600))
        let live = try Self.start(clock: clock.now)
        do {
            let pdf = try await Self.issue(live, person: .man(164), at: clock.now())
            clock.set(Date())
            let path = try live.folder.write("revoked.pdf", pdf)
            let seal = try #require(live.service.keyring.department("justice-hanoi")?.active.certificate)
            // As the operator's command does it: audited, and answered by the responder at once.
            let printed = try KeyringCertificates.revoke(
                keysDirectory: live.keysDirectory, dataDirectory: live.dataDirectory, certificate: seal.fingerprintHex,
                reason: "keyCompromise", at: ISO8601DateFormatter().string(from: Date().addingTimeInterval(-300)),
                by: "acceptance-test")
            #expect(printed.contains("revoked"), "\(printed)")
            let result = try await LongTermTools.pyHankoAdES(path, root: Self.root(live))
            #expect(result.accepted, "\(result.output)")
        } catch {
            await live.stop()
            throw error
        }
        await live.stop()
    }

    @Test(
        "openssl ts -verify accepts each signature's token and the document timestamp, and refuses altered data",
        .enabled(if: ExternalTool.isUsable("openssl")))
    func opensslVerifiesEveryToken() async throws {
        let live = try Self.start()
        do {
            let (_, pdf) = try await Self.issue(live, person: .man(162))
            let signatures = IssuancePipeline.signatureContents(in: pdf)
            #expect(signatures.count == 3, "officer, seal, document timestamp")
            let root = Self.root(live)
            for (index, signature) in signatures.enumerated() {
                let isDocumentTimeStamp = index == signatures.count - 1
                let token: [UInt8]
                let data: [UInt8]
                if isDocumentTimeStamp {
                    token = signature.contents
                    data = signature.signedBytes(of: pdf)
                } else {
                    let tokens = try CMSSignedData.signatureTimeStamps(in: signature.contents)
                    #expect(tokens.count == 1)
                    token = try #require(tokens.first).der
                    data = try CMSSignedData.signatureValue(of: signature.contents)
                }
                let verdict = try await LongTermTools.opensslTimeStampVerify(
                    token: token, data: data, root: root, folder: live.folder.path, name: "t\(index)")
                #expect(verdict.accepted, "signature \(index): \(verdict.output)")
                var altered = data
                altered[altered.count / 2] ^= 0x01
                let refused = try await LongTermTools.opensslTimeStampVerify(
                    token: token, data: altered, root: root, folder: live.folder.path, name: "a\(index)")
                #expect(!refused.accepted, "altered data for signature \(index): \(refused.output)")
            }
        } catch {
            await live.stop()
            throw error
        }
        await live.stop()
    }

    @Test(
        "clock-injected: past the seal's expiry and revocation, then past the first TSA's expiry after renewal, valid")
    func clockInjectedLongTermValidation() async throws {
        let clock = MovableClock(Date())
        let live = try Self.start(clock: clock.now)
        let verifier = try DocumentVerifier(trustAnchors: live.service.keyring.trustAnchors)
        let (request, pdf) = try await Self.issue(live, person: .man(163))
        let documentID = try live.documentID(forRequest: request)
        let issuedAt = clock.now()
        let seal = try #require(live.service.keyring.department("justice-hanoi")?.active.certificate)
        let fresh = verifier.verify(pdf, at: issuedAt)
        #expect(fresh.outcome == .valid, "\(fresh.checks.filter { !$0.passed })")

        // Past the seal's expiry: valid at signing time, from what the file embeds.
        let afterSealExpiry = seal.notAfter.addingTimeInterval(30 * 86400)
        let expired = verifier.verify(pdf, at: afterSealExpiry)
        #expect(expired.outcome == .valid, "\(expired.checks.filter { !$0.passed })")

        // The seal revoked a day after signing: the embedded OCSP answer (good at signing time) still holds.
        _ = try live.service.store.revokeCertificate(
            fingerprint: seal.fingerprintHex, reason: .keyCompromise, at: issuedAt.addingTimeInterval(86400),
            by: "acceptance-test", now: issuedAt.addingTimeInterval(86400))
        let revoked = verifier.verify(pdf, at: afterSealExpiry)
        #expect(revoked.outcome == .valid, "\(revoked.checks.filter { !$0.passed })")

        // Sixty days before the first TSA certificate expires: rotate the TSA (and the yearly responder), restart,
        // and let the archive job renew.
        let firstToken = try TimeStampToken(der: try #require(IssuancePipeline.lastSignatureContents(in: pdf)))
        let firstTSA = try #require(firstToken.signerCertificate)
        clock.set(firstTSA.notAfter.addingTimeInterval(-60 * 86400))
        try DevelopmentPKI.rotateServices(directory: live.keysDirectory, names: ["tsa", "ocsp"], now: clock.now())
        await live.stop()
        let second = try LiveService.start(in: live.folder, transport: .inProcess) { options in
            options.clock = clock.now
        }
        do {
            let job = try #require(second.service.archive, "serve runs the archive job when the keyring has a TSA")
            _ = try job.run()  // the job serve started may have renewed it already: either way, one new version
            let versions = try second.service.store.documentVersions(id: documentID)
            #expect(versions.count == 2, "\(versions)")
            #expect(versions.last?.reason == "archive-renewal")
            let renewed = try #require(try second.service.store.documentPDF(id: documentID))
            #expect(renewed.starts(with: pdf), "an incremental update: the issued bytes are untouched")
            #expect(IssuancePipeline.signatureContents(in: renewed).count == 4)

            // Past the first TSA's expiry: the renewed file verifies, the file as issued no longer does.
            let later = firstTSA.notAfter.addingTimeInterval(30 * 86400)
            let renewedVerdict = verifier.verify(renewed, at: later)
            #expect(renewedVerdict.outcome == .valid, "\(renewedVerdict.checks.filter { !$0.passed })")
            #expect(verifier.verify(pdf, at: later).outcome != .valid)
            // Both files are the registered document.
            let registered = try #require(second.service.store.registeredDocument(id: documentID))
            #expect(registered.versionSHA256s == [Digest.sha256(pdf), Digest.sha256(renewed)])
            let online = verifier.verify(renewed, at: clock.now(), registry: second.service.store)
            #expect(online.checks.first { $0.name == .hashMatches }?.passed == true, "\(online.checks)")
            // The owner downloads the latest version.
            let owner = Person.man(163)
            let download = try await second.client.get(
                "/v1/requests/\(request)/document",
                token: try DevelopmentTokens.mint(
                    DevelopmentTokens.Citizen(
                        personalID: owner.personalID, name: owner.name, birthdate: owner.birthdate,
                        gender: owner.gender),
                    directory: second.keysDirectory, now: clock.now()))
            #expect(download.body == renewed, "\(download.status)")
            // A second run finds nothing due: idempotent.
            let again = try job.run()
            #expect(again.renewed.isEmpty)
        } catch {
            await second.stop()
            throw error
        }
        await second.stop()
    }
}

/// A clock tests move.
final class MovableClock: Sendable {
    private let current: Mutex<Date>
    init(_ start: Date) { current = Mutex(start) }
    @Sendable func now() -> Date { current.withLock { $0 } }
    func set(_ date: Date) { current.withLock { $0 = date } }
}

/// The external tools of the acceptance criteria, each run off the cooperative pool.
enum LongTermTools {
    struct Result: Sendable {
        let accepted: Bool
        let output: String
    }

    static func validate(_ path: String, root: String, folder: String) async throws -> (
        qpdf: Result, pdfsig: Result, pyHanko: Result
    ) {
        let qpdf = try await ExternalTool.runOnOwnThread("qpdf", ["--check", path])
        let pdfsig = try await pdfsig(path, root: root, folder: folder)
        let pyHanko = try await pyHanko(path, root: root, revocation: true)
        return (Result(accepted: qpdf.status == 0, output: qpdf.text + qpdf.errorText), pdfsig, pyHanko)
    }

    /// pdfsig with the root in a fresh NSS database, OCSP fetched from the AIA: every signature valid and trusted,
    /// and the last one covering the whole document.
    static func pdfsig(_ path: String, root: String, folder: String) async throws -> Result {
        let nss = "\(folder)/nss-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: nss, withIntermediateDirectories: true)
        _ = try await ExternalTool.runOnOwnThread("certutil", ["-N", "-d", "sql:\(nss)", "--empty-password"])
        _ = try await ExternalTool.runOnOwnThread(
            "certutil", ["-A", "-d", "sql:\(nss)", "-n", "civicseal-dev-root", "-t", "CT,C,C", "-i", root])
        let result = try await ExternalTool.runOnOwnThread("pdfsig", ["-nssdir", "sql:\(nss)", path])
        let text = result.text
        let signatures = text.components(separatedBy: "Signature #").count - 1
        let valid = text.components(separatedBy: "Signature Validation: Signature is Valid.").count - 1
        let trusted = text.components(separatedBy: "Certificate Validation: Certificate is Trusted.").count - 1
        let accepted = signatures >= 2 && valid >= 2 && trusted >= 2 && text.contains("Total document signed")
        return Result(accepted: accepted, output: text + result.errorText)
    }

    /// pyHanko's validator against `root` only; with `revocation`, revocation information is required and fetched
    /// (our responder) where the file does not embed it.
    static func pyHanko(_ path: String, root: String, revocation: Bool) async throws -> Result {
        var arguments = ["sign", "validate", "--pretty-print", "--trust-replace", "--trust", root]
        arguments += revocation ? ["--force-revinfo"] : ["--no-revocation-check"]
        let result = try await ExternalTool.runOnOwnThread("pyhanko", arguments + [path])
        let text = result.text
        func count(_ phrase: String) -> Int { text.components(separatedBy: phrase).count - 1 }
        // Both signature fields (the officer's, the seal's): intact and trusted, their timestamps intact and
        // trusted, and modification analysis finds only what the policy allows after each.
        let accepted =
            result.status == 0 && !text.contains("INVALID") && !text.lowercased().contains("untrusted")
            && count("The signature is judged VALID.") == 2 && count("The signer's certificate is trusted.") == 2
            && count("The timestamp token is cryptographically sound.") >= 2
            && count("The TSA certificate is trusted.") >= 2
            && count("appear to be compatible with the current document modification policy") == 2
        if let keep = ProcessInfo.processInfo.environment["CIVICSEAL_KEEP_PYHANKO"] {
            try? (text + result.errorText).write(toFile: keep, atomically: true, encoding: .utf8)
        }
        return Result(accepted: accepted, output: text + result.errorText)
    }

    /// pyHanko's AdES validation (ETSI EN 319 102-1: past signature validation with the proofs of existence the
    /// file embeds) against `root` only: both signatures judged valid at their signing time.
    static func pyHankoAdES(_ path: String, root: String) async throws -> Result {
        let result = try await ExternalTool.runOnOwnThread(
            "pyhanko", ["sign", "adesverify", "--pretty-print", "--trust-replace", "--trust", root, path])
        let text = result.text
        if let keep = ProcessInfo.processInfo.environment["CIVICSEAL_KEEP_PYHANKO"] {
            try? (text + result.errorText).write(toFile: keep + ".ades", atomically: true, encoding: .utf8)
        }
        func count(_ phrase: String) -> Int { text.components(separatedBy: phrase).count - 1 }
        // The responder now says the seal is revoked; AdES past validation still places both signatures before it.
        let accepted =
            result.status == 0 && !text.contains("INVALID") && count("The signature is judged VALID.") == 2
            && count("The signer's certificate is trusted.") == 2 && count("The TSA certificate is trusted.") >= 2
            && result.errorText.contains("was revoked")
        return Result(accepted: accepted, output: text + result.errorText)
    }

    /// `openssl ts -verify -data DATA -in TOKEN -token_in -CAfile ROOT`.
    static func opensslTimeStampVerify(token: [UInt8], data: [UInt8], root: String, folder: String, name: String)
        async throws -> Result
    {
        let tokenPath = "\(folder)/\(name).tst"
        let dataPath = "\(folder)/\(name).bin"
        _ = FileManager.default.createFile(atPath: tokenPath, contents: Data(token))
        _ = FileManager.default.createFile(atPath: dataPath, contents: Data(data))
        let result = try await ExternalTool.runOnOwnThread(
            "openssl", ["ts", "-verify", "-data", dataPath, "-in", tokenPath, "-token_in", "-CAfile", root])
        let text = result.text + result.errorText
        return Result(accepted: result.status == 0 && text.contains("Verification: OK"), output: text)
    }
}

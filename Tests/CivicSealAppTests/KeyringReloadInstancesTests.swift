import CivicSealApp
import CivicSealCrypto
import CivicSealTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Two `civicseal serve --database postgresql://…` processes (the built binary) on one database and one keys
/// directory: `civicseal keys rotate --database …` reaches both without a restart (NOTIFY), documents issued after it
/// carry the new seal certificate (read from the PDF by `pdfsig` and `openssl`), documents issued before keep
/// verifying, and a broken `keyring.json` is refused by both (the keys loaded before stay) until a good one comes.
@Suite(.enabled(if: ExternalTool.isCI || ExternalTool.isUsable("initdb", "psql", "curl", "pdfsig", "openssl")))
struct KeyringReloadInstancesTests {
    typealias Instances = MultiInstanceTests

    struct Instance {
        let process: Process
        let base: String
        let log: String
    }

    /// Submit (citizen `index`; the token minted before, as minting reads `keyring.json`), claim and approve on
    /// `base`, then download the sealed PDF into `folder`.
    static func issue(on base: String, index: Int, citizen: String, officer: String, folder: String) async throws
        -> String
    {
        let submitted = try await Instances.curl(
            "POST", base + "/v1/requests", token: citizen, json: Instances.submission(index))
        let id = try #require(submitted.id, "submit on \(base): \(submitted.status) \(submitted.body)")
        let claimed = try await Instances.curl("POST", base + "/v1/requests/\(id)/claim", token: officer, json: "")
        #expect(claimed.status == 200, "\(claimed.body)")
        let decided = try await Instances.curl(
            "POST", base + "/v1/requests/\(id)/decision", token: officer,
            json: #"{"decision": "approve", "findings": {"convictions": [], "bans": []}}"#)
        #expect(decided.status == 200, "\(decided.body)")
        let pdf = folder + "/document-\(index).pdf"
        let downloaded = await eventually {
            let output = try? await ExternalTool.runOnOwnThread(
                "curl",
                [
                    "-s", "--max-time", "60", "-o", pdf, "-w", "%{http_code}", "-H", "Authorization: Bearer \(citizen)",
                    base + "/v1/requests/\(id)/document",
                ])
            return output?.text == "200"
        }
        #expect(downloaded, "no document for \(id) on \(base)")
        return pdf
    }

    /// The SHA-256 of every certificate the PDF's signatures carry (`pdfsig -dump`, then `openssl pkcs7`).
    static func signatureCertificates(_ pdf: String, folder: String) async throws -> Set<String> {
        let dump = folder + "/dump-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dump, withIntermediateDirectories: true)
        _ = try await ExternalTool.runOnOwnThread("pdfsig", ["-nocert", "-no-ocsp", "-dump", pdf], directory: dump)
        var fingerprints: Set<String> = []
        for name in try FileManager.default.contentsOfDirectory(atPath: dump) where name.contains(".sig") {
            let pem = try await ExternalTool.runOnOwnThread(
                "openssl", ["pkcs7", "-inform", "DER", "-in", dump + "/" + name, "-print_certs"])
            for certificate in try Certificate.chain(pem: pem.text) { fingerprints.insert(certificate.fingerprintHex) }
        }
        #expect(!fingerprints.isEmpty, "pdfsig found no signature in \(pdf)")
        return fingerprints
    }

    static func activeSeal(_ keys: String) throws -> String {
        try #require(try Keyring(directory: keys).department("justice-hanoi")?.active.certificate.fingerprintHex)
    }

    static func logText(_ instance: Instance) -> String {
        (try? String(contentsOfFile: instance.log, encoding: .utf8)) ?? ""
    }

    @Test("keys rotate reaches two running instances over NOTIFY; a broken keyring.json is refused until a good one")
    func rotationReachesRunningInstances() async throws {
        let folder = TemporaryDirectory("civicseal-reload")
        let database = try PostgresTestDatabase.make(in: folder.path, prefix: "reload")
        defer { database.drop() }
        let executable = try #require(BuiltProduct.path("civicseal"), "civicseal binary not built")
        let keys = folder.path + "/Keys"
        let initialized = try BuiltProduct.run("civicseal", ["keys", "init", "--dir", keys])
        #expect(initialized.status == 0, "\(initialized.errorText)")
        let metricsToken = "reload-metrics-token-0123456789"

        var instances: [Instance] = []
        defer {
            for instance in instances where instance.process.isRunning {
                kill(instance.process.processIdentifier, SIGKILL)
            }
        }
        for index in 0..<2 {
            let port = try Instances.freePort()
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = [
                "serve", "--port", String(port), "--data", folder.path + "/data-\(index)", "--keys", keys,
                "--database", database.url,
            ]
            var environment = ProcessInfo.processInfo.environment
            environment["CIVICSEAL_METRICS_TOKEN"] = metricsToken
            process.environment = environment
            let log = folder.path + "/serve-\(index).log"
            FileManager.default.createFile(atPath: log, contents: nil)
            process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
            process.standardError = process.standardOutput
            try process.run()
            instances.append(Instance(process: process, base: "http://127.0.0.1:\(port)", log: log))
        }
        for instance in instances {
            try await Instances.awaitHealthy(instance.base + "/healthz", process: instance.process, log: instance.log)
        }
        let officer = try DevelopmentTokens.mint(
            DevelopmentTokens.Staff(roles: ["justice.officer"], department: "justice-hanoi", name: "Trần Đức Lương"),
            directory: keys)
        // Minted now: a token is signed with the development provider's key, read from keyring.json (broken later).
        var citizens: [Int: String] = [:]
        for index in [1, 10, 11, 20, 30, 31] { citizens[index] = try Instances.citizenToken(index, keys: keys) }
        func failing(_ instance: Instance) async throws -> String? {
            let metrics = try await Instances.curl("GET", instance.base + "/metrics", token: metricsToken)
            return metrics.body.split(separator: "\n").first { $0.hasPrefix("civicseal_keyring_reload_failing") }
                .map(String.init)
        }

        // Before the rotation: a document under the first seal.
        let firstSeal = try Self.activeSeal(keys)
        let before = try await Self.issue(
            on: instances[0].base, index: 1, citizen: citizens[1]!, officer: officer,
            folder: folder.path)
        #expect(try await Self.signatureCertificates(before, folder: folder.path).contains(firstSeal))

        // keys rotate from the command line, with the database: every instance is notified and reloads, unrestarted.
        let rotated = try BuiltProduct.run(
            "civicseal", ["keys", "rotate", "--department", "justice-hanoi", "--dir", keys, "--database", database.url])
        #expect(rotated.status == 0, "\(rotated.errorText)")
        #expect(rotated.text.contains("NOTIFY civicseal_keyring"), "\(rotated.text)")
        let secondSeal = try Self.activeSeal(keys)
        #expect(secondSeal != firstSeal)
        for instance in instances {
            let published = await eventually {
                let trust = try? await Instances.curl("GET", instance.base + "/v1/trust")
                return trust?.body.contains(secondSeal) == true
            }
            #expect(published, "\(instance.base) does not publish the new seal:\n\(Self.logText(instance))")
            #expect(Self.logText(instance).contains("keyring reloaded"))
        }
        for (offset, instance) in instances.enumerated() {
            let pdf = try await Self.issue(
                on: instance.base, index: 10 + offset, citizen: citizens[10 + offset]!, officer: officer,
                folder: folder.path)
            let certificates = try await Self.signatureCertificates(pdf, folder: folder.path)
            #expect(certificates.contains(secondSeal), "\(instance.base) did not seal with the new seal")
            #expect(!certificates.contains(firstSeal), "\(instance.base) still sealed with the old seal")
        }
        // The document sealed before the rotation verifies on both (the old seal is retired, not distrusted).
        for instance in instances {
            let verified = try await ExternalTool.runOnOwnThread(
                "curl",
                [
                    "-s", "--max-time", "60", "-H", "Content-Type: application/pdf", "--data-binary", "@" + before,
                    instance.base + "/v1/verify",
                ])
            #expect(verified.text.contains(#""outcome":"valid""#), "\(instance.base): \(verified.text)")
        }

        // keyring.json cut short in place, then a NOTIFY: refused by both with a clear line; the keys stay in use.
        let manifest = keys + "/keyring.json"
        let good = try String(contentsOfFile: manifest, encoding: .utf8)
        try String(good.prefix(good.count / 2)).write(toFile: manifest, atomically: false, encoding: .utf8)
        _ = try database.cluster.psql("NOTIFY civicseal_keyring", database: database.name)
        for instance in instances {
            let refused = await eventually { Self.logText(instance).contains("keyring reload REFUSED") }
            #expect(refused, "\(instance.base) did not refuse the broken keyring:\n\(Self.logText(instance))")
            #expect(!Self.logText(instance).contains("PRIVATE KEY"))
            #expect(try await failing(instance) == "civicseal_keyring_reload_failing 1")
        }
        let during = try await Self.issue(
            on: instances[1].base, index: 20, citizen: citizens[20]!, officer: officer,
            folder: folder.path)
        #expect(try await Self.signatureCertificates(during, folder: folder.path).contains(secondSeal))

        // A good keyring again (another rotation): taken by both.
        try good.write(toFile: manifest, atomically: false, encoding: .utf8)
        let again = try BuiltProduct.run(
            "civicseal", ["keys", "rotate", "--department", "justice-hanoi", "--dir", keys, "--database", database.url])
        #expect(again.status == 0, "\(again.errorText)")
        let thirdSeal = try Self.activeSeal(keys)
        for (offset, instance) in instances.enumerated() {
            let published = await eventually {
                let trust = try? await Instances.curl("GET", instance.base + "/v1/trust")
                return trust?.body.contains(thirdSeal) == true
            }
            #expect(published, "\(instance.base) did not take the good keyring:\n\(Self.logText(instance))")
            #expect(try await failing(instance) == "civicseal_keyring_reload_failing 0")
            let pdf = try await Self.issue(
                on: instance.base, index: 30 + offset, citizen: citizens[30 + offset]!, officer: officer,
                folder: folder.path)
            #expect(try await Self.signatureCertificates(pdf, folder: folder.path).contains(thirdSeal))
        }
        for instance in instances { #expect(instance.process.isRunning, "\(instance.base) exited") }
    }
}

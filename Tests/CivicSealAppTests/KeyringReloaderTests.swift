import CivicSealApp
import CivicSealTestSupport
import Foundation
import Synchronization
import Testing

/// The polling path of ``KeyringReloader`` on a real keys directory, with the clock injected: `keys rotate` is taken
/// at the next poll (not before), a seal taken before keeps signing, a broken `keyring.json` is refused (logged once,
/// the old keys stay) and a later good one is taken.
struct KeyringReloaderTests {
    final class Lines: Sendable {
        let lines = Mutex<[String]>([])
        var all: [String] { lines.withLock { $0 } }
        func append(_ line: String) { lines.withLock { $0.append(line) } }
    }

    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    static func reloader(keys: String, lines: Lines, prepare: @escaping @Sendable (Keyring) throws(AppError) -> Void)
        throws -> KeyringReloader
    {
        let digest = try #require(KeyringReloader.manifestDigest(directory: keys))
        return KeyringReloader(
            keyring: try Keyring(directory: keys), digest: digest, interval: 60, prepare: prepare,
            log: { lines.append($0) })
    }

    static func activeSeal(_ reloader: KeyringReloader) -> String? {
        reloader.seal(forDepartment: "justice-hanoi")?.certificateSHA256
    }

    @Test("a rotation is taken at the next poll, a broken keyring.json is refused and logged once, a good one is taken")
    func pollingTakesRotationsAndRefusesBrokenKeyrings() throws {
        let folder = TemporaryDirectory("civicseal-keyring-reload")
        let keys = folder.path + "/Keys"
        _ = try DevelopmentPKI.initialize(directory: keys)
        let lines = Lines()
        let reloader = try Self.reloader(keys: keys, lines: lines) { _ throws(AppError) in }
        let first = try #require(Self.activeSeal(reloader))
        #expect(reloader.poll(at: Self.start) == .unchanged)

        // A seal taken before the rotation (an issuance in flight) keeps its key whatever is swapped in.
        let inFlight = try #require(reloader.seal(forDepartment: "justice-hanoi"))
        let name = try DevelopmentPKI.rotate(directory: keys, departmentID: "justice-hanoi")
        #expect(reloader.poll(at: Self.start.addingTimeInterval(30)) == .notDue)
        #expect(Self.activeSeal(reloader) == first)
        guard case .applied(let changes) = reloader.poll(at: Self.start.addingTimeInterval(60)) else {
            Issue.record("the rotation was not taken at the next poll")
            return
        }
        let second = try #require(Self.activeSeal(reloader))
        #expect(second != first)
        #expect(try Keyring(directory: keys).department("justice-hanoi")?.active.certificate.fingerprintHex == second)
        #expect(changes.contains { $0.contains(name) })
        #expect(lines.all.last?.contains("keyring reloaded") == true)
        #expect(inFlight.certificateSHA256 == first)
        #expect((try? inFlight.signer.get()) != nil)
        #expect(reloader.status == KeyringReloader.Status(applied: 1, refused: 0, failure: nil))

        // Written in place and cut short: refused, the keys loaded before stay; the same content is logged once.
        let manifest = keys + "/keyring.json"
        let good = try String(contentsOfFile: manifest, encoding: .utf8)
        try String(good.prefix(good.count / 2)).write(toFile: manifest, atomically: false, encoding: .utf8)
        guard case .refused(let reason) = reloader.poll(at: Self.start.addingTimeInterval(120)) else {
            Issue.record("a half-written keyring.json was not refused")
            return
        }
        #expect(reason.contains("keyring.json"))
        #expect(Self.activeSeal(reloader) == second)
        #expect(reloader.status.failure != nil)
        let logged = lines.all.count
        #expect(lines.all.last?.contains("REFUSED") == true)
        #expect(!lines.all.joined().contains("PRIVATE KEY"))
        #expect(reloader.poll(at: Self.start.addingTimeInterval(180)) == .refused(reason))
        #expect(lines.all.count == logged)

        // Valid JSON naming a key file that is not there: refused too, with its own line.
        let missingKey = good.replacingOccurrences(of: ".key.pem", with: ".missing.pem")
        #expect(missingKey != good)
        try missingKey.write(toFile: manifest, atomically: false, encoding: .utf8)
        #expect(reloader.check() != .unchanged)
        #expect(Self.activeSeal(reloader) == second)
        #expect(lines.all.count == logged + 1)

        // The good content back: nothing to reload, and the failure is over; a later rotation is taken.
        try good.write(toFile: manifest, atomically: false, encoding: .utf8)
        #expect(reloader.poll(at: Self.start.addingTimeInterval(240)) == .unchanged)
        #expect(reloader.status.failure == nil)
        _ = try DevelopmentPKI.rotate(directory: keys, departmentID: "justice-hanoi")
        #expect(reloader.poll(at: Self.start.addingTimeInterval(300)) != .unchanged)
        let third = try #require(Self.activeSeal(reloader))
        #expect(third != second && third != first)
        #expect(reloader.status.applied == 2)
    }

    @Test("a snapshot its preparation refuses is not taken, and is tried again at the next poll")
    func failedPreparationIsRetried() throws {
        let folder = TemporaryDirectory("civicseal-keyring-prepare")
        let keys = folder.path + "/Keys"
        _ = try DevelopmentPKI.initialize(directory: keys)
        let lines = Lines()
        let storeDown = Atomic<Bool>(true)
        let reloader = try Self.reloader(keys: keys, lines: lines) { _ throws(AppError) in
            if storeDown.load(ordering: .acquiring) { throw AppError(.storage, "the database is unavailable") }
        }
        let first = try #require(Self.activeSeal(reloader))
        _ = try DevelopmentPKI.rotate(directory: keys, departmentID: "justice-hanoi")
        #expect(reloader.poll(at: Self.start) == .refused("\(keys)/keyring.json: the database is unavailable"))
        #expect(Self.activeSeal(reloader) == first)
        storeDown.store(false, ordering: .releasing)
        #expect(reloader.poll(at: Self.start.addingTimeInterval(59)) == .notDue)
        #expect(reloader.poll(at: Self.start.addingTimeInterval(60)) != .unchanged)
        #expect(Self.activeSeal(reloader) != first)
        #expect(reloader.status.failure == nil && reloader.status.refused == 1)
    }

    @Test("a keyring under another CA is refused: issuance, OCSP and the TSA were built on the first one")
    func anotherCertificateAuthorityIsRefused() throws {
        let folder = TemporaryDirectory("civicseal-keyring-ca")
        let keys = folder.path + "/Keys"
        let other = folder.path + "/Other"
        _ = try DevelopmentPKI.initialize(directory: keys)
        _ = try DevelopmentPKI.initialize(directory: other)
        let lines = Lines()
        let reloader = try Self.reloader(keys: keys, lines: lines) { _ throws(AppError) in }
        let first = try #require(Self.activeSeal(reloader))
        // Another development PKI dropped in place of the first one: every file it names, then its keyring.json.
        let files = try #require(FileManager.default.enumerator(atPath: other)?.allObjects as? [String])
        for relative in files.sorted() where relative != "keyring.json" {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: other + "/" + relative, isDirectory: &isDirectory),
                !isDirectory.boolValue
            else { continue }
            try FileManager.default.createDirectory(
                atPath: (keys + "/" + relative as NSString).deletingLastPathComponent,
                withIntermediateDirectories: true)
            _ = try? FileManager.default.removeItem(atPath: keys + "/" + relative)
            try FileManager.default.copyItem(atPath: other + "/" + relative, toPath: keys + "/" + relative)
        }
        _ = try? FileManager.default.removeItem(atPath: keys + "/keyring.json")
        try FileManager.default.copyItem(atPath: other + "/keyring.json", toPath: keys + "/keyring.json")
        guard case .refused(let reason) = reloader.check() else {
            Issue.record("a keyring under another CA was taken")
            return
        }
        #expect(reason.contains("CA differs"), "\(reason)")
        #expect(Self.activeSeal(reloader) == first)
    }
}

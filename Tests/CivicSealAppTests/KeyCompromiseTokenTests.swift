import CivicSealApp
import CivicSealCrypto
import CivicSealRecords
import CivicSealTestSupport
import Foundation
import Testing

/// The playbook when the compromised seal's key lives in a PKCS#11 token (SoftHSM2).
@Suite("keys compromise with seals in a PKCS#11 token", .enabled(if: ExternalTool.isUsable("softhsm2-util")))
struct KeyCompromiseTokenTests {
    @Test("a compromised seal in a token is replaced by a key pair generated in the same token, and re-issues verify")
    func tokenSealIsReplacedInTheSameToken() throws {
        let token = try SoftHSMToken.make()
        let location = try TokenLocation(
            uri: token.uri.description, module: token.modulePath, pin: "file:\(try token.pinFile())", context: "test")
        let fixture = try KeyCompromiseFixture(token: location)
        let issued = try fixture.issue(justice: 4, health: 2)
        let affected = try #require(issued["justice-hanoi"])
        let untouched = try #require(issued["health-hanoi"])
        let before = try #require(try Keyring(directory: fixture.keys).department("justice-hanoi")).active
        let compromised = before.certificate.fingerprintHex
        let oldObject = try #require(before.token?.uri.object)
        let untouchedBefore = try KeyCompromiseTests.footprints(untouched, fixture)

        let run = try fixture.compromise(["--seal", compromised, "--by", "operator:token-test"])
        #expect(run.status == 0, "\(run.output) \(run.error)")

        let keyring = try Keyring(directory: fixture.keys)
        let fresh = try #require(keyring.department("justice-hanoi")).active
        #expect(fresh.certificate.fingerprintHex != compromised)
        let entry = try #require(fresh.token, "the fresh seal is not in the token")
        #expect(entry.uri.token == token.label && entry.uri.object != oldObject)
        guard case .token(let uri)? = fresh.key?.location else {
            Issue.record("the fresh seal's key is not a token key")
            return
        }
        #expect(uri.token == token.label)
        #expect(!FileManager.default.fileExists(atPath: "\(fixture.keys)/private/justice-hanoi"), "no key file")
        let manifest = try String(contentsOfFile: "\(fixture.keys)/keyring.json", encoding: .utf8)
        #expect(!manifest.contains(token.pin))
        try KeyCompromiseTests.expectOutcome(
            fixture, affected: affected, compromised: compromised, newSeal: fresh.certificate.fingerprintHex,
            untouchedBefore: untouchedBefore)
    }
}

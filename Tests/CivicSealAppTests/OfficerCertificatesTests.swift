import CivicSealApp
import CivicSealCasework
import CivicSealCrypto
import CivicSealRecords
import CivicSealTestSupport
import Foundation
import Synchronization
import Testing

@Suite("Officer certificates and archive renewal from the command line")
struct OfficerCertificatesTests {
    static let officer = OfficerIdentity(
        staffID: "staff-subject-0042", fullName: "Trần Đức Lương", title: "TL. GIÁM ĐỐC", departmentID: "justice-hanoi",
        departmentName: "Sở Tư pháp thành phố Hà Nội")

    @Test("an officer's first signature issues a key (0600) and a two-year certificate naming them, found by OCSP")
    func firstSignatureIssuesCertificate() throws {
        let folder = TemporaryDirectory()
        let keys = folder.path + "/keys"
        _ = try DevelopmentPKI.initialize(directory: keys, publicURL: "http://127.0.0.1:9444")
        let keyring = try Keyring(directory: keys)
        let store = try RequestStore.open(path: folder.path + "/civicseal.sqlite")
        defer { try? store.close() }
        let wiring = try IssuanceWiring(keyring: keyring, store: store)
        let officerKeys = try #require(wiring.officerKeys)
        let now = Date()
        let signer = try officerKeys.signer(for: Self.officer, at: now)
        let certificate = signer.certificate

        #expect(certificate.subject.commonName == "Trần Đức Lương")
        #expect(
            certificate.subject.attributes.map(\.type) == ["C", "O", "OU", "title", "CN"],
            "\(certificate.subject)")
        #expect(certificate.subject.attributes.first { $0.type == "title" }?.value == "TL. GIÁM ĐỐC")
        #expect(certificate.keyUsage == [.digitalSignature, .nonRepudiation] && certificate.extendedKeyUsage.isEmpty)
        #expect(certificate.certificatePolicies == [CivicSealPolicy.officer])
        #expect(certificate.ocspURLs == ["http://127.0.0.1:9444/pki/ocsp"])
        #expect(certificate.crlDistributionPointURLs == ["http://127.0.0.1:9444/pki/crl/root.crl"])
        #expect(certificate.isIssued(by: keyring.certificateAuthority.certificate))
        let twoYears = certificate.notAfter.timeIntervalSince(now)
        #expect(abs(twoYears - 2 * 365 * 86400) < 5)

        // Files named by a hash: no name, no staff id on disk.
        let stem = DevelopmentOfficerKeys.stem(departmentID: "justice-hanoi", staffID: Self.officer.staffID)
        let keyPath = keys + "/" + DevelopmentOfficerKeys.keyPath(stem)
        #expect(SecureFile.mode(keyPath) == 0o600)
        for file in try FileManager.default.contentsOfDirectory(atPath: keys + "/officers") {
            #expect(!file.contains("staff") && !file.contains("0042") && !file.contains("Lương"))
        }
        // Recorded where the responder looks: good, not unknown.
        let record = try #require(try store.certificateRecord(fingerprint: certificate.fingerprintHex))
        #expect(record.profile == "officer" && record.status == .good)

        // The next signature reuses it; a changed title issues a new certificate for the same key.
        #expect(try officerKeys.signer(for: Self.officer, at: now).certificate == certificate)
        let promoted = OfficerIdentity(
            staffID: Self.officer.staffID, fullName: Self.officer.fullName, title: "GIÁM ĐỐC",
            departmentID: Self.officer.departmentID, departmentName: Self.officer.departmentName)
        let renamed = try officerKeys.signer(for: promoted, at: now).certificate
        #expect(renamed != certificate)
        #expect(try renamed.publicKey.spkiDER() == certificate.publicKey.spkiDER())
    }

    @Test("archive renew: a dry run lists what is due, a run with a rotated TSA renews once, a second run finds none")
    func archiveRenewCommand() async throws {
        let folder = TemporaryDirectory()
        let keys = folder.path + "/keys"
        let data = folder.path + "/data"
        _ = try DevelopmentPKI.initialize(directory: keys)
        var issued: [String] = []
        try await IssuanceCommands.issueBurst(dataDirectory: data, keysDirectory: keys, count: 1) { line in
            if line.hasPrefix("issued ") { issued.append(String(line.split(separator: " ")[2])) }
        }
        let documentID = try #require(issued.first)
        let tsa = try #require(try Keyring(directory: keys).timeStampingSigner?.certificate)
        let nearExpiry = tsa.notAfter.addingTimeInterval(-60 * 86400)
        func renew(dryRun: Bool) throws -> [String] {
            var lines: [String] = []
            try IssuanceCommands.renewArchive(
                dataDirectory: data, keysDirectory: keys, now: nearExpiry, dryRun: dryRun
            ) { lines.append($0) }
            return lines
        }
        #expect(try renew(dryRun: false).contains { $0.hasPrefix("skipped \(documentID)") }, "no newer TSA yet")
        #expect(try renew(dryRun: true).contains("due \(documentID)"))
        try DevelopmentPKI.rotateServices(directory: keys, names: ["tsa", "ocsp"], now: nearExpiry)
        #expect(try renew(dryRun: false).contains("renewed \(documentID) version 2"))
        #expect(try renew(dryRun: false).last == "archive renewal: 0 due, 0 renewed, 0 left for later")

        let store = try RequestStore.open(path: data + "/civicseal.sqlite")
        defer { try? store.close() }
        #expect(try store.documentVersions(id: documentID).map(\.reason) == ["issued", "archive-renewal"])
        let audit = try await store.auditEntries(from: 1, limit: 10_000)
        #expect(audit.filter { $0.action == "archive-renewal" }.count == 1)
        #expect(try await store.verifyAudit().isIntact)
    }
}

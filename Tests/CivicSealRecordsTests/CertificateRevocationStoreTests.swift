import CivicSealCrypto
import CivicSealRecords
import CivicSealStorage
import Foundation
import Testing

@Suite struct CertificateRevocationStoreTests {
    static let now = Date(timeIntervalSince1970: 1_795_000_000)

    /// A root and one leaf it issued.
    static func certificates() throws -> (root: Certificate, leaf: Certificate) {
        let rootKey = try PrivateKey.generate(.ecP256)
        let root = try CertificateBuilder.rootAuthority(
            subject: DistinguishedName(commonName: "Store Test Root", country: "VN"), publicKey: rootKey.publicKey,
            notBefore: now - 86400, notAfter: now + 86400 * 365
        ).selfSigned(with: rootKey)
        let key = try PrivateKey.generate(.ecP256)
        let leaf = try CertificateBuilder.documentSigner(
            subject: DistinguishedName(commonName: "Sở Tư pháp", country: "VN"), publicKey: key.publicKey,
            notBefore: now - 3600, notAfter: now + 86400 * 365
        ).issued(by: root, key: rootKey)
        return (root, leaf)
    }

    @Test(
        "An issued certificate is good, a revoked one is revoked with reason, time and audit entry; others unknown",
        arguments: RecordsBackend.all)
    func revocationIsRecordedAndAudited(backend: RecordsBackend) throws {
        let fixture = try StoreFixture(backend: backend)
        let (root, leaf) = try Self.certificates()
        let issuer = root.subject.description
        #expect(try fixture.store.recordIssuedCertificates([(leaf, "seal")], now: Self.now) == 1)
        #expect(
            try fixture.store.certificateRecord(fingerprint: leaf.fingerprintHex)?.serialBytes == leaf.serialNumberBytes
        )
        #expect(try fixture.store.recordIssuedCertificates([(leaf, "seal")], now: Self.now) == 0)
        let good = try #require(try fixture.store.certificateRecord(issuer: issuer, serial: leaf.serialNumberBytes))
        #expect(good.status == .good && good.serial == leaf.serialNumber && good.fingerprint == leaf.fingerprintHex)
        #expect(try fixture.store.certificateRecord(issuer: issuer, serial: [0x01, 0x02, 0x03]) == nil)
        #expect(try fixture.store.certificateRecord(issuer: "CN=Other", serial: leaf.serialNumberBytes) == nil)

        let at = Self.now - 60
        let revoked = try fixture.store.revokeCertificate(
            fingerprint: leaf.fingerprintHex.uppercased(), reason: .keyCompromise, at: at, by: "operator:test",
            now: Self.now)
        #expect(revoked.status == .revoked(at: at, reason: .keyCompromise))
        #expect(revoked.revocation?.by == "operator:test")
        #expect(try fixture.store.revokedCertificates(issuer: issuer).map(\.serialBytes) == [leaf.serialNumberBytes])
        let audit = try fixture.store.verifyAudit()
        #expect(audit.isIntact)
        let action = try fixture.scalar(
            "SELECT action FROM audit_log WHERE sequence = ?", [.integer(revoked.revocation?.auditSequence ?? 0)])
        #expect(action == .text("revoke-certificate"))

        #expect(throws: RecordsError(.transitionRefused, "")) {
            try fixture.store.revokeCertificate(
                fingerprint: leaf.fingerprintHex, reason: .superseded, at: Self.now, by: "x", now: Self.now)
        }
        #expect(throws: RecordsError(.notFound, "")) {
            try fixture.store.revokeCertificate(
                fingerprint: root.fingerprintHex, reason: .superseded, at: Self.now, by: "x", now: Self.now)
        }
        // A revocation is final, even to SQL.
        #expect(throws: (any Error).self) { try fixture.execute("UPDATE issued_certificates SET revoked_at = NULL") }
    }

    @Test("CRL numbers only increase, per issuer", arguments: RecordsBackend.all)
    func crlNumbersIncrease(backend: RecordsBackend) throws {
        let fixture = try StoreFixture(backend: backend)
        #expect(try fixture.store.nextCRLNumber(issuer: "CN=A") == 1)
        #expect(try fixture.store.nextCRLNumber(issuer: "CN=A") == 2)
        #expect(try fixture.store.nextCRLNumber(issuer: "CN=B") == 1)
        #expect(try fixture.store.nextCRLNumber(issuer: "CN=A") == 3)
    }

    @Test("Serial hex is the unsigned number without leading zero bytes, as openssl prints it, both ways")
    func serialHex() {
        #expect(CertificateRecord.hex(serial: [0x00, 0x0A, 0xBC]) == "0ABC")
        #expect(CertificateRecord.hex(serial: [0x7F, 0x01]) == "7F01")
        #expect(CertificateRecord.hex(serial: []) == "0")
    }

    @Test("A record's serial reads as the certificate prints it, whatever its leading digit")
    func serialMatchesTheCertificate() throws {
        let (_, leaf) = try Self.certificates()
        for first: UInt8 in [0x01, 0x0F, 0x10, 0x7F] {
            var bytes = leaf.serialNumberBytes
            bytes[0] = first
            #expect(CertificateRecord.hex(serial: bytes).count == bytes.count * 2)
        }
        #expect(CertificateRecord.hex(serial: leaf.serialNumberBytes) == leaf.serialNumber)
    }
}

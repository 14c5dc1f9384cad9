import CivicSealApp
import CivicSealCrypto
import CivicSealRecords
import CivicSealTestSupport
import Foundation
import Testing

@Suite struct KeyringServicesTests {
    static let now = Date(timeIntervalSince1970: 1_795_000_000)

    @Test("keys init issues the TSA, OCSP responder and status signer from the root, with their profiles and lifetimes")
    func serviceIdentitiesAreIssued() throws {
        let directory = TemporaryDirectory()
        let keys = "\(directory.path)/Keys"
        _ = try DevelopmentPKI.initialize(directory: keys, publicURL: "http://127.0.0.1:9443/", now: Self.now)
        let keyring = try Keyring(directory: keys)
        let root = keyring.certificateAuthority.certificate
        #expect(keyring.certificateAuthority.key != nil && root.subject.commonName == DevelopmentPKI.rootCommonName)
        #expect(keyring.publicBaseURL == "http://127.0.0.1:9443")
        let year: TimeInterval = 365 * 86400

        let tsa = try #require(keyring.timeStampingSigner?.certificate)
        #expect(tsa.extendedKeyUsage == [ExtendedKeyUsage.timeStamping] && tsa.isExtendedKeyUsageCritical)
        #expect(tsa.notAfter == Self.now + 6 * year && tsa.isIssued(by: root))
        #expect(tsa.ocspURLs == ["http://127.0.0.1:9443/pki/ocsp"])
        let responder = try #require(keyring.ocspResponderSigner?.certificate)
        #expect(responder.extendedKeyUsage == [ExtendedKeyUsage.ocspSigning] && responder.hasOCSPNoCheck)
        #expect(responder.notAfter == Self.now + year && responder.ocspURLs.isEmpty)
        let status = try #require(keyring.statusSigner?.certificate)
        #expect(status.keyUsage == [.digitalSignature] && status.certificatePolicies == [CivicSealPolicy.statusSigner])
        #expect(status.notAfter == Self.now + year)
        #expect(keyring.timeStampingSigner?.chain == [root])

        for department in keyring.departments {
            let seal = department.active.certificate
            #expect(seal.certificatePolicies == [CivicSealPolicy.seal])
            #expect(seal.crlDistributionPointURLs == ["http://127.0.0.1:9443/pki/crl/root.crl"])
            #expect(seal.caIssuersURLs == ["http://127.0.0.1:9443/pki/ca/root.cer"])
        }
        var officer = CertificateBuilder.officer(
            subject: DistinguishedName(commonName: "Nguyễn Văn An"),
            publicKey: try PrivateKey.generate(.ecP256).publicKey,
            notBefore: Self.now, notAfter: Self.now + year)
        keyring.decorateWithServiceURLs(&officer)
        #expect(officer.ocspURL == "http://127.0.0.1:9443/pki/ocsp")

        let manifest = keyring.manifest
        for identity in [
            manifest.services?.timeStamping, manifest.services?.ocspResponder, manifest.services?.statusSigner,
        ] {
            let identity = try #require(identity)
            #expect(SecureFile.mode("\(keys)/\(try #require(identity.key))") == 0o600)
            #expect(SecureFile.mode("\(keys)/\(identity.certificate)") == 0o644)
        }

        // Again: everything kept, the same identities.
        let again = try DevelopmentPKI.initialize(directory: keys, now: Self.now + 86400)
        #expect(again.created.isEmpty)
        #expect(try Keyring(directory: keys).timeStampingSigner?.certificate == tsa)

        let issued = KeyringCertificates.issued(by: keyring)
        let profiles = Dictionary(issued.map { ($0.certificate, $0.profile) }, uniquingKeysWith: { first, _ in first })
        #expect(
            profiles[tsa] == "tsa" && profiles[responder] == "ocsp-responder" && profiles[status] == "status-signer")
        #expect(keyring.departments.allSatisfy { profiles[$0.active.certificate] == "seal" })
        #expect(profiles[root] == nil)
    }

    @Test("A keyring made before the PKI services gets them from keys init, and serve notices they lack")
    func olderKeyringsGainServices() throws {
        let directory = TemporaryDirectory()
        let keys = "\(directory.path)/Keys"
        _ = try DevelopmentPKI.initialize(directory: keys)
        let path = "\(keys)/keyring.json"
        var object = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        object["services"] = nil
        object["publicBaseURL"] = nil
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: path))
        #expect(try Keyring(directory: keys).timeStampingSigner == nil)
        #expect(try DevelopmentPKI.lacksServiceIdentities(directory: keys))
        try FileManager.default.removeItem(atPath: "\(keys)/services")
        try FileManager.default.removeItem(atPath: "\(keys)/private/services")
        let report = try DevelopmentPKI.initialize(directory: keys)
        #expect(report.created.contains("services/tsa.cert.pem"))
        let keyring = try Keyring(directory: keys)
        #expect(keyring.timeStampingSigner != nil && keyring.publicBaseURL == DevelopmentPKI.defaultPublicBaseURL)
        #expect(!(try DevelopmentPKI.lacksServiceIdentities(directory: keys)))
    }

    @Test(
        "A public URL that is not an absolute http(s) URL is refused",
        arguments: [
            "ftp://x", "127.0.0.1:8080", "http://a/b?c=d", "http://a,b", "http://a#x", "",
        ])
    func badPublicURLsAreRefused(url: String) {
        #expect(throws: AppError.self) { try DevelopmentPKI.validatedPublicURL(url) }
    }

    @Test("keys revoke records an audited revocation, and refuses a certificate the CA never issued or a bad reason")
    func revokeCommand() throws {
        let directory = TemporaryDirectory()
        let keys = "\(directory.path)/Keys"
        let data = "\(directory.path)/data"
        _ = try DevelopmentPKI.initialize(directory: keys)
        let keyring = try Keyring(directory: keys)
        let seal = try #require(keyring.departments.first?.active.certificate)
        let sealFile = try directory.write("seal.der", seal.der)

        #expect(throws: AppError.self) {
            try KeyringCertificates.revoke(
                keysDirectory: keys, dataDirectory: data, certificate: sealFile, reason: "bored", at: nil, by: nil)
        }
        #expect(throws: AppError.self) {
            try KeyringCertificates.revoke(
                keysDirectory: keys, dataDirectory: data, certificate: sealFile, reason: "superseded",
                at: "2999-01-01T00:00:00Z", by: nil)
        }
        let stranger = try directory.write("stranger.pem", text: keyring.certificateAuthority.certificate.pem)
        #expect(throws: AppError.self) {
            try KeyringCertificates.revoke(
                keysDirectory: keys, dataDirectory: data, certificate: stranger, reason: "superseded", at: nil, by: nil)
        }
        let printed = try KeyringCertificates.revoke(
            keysDirectory: keys, dataDirectory: data, certificate: sealFile, reason: "superseded",
            at: "2026-12-01T10:00:00Z", by: "Trần Văn Quản trị")
        #expect(printed.contains(seal.serialNumber) && printed.contains("superseded"), "\(printed)")
        #expect(printed.contains("Trần Văn Quản trị"))

        let store = try RequestStore.open(path: "\(data)/civicseal.sqlite")
        defer { try? store.close() }
        let record = try #require(try store.certificateRecord(fingerprint: seal.fingerprintHex))
        #expect(
            record.status
                == .revoked(
                    at: try #require(ISO8601DateFormatter().date(from: "2026-12-01T10:00:00Z")), reason: .superseded))
        #expect(try store.verifyAudit().isIntact)
        // The whole keyring is known to the responder: its services are good, the revoked seal is not.
        let tsa = try #require(keyring.timeStampingSigner?.certificate)
        let issuer = keyring.certificateAuthority.certificate.subject.description
        #expect(try store.certificateRecord(issuer: issuer, serial: tsa.serialNumberBytes)?.status == .good)
    }

    @Test("keys show lists the PKI services; keys revoke runs from the executable")
    func throughTheExecutable() throws {
        let directory = TemporaryDirectory()
        let keys = "\(directory.path)/Keys"
        let made = try BuiltProduct.run(
            "civicseal", ["keys", "init", "--dir", keys, "--public-url", "http://127.0.0.1:9"])
        #expect(made.status == 0 && made.text.contains("created  \(keys)/services/tsa.cert.pem"), "\(made.text)")
        let shown = try BuiltProduct.run("civicseal", ["keys", "show", "--dir", keys])
        #expect(shown.text.contains("PKI services published at http://127.0.0.1:9"), "\(shown.text)")
        #expect(shown.text.contains("timestamp authority: CN=CivicSeal Development Time-Stamping Authority"))
        #expect(shown.text.contains("OCSP responder:") && shown.text.contains("OCSP no-check"))
        #expect(shown.text.contains("status signer:"))
        let seal = try #require(try Keyring(directory: keys).departments.first?.active.certificate)
        let revoked = try BuiltProduct.run(
            "civicseal",
            [
                "keys", "revoke", "--dir", keys, "--data", "\(directory.path)/data", "--certificate",
                seal.fingerprintHex,
                "--reason", "keyCompromise",
            ])
        #expect(revoked.status == 0 && revoked.text.contains("keyCompromise"), "\(revoked.text)\(revoked.errorText)")
        let twice = try BuiltProduct.run(
            "civicseal",
            [
                "keys", "revoke", "--dir", keys, "--data", "\(directory.path)/data", "--certificate",
                seal.fingerprintHex,
                "--reason", "keyCompromise",
            ])
        #expect(twice.status == 64 && twice.errorText.contains("already revoked"), "\(twice.errorText)")
    }
}

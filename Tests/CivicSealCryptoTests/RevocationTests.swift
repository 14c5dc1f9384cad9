import CivicSealCrypto
import CivicSealTestSupport
import Foundation
import Synchronization
import Testing

/// A root, a delegated OCSP responder, and a responder over a mutable status table.
private final class RevocationPKI: Sendable {
    let pki: TestPKI
    let responderKey: PrivateKey
    let responderCertificate: Certificate
    let revoked = Mutex<[[UInt8]: CertificateStatus]>([:])
    let issued = Mutex<Set<[UInt8]>>([])

    init() throws {
        pki = try TestPKI()
        responderKey = try PrivateKey.generate(.ecP256)
        responderCertificate = try CertificateBuilder.ocspResponder(
            subject: DistinguishedName(commonName: "Test OCSP Responder", country: "VN"),
            publicKey: responderKey.publicKey, notBefore: TestPKI.now.addingTimeInterval(-86400),
            notAfter: TestPKI.now.addingTimeInterval(365 * 86400)
        ).issued(by: pki.root, key: pki.rootKey)
    }

    func responder(at now: Date = TestPKI.now) throws -> OCSPResponder {
        let signer = try CMSSigner(key: responderKey, certificate: responderCertificate, chain: [pki.root])
        return try OCSPResponder(signer: signer, issuer: pki.root, clock: { now }) { serial in
            if let status = self.revoked.withLock({ $0[serial] }) { return status }
            return self.issued.withLock { $0.contains(serial) } ? .good : .unknown
        }
    }

    func leaf() throws -> Certificate {
        let (_, certificate) = try pki.leaf()
        issued.withLock { _ = $0.insert(certificate.serialNumberBytes) }
        return certificate
    }
}

@Suite struct RevocationTests {
    @Test("An in-process OCSP response says good, then revoked with the reason, and verifies against the CA")
    func inProcessResponseVerifies() throws {
        let setup = try RevocationPKI()
        let leaf = try setup.leaf()
        let good = try OCSPResponse(der: try setup.responder().response(for: leaf))
        let single = try #require(good.status(of: leaf, issuer: setup.pki.root, at: TestPKI.now))
        #expect(single.status == .good)
        #expect(single.serialNumber == leaf.serialNumberBytes)
        #expect(single.thisUpdate == TestPKI.now && good.producedAt == TestPKI.now)
        #expect(single.nextUpdate == TestPKI.now.addingTimeInterval(7 * 86400))
        #expect(good.responderCertificates.contains(setup.responderCertificate))

        let revokedAt = TestPKI.now.addingTimeInterval(-3600)
        setup.revoked.withLock { $0[leaf.serialNumberBytes] = .revoked(at: revokedAt, reason: .keyCompromise) }
        let revoked = try OCSPResponse(der: try setup.responder().response(for: leaf))
        #expect(
            revoked.status(of: leaf, issuer: setup.pki.root, at: TestPKI.now)?.status
                == .revoked(at: revokedAt, reason: .keyCompromise))
    }

    @Test("A response in BER (a non-minimal outer length) is refused: DER only")
    func berResponsesAreRefused() throws {
        let setup = try RevocationPKI()
        let der = try setup.responder().response(for: try setup.leaf())
        #expect(der[0] == 0x30 && der[1] == 0x82)
        let ber = [0x30, 0x83, 0x00] + der[2...]
        #expect(throws: CryptoError(.malformedInput, "")) { try OCSPResponse(der: Array(ber)) }
        #expect(try OCSPResponse(der: der).responses.count == 1)
    }

    @Test("A response is not trusted for another CA, another certificate, or after the responder expired")
    func foreignOrExpiredAnswersAreNotTrusted() throws {
        let setup = try RevocationPKI()
        let leaf = try setup.leaf()
        let other = try setup.leaf()
        let response = try OCSPResponse(der: try setup.responder().response(for: leaf))
        let stranger = try TestPKI(commonName: "Stranger Root")
        #expect(response.status(of: leaf, issuer: stranger.root, at: TestPKI.now) == nil)
        #expect(response.status(of: other, issuer: setup.pki.root, at: TestPKI.now) == nil)
        #expect(
            response.status(of: leaf, issuer: setup.pki.root, at: TestPKI.now.addingTimeInterval(400 * 86400)) == nil)
    }

    @Test("A status source that cannot answer makes response(for:) throw: never good without evidence")
    func unavailableStatusIsTryLater() throws {
        struct StoreDown: Error {}
        let setup = try RevocationPKI()
        let leaf = try setup.leaf()
        let responder = try OCSPResponder(
            signer: try CMSSigner(key: setup.responderKey, certificate: setup.responderCertificate),
            issuer: setup.pki.root
        ) { _ in throw StoreDown() }
        #expect(throws: CryptoError(.statusUnavailable, "")) { try responder.response(for: leaf) }
    }

    @Test("A responder certificate without OCSPSigning, or from another CA, is refused at construction")
    func responderProfileIsChecked() throws {
        let setup = try RevocationPKI()
        let (key, plain) = try setup.pki.leaf()
        #expect(throws: CryptoError(.invalidArgument, "")) {
            try OCSPResponder(signer: try CMSSigner(key: key, certificate: plain), issuer: setup.pki.root) { _ in .good
            }
        }
        let stranger = try TestPKI(commonName: "Stranger Root")
        #expect(throws: CryptoError(.invalidArgument, "")) {
            try OCSPResponder(
                signer: try CMSSigner(key: setup.responderKey, certificate: setup.responderCertificate),
                issuer: stranger.root
            ) { _ in .good }
        }
    }

    @Test("Garbage, empty, oversized and truncated OCSP requests answer malformedRequest")
    func badRequestsAreMalformed() throws {
        let responder = try RevocationPKI().responder()
        let malformed: [UInt8] = [0x30, 0x03, 0x0A, 0x01, 0x01]
        #expect(responder.respond(to: []) == malformed)
        #expect(responder.respond(to: Array("GET / HTTP/1.1".utf8)) == malformed)
        #expect(responder.respond(to: [UInt8](repeating: 0x30, count: 9000)) == malformed)
        #expect(responder.respond(to: [0x30, 0x84, 0x7F, 0xFF, 0xFF, 0xFF]) == malformed)
        for length in [1, 2, 5, 17] {
            #expect(responder.respond(to: [UInt8](repeating: 0xA0, count: length)) == malformed)
        }
        #expect(throws: CryptoError(.malformedInput, "")) { try OCSPResponse(der: malformed) }
        #expect(throws: CryptoError(.malformedInput, "")) { try OCSPResponse(der: [0x30, 0x00]) }
    }

    @Test("A CRL lists revoked serials with reasons, carries its number, and verifies only with its issuer")
    func crlRoundTrip() throws {
        let setup = try RevocationPKI()
        let leaf = try setup.leaf()
        let at = TestPKI.now.addingTimeInterval(-600)
        let crl = try CertificateRevocationList.issue(
            by: setup.pki.root, key: setup.pki.rootKey,
            entries: [
                .init(serialNumber: leaf.serialNumberBytes, revocationDate: at, reason: .keyCompromise),
                .init(serialNumber: [0x01, 0x02], revocationDate: at, reason: nil),
            ],
            number: 42, thisUpdate: TestPKI.now, nextUpdate: TestPKI.now.addingTimeInterval(7 * 86400))
        let parsed = try CertificateRevocationList(der: crl.der)
        #expect(parsed.number == 42)
        #expect(parsed.thisUpdate == TestPKI.now)
        #expect(parsed.nextUpdate == TestPKI.now.addingTimeInterval(7 * 86400))
        #expect(
            parsed.entry(for: leaf)
                == .init(serialNumber: leaf.serialNumberBytes, revocationDate: at, reason: .keyCompromise))
        #expect(parsed.entries.count == 2)
        #expect(parsed.isSigned(by: setup.pki.root))
        #expect(!parsed.isSigned(by: try TestPKI(commonName: "Test Root CA").root))
        #expect(throws: CryptoError(.malformedInput, "")) { try CertificateRevocationList(der: crl.der + [0]) }
        #expect(throws: CryptoError(.malformedInput, "")) {
            try CertificateRevocationList(der: Array(crl.der.prefix(50)))
        }
    }

    @Test("Builder profiles carry AIA, CRL distribution points, policies, critical EKU and OCSP no-check")
    func profilesCarryTheirExtensions() throws {
        let pki = try TestPKI()
        let key = try PrivateKey.generate(.ecP256)
        let name = DistinguishedName(commonName: "Nguyễn Văn An", organization: "Sở Tư pháp", country: "VN")
        var officer = CertificateBuilder.officer(
            subject: name, publicKey: key.publicKey, notBefore: TestPKI.now, notAfter: TestPKI.now + 86400)
        officer.ocspURL = "http://127.0.0.1:8080/pki/ocsp"
        officer.caIssuersURL = "http://127.0.0.1:8080/pki/ca/root.cer"
        officer.crlDistributionPoints = ["http://127.0.0.1:8080/pki/crl/root.crl"]
        let issued = try officer.issued(by: pki.root, key: pki.rootKey)
        #expect(issued.ocspURLs == ["http://127.0.0.1:8080/pki/ocsp"])
        #expect(issued.caIssuersURLs == ["http://127.0.0.1:8080/pki/ca/root.cer"])
        #expect(issued.crlDistributionPointURLs == ["http://127.0.0.1:8080/pki/crl/root.crl"])
        #expect(issued.certificatePolicies == [CivicSealPolicy.officer])
        #expect(issued.keyUsage == [.digitalSignature, .nonRepudiation] && issued.extendedKeyUsage.isEmpty)
        #expect(issued.isIssued(by: pki.root) && !pki.root.isIssued(by: issued))

        let tsa = try CertificateBuilder.timeStampingAuthority(
            subject: name, publicKey: key.publicKey, notBefore: TestPKI.now, notAfter: TestPKI.now + 86400
        ).issued(by: pki.root, key: pki.rootKey)
        #expect(tsa.extendedKeyUsage == [ExtendedKeyUsage.timeStamping] && tsa.isExtendedKeyUsageCritical)
        let responder = try CertificateBuilder.ocspResponder(
            subject: name, publicKey: key.publicKey, notBefore: TestPKI.now, notAfter: TestPKI.now + 86400
        ).issued(by: pki.root, key: pki.rootKey)
        #expect(responder.extendedKeyUsage == [ExtendedKeyUsage.ocspSigning] && responder.hasOCSPNoCheck)
        #expect(!responder.isExtendedKeyUsageCritical && !tsa.hasOCSPNoCheck)
        let status = try CertificateBuilder.statusSigner(
            subject: name, publicKey: key.publicKey, notBefore: TestPKI.now, notAfter: TestPKI.now + 86400
        ).issued(by: pki.root, key: pki.rootKey)
        #expect(status.keyUsage == [.digitalSignature] && status.certificatePolicies == [CivicSealPolicy.statusSigner])
    }

    @Test("openssl accepts our OCSP response, CRL and profiles", .enabled(if: ExternalTool.isUsable("openssl")))
    func openSSLAgrees() throws {
        let setup = try RevocationPKI()
        let leaf = try setup.leaf()
        setup.revoked.withLock {
            $0[leaf.serialNumberBytes] = .revoked(at: TestPKI.now.addingTimeInterval(-60), reason: .superseded)
        }
        let directory = TemporaryDirectory()
        let root = try directory.write("root.pem", text: setup.pki.root.pem)
        let leafPath = try directory.write("leaf.pem", text: leaf.pem)
        // Produced now: openssl checks thisUpdate/nextUpdate against the real clock.
        let response = try directory.write("response.der", try setup.responder(at: Date()).response(for: leaf))
        let checked = try ExternalTool.run(
            "openssl",
            ["ocsp", "-respin", response, "-issuer", root, "-cert", leafPath, "-CAfile", root, "-resp_text"])
        let output = checked.text + checked.errorText
        #expect(output.contains("Response verify OK"), "\(output)")
        #expect(output.contains("leaf.pem: revoked") && output.contains("Reason: superseded"), "\(output)")
        #expect(output.contains("Next Update:"), "\(output)")

        let crl = try CertificateRevocationList.issue(
            by: setup.pki.root, key: setup.pki.rootKey,
            entries: [.init(serialNumber: leaf.serialNumberBytes, revocationDate: TestPKI.now, reason: .keyCompromise)],
            number: 7, thisUpdate: TestPKI.now, nextUpdate: TestPKI.now.addingTimeInterval(7 * 86400))
        let crlPath = try directory.write("root.crl", crl.der)
        let listed = try ExternalTool.run(
            "openssl", ["crl", "-in", crlPath, "-inform", "DER", "-CAfile", root, "-noout", "-text"])
        let crlText = listed.text + listed.errorText
        #expect(crlText.contains("verify OK") && crlText.contains("Key Compromise"), "\(crlText)")
        #expect(crlText.contains(leaf.serialNumber) && crlText.contains("X509v3 CRL Number"), "\(crlText)")

        let printed = try ExternalTool.run(
            "openssl",
            ["x509", "-noout", "-text", "-in", try directory.write("r.pem", text: setup.responderCertificate.pem)])
        #expect(printed.text.contains("OCSP Signing") && printed.text.contains("OCSP No Check"), "\(printed.text)")
    }
}

import CivicSealCrypto
import CivicSealTestSupport
import Foundation
import Testing

@Suite struct CertificateTests {
    @Test func issuedLeafCarriesTheRequestedFields() throws {
        let pki = try TestPKI()
        let (_, leaf) = try pki.leaf(
            "Sở Tư pháp thành phố Hà Nội", extendedKeyUsage: [ExtendedKeyUsage.documentSigning])
        #expect(leaf.subject.commonName == "Sở Tư pháp thành phố Hà Nội")
        #expect(leaf.issuer == pki.root.subject)
        #expect(leaf.keyUsage == [.digitalSignature, .nonRepudiation])
        #expect(leaf.extendedKeyUsage == [ExtendedKeyUsage.documentSigning])
        #expect(!leaf.isCertificateAuthority)
        #expect(pki.root.isCertificateAuthority && pki.root.isSelfSigned && !leaf.isSelfSigned)
        #expect(pki.root.keyUsage == [.keyCertSign, .cRLSign])
        #expect(leaf.authorityKeyIdentifier != nil && leaf.authorityKeyIdentifier == pki.root.subjectKeyIdentifier)
        #expect(leaf.subjectKeyIdentifier?.count == 20)
        #expect(leaf.sha256Fingerprint == Digest.sha256(leaf.der))
        #expect(try Certificate(pem: leaf.pem) == leaf)
        #expect(leaf.notBefore == TestPKI.now.addingTimeInterval(-86400))
    }

    @Test func trailingBytesAndGarbageAreRefused() throws {
        let pki = try TestPKI()
        #expect(throws: CryptoError(.malformedInput, "")) { try Certificate(der: pki.root.der + [0]) }
        #expect(throws: CryptoError(.malformedInput, "")) { try Certificate(der: Array(pki.root.der.prefix(40))) }
        #expect(throws: CryptoError(.malformedInput, "")) { try Certificate(pem: "no certificate here") }
    }

    @Test(.enabled(if: ExternalTool.isUsable("openssl")))
    func openSSLAgreesOnFingerprintSerialAndSubject() throws {
        let pki = try TestPKI()
        let (_, leaf) = try pki.leaf("Sở Y tế thành phố Hà Nội")
        let printed = try ExternalTool.run(
            "openssl",
            ["x509", "-noout", "-fingerprint", "-sha256", "-serial", "-subject", "-nameopt", "utf8,sep_comma_plus"],
            input: Data(leaf.pem.utf8))
        #expect(printed.status == 0, "\(printed.errorText)")
        let fingerprint = leaf.sha256Fingerprint.map { String(format: "%02X", $0) }.joined(separator: ":")
        #expect(printed.text.contains("sha256 Fingerprint=\(fingerprint)"))
        #expect(printed.text.contains("serial=\(leaf.serialNumber)"))
        #expect(printed.text.contains("CN=Sở Y tế thành phố Hà Nội"))
    }

    @Test(.enabled(if: ExternalTool.isUsable("openssl")))
    func chainPassesOpenSSLVerify() throws {
        let pki = try TestPKI()
        let (_, leaf) = try pki.leaf()
        let directory = TemporaryDirectory()
        let root = try directory.write("root.pem", text: pki.root.pem)
        let leafPath = try directory.write("leaf.pem", text: leaf.pem)
        let verified = try ExternalTool.run(
            "openssl",
            [
                "verify", "-x509_strict", "-attime", "\(Int(TestPKI.now.timeIntervalSince1970))", "-CAfile", root,
                leafPath,
            ])
        #expect(verified.status == 0 && verified.text.contains("OK"), "\(verified.text)\(verified.errorText)")
    }

    @Test(.enabled(if: ExternalTool.isUsable("openssl")))
    func certificateMadeByOpenSSLParses() throws {
        let directory = TemporaryDirectory()
        let made = try ExternalTool.run(
            "openssl",
            [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                "\(directory.path)/k.pem",
                "-subj", "/C=VN/O=Bộ Công an/CN=Phạm Quỳnh Hương", "-utf8", "-days", "30",
                "-addext", "keyUsage=critical,digitalSignature", "-addext", "extendedKeyUsage=emailProtection",
            ])
        #expect(made.status == 0, "\(made.errorText)")
        let certificate = try Certificate(pem: made.text)
        #expect(certificate.subject.commonName == "Phạm Quỳnh Hương")
        #expect(certificate.keyUsage == [.digitalSignature])
        #expect(certificate.extendedKeyUsage == [ExtendedKeyUsage.emailProtection])
        #expect(certificate.isSelfSigned)
    }
}

@Suite struct ChainValidatorTests {
    @Test func leafFromTheRootIsTrustedWithItsChain() throws {
        let pki = try TestPKI()
        let (_, leaf) = try pki.leaf()
        let validator = try ChainValidator(trustAnchors: [pki.root])
        let verdict = validator.validate(leaf, at: TestPKI.now, requiredKeyUsage: [.digitalSignature, .nonRepudiation])
        guard case .trusted(let chain) = verdict else {
            Issue.record("expected trusted, got \(verdict)")
            return
        }
        #expect(chain == [leaf, pki.root])
    }

    @Test func expiredCertificateIsNamedExpired() throws {
        let pki = try TestPKI()
        let (_, leaf) = try pki.leaf()
        let verdict = try ChainValidator(trustAnchors: [pki.root]).validate(
            leaf, at: leaf.notAfter.addingTimeInterval(1))
        #expect(verdict.failure?.reason == .expired)
        #expect(verdict.failure?.depth == 0)
    }

    @Test func certificateBeforeItsValidityIsNamedNotYetValid() throws {
        let pki = try TestPKI()
        let (_, leaf) = try pki.leaf()
        let verdict = try ChainValidator(trustAnchors: [pki.root]).validate(
            leaf, at: leaf.notBefore.addingTimeInterval(-60))
        #expect(verdict.failure?.reason == .notYetValid)
    }

    @Test func certificateFromAnotherRootIsNamedUntrustedRoot() throws {
        let pki = try TestPKI()
        let other = try TestPKI(commonName: "Some Other Root")
        let (_, leaf) = try other.leaf()
        let verdict = try ChainValidator(trustAnchors: [pki.root]).validate(
            leaf, intermediates: [other.root], at: TestPKI.now)
        #expect(verdict.failure?.reason == .untrustedRoot)
    }

    @Test func wrongKeyUsageIsNamed() throws {
        let pki = try TestPKI()
        let (_, leaf) = try pki.leaf(keyUsage: [.keyEncipherment])
        let verdict = try ChainValidator(trustAnchors: [pki.root]).validate(
            leaf, at: TestPKI.now, requiredKeyUsage: [.digitalSignature])
        #expect(verdict.failure?.reason == .wrongKeyUsage)
    }

    @Test func tamperedCertificateSignatureIsNamedBadSignature() throws {
        let pki = try TestPKI()
        let (_, leaf) = try pki.leaf()
        // The ECDSA signature value is the last bytes of the DER; flipping one keeps the structure parseable.
        var der = leaf.der
        der[der.count - 3] ^= 0x01
        let tampered = try Certificate(der: der)
        let verdict = try ChainValidator(trustAnchors: [pki.root]).validate(tampered, at: TestPKI.now)
        #expect(verdict.failure?.reason == .badSignature)
    }

    @Test func signerActingAsCertificateAuthorityIsRefused() throws {
        let pki = try TestPKI()
        let (leafKey, leaf) = try pki.leaf()  // CA:FALSE
        let grandchildKey = try PrivateKey.generate(.ecP256)
        let grandchild = try CertificateBuilder.documentSigner(
            subject: DistinguishedName(commonName: "Forged"), publicKey: grandchildKey.publicKey,
            notBefore: TestPKI.now.addingTimeInterval(-60), notAfter: TestPKI.now.addingTimeInterval(3600)
        ).issued(by: leaf, key: leafKey)
        let verdict = try ChainValidator(trustAnchors: [pki.root]).validate(
            grandchild, intermediates: [leaf], at: TestPKI.now)
        #expect(!verdict.isTrusted)
        #expect(verdict.failure?.reason != nil)
    }
}

import Foundation

/// A signing identity for CMS: the private key, its certificate and the chain to include.
///
/// Everything that does not change between signatures (the signer identifier, the ESS
/// signing-certificate-v2 attribute, the certificate set, the algorithm identifiers) is encoded once here.
package struct CMSSigner: Sendable {
    package let key: PrivateKey
    package let certificate: Certificate
    /// Further certificates to embed (intermediates and, customarily, the root).
    package let chain: [Certificate]
    /// ECDSA with SHA-256/384/512, RSA-PSS or RSA PKCS#1 v1.5 with SHA-256/384/512.
    package let algorithm: SignatureAlgorithm
    /// The digest of the content and of the signed attributes.
    package let digest: DigestAlgorithm
    let prepared: Prepared

    struct Prepared: Sendable {
        let issuerAndSerial: [UInt8]
        let digestAlgorithmIdentifier: [UInt8]
        let signatureAlgorithmIdentifier: [UInt8]
        let signingCertificateV2Attribute: [UInt8]
        let certificateSet: [UInt8]
    }

    package init(
        key: PrivateKey, certificate: Certificate, chain: [Certificate] = [], algorithm: SignatureAlgorithm? = nil
    ) throws(CryptoError) {
        guard (try? key.publicKey.spkiDER()) == (try? certificate.publicKey.spkiDER()) else {
            throw CryptoError(.invalidArgument, "the private key does not belong to the signer certificate")
        }
        let chosen = algorithm ?? SignatureAlgorithm.preferred(for: key.kind)
        guard chosen.fits(key.kind) else {
            throw CryptoError(.keyAlgorithmMismatch, "a \(key.kind) key cannot make \(chosen) signatures")
        }
        guard let digest = chosen.digest else {
            throw CryptoError(
                .unsupportedAlgorithm,
                "CivicSeal seals with ECDSA or RSA; Ed25519 CMS is not accepted by PDF validators")
        }
        self.key = key
        self.certificate = certificate
        self.chain = chain
        self.algorithm = chosen
        self.digest = digest

        let digestIdentifier = DER.sequence(DER.oid(OID.digest(digest)))
        let signatureIdentifier: [UInt8]
        switch chosen {
        case .ecdsa(.sha256): signatureIdentifier = DER.sequence(DER.oid(OID.ecdsaWithSHA256))
        case .ecdsa(.sha384): signatureIdentifier = DER.sequence(DER.oid(OID.ecdsaWithSHA384))
        case .ecdsa(.sha512): signatureIdentifier = DER.sequence(DER.oid(OID.ecdsaWithSHA512))
        case .rsaPKCS1(let d):
            let oid = d == .sha256 ? OID.sha256WithRSA : d == .sha384 ? OID.sha384WithRSA : OID.sha512WithRSA
            signatureIdentifier = DER.sequence(DER.oid(oid), [DER.null, 0])
        case .rsaPSS(let d):
            // RSASSA-PSS-params (RFC 4055 §3.1): hash, MGF1 over the same hash, salt as long as the hash.
            let parameters = DER.sequence(
                DER.tlv(0xA0, digestIdentifier),
                DER.tlv(0xA1, DER.sequence(DER.oid(OID.mgf1), digestIdentifier)),
                DER.tlv(0xA2, DER.smallInteger(UInt8(d.outputLength))))
            signatureIdentifier = DER.sequence(DER.oid(OID.rsassaPSS), parameters)
        case .ed25519: signatureIdentifier = DER.sequence(DER.oid(OID.ed25519))
        }
        // ESSCertIDv2 with the SHA-256 default hash omitted, plus IssuerSerial (RFC 5035 §3).
        let issuerSerial = DER.sequence(
            DER.sequence(DER.tlv(0xA4, certificate.issuerNameDER)), certificate.serialNumberDER)
        let essCertID = DER.sequence(DER.octets(Digest.sha256(certificate.der)), issuerSerial)
        let signingCertificateV2 = DER.sequence(DER.sequence(essCertID))
        prepared = Prepared(
            issuerAndSerial: DER.sequence(certificate.issuerNameDER, certificate.serialNumberDER),
            digestAlgorithmIdentifier: digestIdentifier,
            signatureAlgorithmIdentifier: signatureIdentifier,
            signingCertificateV2Attribute: DER.sequence(
                DER.oid(OID.signingCertificateV2), DER.setOf([signingCertificateV2])),
            certificateSet: DER.setOf([certificate.der] + chain.filter { $0 != certificate }.map(\.der), tag: 0xA0))
    }
}

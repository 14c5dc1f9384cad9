import Foundation

/// The end-entity profiles of CivicSeal's PKI besides the seal (``CertificateBuilder/documentSigner``): the approving
/// officer, the timestamp authority, the delegated OCSP responder and the document-status signer.
extension CertificateBuilder {
    /// An officer's personal signing certificate: digitalSignature + nonRepudiation (critical), no extended key usage
    /// (PDF validators reject a signer whose EKU lacks document signing), policy ``CivicSealPolicy/officer``.
    package static func officer(subject: DistinguishedName, publicKey: PublicKey, notBefore: Date, notAfter: Date)
        -> Self
    {
        var builder = CertificateBuilder(
            subject: subject, publicKey: publicKey, notBefore: notBefore, notAfter: notAfter,
            keyUsage: [.digitalSignature, .nonRepudiation], isCertificateAuthority: false)
        builder.certificatePolicies = [CivicSealPolicy.officer]
        return builder
    }

    /// A timestamp authority (RFC 3161 §2.3): digitalSignature + nonRepudiation and the extended key usage
    /// `timeStamping` as its only purpose, marked critical.
    package static func timeStampingAuthority(
        subject: DistinguishedName, publicKey: PublicKey, notBefore: Date, notAfter: Date
    ) -> Self {
        var builder = CertificateBuilder(
            subject: subject, publicKey: publicKey, notBefore: notBefore, notAfter: notAfter,
            keyUsage: [.digitalSignature, .nonRepudiation], isCertificateAuthority: false)
        builder.extendedKeyUsage = [ExtendedKeyUsage.timeStamping]
        builder.extendedKeyUsageCritical = true
        return builder
    }

    /// A delegated OCSP responder (RFC 6960 §4.2.2.2): digitalSignature, EKU `OCSPSigning`, and
    /// `id-pkix-ocsp-nocheck` so that clients need not ask about the responder itself.
    package static func ocspResponder(subject: DistinguishedName, publicKey: PublicKey, notBefore: Date, notAfter: Date)
        -> Self
    {
        var builder = CertificateBuilder(
            subject: subject, publicKey: publicKey, notBefore: notBefore, notAfter: notAfter,
            keyUsage: [.digitalSignature], isCertificateAuthority: false)
        builder.extendedKeyUsage = [ExtendedKeyUsage.ocspSigning]
        builder.ocspNoCheck = true
        return builder
    }

    /// The signer of document-status JWS objects: digitalSignature only, policy ``CivicSealPolicy/statusSigner``.
    package static func statusSigner(subject: DistinguishedName, publicKey: PublicKey, notBefore: Date, notAfter: Date)
        -> Self
    {
        var builder = CertificateBuilder(
            subject: subject, publicKey: publicKey, notBefore: notBefore, notAfter: notAfter,
            keyUsage: [.digitalSignature], isCertificateAuthority: false)
        builder.certificatePolicies = [CivicSealPolicy.statusSigner]
        return builder
    }
}

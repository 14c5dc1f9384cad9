internal import COpenSSL
import Foundation

/// Issues X.509 v3 certificates: self-signed roots, intermediate CAs and end-entity (leaf) certificates.
///
/// Extensions follow RFC 5280: basicConstraints and keyUsage critical, subject and authority key identifiers.
package struct CertificateBuilder: Sendable {
    package var subject: DistinguishedName
    package var publicKey: PublicKey
    package var notBefore: Date
    package var notAfter: Date
    package var keyUsage: KeyUsage
    /// Extended key usage OIDs; empty leaves the extension out.
    package var extendedKeyUsage: [String] = []
    package var isCertificateAuthority: Bool
    /// basicConstraints pathLenConstraint for a CA; nil for none.
    package var pathLength: Int?
    /// Positive serial; 16 random bytes (top bit cleared) unless set.
    package var serialNumber: [UInt8]
    /// Authority information access: where to ask OCSP (`id-ad-ocsp`) and fetch the issuer (`id-ad-caIssuers`).
    package var ocspURL: String? = nil
    package var caIssuersURL: String? = nil
    /// CRL distribution point URIs (full names).
    package var crlDistributionPoints: [String] = []
    /// Marks the extended key usage extension critical (RFC 3161 §2.3 for a TSA).
    package var extendedKeyUsageCritical = false
    /// Adds `id-pkix-ocsp-nocheck` (RFC 6960 §4.2.2.2.1), for a delegated OCSP responder.
    package var ocspNoCheck = false
    /// Certificate policy OIDs (dotted), e.g. ``CivicSealPolicy/seal``.
    package var certificatePolicies: [String] = []

    package init(
        subject: DistinguishedName, publicKey: PublicKey, notBefore: Date, notAfter: Date, keyUsage: KeyUsage,
        isCertificateAuthority: Bool
    ) {
        self.subject = subject
        self.publicKey = publicKey
        self.notBefore = notBefore
        self.notAfter = notAfter
        self.keyUsage = keyUsage
        self.isCertificateAuthority = isCertificateAuthority
        var serial = SecureRandom.bytes(16)
        serial[0] = (serial[0] & 0x7F) | 0x01  // positive, and no leading zero byte
        serialNumber = serial
    }

    /// A root CA profile: CA:TRUE, keyCertSign + cRLSign.
    package static func rootAuthority(subject: DistinguishedName, publicKey: PublicKey, notBefore: Date, notAfter: Date)
        -> CertificateBuilder
    {
        CertificateBuilder(
            subject: subject, publicKey: publicKey, notBefore: notBefore, notAfter: notAfter,
            keyUsage: [.keyCertSign, .cRLSign], isCertificateAuthority: true)
    }

    /// A document-signing (seal) profile: digitalSignature + nonRepudiation, no extended key usage
    /// (an EKU such as serverAuth makes PDF validators reject the signer).
    package static func documentSigner(
        subject: DistinguishedName, publicKey: PublicKey, notBefore: Date, notAfter: Date
    ) -> CertificateBuilder {
        CertificateBuilder(
            subject: subject, publicKey: publicKey, notBefore: notBefore, notAfter: notAfter,
            keyUsage: [.digitalSignature, .nonRepudiation], isCertificateAuthority: false)
    }

    /// Signs the certificate with its own key (`key` must match ``publicKey``).
    package func selfSigned(with key: PrivateKey) throws(CryptoError) -> Certificate {
        guard (try? key.publicKey.spkiDER()) == (try? publicKey.spkiDER()) else {
            throw CryptoError(.invalidArgument, "a self-signed certificate must be signed with its own key")
        }
        return try build(issuerName: subject, issuerCertificate: nil, signingKey: key)
    }

    /// Signs the certificate with `issuer`'s key.
    package func issued(by issuer: Certificate, key: PrivateKey) throws(CryptoError) -> Certificate {
        guard (try? key.publicKey.spkiDER()) == (try? issuer.publicKey.spkiDER()) else {
            throw CryptoError(.invalidArgument, "the issuer key does not match the issuer certificate")
        }
        return try build(issuerName: issuer.subject, issuerCertificate: issuer, signingKey: key)
    }

    private func build(issuerName: DistinguishedName, issuerCertificate: Certificate?, signingKey: PrivateKey)
        throws(CryptoError) -> Certificate
    {
        guard notBefore < notAfter else { throw CryptoError(.invalidArgument, "notBefore must precede notAfter") }
        guard let x509 = X509_new() else { throw .openSSL("X509_new failed") }
        var owned = true
        defer { if owned { X509_free(x509) } }

        guard X509_set_version(x509, 2) == 1 else { throw .openSSL("X509_set_version failed") }
        guard let serialBN = BN_bin2bn(serialNumber, Int32(serialNumber.count), nil) else { throw .openSSL("serial") }
        defer { BN_free(serialBN) }
        guard let serial = BN_to_ASN1_INTEGER(serialBN, nil) else { throw .openSSL("serial") }
        defer { ASN1_INTEGER_free(serial) }
        guard X509_set_serialNumber(x509, serial) == 1 else { throw .openSSL("X509_set_serialNumber failed") }
        try setTime(x509, notBefore, X509_set1_notBefore)
        try setTime(x509, notAfter, X509_set1_notAfter)
        let subjectName = try Self.makeName(subject)
        defer { X509_NAME_free(subjectName) }
        let issuerX509Name = try Self.makeName(issuerName)
        defer { X509_NAME_free(issuerX509Name) }
        guard X509_set_subject_name(x509, subjectName) == 1, X509_set_issuer_name(x509, issuerX509Name) == 1 else {
            throw .openSSL("setting names failed")
        }
        guard X509_set_pubkey(x509, publicKey.key.pointer) == 1 else { throw .openSSL("X509_set_pubkey failed") }

        var context = X509V3_CTX()
        cs_X509V3_set_ctx_nodb(&context)
        X509V3_set_ctx(&context, issuerCertificate?.pointer ?? x509, x509, nil, nil, 0)
        var basic = isCertificateAuthority ? "critical,CA:TRUE" : "critical,CA:FALSE"
        if isCertificateAuthority, let pathLength { basic += ",pathlen:\(pathLength)" }
        try addExtension(x509, &context, NID_basic_constraints, basic)
        if !keyUsage.isEmpty { try addExtension(x509, &context, NID_key_usage, "critical," + keyUsage.description) }
        if !extendedKeyUsage.isEmpty {
            let usages = extendedKeyUsage.joined(separator: ",")
            try addExtension(
                x509, &context, NID_ext_key_usage, extendedKeyUsageCritical ? "critical," + usages : usages)
        }
        try addExtension(x509, &context, NID_subject_key_identifier, "hash")
        try addExtension(x509, &context, NID_authority_key_identifier, "keyid:always")
        try addServiceExtensions(x509, &context)

        let digest: OpaquePointer? =
            switch signingKey.kind {
            case .ed25519: nil
            case .ecP384: DigestAlgorithm.sha384.evpMD
            default: DigestAlgorithm.sha256.evpMD
            }
        guard X509_sign(x509, try signingKey.evpKey(for: "signing a certificate").pointer, digest) > 0 else {
            throw .openSSL("signing the certificate failed")
        }
        owned = false
        return try Certificate(taking: x509)
    }

    /// AIA, CRL distribution points, certificate policies and OCSP no-check, in OpenSSL configuration syntax.
    private func addServiceExtensions(_ x509: OpaquePointer, _ context: inout X509V3_CTX) throws(CryptoError) {
        for url in [ocspURL, caIssuersURL] + crlDistributionPoints.map(Optional.some) {
            guard let url else { continue }
            guard !url.isEmpty, url.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ",") }) else {
                throw CryptoError(.invalidArgument, "a certificate URL must be printable ASCII without commas")
            }
        }
        var access: [String] = []
        if let ocspURL { access.append("OCSP;URI:" + ocspURL) }
        if let caIssuersURL { access.append("caIssuers;URI:" + caIssuersURL) }
        if !access.isEmpty { try addExtension(x509, &context, NID_info_access, access.joined(separator: ",")) }
        if !crlDistributionPoints.isEmpty {
            let points = crlDistributionPoints.map { "URI:" + $0 }.joined(separator: ",")
            try addExtension(x509, &context, NID_crl_distribution_points, points)
        }
        if !certificatePolicies.isEmpty { try addPolicies(x509) }
        if ocspNoCheck { try addExtension(x509, &context, NID_id_pkix_OCSP_noCheck, "ignored") }
    }

    /// `certificatePolicies` (RFC 5280 §4.2.1.4) as policy identifiers without qualifiers. Encoded here: OpenSSL's
    /// configuration syntax for policies needs a configuration database.
    private func addPolicies(_ x509: OpaquePointer) throws(CryptoError) {
        var informations: [[UInt8]] = []
        for policy in certificatePolicies {
            guard let object = OBJ_txt2obj(policy, 1) else {
                throw .openSSL(.invalidArgument, "policy \(policy) is not a dotted OID")
            }
            defer { ASN1_OBJECT_free(object) }
            informations.append(DER.sequence(try derEncode { i2d_ASN1_OBJECT(object, $0) }))
        }
        let value = DER.tlv(DER.sequence, parts: informations)
        guard let octets = ASN1_OCTET_STRING_new() else { throw .openSSL("ASN1_OCTET_STRING_new failed") }
        defer { ASN1_OCTET_STRING_free(octets) }
        guard ASN1_OCTET_STRING_set(octets, value, Int32(value.count)) == 1,
            let policies = X509_EXTENSION_create_by_NID(nil, NID_certificate_policies, 0, octets)
        else { throw .openSSL("encoding the certificate policies failed") }
        defer { X509_EXTENSION_free(policies) }
        guard X509_add_ext(x509, policies, -1) == 1 else { throw .openSSL("X509_add_ext failed") }
    }

    private func setTime(
        _ x509: OpaquePointer, _ date: Date, _ setter: (OpaquePointer?, UnsafePointer<ASN1_TIME>?) -> Int32
    ) throws(CryptoError) {
        guard let time = ASN1_TIME_set(nil, time_t(date.timeIntervalSince1970.rounded(.down))) else {
            throw .openSSL("ASN1_TIME_set failed")
        }
        defer { ASN1_TIME_free(time) }
        guard setter(x509, time) == 1 else { throw .openSSL("setting validity failed") }
    }

    private func addExtension(_ x509: OpaquePointer, _ context: inout X509V3_CTX, _ nid: Int32, _ value: String)
        throws(CryptoError)
    {
        guard let ext = X509V3_EXT_conf_nid(nil, &context, nid, value) else {
            throw .openSSL("extension \(value) rejected")
        }
        defer { X509_EXTENSION_free(ext) }
        guard X509_add_ext(x509, ext, -1) == 1 else { throw .openSSL("X509_add_ext failed") }
    }

    static func makeName(_ name: DistinguishedName) throws(CryptoError) -> OpaquePointer {
        guard let x509Name = X509_NAME_new() else { throw .openSSL("X509_NAME_new failed") }
        for attribute in name.attributes {
            let bytes = Array(attribute.value.utf8)
            guard
                X509_NAME_add_entry_by_txt(x509Name, attribute.type, MBSTRING_UTF8, bytes, Int32(bytes.count), -1, 0)
                    == 1
            else {
                X509_NAME_free(x509Name)
                throw .openSSL(.invalidArgument, "name attribute \(attribute.type) rejected")
            }
        }
        return x509Name
    }
}

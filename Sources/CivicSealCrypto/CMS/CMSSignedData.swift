import Foundation
internal import COpenSSL

/// Detached CMS SignedData (RFC 5652) over bytes, as CAdES and PAdES use it.
///
/// Signed attributes: content-type (id-data), message-digest, signing-time and ESS
/// signing-certificate-v2 (RFC 5035), which binds the signer certificate to the signature.
public enum CMSSignedData {
    /// DER `ContentInfo` holding a detached SignedData over `content`, with the signer certificate and `signer.chain`.
    public static func signDetached(
        _ content: some ContiguousBytes, signer: CMSSigner, signingTime: Date = Date()
    ) throws(CryptoError) -> [UInt8] {
        guard let digest = signer.algorithm.digest else {
            throw CryptoError(.unsupportedAlgorithm, "\(signer.algorithm) has no digest for CMS")
        }
        guard let certificates = cs_sk_X509_new_null() else { throw .openSSL("sk_X509_new_null failed") }
        defer { cs_sk_X509_free(certificates) }
        for certificate in signer.chain { _ = cs_sk_X509_push(certificates, certificate.pointer) }

        let baseFlags = UInt32(CMS_DETACHED | CMS_BINARY)
        guard let cms = CMS_sign(nil, nil, certificates, nil, baseFlags | UInt32(CMS_PARTIAL)) else {
            throw .openSSL("CMS_sign failed")
        }
        defer { CMS_ContentInfo_free(cms) }

        var signerFlags = baseFlags | UInt32(CMS_PARTIAL | CMS_CADES | CMS_NOSMIMECAP)
        if case .rsaPSS = signer.algorithm { signerFlags |= UInt32(CMS_KEY_PARAM) }
        guard let signerInfo = CMS_add1_signer(cms, signer.certificate.pointer, signer.key.key.pointer, digest.evpMD, signerFlags)
        else { throw .openSSL("CMS_add1_signer failed") }
        if case .rsaPSS = signer.algorithm {
            try EVPKey.configurePadding(CMS_SignerInfo_get0_pkey_ctx(signerInfo), signer.algorithm)
        }

        guard let time = ASN1_TIME_set(nil, time_t(signingTime.timeIntervalSince1970.rounded(.down))) else {
            throw .openSSL("ASN1_TIME_set failed")
        }
        defer { ASN1_TIME_free(time) }
        guard CMS_signed_add1_attr_by_NID(signerInfo, NID_pkcs9_signingTime, time.pointee.type, time, -1) == 1 else {
            throw .openSSL("adding signing-time failed")
        }

        let data = try withUnsafeBytesTyped(content) { (buffer) throws(CryptoError) -> MemoryBIO in try MemoryBIO(buffer) }
        guard CMS_final(cms, data.pointer, nil, baseFlags) == 1 else { throw .openSSL("CMS_final failed") }
        return try derEncode { i2d_CMS_ContentInfo(cms, $0) }
    }

    /// Verifies a detached CMS signature over `content`.
    ///
    /// Checks, in order: structure (one signer), the signer certificate is embedded, the digest
    /// algorithm is SHA-2, the message-digest attribute equals the content's digest, the signature over
    /// the signed attributes, the ESS signing-certificate(-v2) binding, and — when `validator` is given —
    /// the signer's chain as of the signing time (or `time` when the CMS carries none).
    public static func verifyDetached(
        _ cmsDER: [UInt8], content: some ContiguousBytes, validator: ChainValidator? = nil,
        at time: Date = Date(), requireSigningCertificateV2: Bool = false
    ) -> CMSVerification {
        var result = Partial()
        result.failure = verify(cmsDER, content, validator, time, requireSigningCertificateV2, &result)
        OpenSSLErrorQueue.clear()
        return CMSVerification(
            signerCertificate: result.signer, certificates: result.certificates, signingTime: result.signingTime,
            digestAlgorithm: result.digest, signatureAlgorithm: result.signatureAlgorithm,
            hasSigningCertificateV2: result.hasESS, chain: result.chain, failure: result.failure)
    }

    private struct Partial {
        var signer: Certificate?
        var certificates: [Certificate] = []
        var signingTime: Date?
        var digest: DigestAlgorithm?
        var signatureAlgorithm: SignatureAlgorithm?
        var hasESS = false
        var chain: [Certificate] = []
        var failure: CMSFailure?
    }

    private static func verify(
        _ der: [UInt8], _ content: some ContiguousBytes, _ validator: ChainValidator?, _ time: Date,
        _ requireESS: Bool, _ result: inout Partial
    ) -> CMSFailure? {
        let parsed: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return nil }
            var cursor: UnsafePointer<UInt8>? = base
            let cms = d2i_CMS_ContentInfo(nil, &cursor, buffer.count)
            if cms != nil, cursor != base + buffer.count {
                CMS_ContentInfo_free(cms)
                return nil
            }
            return cms
        }
        guard let cms = parsed else { return .malformed("not a DER CMS ContentInfo") }
        defer { CMS_ContentInfo_free(cms) }
        guard OBJ_obj2nid(CMS_get0_type(cms)) == NID_pkcs7_signed else { return .malformed("not SignedData") }
        guard CMS_get0_content(cms)?.pointee == nil else { return .malformed("content is attached, expected detached") }
        guard let signerInfos = CMS_get0_SignerInfos(cms), cs_sk_CMS_SignerInfo_num(signerInfos) == 1,
            let signerInfo = cs_sk_CMS_SignerInfo_value(signerInfos, 0)
        else { return .malformed("exactly one signer is expected") }

        if let embedded = CMS_get1_certs(cms) {
            defer { cs_sk_X509_pop_free(embedded) }
            for index in 0..<cs_sk_X509_num(embedded) {
                if let pointer = cs_sk_X509_value(embedded, index), let certificate = try? Certificate(sharing: pointer) {
                    result.certificates.append(certificate)
                }
            }
        }
        _ = CMS_set1_signers_certs(cms, nil, 0)
        var signerPointer: OpaquePointer?
        var digestAlgorithm: UnsafeMutablePointer<X509_ALGOR>?
        var signatureAlgorithm: UnsafeMutablePointer<X509_ALGOR>?
        CMS_SignerInfo_get0_algs(signerInfo, nil, &signerPointer, &digestAlgorithm, &signatureAlgorithm)
        guard let signerPointer, let signer = try? Certificate(sharing: signerPointer) else { return .signerCertificateMissing }
        result.signer = signer

        var digestObject: OpaquePointer?
        X509_ALGOR_get0(&digestObject, nil, nil, digestAlgorithm)
        guard let digest = DigestAlgorithm(nid: OBJ_obj2nid(digestObject)) else {
            return .unsupportedAlgorithm("digest \(objectName(digestObject))")
        }
        result.digest = digest
        var signatureObject: OpaquePointer?
        X509_ALGOR_get0(&signatureObject, nil, nil, signatureAlgorithm)
        switch OBJ_obj2nid(signatureObject) {
        case NID_X9_62_id_ecPublicKey, NID_ecdsa_with_SHA256, NID_ecdsa_with_SHA384, NID_ecdsa_with_SHA512:
            result.signatureAlgorithm = .ecdsa(digest)
        case NID_rsassaPss: result.signatureAlgorithm = .rsaPSS(digest)
        case NID_rsaEncryption, NID_sha256WithRSAEncryption, NID_sha384WithRSAEncryption, NID_sha512WithRSAEncryption:
            result.signatureAlgorithm = .rsaPKCS1(digest)
        default: return .unsupportedAlgorithm("signature \(objectName(signatureObject))")
        }

        guard CMS_signed_get_attr_count(signerInfo) > 0 else { return .malformed("signed attributes are required") }
        if let timeAttribute = CMS_signed_get_attr(signerInfo, CMS_signed_get_attr_by_NID(signerInfo, NID_pkcs9_signingTime, -1)),
            let value = X509_ATTRIBUTE_get0_type(timeAttribute, 0),
            value.pointee.type == V_ASN1_UTCTIME || value.pointee.type == V_ASN1_GENERALIZEDTIME
        {
            result.signingTime = Certificate.date(UnsafePointer(value.pointee.value.utctime))
        }

        // message-digest attribute versus the content actually presented.
        guard let signedDigest = CMS_signed_get0_data_by_OBJ(signerInfo, OBJ_nid2obj(NID_pkcs9_messageDigest), -3, V_ASN1_OCTET_STRING)
        else { return .malformed("message-digest attribute missing") }
        let octets = signedDigest.assumingMemoryBound(to: ASN1_OCTET_STRING.self)
        let expected = Array(UnsafeBufferPointer(start: ASN1_STRING_get0_data(octets), count: Int(ASN1_STRING_length(octets))))
        let actual = content.withUnsafeBytes { Digest.hash($0, algorithm: digest) }
        guard expected == actual else { return .digestMismatch }

        guard CMS_SignerInfo_verify(signerInfo) == 1 else { return .badSignature }

        let essIndex = CMS_signed_get_attr_by_NID(signerInfo, NID_id_smime_aa_signingCertificateV2, -1)
        if essIndex >= 0 {
            guard let attribute = CMS_signed_get_attr(signerInfo, essIndex), X509_ATTRIBUTE_count(attribute) == 1,
                let value = X509_ATTRIBUTE_get0_type(attribute, 0), value.pointee.type == V_ASN1_SEQUENCE,
                let sequence = value.pointee.value.sequence
            else { return .malformed("signing-certificate-v2 attribute malformed") }
            let essDER = Array(UnsafeBufferPointer(start: ASN1_STRING_get0_data(sequence), count: Int(ASN1_STRING_length(sequence))))
            let ess: OpaquePointer? = essDER.withUnsafeBufferPointer { buffer in
                var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
                return d2i_ESS_SIGNING_CERT_V2(nil, &cursor, buffer.count)
            }
            guard let ess else { return .malformed("signing-certificate-v2 attribute malformed") }
            defer { ESS_SIGNING_CERT_V2_free(ess) }
            guard let chain = cs_sk_X509_new_null() else { return .malformed("out of memory") }
            defer { cs_sk_X509_free(chain) }
            _ = cs_sk_X509_push(chain, signer.pointer)
            guard OSSL_ESS_check_signing_certs(nil, ess, chain, 1) > 0 else { return .signingCertificateMismatch }
            result.hasESS = true
        } else if requireESS {
            return .signingCertificateMissing
        }

        if let validator {
            let intermediates = result.certificates.filter { $0 != signer }
            switch validator.validate(signer, intermediates: intermediates, at: result.signingTime ?? time) {
            case .trusted(let chain): result.chain = chain
            case .untrusted(let failure): return .untrustedCertificate(failure)
            }
        }
        return nil
    }

    private static func objectName(_ object: OpaquePointer?) -> String {
        var buffer = [CChar](repeating: 0, count: 128)
        let length = OBJ_obj2txt(&buffer, Int32(buffer.count), object, 1)
        return length > 0 ? String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self) : "unknown"
    }
}

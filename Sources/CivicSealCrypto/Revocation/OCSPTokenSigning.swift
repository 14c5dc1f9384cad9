internal import COpenSSL
import Foundation

/// A throw-away in-memory key of the token key's kind and a bare certificate with the responder's subject and that
/// key: what `OCSP_basic_sign` needs to build the response's structure (it wants an `EVP_PKEY` matching the
/// certificate), before the signature is replaced by the token's.
final class OCSPPlaceholderSigner: @unchecked Sendable {  // both are only read after init
    let certificate: OpaquePointer
    let key: PrivateKey

    init(subjectOf responder: Certificate, kind: KeyKind) throws(CryptoError) {
        key = try PrivateKey.generate(kind)
        guard case .evp(let evp) = key.backing, let certificate = X509_new() else { throw .openSSL("X509_new failed") }
        guard X509_set_subject_name(certificate, X509_get_subject_name(responder.pointer)) == 1,
            X509_set_pubkey(certificate, evp.pointer) == 1
        else {
            X509_free(certificate)
            throw .openSSL("building the OCSP placeholder certificate failed")
        }
        self.certificate = certificate
    }

    deinit { X509_free(certificate) }
}

extension OCSPResponder {
    /// `id-pkix-ocsp-basic` (RFC 6960 §4.2.1).
    private static let basicResponseType: [UInt8] = [0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01, 0x01]

    /// Signs `basic` with the responder's token key: OpenSSL builds and signs the BasicOCSPResponse with a stand-in
    /// key (the responder ID by the responder's name, no certificates), then the `signature` BIT STRING is replaced by
    /// the token's signature over the same `tbsResponseData` DER, and the responder's certificate is added as
    /// `certs [0]`, as `OCSP_basic_sign` would have. The signature algorithm OpenSSL wrote names the same family and
    /// hash as the token signs with (ECDSA, or RSA PKCS#1 v1.5).
    func signInToken(_ basic: OpaquePointer) throws(CryptoError) -> [UInt8] {
        let stand = try placeholder.withLock { (cached) throws(CryptoError) -> OCSPPlaceholderSigner in
            if let cached { return cached }
            let made = try OCSPPlaceholderSigner(subjectOf: signer.certificate, kind: signer.key.kind)
            cached = made
            return made
        }
        guard case .evp(let standKey) = stand.key.backing,
            OCSP_basic_sign(
                basic, stand.certificate, standKey.pointer, signer.digest.evpMD, nil,
                UInt(OCSP_NOTIME | OCSP_NOCERTS)) == 1
        else { throw .openSSL("signing the OCSP response structure failed") }
        let placeholderDER = try derEncode { i2d_OCSP_BASICRESP(basic, $0) }
        var outer = DERReader(placeholderDER)
        var fields = try outer.read(DER.sequence, "BasicOCSPResponse").children()
        try outer.expectEnd("BasicOCSPResponse")
        let tbs = try fields.read(DER.sequence, "tbsResponseData")
        let algorithmIdentifier = try fields.read(DER.sequence, "signatureAlgorithm")
        var algorithmFields = try algorithmIdentifier.children()
        let oid = Array(try algorithmFields.read(DER.objectIdentifier, "the signature algorithm").content)
        let algorithm: SignatureAlgorithm
        switch oid {
        case OID.ecdsaWithSHA256: algorithm = .ecdsa(.sha256)
        case OID.ecdsaWithSHA384: algorithm = .ecdsa(.sha384)
        case OID.ecdsaWithSHA512: algorithm = .ecdsa(.sha512)
        case OID.sha256WithRSA: algorithm = .rsaPKCS1(.sha256)
        case OID.sha384WithRSA: algorithm = .rsaPKCS1(.sha384)
        case OID.sha512WithRSA: algorithm = .rsaPKCS1(.sha512)
        default: throw CryptoError(.unsupportedAlgorithm, "OCSP signature algorithm \(OID.dotted(oid))")
        }
        let signature = try signer.key.signature(for: Array(tbs.encoded), algorithm: algorithm)
        let basicDER = DER.sequence(
            Array(tbs.encoded), Array(algorithmIdentifier.encoded), DER.tlv(0x03, [0x00] + signature),
            DER.tlv(0xA0, DER.sequence(signer.certificate.der)))
        // OCSPResponse ::= SEQUENCE { responseStatus ENUMERATED successful(0),
        //                             responseBytes [0] EXPLICIT SEQUENCE { responseType, response OCTET STRING } }
        return DER.sequence(
            DER.tlv(0x0A, [0x00]),
            DER.tlv(0xA0, DER.sequence(DER.oid(Self.basicResponseType), DER.octets(basicDER))))
    }
}

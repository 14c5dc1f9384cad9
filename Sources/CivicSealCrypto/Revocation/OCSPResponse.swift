internal import COpenSSL
import Foundation

/// A successful OCSP response with a basic response inside (RFC 6960 §4.2.1), parsed strictly and within bounds.
///
/// Parsing checks structure only. ``status(of:issuer:at:)`` is the trustworthy answer: it checks the signature
/// and the responder's authority before it names a certificate's status.
package struct OCSPResponse: Sendable {
    /// Larger responses are refused unread.
    package static let maximumSize = 64 * 1024
    static let maximumSingleResponses = 256
    static let maximumCertificates = 16

    package let der: [UInt8]
    package let producedAt: Date
    /// The certificates the response carries (a delegated responder's, customarily).
    package let responderCertificates: [Certificate]

    /// One `SingleResponse`.
    package struct Single: Sendable {
        /// The CertID's serial, unsigned big-endian.
        package let serialNumber: [UInt8]
        package let status: CertificateStatus
        package let thisUpdate: Date
        package let nextUpdate: Date?
    }

    package let responses: [Single]

    /// Parses a DER `OCSPResponse`; only `successful` responses of type `id-pkix-ocsp-basic` are accepted.
    package init(der: [UInt8]) throws(CryptoError) {
        guard der.count <= Self.maximumSize else {
            throw CryptoError(.malformedInput, "an OCSP response larger than \(Self.maximumSize) bytes is refused")
        }
        let response = try Self.parse(der)
        defer { OCSP_RESPONSE_free(response) }
        // DER only: OpenSSL's decoder also takes BER (indefinite or non-minimal lengths), which re-encodes otherwise.
        guard (try? derEncode { i2d_OCSP_RESPONSE(response, $0) }) == der else {
            OpenSSLErrorQueue.clear()
            throw CryptoError(.malformedInput, "the OCSP response is not DER")
        }
        let status = OCSP_response_status(response)
        guard status == OCSP_RESPONSE_STATUS_SUCCESSFUL else {
            throw CryptoError(.malformedInput, "the OCSP response status is \(status), not successful")
        }
        guard let basic = OCSP_response_get1_basic(response) else {
            throw .openSSL(.malformedInput, "the OCSP response is not a basic response")
        }
        defer { OCSP_BASICRESP_free(basic) }
        guard let produced = RevocationASN1.date(OCSP_resp_get0_produced_at(basic)) else {
            throw CryptoError(.malformedInput, "the OCSP producedAt time is malformed")
        }
        var certificates: [Certificate] = []
        if let stack = OCSP_resp_get0_certs(basic) {
            let count = cs_sk_X509_num(stack)
            guard count <= Self.maximumCertificates else {
                throw CryptoError(.malformedInput, "the OCSP response carries \(count) certificates")
            }
            for index in 0..<count {
                guard let pointer = cs_sk_X509_value(stack, index) else { continue }
                certificates.append(try Certificate(sharing: pointer))
            }
        }
        let count = OCSP_resp_count(basic)
        guard count >= 1, count <= Int32(Self.maximumSingleResponses) else {
            throw CryptoError(.malformedInput, "the OCSP response has \(count) single responses")
        }
        var singles: [Single] = []
        for index in 0..<count {
            guard let single = OCSP_resp_get0(basic, index) else { throw CryptoError(.malformedInput, "OCSP single") }
            singles.append(try Self.single(single))
        }
        self.der = der
        producedAt = produced
        responderCertificates = certificates
        responses = singles
    }

    /// The single response for `certificate` (CertID matched with `issuer`: name hash, key hash, serial), after
    /// checking the response signature: by `issuer` itself or by a delegated responder certificate issued by
    /// `issuer` with the OCSPSigning EKU that was valid at `time`. nil when no valid answer covers it.
    ///
    /// The caller judges freshness (`thisUpdate`, `nextUpdate`) against its own policy.
    package func status(of certificate: Certificate, issuer: Certificate, at time: Date) -> Single? {
        // Cheap first: only a response naming this serial is worth parsing again and verifying (a DSS holds one
        // response per certificate, and the verifier asks each about every certificate).
        let serial = certificate.serialNumberBytes
        guard responses.contains(where: { $0.serialNumber == serial }) else { return nil }
        guard let response = try? Self.parse(der) else { return nil }
        defer { OCSP_RESPONSE_free(response) }
        guard let basic = OCSP_response_get1_basic(response) else { return nil }
        defer { OCSP_BASICRESP_free(basic) }
        defer { OpenSSLErrorQueue.clear() }
        guard let extra = cs_sk_X509_new_null() else { return nil }
        defer { cs_sk_X509_free(extra) }
        guard cs_sk_X509_push(extra, issuer.pointer) > 0, let store = X509_STORE_new() else { return nil }
        defer { X509_STORE_free(store) }
        var signerPointer: OpaquePointer?
        guard OCSP_resp_get0_signer(basic, &signerPointer, extra) > 0, let signerPointer,
            OCSP_basic_verify(basic, extra, store, UInt(OCSP_NOVERIFY)) == 1,
            let signer = try? Certificate(sharing: signerPointer)
        else { return nil }
        if signer != issuer {
            guard signer.extendedKeyUsage.contains(ExtendedKeyUsage.ocspSigning), signer.isIssued(by: issuer),
                signer.isValid(at: time)
            else { return nil }
        }
        for index in 0..<min(OCSP_resp_count(basic), Int32(responses.count)) {
            guard let single = OCSP_resp_get0(basic, index), let identifier = OCSP_SINGLERESP_get0_id(single) else {
                continue
            }
            var algorithm: OpaquePointer?
            guard OCSP_id_get0_info(nil, &algorithm, nil, nil, identifier) == 1,
                let digest = RevocationASN1.certificateIDDigest(algorithm),
                let ours = OCSP_cert_to_id(digest, certificate.pointer, issuer.pointer)
            else { continue }
            defer { OCSP_CERTID_free(ours) }
            if OCSP_id_cmp(ours, identifier) == 0 { return responses[Int(index)] }
        }
        return nil
    }

    // MARK: - Parsing

    private static func parse(_ der: [UInt8]) throws(CryptoError) -> OpaquePointer {
        let parsed: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return nil }
            var cursor: UnsafePointer<UInt8>? = base
            let response = d2i_OCSP_RESPONSE(nil, &cursor, buffer.count)
            guard let response, cursor == base + buffer.count else {
                OCSP_RESPONSE_free(response)
                return nil
            }
            return response
        }
        guard let parsed else { throw .openSSL(.malformedInput, "not a DER OCSP response") }
        return parsed
    }

    private static func single(_ single: OpaquePointer) throws(CryptoError) -> Single {
        var reason: Int32 = -1
        var revoked: UnsafeMutablePointer<ASN1_GENERALIZEDTIME>?
        var thisUpdate: UnsafeMutablePointer<ASN1_GENERALIZEDTIME>?
        var nextUpdate: UnsafeMutablePointer<ASN1_GENERALIZEDTIME>?
        let code = OCSP_single_get0_status(single, &reason, &revoked, &thisUpdate, &nextUpdate)
        var serial: UnsafeMutablePointer<ASN1_INTEGER>?
        guard let identifier = OCSP_SINGLERESP_get0_id(single),
            OCSP_id_get0_info(nil, nil, nil, &serial, identifier) == 1,
            let serialNumber = RevocationASN1.magnitude(serial)
        else { throw CryptoError(.malformedInput, "an OCSP CertID is malformed") }
        guard let thisDate = RevocationASN1.date(thisUpdate) else {
            throw CryptoError(.malformedInput, "an OCSP thisUpdate is malformed")
        }
        let nextDate = RevocationASN1.date(nextUpdate)
        if nextUpdate != nil, nextDate == nil { throw CryptoError(.malformedInput, "an OCSP nextUpdate is malformed") }
        let status: CertificateStatus
        switch code {
        case V_OCSP_CERTSTATUS_GOOD: status = .good
        case V_OCSP_CERTSTATUS_UNKNOWN: status = .unknown
        case V_OCSP_CERTSTATUS_REVOKED:
            guard let at = RevocationASN1.date(revoked) else {
                throw CryptoError(.malformedInput, "an OCSP revocationTime is malformed")
            }
            status = .revoked(at: at, reason: reason >= 0 ? CRLReason(rawValue: Int(reason)) : nil)
        default: throw CryptoError(.malformedInput, "an OCSP certificate status is malformed")
        }
        return Single(serialNumber: serialNumber, status: status, thisUpdate: thisDate, nextUpdate: nextDate)
    }
}

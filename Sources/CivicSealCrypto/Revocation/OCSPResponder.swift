internal import COpenSSL
import Foundation
import Synchronization

/// An OCSP responder for one CA (RFC 6960), signing as a delegated responder (or as the CA itself).
///
/// Answers basic responses with `thisUpdate` = now and `nextUpdate` = now + ``validity``, the revocation reason
/// when known, and the request's nonce echoed. A request is at most 8 KiB and 16 CertIDs (SHA-1 or SHA-2 hashed);
/// anything else is `malformedRequest`, and a CertID naming another CA makes the whole answer `unauthorized`.
package final class OCSPResponder: Sendable {
    /// Requests larger than this are refused unread.
    package static let maximumRequestSize = 8 * 1024
    /// CertIDs per request.
    package static let maximumCertificateIDs = 16

    package let signer: CMSSigner
    package let issuer: Certificate
    package let validity: Duration
    private let clock: @Sendable () -> Date
    private let status: @Sendable (_ serial: [UInt8]) throws -> CertificateStatus
    /// For a token key: the in-memory stand-in OpenSSL signs with first (see `signInToken`), made once.
    let placeholder = Mutex<OCSPPlaceholderSigner?>(nil)

    /// - Parameters:
    ///   - signer: the responder's key and certificate: issued by `issuer` with the `OCSPSigning` extended key
    ///     usage (and, customarily, `id-pkix-ocsp-nocheck`), or `issuer` itself.
    ///   - status: the status of the certificate with this serial (unsigned big-endian bytes); called once per
    ///     CertID, on the calling thread. When it throws (its store cannot answer), the response is `tryLater`:
    ///     never `good` without evidence.
    package init(
        signer: CMSSigner, issuer: Certificate, validity: Duration = .seconds(7 * 86400),
        clock: @escaping @Sendable () -> Date = { Date() },
        status: @escaping @Sendable (_ serial: [UInt8]) throws -> CertificateStatus
    ) throws(CryptoError) {
        if signer.certificate != issuer {
            guard signer.certificate.extendedKeyUsage.contains(ExtendedKeyUsage.ocspSigning) else {
                throw CryptoError(.invalidArgument, "the OCSP responder certificate lacks the OCSPSigning usage")
            }
            guard signer.certificate.isIssued(by: issuer) else {
                throw CryptoError(.invalidArgument, "the OCSP responder certificate is not issued by the CA")
            }
        }
        guard validity > .zero else { throw CryptoError(.invalidArgument, "an OCSP validity must be positive") }
        self.signer = signer
        self.issuer = issuer
        self.validity = validity
        self.clock = clock
        self.status = status
    }

    /// An `OCSPResponse` (DER) for a DER `OCSPRequest`. Never throws: bad input answers `malformedRequest`, a
    /// foreign CA `unauthorized`, a failure to sign `internalError`.
    package func respond(to requestDER: [UInt8]) -> [UInt8] {
        guard !requestDER.isEmpty, requestDER.count <= Self.maximumRequestSize,
            let request = Self.parseRequest(requestDER)
        else { return Self.failure(.malformedRequest) }
        defer { OCSP_REQUEST_free(request) }
        let count = OCSP_request_onereq_count(request)
        guard count >= 1, count <= Int32(Self.maximumCertificateIDs) else { return Self.failure(.malformedRequest) }
        var identifiers: [OpaquePointer] = []
        for index in 0..<count {
            guard let one = OCSP_request_onereq_get0(request, index), let identifier = OCSP_onereq_get0_id(one) else {
                return Self.failure(.malformedRequest)
            }
            identifiers.append(identifier)
        }
        for identifier in identifiers {
            switch namesIssuer(identifier) {
            case nil: return Self.failure(.malformedRequest)
            case false?: return Self.failure(.unauthorized)
            case true?: continue
            }
        }
        do {
            return try sign(identifiers, echoingNonceOf: request)
        } catch  where error.code == .statusUnavailable {
            return Self.failure(.tryLater)
        } catch {
            return Self.failure(.internalError)
        }
    }

    /// A signed response about `certificate` (which `issuer` must have issued), for embedding in a DSS.
    /// The CertID hashes with SHA-1, which every validator matches (RFC 5019 §2.1.1).
    package func response(for certificate: Certificate) throws(CryptoError) -> [UInt8] {
        guard certificate.isIssued(by: issuer) else {
            throw CryptoError(.invalidArgument, "\(certificate.subject) is not issued by \(issuer.subject)")
        }
        guard let identifier = OCSP_cert_to_id(EVP_sha1(), certificate.pointer, issuer.pointer) else {
            throw .openSSL("OCSP_cert_to_id failed")
        }
        defer { OCSP_CERTID_free(identifier) }
        return try sign([identifier], echoingNonceOf: nil)
    }

    // MARK: - Internals

    static func interval(_ duration: Duration) -> TimeInterval {
        TimeInterval(duration.components.seconds) + TimeInterval(duration.components.attoseconds) / 1e18
    }

    /// `OCSPResponseStatus` values other than successful (RFC 6960 §4.2.1).
    enum FailureStatus: UInt8 {
        case malformedRequest = 1
        case internalError = 2
        case tryLater = 3
        case unauthorized = 6
    }

    /// `OCSPResponse ::= SEQUENCE { responseStatus ENUMERATED }` without responseBytes.
    static func failure(_ status: FailureStatus) -> [UInt8] { [0x30, 0x03, 0x0A, 0x01, status.rawValue] }

    private static func parseRequest(_ der: [UInt8]) -> OpaquePointer? {
        der.withUnsafeBufferPointer { buffer in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            let request = d2i_OCSP_REQUEST(nil, &cursor, buffer.count)
            OpenSSLErrorQueue.clear()
            guard let request, cursor == buffer.baseAddress! + buffer.count else {
                OCSP_REQUEST_free(request)
                return nil
            }
            return request
        }
    }

    /// Whether the CertID's issuer hashes are this CA's; nil when its hash algorithm is not one we accept.
    private func namesIssuer(_ identifier: OpaquePointer) -> Bool? {
        var algorithm: OpaquePointer?
        var serial: UnsafeMutablePointer<ASN1_INTEGER>?
        guard OCSP_id_get0_info(nil, &algorithm, nil, &serial, identifier) == 1,
            let digest = RevocationASN1.certificateIDDigest(algorithm)
        else { return nil }
        guard
            let ours = OCSP_cert_id_new(
                digest, X509_get_subject_name(issuer.pointer), X509_get0_pubkey_bitstr(issuer.pointer), serial)
        else { return nil }
        defer { OCSP_CERTID_free(ours) }
        return OCSP_id_issuer_cmp(ours, identifier) == 0
    }

    private func sign(_ identifiers: [OpaquePointer], echoingNonceOf request: OpaquePointer?) throws(CryptoError)
        -> [UInt8]
    {
        guard let basic = OCSP_BASICRESP_new() else { throw .openSSL("OCSP_BASICRESP_new failed") }
        defer { OCSP_BASICRESP_free(basic) }
        let now = clock()
        let thisUpdate = try RevocationASN1.time(now)
        defer { ASN1_TIME_free(thisUpdate) }
        let nextUpdate = try RevocationASN1.time(now.addingTimeInterval(Self.interval(validity)))
        defer { ASN1_TIME_free(nextUpdate) }
        for identifier in identifiers {
            var serial: UnsafeMutablePointer<ASN1_INTEGER>?
            guard OCSP_id_get0_info(nil, nil, nil, &serial, identifier) == 1 else { throw .openSSL("CertID") }
            var answer = CertificateStatus.unknown
            if let magnitude = RevocationASN1.magnitude(serial) {
                do { answer = try status(magnitude) } catch {
                    throw CryptoError(.statusUnavailable, "the certificate status cannot be read now: \(error)")
                }
            }
            let added: OpaquePointer?
            switch answer {
            case .good:
                added = OCSP_basic_add1_status(
                    basic, identifier, V_OCSP_CERTSTATUS_GOOD, 0, nil, thisUpdate, nextUpdate)
            case .unknown:
                added = OCSP_basic_add1_status(
                    basic, identifier, V_OCSP_CERTSTATUS_UNKNOWN, 0, nil, thisUpdate, nextUpdate)
            case .revoked(let at, let reason):
                let revoked = try RevocationASN1.time(at)
                defer { ASN1_TIME_free(revoked) }
                added = OCSP_basic_add1_status(
                    basic, identifier, V_OCSP_CERTSTATUS_REVOKED, Int32(reason?.rawValue ?? -1), revoked, thisUpdate,
                    nextUpdate)
            }
            guard added != nil else { throw .openSSL("OCSP_basic_add1_status failed") }
        }
        if let request, OCSP_copy_nonce(basic, request) <= 0 { throw .openSSL("copying the OCSP nonce failed") }
        // producedAt from the injected clock, like thisUpdate (OCSP_basic_sign would read the system clock): the
        // field is allocated with the response and set in place, and OCSP_NOTIME keeps it.
        guard let producedAt = OCSP_resp_get0_produced_at(basic),
            ASN1_GENERALIZEDTIME_set(
                UnsafeMutablePointer(mutating: producedAt), time_t(now.timeIntervalSince1970.rounded(.down))) != nil
        else { throw .openSSL("setting the OCSP producedAt failed") }
        guard case .evp(let key) = signer.key.backing else { return try signInToken(basic) }
        guard
            OCSP_basic_sign(
                basic, signer.certificate.pointer, key.pointer, signer.digest.evpMD, nil, UInt(OCSP_NOTIME)) == 1
        else { throw .openSSL("signing the OCSP response failed") }
        guard let response = OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL, basic) else {
            throw .openSSL("OCSP_response_create failed")
        }
        defer { OCSP_RESPONSE_free(response) }
        return try derEncode { i2d_OCSP_RESPONSE(response, $0) }
    }
}

extension CryptoError.Code {
    /// An OCSP responder's status source could not answer (the response is `tryLater`).
    package static let statusUnavailable = CryptoError.Code(rawValue: "status-unavailable")
}

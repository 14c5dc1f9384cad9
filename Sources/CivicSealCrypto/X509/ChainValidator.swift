internal import COpenSSL
import Foundation

/// Why a certificate chain was not trusted.
package struct ChainFailure: Sendable, Equatable, CustomStringConvertible {
    /// Named reasons; stable raw values for logs and API verdicts.
    package enum Reason: String, Sendable, CaseIterable {
        case expired = "expired"
        case notYetValid = "not-yet-valid"
        case untrustedRoot = "untrusted-root"
        case wrongKeyUsage = "wrong-key-usage"
        case badSignature = "bad-signature"
        case invalidAuthority = "invalid-authority"
        case malformed = "malformed"
        case other = "other"
    }

    package let reason: Reason
    /// The certificate at fault (0 = the leaf), when known.
    package let depth: Int
    /// Subject of the certificate at fault, when known.
    package let subject: DistinguishedName?
    /// OpenSSL's explanation, for logs.
    package let detail: String

    package var description: String {
        "\(reason.rawValue) at depth \(depth)\(subject.map { " (\($0))" } ?? ""): \(detail)"
    }

    /// Compares by reason and depth; the detail wording is OpenSSL's, not a contract.
    package static func == (lhs: ChainFailure, rhs: ChainFailure) -> Bool {
        lhs.reason == rhs.reason && lhs.depth == rhs.depth
    }
}

/// The outcome of chain validation: a value, not a throw (an untrusted chain is an expected answer).
package enum ChainVerdict: Sendable, Equatable {
    /// Trusted; the chain runs from the leaf to a trust anchor.
    case trusted(chain: [Certificate])
    case untrusted(ChainFailure)

    package var isTrusted: Bool { if case .trusted = self { true } else { false } }
    package var failure: ChainFailure? { if case .untrusted(let f) = self { f } else { nil } }
}

/// Validates certificate chains against a fixed set of trust anchors at a given time (RFC 5280 §6).
///
/// The anchor store is built once and shared; each validation uses its own `X509_STORE_CTX`.
// X509_STORE is only read after init; OpenSSL locks its lookups
package final class ChainValidator: @unchecked Sendable {
    private let store: OpaquePointer
    package let trustAnchors: [Certificate]

    package init(trustAnchors: [Certificate]) throws(CryptoError) {
        guard !trustAnchors.isEmpty else { throw CryptoError(.invalidArgument, "at least one trust anchor is needed") }
        guard let store = X509_STORE_new() else { throw .openSSL("X509_STORE_new failed") }
        for anchor in trustAnchors where X509_STORE_add_cert(store, anchor.pointer) != 1 {
            X509_STORE_free(store)
            throw .openSSL("adding a trust anchor failed")
        }
        self.store = store
        self.trustAnchors = trustAnchors
        for anchor in trustAnchors { CertificateCache.shared.remember(anchor) }
    }

    deinit { X509_STORE_free(store) }

    /// Validates `leaf` (with optional untrusted `intermediates`) as of `time`, and checks that the leaf's
    /// key usage has every bit of `requiredKeyUsage` (an absent key-usage extension does not qualify).
    package func validate(
        _ leaf: Certificate, intermediates: [Certificate] = [], at time: Date,
        requiredKeyUsage: KeyUsage = [.digitalSignature]
    ) -> ChainVerdict {
        guard let context = X509_STORE_CTX_new() else {
            return .untrusted(ChainFailure(reason: .other, depth: 0, subject: nil, detail: "out of memory"))
        }
        defer { X509_STORE_CTX_free(context) }
        guard let untrusted = cs_sk_X509_new_null() else {
            return .untrusted(ChainFailure(reason: .other, depth: 0, subject: nil, detail: "out of memory"))
        }
        defer { cs_sk_X509_free(untrusted) }  // the certificates stay owned by their Swift wrappers
        for certificate in intermediates { _ = cs_sk_X509_push(untrusted, certificate.pointer) }

        guard X509_STORE_CTX_init(context, store, leaf.pointer, untrusted) == 1 else {
            OpenSSLErrorQueue.clear()
            return .untrusted(
                ChainFailure(reason: .other, depth: 0, subject: nil, detail: "X509_STORE_CTX_init failed"))
        }
        X509_STORE_CTX_set_time(context, 0, time_t(time.timeIntervalSince1970.rounded(.down)))
        let verified = X509_verify_cert(context)
        OpenSSLErrorQueue.clear()
        if verified != 1 {
            let code = X509_STORE_CTX_get_error(context)
            let depth = Int(X509_STORE_CTX_get_error_depth(context))
            let subject = X509_STORE_CTX_get_current_cert(context).map { Certificate.name(X509_get_subject_name($0)) }
            let detail = String(cString: X509_verify_cert_error_string(Int(code)))
            return .untrusted(ChainFailure(reason: Self.reason(code), depth: depth, subject: subject, detail: detail))
        }
        guard let usage = leaf.keyUsage, usage.isSuperset(of: requiredKeyUsage) else {
            return .untrusted(
                ChainFailure(
                    reason: .wrongKeyUsage, depth: 0, subject: leaf.subject,
                    detail: "key usage \(leaf.keyUsage?.description ?? "absent") lacks \(requiredKeyUsage)"))
        }
        // Map the built chain back to the parsed certificates we already hold (same X509 objects): no re-parse.
        let known = [leaf] + intermediates + trustAnchors
        var chain: [Certificate] = []
        if let built = X509_STORE_CTX_get0_chain(context) {
            for index in 0..<cs_sk_X509_num(built) {
                guard let pointer = cs_sk_X509_value(built, index) else { continue }
                if let certificate = known.first(where: { $0.pointer == pointer })
                    ?? (try? Certificate(sharing: pointer))
                {
                    chain.append(certificate)
                }
            }
        }
        // A chain that reached a trust anchor is worth parsing once: only such certificates enter the shared cache.
        for certificate in chain { CertificateCache.shared.remember(certificate) }
        return .trusted(chain: chain)
    }

    private static func reason(_ code: Int32) -> ChainFailure.Reason {
        switch code {
        case X509_V_ERR_CERT_HAS_EXPIRED: .expired
        case X509_V_ERR_CERT_NOT_YET_VALID: .notYetValid
        case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT, X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN,
            X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT,
            X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE, X509_V_ERR_CERT_UNTRUSTED, X509_V_ERR_CERT_REJECTED:
            .untrustedRoot
        case X509_V_ERR_CERT_SIGNATURE_FAILURE, X509_V_ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE,
            X509_V_ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY:
            .badSignature
        case X509_V_ERR_INVALID_PURPOSE, X509_V_ERR_KEYUSAGE_NO_CERTSIGN, X509_V_ERR_KEYUSAGE_NO_DIGITAL_SIGNATURE:
            .wrongKeyUsage
        case X509_V_ERR_INVALID_CA, X509_V_ERR_PATH_LENGTH_EXCEEDED, X509_V_ERR_INVALID_NON_CA:
            .invalidAuthority
        case X509_V_ERR_ERROR_IN_CERT_NOT_BEFORE_FIELD, X509_V_ERR_ERROR_IN_CERT_NOT_AFTER_FIELD,
            X509_V_ERR_INVALID_EXTENSION, X509_V_ERR_UNHANDLED_CRITICAL_EXTENSION:
            .malformed
        default: .other
        }
    }
}

import Foundation

/// Why a CMS signature was not accepted. Stable ``code`` values for APIs and logs.
package enum CMSFailure: Sendable, Equatable, CustomStringConvertible {
    /// Not a DER CMS SignedData with exactly one signer.
    case malformed(String)
    /// A digest or signature algorithm CivicSeal does not accept.
    case unsupportedAlgorithm(String)
    /// The signer's certificate is not inside the CMS.
    case signerCertificateMissing
    /// The content's digest differs from the signed message-digest attribute: the content was altered.
    case digestMismatch
    /// The signature over the signed attributes does not verify with the signer's key.
    case badSignature
    /// An ESS signing-certificate-v2 attribute names another certificate than the signer's (RFC 5035).
    case signingCertificateMismatch
    /// The ESS signing-certificate-v2 attribute is required (CAdES/PAdES) but absent.
    case signingCertificateMissing
    /// The signer's certificate chain is not trusted at the signing time.
    case untrustedCertificate(ChainFailure)

    package var code: String {
        switch self {
        case .malformed: "malformed"
        case .unsupportedAlgorithm: "unsupported-algorithm"
        case .signerCertificateMissing: "signer-certificate-missing"
        case .digestMismatch: "digest-mismatch"
        case .badSignature: "bad-signature"
        case .signingCertificateMismatch: "signing-certificate-mismatch"
        case .signingCertificateMissing: "signing-certificate-missing"
        case .untrustedCertificate(let failure): "certificate-\(failure.reason.rawValue)"
        }
    }

    package var description: String {
        switch self {
        case .malformed(let detail), .unsupportedAlgorithm(let detail): "\(code): \(detail)"
        case .untrustedCertificate(let failure): "\(code): \(failure)"
        default: code
        }
    }
}

/// The result of verifying a CMS signature: what was found, and the first check that failed (if any).
package struct CMSVerification: Sendable {
    package let signerCertificate: Certificate?
    /// Every certificate embedded in the CMS.
    package let certificates: [Certificate]
    /// The signed signing-time attribute, when present.
    package let signingTime: Date?
    package let digestAlgorithm: DigestAlgorithm?
    package let signatureAlgorithm: SignatureAlgorithm?
    /// Whether a signing-certificate-v2 attribute was present and matched the signer.
    package let hasSigningCertificateV2: Bool
    /// The trusted chain, when a validator was given and the chain is trusted.
    package let chain: [Certificate]
    package let failure: CMSFailure?

    package var isValid: Bool { failure == nil }
}

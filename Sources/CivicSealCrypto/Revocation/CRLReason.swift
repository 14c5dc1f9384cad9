import Foundation

/// Why a certificate was revoked: `CRLReason` of RFC 5280 §5.3.1 (value 7 is unused).
package enum CRLReason: Int, Sendable, CaseIterable {
    case unspecified = 0
    case keyCompromise = 1
    case caCompromise = 2
    case affiliationChanged = 3
    case superseded = 4
    case cessationOfOperation = 5
    case certificateHold = 6
    case removeFromCRL = 8
    case privilegeWithdrawn = 9
    case aaCompromise = 10

    /// The RFC's name, as `openssl ocsp` and `openssl crl` print it (`keyCompromise`, …).
    package var name: String {
        switch self {
        case .unspecified: "unspecified"
        case .keyCompromise: "keyCompromise"
        case .caCompromise: "cACompromise"
        case .affiliationChanged: "affiliationChanged"
        case .superseded: "superseded"
        case .cessationOfOperation: "cessationOfOperation"
        case .certificateHold: "certificateHold"
        case .removeFromCRL: "removeFromCRL"
        case .privilegeWithdrawn: "privilegeWithdrawn"
        case .aaCompromise: "aACompromise"
        }
    }

    /// Parses a name as ``name`` writes it, case-insensitively (`keyCompromise`, `cacompromise`).
    package init?(name: String) {
        guard let reason = Self.allCases.first(where: { $0.name.lowercased() == name.lowercased() }) else {
            return nil
        }
        self = reason
    }
}

/// A certificate's revocation status, as an OCSP responder or a CRL tells it.
package enum CertificateStatus: Sendable, Equatable {
    case good
    /// Revoked at `at`, with the reason when one was given.
    case revoked(at: Date, reason: CRLReason?)
    /// The responder does not know the certificate (not issued by its CA).
    case unknown
}

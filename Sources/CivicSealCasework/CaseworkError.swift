import CivicSealCrypto
import CivicSealSealing

/// A use case refused, with a stable ``Code`` the edges map to their answer (the API to a problem document, the
/// pages to a page), and a message that never carries personal data.
package struct CaseworkError: Error, Sendable, Hashable, CustomStringConvertible {
    package enum Code: String, Sendable, Hashable, CaseIterable {
        /// No such request or document, or it belongs to another department (its existence is not revealed).
        case notFound = "not-found"
        /// An approval without the findings the document will state.
        case findingsRequired = "findings.required"
        /// A revocation without its grounds.
        case groundsRequired = "revocation.grounds-required"
        /// Uploads cannot be verified: no verifier is configured.
        case verificationUnavailable = "verification.unavailable"
        /// Every verification thread is busy and the queue is full (retry after ``CaseworkError/retryAfter``).
        case verificationBusy = "verification.busy"
        /// Too many five-field confirmations from one client (retry after ``CaseworkError/retryAfter``).
        case tooManyAttempts = "confirmation.too-many-attempts"
        /// The department of the request has no seal configured.
        case sealNotConfigured = "issuance.seal-not-configured"
        /// Building, rendering or sealing the document failed (the request stays `approved`; the sweeper retries).
        case issuanceFailed = "issuance.failed"
        /// The store could not be read or written during issuance.
        case storage = "issuance.storage"
        /// A signing key's PKCS#11 token cannot be reached now (removed, module gone, PIN refused): the request stays
        /// `approved` and the sweeper issues it once the token is back (retry after ``CaseworkError/retryAfter``).
        case keyUnavailable = "issuance.key-unavailable"
    }

    package let code: Code
    package let message: String
    /// Seconds to wait before retrying (``Code/verificationBusy``, ``Code/tooManyAttempts``).
    package let retryAfter: Int?

    package init(_ code: Code, _ message: String, retryAfter: Int? = nil) {
        self.code = code
        self.message = message
        self.retryAfter = retryAfter
    }

    package static let notFound = CaseworkError(.notFound, "no such request or document, or it is not yours to see")

    /// Seconds a client should wait after ``Code/keyUnavailable`` (the sweeper's default period).
    package static let keyUnavailableRetryAfter = 30

    /// `error` as a ``Code/keyUnavailable`` failure when it says a signing key's token cannot be reached, else nil.
    package static func keyUnavailable(_ error: any Error, _ message: @autoclosure () -> String) -> CaseworkError? {
        let unavailable: Bool
        switch error {
        case let error as CaseworkError: unavailable = error.code == .keyUnavailable
        case let error as SealingError: unavailable = error.code == .keyUnavailable
        case let error as CryptoError: unavailable = SealingError.meansKeyUnavailable(error)
        default: unavailable = false
        }
        guard unavailable else { return nil }
        return CaseworkError(.keyUnavailable, message(), retryAfter: keyUnavailableRetryAfter)
    }

    package var description: String { "\(code.rawValue): \(message)" }
}

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

    package var description: String { "\(code.rawValue): \(message)" }
}

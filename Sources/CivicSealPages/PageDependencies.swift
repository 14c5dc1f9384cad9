import CivicSealCasework
import CivicSealHTTP
import CivicSealIdentity
import CivicSealRecords
import CivicSealVerification
import CivicSealWorkflow
import Foundation

/// What the pages work with, built once by the app from the same pieces the API is built from (one store, one token
/// verifier, one policy, one set of verification threads, one confirmation budget per client): the pages never hold
/// the API itself.
package struct PageDependencies: Sendable {
    /// The requests, documents and audit trail.
    package var store: RequestStore
    /// Verifies the identity token a signed-in session holds, on every request (its expiry applies).
    package var verifier: TokenVerifier
    /// The rules a submitted form must meet, and the form's shape (assurance, residence rows, complexity).
    package var validator: SubmissionValidator
    /// Who may do what: the same table every API route asks.
    package var policy: AuthorizationPolicy
    /// The wall clock (injected for tests of due dates and token expiry).
    package var clock: @Sendable () -> Date
    /// Verifies uploaded PDFs on `/verify` (none: that page answers 404).
    package var documentVerifier: DocumentVerifier?
    /// The registry the verifier checks an upload against (registered, hash, revocation): the store, as the app
    /// wires it.
    package var documentRegistry: any DocumentRegistryLookup
    /// The threads uploads are verified on, shared with `POST /v1/verify` (full: a 503 page with `Retry-After`).
    package var verification: VerificationLanes
    /// Five-field confirmations per client, shared with `POST /v1/verify/details`: one budget, whichever is used.
    package var confirmationLimiter: RateLimiter
    /// The use cases (the pages convert onto them; the approve step already decides and issues through them).
    package var casework: Casework

    package init(
        store: RequestStore, verifier: TokenVerifier, validator: SubmissionValidator = SubmissionValidator(),
        policy: AuthorizationPolicy = .standard, clock: @escaping @Sendable () -> Date = { Date() },
        documentVerifier: DocumentVerifier? = nil, documentRegistry: any DocumentRegistryLookup,
        verification: VerificationLanes,
        confirmationLimiter: RateLimiter, casework: Casework
    ) {
        self.store = store
        self.verifier = verifier
        self.validator = validator
        self.policy = policy
        self.clock = clock
        self.documentVerifier = documentVerifier
        self.documentRegistry = documentRegistry
        self.verification = verification
        self.confirmationLimiter = confirmationLimiter
        self.casework = casework
    }
}

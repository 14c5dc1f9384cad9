import CivicSealIdentity
import CivicSealRecords
import CivicSealVerification
import CivicSealWorkflow
import Foundation

/// CivicSeal's use cases, each written once: the API's handlers and the pages are adapters that turn HTTP into a
/// call here and the answer back into HTTP.
///
/// Every use case takes typed input and the authenticated principal (``CitizenPrincipal`` or ``StaffPrincipal``),
/// applies ``AuthorizationPolicy`` and returns typed output, or throws a typed error: ``CaseworkError``, or the
/// domain's own ``RecordsError``, ``IdentityError`` and ``ValidationFailure`` (the edges map each to its problem
/// document). Where a use case reads its input only once the caller is known to be allowed to act on the target
/// (supplement, revoke), the input is passed as a closure: a refused caller learns nothing from validation.
///
/// Built once by the app from the store, the issuer (keys and templates), the verifier and the clock.
package final class Casework: Sendable {
    package let store: RequestStore
    package let validator: SubmissionValidator
    /// Who may do what: the one table every staff use case asks.
    package let policy: AuthorizationPolicy
    package let clock: @Sendable () -> Date
    /// Issues the document right after an approval (none: requests stay `approved`).
    package let issuance: IssuanceService?
    /// Verifies uploaded PDFs (none: verification is not configured).
    package let documentVerifier: DocumentVerifier?
    /// Where uploads are verified: threads of their own with bounded queues.
    package let verification: VerificationLanes
    /// Five-field confirmations: 10 per minute per client (see ``confirmDetails(_:client:)``).
    package let confirmationLimiter: RateLimiter

    /// - Parameters:
    ///   - issuance: issues the document right after an approval (none: requests stay `approved`).
    ///   - documentVerifier: verifies uploaded PDFs (none: ``CaseworkError/Code/verificationUnavailable``).
    ///   - verification: the threads and queue limits uploads are verified with.
    package init(
        store: RequestStore, validator: SubmissionValidator = SubmissionValidator(),
        policy: AuthorizationPolicy = .standard, clock: @escaping @Sendable () -> Date = { Date() },
        issuance: IssuanceService? = nil, documentVerifier: DocumentVerifier? = nil,
        verification: VerificationLanes = VerificationLanes(),
        confirmationLimiter: RateLimiter = RateLimiter(limit: 10, window: 60)
    ) {
        self.store = store
        self.validator = validator
        self.policy = policy
        self.clock = clock
        self.issuance = issuance
        self.documentVerifier = documentVerifier
        self.verification = verification
        self.confirmationLimiter = confirmationLimiter
    }

    /// Whether `text` has the shape of a request id (the edges answer 404 for anything else: nothing to find).
    package static func isRequestID(_ text: String) -> Bool { RequestStore.isRequestID(text) }

    /// Today in Hanoi by the injected clock.
    package func today() -> CalendarDate { CalendarDate(clock()) }

    /// The staff member acting, if any of their roles grants `action` at all (else 403 before anything is read).
    func acting(_ staff: StaffPrincipal, for action: StaffAction) throws(IdentityError) -> Participant {
        try policy.requireAny(staff, action)
        return Self.participant(staff)
    }

    /// How a staff member is recorded in histories and the audit trail.
    package static func participant(_ staff: StaffPrincipal) -> Participant {
        Participant.officer(staff.token.subject, department: staff.department, name: staff.name)
    }

    /// How a citizen is recorded.
    package static func participant(_ citizen: CitizenPrincipal) -> Participant { .citizen(citizen.personalID) }

    /// Applies ``AuthorizationPolicy`` to a request of `summary`'s kind and department: another department's is
    /// ``CaseworkError/Code/notFound``, a kind the roles do not cover ``IdentityError/Code/missingRole``.
    func authorize(_ staff: StaffPrincipal, _ action: StaffAction, _ summary: RequestSummary) throws {
        try policy.require(staff, action, kind: summary.kind, department: summary.departmentID) {
            CaseworkError.notFound
        }
    }

    /// The kinds the routing configuration sends to `department`.
    package func handledKinds(_ department: String) -> Set<RequestKind> {
        store.configuration.authority.routing.kinds(handledBy: department)
    }

    /// The kinds `staff` may see in `department`'s queue (empty: 403).
    package func queueKinds(_ staff: StaffPrincipal, department: String) -> Set<RequestKind> {
        policy.queueKinds(staff, department: department, routing: store.configuration.authority.routing)
    }

    /// The department as configured (names, place, signing formula), if known.
    package func department(_ id: String) -> Department? { store.configuration.authority.department(id: id) }
}

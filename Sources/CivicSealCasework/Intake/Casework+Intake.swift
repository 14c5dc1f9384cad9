import CivicSealIdentity
import CivicSealRecords
import CivicSealWorkflow
import Foundation

/// One request as its reader may see it: the stored submission and findings passed through as stored (canonical
/// JSON), and whether the reader is staff (who see the applicant's details and staff names in the history).
package struct RequestDetail: Sendable {
    package let stored: StoredRequest
    package let forStaff: Bool
}

extension Casework {
    /// A citizen submits a request: the assurance their token carries must suffice for its kind, the submission is
    /// validated field by field, routed and stored. A retry with the same `idempotencyKey` returns the same request.
    package func submit(_ submission: RequestSubmission, idempotencyKey: String?, by citizen: CitizenPrincipal)
        async throws -> RequestSummary
    {
        try citizen.requireAssurance(for: submission.request.kind)
        let validated = try validate(submission, for: citizen)
        return try await store.submit(validated, idempotencyKey: idempotencyKey, now: clock())
    }

    /// The citizen answers a request for information with a corrected form. Ownership comes first: someone else's
    /// request is ``RecordsError/Code/notFound`` before `submission` is read.
    package func supplement(
        _ requestID: String, by citizen: CitizenPrincipal, submission: () throws -> RequestSubmission
    ) async throws -> RequestSummary {
        _ = try await store.request(requestID, by: Self.participant(citizen), now: clock())
        let validated = try validate(try submission(), for: citizen)
        return try await store.supplement(requestID, with: validated, now: clock())
    }

    /// The citizen withdraws a request that no officer has taken up.
    package func cancel(_ requestID: String, by citizen: CitizenPrincipal) async throws(RecordsError)
        -> RequestSummary
    {
        try await store.cancel(requestID, by: Self.participant(citizen), now: clock())
    }

    /// The citizen's own requests, newest first.
    package func ownRequests(of citizen: CitizenPrincipal) async throws(RecordsError) -> [RequestSummary] {
        try await store.requests(ownedBy: Self.participant(citizen), now: clock())
    }

    /// One request with its history: its owner, or staff of its department whose roles cover its kind. Another
    /// citizen or department gets ``RecordsError/Code/notFound`` / ``CaseworkError/Code/notFound`` (the id's existence
    /// is not disclosed); staff whose roles grant no reading at all, or not of this kind, a 403
    /// (``IdentityError/Code/missingRole``). Blocking: a cached token check and one WAL read, short enough for an
    /// event-loop thread.
    package func detail(_ requestID: String, by principal: Principal) throws -> RequestDetail {
        switch principal {
        case .citizen(let citizen):
            let stored = try store.storedRequest(requestID, by: Self.participant(citizen), now: clock())
            return RequestDetail(stored: stored, forStaff: false)
        case .staff(let staff):
            try policy.requireAny(staff, .viewRequest)
            let stored = try store.storedRequest(
                requestID, by: .officer(staff.token.subject, department: staff.department), now: clock())
            try authorize(staff, .viewRequest, stored.summary)
            return RequestDetail(stored: stored, forStaff: true)
        }
    }

    /// The citizen's own health book.
    package func ownHealthBook(of citizen: CitizenPrincipal) async throws(RecordsError) -> HealthBook {
        try await store.healthBook(for: citizen.personalID, by: Self.participant(citizen))
    }

    /// The submission validated for `citizen` (the applicant is the token's identity), as of today.
    package func validate(_ submission: RequestSubmission, for citizen: CitizenPrincipal) throws(ValidationFailure)
        -> ValidatedRequest
    {
        switch validator.validate(submission, applicant: citizen.applicant, today: today()) {
        case .success(let validated): return validated
        case .failure(let failure): throw failure
        }
    }
}

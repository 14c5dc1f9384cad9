import CivicSealHTTP
import CivicSealIdentity
import CivicSealRecords
import CivicSealWorkflow
import Foundation

extension APIService {
    /// `POST /v1/requests`: validate field by field, route, store; `Idempotency-Key` makes a retry return the same
    /// request.
    func submit(_ request: HTTPRequest, _ context: RequestContext) async throws -> HTTPResponse {
        let citizen = try citizen(request)
        let submission = try decode(RequestSubmission.self, request)
        try citizen.requireAssurance(for: submission.request.kind)
        let keys = request.headers.values(for: "Idempotency-Key")
        guard keys.count <= 1 else {
            throw APIError.badRequest("Idempotency-Key", "header.duplicate", "send at most one Idempotency-Key header")
        }
        let validated = try validate(submission, for: citizen)
        let summary = try await store.submit(validated, idempotencyKey: keys.first, now: clock())
        var response = json(RequestSummaryBody(summary, forOfficer: false), status: .created)
        response.headers.replaceOrAdd(name: "Location", value: "/v1/requests/\(summary.id)")
        return response
    }

    /// `GET /v1/requests`: the caller's own requests, newest first.
    func listOwn(_ request: HTTPRequest, _ context: RequestContext) async throws -> HTTPResponse {
        let citizen = try citizen(request)
        let summaries = try await store.requests(ownedBy: .citizen(citizen.personalID), now: clock())
        return json(
            RequestListBody(items: summaries.map { RequestSummaryBody($0, forOfficer: false) }, nextCursor: nil))
    }

    /// `GET /v1/requests/{id}`: one request with its history — the owner, or staff of its department whose roles
    /// cover its kind (``AuthorizationPolicy``). Another citizen or department gets 404, never 403: the id's existence
    /// is not disclosed; staff whose roles grant no reading at all, or not of this kind, 403. Runs inline on the event
    /// loop: a
    /// cached token check and one WAL read; the stored submission JSON is passed through, not re-encoded.
    func detail(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        let id = try requestID(context)
        let actor: Actor
        var staff: StaffPrincipal?
        switch try principal(request) {
        case .citizen(let citizen):
            actor = .citizen(citizen.personalID)
        case .staff(let member):
            try policy.requireAny(member, .viewRequest)
            actor = .officer(member.token.subject, department: member.department)
            staff = member
        }
        let forOfficer = staff != nil
        let stored = try store.storedRequest(id, by: actor, now: clock())
        if let staff { try authorize(staff, .viewRequest, stored.summary) }
        // Findings were stored canonical by this service; the submission is stored canonical JSON too.
        return json(
            RequestDetailBody(
                request: RequestSummaryBody(stored.summary, forOfficer: forOfficer), findingsJSON: stored.findingsJSON,
                history: stored.history.map { HistoryEventBody($0, forOfficer: forOfficer) },
                submissionJSON: stored.submissionJSON))
    }

    /// `POST /v1/requests/{id}/supplement`: the citizen answers a request for information with a corrected form.
    func supplement(_ request: HTTPRequest, _ context: RequestContext) async throws -> HTTPResponse {
        let id = try requestID(context)
        let citizen = try citizen(request)
        // Ownership first: someone else's request is 404 whatever the body says.
        _ = try await store.request(id, by: .citizen(citizen.personalID), now: clock())
        let submission = try decode(RequestSubmission.self, request)
        let validated = try validate(submission, for: citizen)
        let summary = try await store.supplement(id, with: validated, now: clock())
        return json(RequestSummaryBody(summary, forOfficer: false))
    }

    /// `POST /v1/requests/{id}/cancel`: the citizen withdraws a request that no officer has taken up.
    func cancel(_ request: HTTPRequest, _ context: RequestContext) async throws -> HTTPResponse {
        let id = try requestID(context)
        let citizen = try citizen(request)
        let summary = try await store.cancel(id, by: .citizen(citizen.personalID), now: clock())
        return json(RequestSummaryBody(summary, forOfficer: false))
    }

    /// `GET /v1/health-book`: the caller's own health-book entries.
    func ownHealthBook(_ request: HTTPRequest, _ context: RequestContext) async throws -> HTTPResponse {
        let citizen = try citizen(request)
        let book = try await store.healthBook(for: citizen.personalID, by: .citizen(citizen.personalID))
        var response = HTTPResponse.json(try WorkflowJSON.encode(book))
        response.headers.replaceOrAdd(name: "Cache-Control", value: "no-store")
        return response
    }

    func validate(_ submission: RequestSubmission, for citizen: CitizenPrincipal) throws(ValidationFailure)
        -> ValidatedRequest
    {
        switch validator.validate(submission, applicant: citizen.applicant, today: today()) {
        case .success(let validated): return validated
        case .failure(let failure): throw failure
        }
    }
}

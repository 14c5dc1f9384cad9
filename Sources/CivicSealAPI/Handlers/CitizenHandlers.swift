import CivicSealCasework
import CivicSealHTTP
import CivicSealIdentity
import CivicSealRecords
import CivicSealWorkflow
import Foundation

extension APIService {
    /// `POST /v1/requests` → ``Casework/submit(_:idempotencyKey:by:)``: 201 with `Location`; `Idempotency-Key`
    /// (at most one) makes a retry return the same request.
    func submit(_ request: HTTPRequest, _ context: RequestContext) async throws -> HTTPResponse {
        let citizen = try citizen(request)
        let submission = try decode(RequestSubmission.self, request)
        let keys = request.headers.values(for: "Idempotency-Key")
        guard keys.count <= 1 else {
            throw APIError.badRequest("Idempotency-Key", "header.duplicate", "send at most one Idempotency-Key header")
        }
        let summary = try await casework.submit(submission, idempotencyKey: keys.first, by: citizen)
        var response = json(RequestSummaryBody(summary, forOfficer: false), status: .created)
        response.headers.replaceOrAdd(name: "Location", value: "/v1/requests/\(summary.id)")
        return response
    }

    /// `GET /v1/requests` → ``Casework/ownRequests(of:)``: the caller's own requests, newest first.
    func listOwn(_ request: HTTPRequest, _ context: RequestContext) async throws -> HTTPResponse {
        let summaries = try await casework.ownRequests(of: try citizen(request))
        return json(
            RequestListBody(items: summaries.map { RequestSummaryBody($0, forOfficer: false) }, nextCursor: nil))
    }

    /// `GET /v1/requests/{id}` → ``Casework/detail(_:by:)``. Runs inline on the event loop: a cached token check and
    /// one WAL read; the stored submission and findings JSON are passed through, not re-encoded.
    func detail(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        let id = try requestID(context)
        let detail = try casework.detail(id, by: try principal(request))
        let stored = detail.stored
        return json(
            RequestDetailBody(
                request: RequestSummaryBody(stored.summary, forOfficer: detail.forStaff),
                findingsJSON: stored.findingsJSON,
                history: stored.history.map { HistoryEventBody($0, forOfficer: detail.forStaff) },
                submissionJSON: stored.submissionJSON))
    }

    /// `POST /v1/requests/{id}/supplement` → ``Casework/supplement(_:by:submission:)``: the corrected form, read
    /// once ownership is established.
    func supplement(_ request: HTTPRequest, _ context: RequestContext) async throws -> HTTPResponse {
        let id = try requestID(context)
        let citizen = try citizen(request)
        let summary = try await casework.supplement(id, by: citizen) { try decode(RequestSubmission.self, request) }
        return json(RequestSummaryBody(summary, forOfficer: false))
    }

    /// `POST /v1/requests/{id}/cancel` → ``Casework/cancel(_:by:)``.
    func cancel(_ request: HTTPRequest, _ context: RequestContext) async throws -> HTTPResponse {
        let id = try requestID(context)
        let summary = try await casework.cancel(id, by: try citizen(request))
        return json(RequestSummaryBody(summary, forOfficer: false))
    }

    /// `GET /v1/health-book` → ``Casework/ownHealthBook(of:)``.
    func ownHealthBook(_ request: HTTPRequest, _ context: RequestContext) async throws -> HTTPResponse {
        let book = try await casework.ownHealthBook(of: try citizen(request))
        var response = HTTPResponse.json(try WorkflowJSON.encode(book))
        response.headers.replaceOrAdd(name: "Cache-Control", value: "no-store")
        return response
    }
}

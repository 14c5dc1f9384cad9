import CivicSealCrypto
import CivicSealDocuments
import CivicSealHTTP
import CivicSealIdentity
import CivicSealJSON
import CivicSealRecords
import CivicSealWorkflow
import Foundation

extension APIService {
    /// `GET /v1/queues/{department}?status=…&cursor=…&limit=…`: the officer's own department only, oldest due first,
    /// and only the kinds their roles cover (``AuthorizationPolicy``).
    func queue(_ request: HTTPRequest, _ context: RequestContext) async throws -> HTTPResponse {
        let (staff, actor) = try staff(request, for: .viewQueue)
        guard context.parameter("department") == staff.department else { throw APIError.notFound }
        let kinds = queueKinds(staff, department: staff.department)
        guard !kinds.isEmpty else {
            throw IdentityError(
                .missingRole, "the roles of this token cover no kind of request this department handles")
        }
        let query = try QueryString.parse(request.query, allowed: ["status", "cursor", "limit"])
        let state: RequestState
        if let status = query["status"] {
            guard let parsed = RequestState(rawValue: status) else {
                throw APIError.badRequest(
                    "status", "query.invalid",
                    "status must be one of \(RequestState.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            state = parsed
        } else {
            state = .submitted
        }
        var limit = 50
        if let text = query["limit"] {
            guard let value = Int(text), (1...200).contains(value) else {
                throw APIError.badRequest("limit", "query.invalid", "limit must be an integer from 1 to 200")
            }
            limit = value
        }
        let handled = handledKinds(staff.department)
        // A department whose kinds are split between roles shows each role its own kinds only.
        let filter = kinds == handled || kinds.count > 1 ? QueueFilter() : QueueFilter(kind: kinds.first)
        let page = try await store.departmentQueue(
            for: actor, state: state, filter: filter, limit: limit, after: query["cursor"], now: clock())
        let items = page.items.filter { kinds.contains($0.kind) }
        return json(
            RequestListBody(items: items.map { RequestSummaryBody($0, forOfficer: true) }, nextCursor: page.nextCursor))
    }

    /// `POST /v1/requests/{id}/claim`: the officer takes the request into review.
    func claim(_ request: HTTPRequest, _ context: RequestContext) async throws -> HTTPResponse {
        let id = try requestID(context)
        let (staff, actor) = try staff(request, for: .claim)
        try authorize(staff, .claim, try await store.request(id, by: actor, now: clock()).summary)
        let summary = try await store.claim(id, by: actor, now: clock())
        return json(RequestSummaryBody(summary, forOfficer: true))
    }

    /// `POST /v1/requests/{id}/decision` with `decision` = `approve` | `reject` | `request-info`, a `reason`
    /// (required for reject and request-info) and, on approval, the `findings` the document will state.
    func decide(_ request: HTTPRequest, _ context: RequestContext) async throws -> HTTPResponse {
        let id = try requestID(context)
        // Who is asking comes before what the body says: no token is 401, a citizen's 403, whatever the body.
        _ = try principal(request).requireStaff()
        try requireJSONMediaType(request)
        let body = try DecisionBody.parse(request.body)
        let action: StaffAction
        switch body.decision {
        case "approve": action = .approve
        case "reject": action = .reject
        case "request-info": action = .requestInfo
        default:
            throw APIError.invalid("decision", "decision.unknown", "decision must be approve, reject or request-info")
        }
        let (staff, actor) = try staff(request, for: action)
        // The policy needs the request's kind and department: 404 outside the officer's department, 403 for a kind
        // their roles do not cover.
        let record = try await store.request(id, by: actor, now: clock())
        try authorize(staff, action, record.summary)
        let decision: OfficerDecision
        switch body.decision {
        case "approve":
            guard let findings = body.findings else {
                throw APIError.invalid(
                    "findings", "findings.required", "approval states the findings the document will carry")
            }
            let approved = try FindingsShape.check(
                findings, for: record.summary.kind, submission: record.submission, today: today())
            decision = .approve(findingsJSON: approved.canonicalJSON.serialized())
        case "reject" where body.findings != nil, "request-info" where body.findings != nil:
            throw APIError.invalid("findings", "findings.not-applicable", "findings are stated only with approve")
        case "reject":
            decision = .reject(reason: body.reason ?? "")
        case "request-info":
            decision = .requestInfo(reason: body.reason ?? "")
        default:
            throw APIError.invalid("decision", "decision.unknown", "decision must be approve, reject or request-info")
        }
        var summary = try await store.decide(
            id, decision, by: actor, officerName: staff.name, expectedVersion: body.expectedVersion, now: clock())
        // The approval has committed; issue the document now (render, seal, register + `issued` in one transaction).
        // If that fails or the process dies, the request stays `approved` and the sweeper issues it later.
        if case .approve = decision, let issuer {
            if let issued = await issuer.issueDocument(forRequest: id) {
                summary = issued
            } else {
                // Nothing issued by this call: answer with the request as it stands now (the sweeper may have
                // issued it in between; otherwise it is still `approved` and the sweeper retries).
                summary = try await store.request(id, by: actor, now: clock()).summary
            }
        }
        return json(RequestSummaryBody(summary, forOfficer: true))
    }

    /// `POST /v1/requests/{id}/complexity` with `reasons` (Art. 48 reasons; `[]` for the ordinary case) and a written
    /// `reason`: an officer of the department sets or corrects the complexity; the due date is recomputed and the step
    /// audited (``RequestStore/setComplexity(_:_:reason:by:expectedVersion:now:)``).
    func setComplexity(_ request: HTTPRequest, _ context: RequestContext) async throws -> HTTPResponse {
        let id = try requestID(context)
        _ = try principal(request).requireStaff()
        try requireJSONMediaType(request)
        let body = try ComplexityBody.parse(request.body)
        let (staff, actor) = try staff(request, for: .setComplexity)
        let record = try await store.request(id, by: actor, now: clock())
        try authorize(staff, .setComplexity, record.summary)
        let summary = try await store.setComplexity(
            id, body.complexity, reason: body.reason, by: actor, expectedVersion: body.expectedVersion, now: clock())
        return json(RequestSummaryBody(summary, forOfficer: true))
    }

    /// `POST /v1/health-books/{personal_id}/entries`: a health facility (`health.clinician`) records an entry.
    func recordHealthEntry(_ request: HTTPRequest, _ context: RequestContext) async throws -> HTTPResponse {
        let staff = try principal(request).requireStaff()
        try policy.requireAny(staff, .recordHealthEntry)
        guard let text = context.parameter("personal_id"), let personalID = try? PersonalIDNumber(text) else {
            throw APIError.invalid(
                "personal_id", "personalId.format", "the path must carry a 12-digit personal ID number")
        }
        let entry = try decode(HealthBookEntry.self, request)
        let clinician = Actor(role: .officer, id: staff.token.subject, departmentID: staff.department)
        let number = try await store.recordHealthEntry(entry, for: personalID, by: clinician, now: clock())
        struct Created: Encodable { let entry: Int64 }
        return try json(encoding: Created(entry: number), status: .created)
    }
}

/// The decision body, parsed strictly: an object with known members only, no duplicates.
struct DecisionBody {
    let decision: String
    let reason: String?
    let findings: JSONValue?
    let expectedVersion: Int?

    static let members: Set<String> = ["decision", "reason", "findings", "expectedVersion"]

    static func parse(_ bytes: [UInt8]) throws -> DecisionBody {
        let object = try APIService.jsonObject(bytes, members: members)
        guard let decision = object["decision"]?.stringValue else {
            throw APIError.invalid(
                "decision", "field.required", "decision is required: approve, reject or request-info")
        }
        var reason: String?
        if let member = object["reason"], member != .null {
            guard let text = member.stringValue else {
                throw APIError.badRequest("reason", "json.type-mismatch", "reason must be a string")
            }
            guard text.count <= 2000,
                !text.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\n" || $0.value == 0x7F })
            else {
                throw APIError.invalid(
                    "reason", "text.invalid", "reason must be at most 2,000 characters without control characters")
            }
            reason = text.precomposedStringWithCanonicalMapping.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        var expectedVersion: Int?
        if let member = object["expectedVersion"] {
            guard let number = member.integralValue, number > 0, number < Int64(Int32.max) else {
                throw APIError.badRequest(
                    "expectedVersion", "json.type-mismatch", "expectedVersion must be a positive integer")
            }
            expectedVersion = Int(number)
        }
        return DecisionBody(
            decision: decision, reason: reason, findings: object["findings"], expectedVersion: expectedVersion)
    }
}

/// The complexity body, parsed strictly: `reasons` (known Art. 48 reasons, each once), `reason` (required text) and
/// an optional `expectedVersion`.
struct ComplexityBody {
    let complexity: CaseComplexity
    let reason: String
    let expectedVersion: Int?

    static let members: Set<String> = ["reasons", "reason", "expectedVersion"]

    static func parse(_ bytes: [UInt8]) throws -> ComplexityBody {
        let object = try APIService.jsonObject(bytes, members: members)
        guard let list = object["reasons"]?.arrayValue else {
            throw APIError.invalid(
                "reasons", "field.required", "reasons is required: a list of Art. 48 reasons, [] for none")
        }
        var reasons: Set<CaseComplexity.Reason> = []
        for (index, member) in list.enumerated() {
            guard let text = member.stringValue, let reason = CaseComplexity.Reason(rawValue: text) else {
                throw APIError.invalid(
                    "reasons[\(index)]", "complexity.unknown-reason",
                    "reasons are several-provinces, lived-abroad, foreigner or expungement-to-verify")
            }
            guard reasons.insert(reason).inserted else {
                throw APIError.invalid("reasons[\(index)]", "complexity.duplicate-reason", "each reason at most once")
            }
        }
        guard let text = object["reason"]?.stringValue else {
            throw APIError.invalid("reason", "field.required", "reason is required: why the complexity is set")
        }
        let reason = text.precomposedStringWithCanonicalMapping.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else {
            throw APIError.invalid("reason", "field.required", "reason is required: why the complexity is set")
        }
        guard reason.count <= 1800,
            !reason.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\n" || $0.value == 0x7F })
        else {
            throw APIError.invalid(
                "reason", "text.invalid", "reason must be at most 1,800 characters without control characters")
        }
        var expectedVersion: Int?
        if let member = object["expectedVersion"] {
            guard let number = member.integralValue, number > 0, number < Int64(Int32.max) else {
                throw APIError.badRequest(
                    "expectedVersion", "json.type-mismatch", "expectedVersion must be a positive integer")
            }
            expectedVersion = Int(number)
        }
        return ComplexityBody(
            complexity: CaseComplexity(reasons: reasons), reason: reason, expectedVersion: expectedVersion)
    }
}

import CivicSealCasework
import CivicSealDocuments
import CivicSealHTTP
import CivicSealIdentity
import CivicSealJSON
import CivicSealRecords
import CivicSealWorkflow
import Foundation

extension APIService {
    /// `GET /v1/queues/{department}?status=…&cursor=…&limit=…` → ``Casework/queue(_:by:query:)``: the officer's own
    /// department only, oldest due first, and only the kinds their roles cover.
    func queue(_ request: HTTPRequest, _ context: RequestContext) async throws -> HTTPResponse {
        let staff = try staffPrincipal(request)
        let page = try await casework.queue(context.parameter("department") ?? "", by: staff) {
            try Self.queueQuery(request.query)
        }
        return json(
            RequestListBody(
                items: page.items.map { RequestSummaryBody($0, forOfficer: true) }, nextCursor: page.nextCursor))
    }

    /// The queue's query string: `status` (a lifecycle state, `submitted` by default), `cursor`, `limit` (1…200).
    static func queueQuery(_ query: Substring?) throws -> QueueQuery {
        let values = try QueryString.parse(query, allowed: ["status", "cursor", "limit"])
        var parsed = QueueQuery(cursor: values["cursor"])
        if let status = values["status"] {
            guard let state = RequestState(rawValue: status) else {
                throw APIError.badRequest(
                    "status", "query.invalid",
                    "status must be one of \(RequestState.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            parsed.state = state
        }
        if let text = values["limit"] {
            guard let value = Int(text), (1...200).contains(value) else {
                throw APIError.badRequest("limit", "query.invalid", "limit must be an integer from 1 to 200")
            }
            parsed.limit = value
        }
        return parsed
    }

    /// `POST /v1/requests/{id}/claim` → ``Casework/claim(_:by:)``.
    func claim(_ request: HTTPRequest, _ context: RequestContext) async throws -> HTTPResponse {
        let id = try requestID(context)
        let summary = try await casework.claim(id, by: try staffPrincipal(request))
        return json(RequestSummaryBody(summary, forOfficer: true))
    }

    /// `POST /v1/requests/{id}/decision` → ``Casework/decide(_:_:expectedVersion:by:)`` with `decision` = `approve` |
    /// `reject` | `request-info`, a `reason` (required for reject and request-info) and, on approval, the `findings`
    /// the document will state (read once, by the strict parser). An approval answers with the request as issued.
    func decide(_ request: HTTPRequest, _ context: RequestContext) async throws -> HTTPResponse {
        let id = try requestID(context)
        // Who is asking comes before what the body says: no token is 401, a citizen's 403, whatever the body.
        let staff = try staffPrincipal(request)
        try requireJSONMediaType(request)
        let body = try DecisionBody.parse(request.body)
        let decision: DecisionInput
        switch body.decision {
        case "approve": decision = .approve(findings: body.findings)
        case "reject" where body.findings != nil, "request-info" where body.findings != nil:
            // The body's shape: findings belong to an approval only (the OpenAPI document says so).
            throw APIError.invalid("findings", "findings.not-applicable", "findings are stated only with approve")
        case "reject": decision = .reject(reason: body.reason ?? "")
        case "request-info": decision = .requestInfo(reason: body.reason ?? "")
        default:
            throw APIError.invalid("decision", "decision.unknown", "decision must be approve, reject or request-info")
        }
        let summary = try await casework.decide(id, decision, expectedVersion: body.expectedVersion, by: staff)
        return json(RequestSummaryBody(summary, forOfficer: true))
    }

    /// `POST /v1/requests/{id}/complexity` → ``Casework/setComplexity(_:_:reason:expectedVersion:by:)`` with `reasons`
    /// (Art. 48 reasons; `[]` for the ordinary case) and a written `reason`.
    func setComplexity(_ request: HTTPRequest, _ context: RequestContext) async throws -> HTTPResponse {
        let id = try requestID(context)
        let staff = try staffPrincipal(request)
        try requireJSONMediaType(request)
        let body = try ComplexityBody.parse(request.body)
        let summary = try await casework.setComplexity(
            id, body.complexity, reason: body.reason, expectedVersion: body.expectedVersion, by: staff)
        return json(RequestSummaryBody(summary, forOfficer: true))
    }

    /// `POST /v1/health-books/{personal_id}/entries` → ``Casework/recordHealthEntry(by:input:)``: a health facility
    /// (`health.clinician`) records an entry.
    func recordHealthEntry(_ request: HTTPRequest, _ context: RequestContext) async throws -> HTTPResponse {
        let staff = try staffPrincipal(request)
        let number = try await casework.recordHealthEntry(by: staff) {
            guard let text = context.parameter("personal_id"), let personalID = try? PersonalIDNumber(text) else {
                throw APIError.invalid(
                    "personal_id", "personalId.format", "the path must carry a 12-digit personal ID number")
            }
            return HealthEntryInput(personalID: personalID, entry: try decode(HealthBookEntry.self, request))
        }
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

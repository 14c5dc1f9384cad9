import CivicSealDocuments
import CivicSealIdentity
import CivicSealJSON
import CivicSealRecords
import CivicSealWorkflow
import Foundation

/// An officer's decision on a request in review, as typed input.
package enum DecisionInput: Sendable, Hashable {
    /// Approve with the findings the document will state, as the strict JSON parser read them (checked against the
    /// request's kind and printed facts by ``FindingsShape``; nil: ``CaseworkError/Code/findingsRequired``).
    case approve(findings: JSONValue?)
    /// Reject, stating the reasons (the lifecycle refuses an empty reason).
    case reject(reason: String)
    /// Ask the citizen for more information, saying what (the lifecycle refuses an empty reason).
    case requestInfo(reason: String)

    /// The action ``AuthorizationPolicy`` is asked about.
    package var action: StaffAction {
        switch self {
        case .approve: .approve
        case .reject: .reject
        case .requestInfo: .requestInfo
        }
    }
}

/// One page of a department's queue as the staff member may see it.
package struct QueueListing: Sendable, Hashable {
    package let items: [RequestSummary]
    /// Pass as ``QueueQuery/cursor`` to continue; nil on the last page.
    package let nextCursor: String?
}

/// Which page of a department's queue to list.
package struct QueueQuery: Sendable, Hashable {
    package var state: RequestState
    package var limit: Int
    package var cursor: String?

    package init(state: RequestState = .submitted, limit: Int = 50, cursor: String? = nil) {
        self.state = state
        self.limit = limit
        self.cursor = cursor
    }
}

extension Casework {
    /// A page of the officer's own department's queue, oldest due first, with only the kinds their roles cover.
    /// Another department's queue is ``CaseworkError/Code/notFound``; roles that cover no kind the department handles
    /// are a 403. `query` is read only after those checks.
    package func queue(_ department: String, by staff: StaffPrincipal, query: () throws -> QueueQuery)
        async throws -> QueueListing
    {
        let actor = try acting(staff, for: .viewQueue)
        guard department == staff.department else { throw CaseworkError.notFound }
        let kinds = queueKinds(staff, department: staff.department)
        guard !kinds.isEmpty else {
            throw IdentityError(
                .missingRole, "the roles of this token cover no kind of request this department handles")
        }
        let query = try query()
        let handled = handledKinds(staff.department)
        // A department whose kinds are split between roles shows each role its own kinds only.
        let filter = kinds == handled || kinds.count > 1 ? QueueFilter() : QueueFilter(kind: kinds.first)
        let page = try await store.departmentQueue(
            for: actor, state: query.state, filter: filter, limit: query.limit, after: query.cursor, now: clock())
        return QueueListing(items: page.items.filter { kinds.contains($0.kind) }, nextCursor: page.nextCursor)
    }

    /// The officer takes a submitted request into review.
    package func claim(_ requestID: String, by staff: StaffPrincipal) async throws -> RequestSummary {
        let actor = try acting(staff, for: .claim)
        try authorize(staff, .claim, try await store.request(requestID, by: actor, now: clock()).summary)
        return try await store.claim(requestID, by: actor, now: clock())
    }

    /// The assigned officer decides. An approval's findings are checked (``FindingsShape``), stored as
    /// their canonical JSON, and the document is issued at once, in this call and on this thread: rendered, sealed
    /// and registered (``IssuanceService``). If issuing fails the approval stands and the request stays `approved`
    /// (the sweeper issues it later); the answer is the request as it stands.
    package func decide(
        _ requestID: String, _ decision: DecisionInput, expectedVersion: Int? = nil, by staff: StaffPrincipal
    ) async throws -> RequestSummary {
        let actor = try acting(staff, for: decision.action)
        // The policy needs the request's kind and department: another department's is not found, a kind the roles
        // do not cover 403.
        let record = try await store.request(requestID, by: actor, now: clock())
        try authorize(staff, decision.action, record.summary)
        let stored: OfficerDecision
        var approved: ApprovalFindings?
        switch decision {
        case .approve(let findings):
            guard let findings else {
                throw CaseworkError(.findingsRequired, "approval states the findings the document will carry")
            }
            let checked = try FindingsShape.check(
                findings, for: record.summary.kind, submission: record.submission, today: today())
            approved = checked
            stored = .approve(findingsJSON: checked.canonicalJSON.serialized())
        case .reject(let reason): stored = .reject(reason: reason)
        case .requestInfo(let reason): stored = .requestInfo(reason: reason)
        }
        // The title the officer's signature and certificate state: staff tokens carry no title claim, so the
        // approval records the department's configured signing formula (the one the document prints above the
        // officer's name); never an invented default.
        let title = store.configuration.authority.department(id: record.summary.departmentID)?
            .signatureTitleVietnamese
        let summary = try await store.decide(
            requestID, stored, by: actor, officerName: staff.name, officerTitle: title,
            expectedVersion: expectedVersion, now: clock())
        guard let approved, let issuance else { return summary }
        // The approval has committed; issue now. Nothing issued by this call: answer with the request as it stands
        // (the sweeper may have issued it in between; otherwise it is still `approved` and the sweeper retries).
        if let issued = try issuance.issueAfterApproval(requestID, findings: approved, submission: record.submission) {
            return issued.summary
        }
        return try await store.request(requestID, by: actor, now: clock()).summary
    }

    /// An officer of the department sets or corrects a request's Art. 48 complexity with a written reason; the due
    /// date is recomputed and the step audited.
    package func setComplexity(
        _ requestID: String, _ complexity: CaseComplexity, reason: String, expectedVersion: Int? = nil,
        by staff: StaffPrincipal
    ) async throws -> RequestSummary {
        let actor = try acting(staff, for: .setComplexity)
        try authorize(staff, .setComplexity, try await store.request(requestID, by: actor, now: clock()).summary)
        return try await store.setComplexity(
            requestID, complexity, reason: reason, by: actor, expectedVersion: expectedVersion, now: clock())
    }
}

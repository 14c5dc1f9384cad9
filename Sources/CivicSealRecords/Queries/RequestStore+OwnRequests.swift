import CivicSealStorage
import CivicSealWorkflow
import Foundation

extension RequestStore {
    /// A citizen's own requests, newest first, each with what was submitted, so their list can say what each one
    /// asks for ("Phiếu số 1 – Xin việc"). Same visibility and order as ``requests(ownedBy:limit:now:)``; a stored
    /// submission that no longer decodes gives `nil` rather than hiding the request.
    package func requestsWithSubmissions(ownedBy citizen: Participant, limit: Int = 100, now: Date)
        async throws(RecordsError)
        -> [(summary: RequestSummary, submission: RequestSubmission?)]
    {
        guard citizen.role == .citizen else { throw RecordsError(.forbidden, "only citizens own requests") }
        let limit = max(1, min(limit, configuration.maximumPageSize))
        let today = today(now)
        let ids = ids
        return try await read { connection in
            var items: [(summary: RequestSummary, submission: RequestSubmission?)] = []
            try connection.forEachRow(
                """
                SELECT \(RequestRow.summaryColumns), submission FROM requests WHERE owner_id = ?
                ORDER BY created_at DESC, seq DESC LIMIT ?
                """, [.text(citizen.id), .integer(Int64(limit))]
            ) { statement in
                let summary = try RequestRow.summary(from: statement, today: today, ids: ids)
                let submission = statement.string(at: 13).flatMap { json -> RequestSubmission? in
                    guard
                        case .success(let submission) = WorkflowJSON.decode(
                            RequestSubmission.self, from: Data(json.utf8), rejectingUnknownKeys: false)
                    else { return nil }
                    return submission
                }
                items.append((summary, submission))
            }
            return items
        }
    }
}

import CivicSealStorage
import CivicSealWorkflow
import Foundation

extension RequestStore {
    /// How many requests are in each lifecycle state (for `/metrics` and `/healthz`); read on a reader connection.
    package func requestCountsByState() async throws(RecordsError) -> [RequestState: Int] {
        do {
            return try await database.read { connection in
                var counts: [RequestState: Int] = [:]
                try connection.forEachRow("SELECT state, count(*) FROM requests GROUP BY state") { statement in
                    if let state = statement.string(at: 0).flatMap(RequestState.init(rawValue:)) {
                        counts[state] = Int(statement.int64(at: 1))
                    }
                }
                return counts
            }
        } catch let error as DatabaseError {
            throw RecordsError(.storage, "the database could not be read", storageCode: error.code)
        } catch {
            throw RecordsError(.storage, "the database could not be read")
        }
    }
}

/// A request as stored: the summary, the submission and findings as their stored canonical JSON (not re-decoded),
/// and the history. For readers that pass the JSON through (the HTTP API) instead of inspecting it.
package struct StoredRequest: Sendable, Hashable {
    package let summary: RequestSummary
    package let submissionJSON: String
    package let findingsJSON: String?
    package let history: [RequestHistoryEvent]
}

extension RequestStore {
    /// Blocking read of one request for `actor` (same visibility rule as ``request(_:by:now:)``), on a reader
    /// connection; short enough to run on an HTTP event-loop thread.
    package func storedRequest(_ requestID: String, by actor: Participant, now: Date) throws(RecordsError)
        -> StoredRequest
    {
        guard Self.isRequestID(requestID) else { throw RecordsError.notFound }
        let today = today(now)
        let ids = ids
        return try read { connection in
            guard let seq = try ids.resolve(requestID, in: connection) else { throw RecordsError.notFound }
            let statement = try connection.statement(
                """
                SELECT \(RequestRow.summaryColumns), history, owner_id, findings, submission FROM requests WHERE seq = ?
                """)
            defer { statement.reset() }
            try statement.bind([.integer(seq)])
            guard try statement.step() else { throw RecordsError.notFound }
            let summary = try RequestRow.summary(from: statement, today: today, ids: ids)
            let history = statement.string(at: 13) ?? ""
            try Self.checkVisible(owner: statement.string(at: 14), department: summary.departmentID, to: actor)
            guard let submission = statement.string(at: 16) else { throw RequestRow.corrupt }
            return StoredRequest(
                summary: summary, submissionJSON: submission, findingsJSON: statement.string(at: 15),
                history: try RequestHistory.events(history, in: connection))
        }
    }

    /// True when a reader connection answers a query on the requests table (for `/healthz`); blocking and short.
    package func isReadableNow() -> Bool {
        (try? read { connection in
            _ = try connection.queryFirst("SELECT seq FROM requests LIMIT 1")
            return true
        }) ?? false
    }
}

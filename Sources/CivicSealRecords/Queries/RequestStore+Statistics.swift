import CivicSealStorage
import CivicSealWorkflow

extension RequestStore {
    /// How many requests are in each lifecycle state (for `/metrics` and `/healthz`); read on a reader connection.
    public func requestCountsByState() async throws(RecordsError) -> [RequestState: Int] {
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

import CivicSealRecords
import CivicSealWorkflow

extension Casework {
    /// Whether the database answers a read now (the health check). Blocking: one short read.
    package func isStoreReadable() -> Bool { store.isReadableNow() }

    /// Requests by lifecycle state (the metrics' gauge): one index scan.
    package func requestCountsByState() async throws(RecordsError) -> [RequestState: Int] {
        try await store.requestCountsByState()
    }
}

import CivicSealIdentity
import CivicSealRecords
import CivicSealWorkflow

extension Casework {
    /// Whether `staff` may take `action` on request `requestID`, asked before a form's own fields are read (the
    /// pages' order, the API's too): an action the roles never grant is a 403 before anything is read, another
    /// department's request ``CaseworkError/Code/notFound``, a kind the roles do not cover a 403. Answers the request
    /// as the staff member may see it. The use case itself checks again when it runs.
    package func permitted(_ action: StaffAction, on requestID: String, by staff: StaffPrincipal) async throws
        -> RequestRecord
    {
        let actor = try acting(staff, for: action)
        let record = try await store.request(requestID, by: actor, now: clock())
        try authorize(staff, action, record.summary)
        return record
    }
}

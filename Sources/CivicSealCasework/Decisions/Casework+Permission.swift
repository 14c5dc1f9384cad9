import CivicSealDocuments
import CivicSealIdentity
import CivicSealJSON
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

extension Casework {
    /// The roles that may open the officer side at all: any role that may read a request (officers and revokers).
    package static let officerRoles: Set<StaffRole> = AuthorizationPolicy.standard.roles(for: .viewRequest)

    /// Whether `staff`'s roles grant `action` on requests of `kind` (what a page offers; the use case decides).
    package func grants(_ staff: StaffPrincipal, _ action: StaffAction, on kind: RequestKind) -> Bool {
        policy.grants(staff.roles, action, on: kind)
    }

    /// What an approval of `record` with `findings` would state, checked exactly as ``decide(_:_:expectedVersion:by:)``
    /// checks it, with nothing stored: the officer's review step shows it before "confirm and seal".
    package func previewApproval(_ findings: JSONValue, of record: RequestRecord) throws(ValidationFailure)
        -> ApprovalFindings
    {
        try FindingsShape.check(findings, for: record.summary.kind, submission: record.submission, today: today())
    }
}

import CivicSealIdentity
import CivicSealRecords
import CivicSealWorkflow
import Foundation

/// A document's public status: the registry entry and the issuing department as configured. Nothing personal,
/// not even a revocation's grounds.
package struct DocumentStatus: Sendable, Hashable {
    package let entry: DocumentEntry
    package let department: Department?
}

/// A revocation as typed input: the public reason code and the grounds in free text (internal: history and audit).
package struct RevocationInput: Sendable, Hashable {
    package let code: RevocationReason
    package let grounds: String

    package init(code: RevocationReason, grounds: String) {
        self.code = code
        self.grounds = grounds
    }
}

extension Casework {
    /// The owner downloads the sealed PDF of their request; anyone else, or before issuance,
    /// ``RecordsError/Code/notFound``. Blocking: one indexed read.
    package func ownDocument(ofRequest requestID: String, by citizen: CitizenPrincipal) throws(RecordsError) -> (
        documentID: String, pdf: [UInt8]
    ) {
        try store.documentPDF(forRequest: requestID, by: Self.participant(citizen))
    }

    /// The public status of document `documentID` (anyone may ask). Blocking: one indexed read.
    package func documentStatus(_ documentID: String) throws -> DocumentStatus {
        guard DocumentID.isValid(documentID), let entry = try store.documentEntry(id: documentID) else {
            throw CaseworkError.notFound
        }
        return DocumentStatus(entry: entry, department: department(entry.departmentID))
    }

    /// A revoker (`justice.revoker`, `health.revoker`) of the issuing department revokes a document; deciding
    /// officers cannot. Another department's document is ``CaseworkError/Code/notFound``; `input` is read only after
    /// that, and a revocation states its grounds (``CaseworkError/Code/groundsRequired``).
    package func revoke(_ documentID: String, by staff: StaffPrincipal, input: () throws -> RevocationInput)
        async throws -> DocumentStatus
    {
        let actor = try acting(staff, for: .revoke)
        guard DocumentID.isValid(documentID), let target = try store.documentEntry(id: documentID) else {
            throw CaseworkError.notFound
        }
        try policy.require(staff, .revoke, kind: target.kind, department: target.departmentID) {
            CaseworkError.notFound
        }
        let revocation = try input()
        guard !revocation.grounds.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw CaseworkError(.groundsRequired, "a revocation states its grounds")
        }
        let entry = try await store.revokeDocument(
            documentID, reason: revocation.grounds, code: revocation.code, by: actor, now: clock())
        return DocumentStatus(entry: entry, department: department(entry.departmentID))
    }
}

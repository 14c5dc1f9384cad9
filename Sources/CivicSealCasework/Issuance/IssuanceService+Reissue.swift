import CivicSealRecords
import CivicSealWorkflow
import Foundation

extension IssuanceService {
    /// Re-issues the request of a document the key-compromise playbook revoked (``RequestStore/revokeCompromised``):
    /// the same request, its recorded findings and approval, run through the issuance pipeline again — rendered
    /// afresh, signed by the recorded approver's officer key and sealed with the department's ACTIVE seal (the fresh
    /// one) — under a new document id, registered as the request's current document superseding the old one, audited
    /// with `actor` (``RequestStore/registerReissue``). A health-book extract states the entries recorded by the
    /// original's issue, as the original did. Returns the new id; nil when the item was already re-issued (a
    /// concurrent or earlier run did it; this render is dropped). Blocking: rendering, signing, the SQLite write.
    package func reissue(_ item: CompromiseItem, by actor: String) throws(CaseworkError) -> String? {
        let source: IssuanceSource
        let originalIssue: Date
        do {
            guard let entry = try store.documentEntry(id: item.documentID) else {
                throw CaseworkError(.storage, "no document \(item.documentID)")
            }
            guard let found = try store.issuanceSource(entry.requestID, state: .revoked) else {
                throw CaseworkError(
                    .issuanceFailed, "the request of \(item.documentID) is not revoked: cannot re-issue it")
            }
            source = found
            originalIssue = entry.issuedAt
        } catch let error as CaseworkError {
            throw error
        } catch {
            throw CaseworkError(.storage, "cannot read the request of \(item.documentID): \(error)")
        }
        let replacement = try sealedDocument(for: source, approval: nil, healthBookAsOf: originalIssue)
        do {
            let registered = try store.registerReissue(item, replacement: replacement, by: actor, now: clock())
            return registered ? replacement.documentID : nil
        } catch {
            throw CaseworkError(.storage, "cannot register the re-issue of \(item.documentID): \(error.message)")
        }
    }
}

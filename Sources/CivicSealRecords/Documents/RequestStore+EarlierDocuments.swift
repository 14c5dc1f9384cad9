import CivicSealStorage
import CivicSealWorkflow
import Foundation

/// A document issued earlier about a person, with the findings it certified: what an officer's review compares a new
/// outcome against.
package struct EarlierDocument: Sendable, Hashable {
    package let documentID: String
    package let requestID: String
    package let kind: RequestKind
    /// The criminal-record form, `nil` for the other kinds.
    package let form: CriminalRecordForm?
    package let departmentID: String
    package let issuedAt: Date
    /// The approval's canonical findings JSON, as stored and sealed.
    package let findingsJSON: String
}

extension RequestStore {
    /// The still-valid documents of `kind` about the person with `personalID` (revoked ones are withdrawn and state
    /// nothing any more), newest first, other than the one of `excludedRequestID`; at most `limit`. For the officer
    /// deciding a request about the same person: their department may differ (the record is national).
    package func earlierDocuments(
        about personalID: PersonalIDNumber, kind: RequestKind, excluding excludedRequestID: String, limit: Int = 20
    ) async throws(RecordsError) -> [EarlierDocument] {
        let ids = ids
        return try await read { connection in
            var found: [EarlierDocument] = []
            try connection.forEachRow(
                """
                SELECT d.id, coalesce(r.legacy_id, CAST(r.seq AS TEXT)), r.form, d.department_id, d.issued_at,
                    r.findings
                FROM requests r JOIN documents d ON d.request_seq = r.seq
                WHERE r.subject_id = ? AND r.kind = ? AND r.state IN ('issued', 'revoked') AND d.status = 'valid'
                ORDER BY d.issued_at DESC LIMIT ?
                """,
                [.text(personalID.digits), .text(kind.rawValue), .integer(Int64(limit) + 1)]
            ) { statement in
                let requestID = ids.publicID(statement, at: 1)
                guard requestID != excludedRequestID, let documentID = statement.string(at: 0),
                    let department = statement.string(at: 3),
                    let findings = statement.string(at: 5)
                else { return }
                found.append(
                    EarlierDocument(
                        documentID: documentID, requestID: requestID, kind: kind,
                        form: statement.isNull(at: 2) ? nil : CriminalRecordForm(rawValue: Int(statement.int64(at: 2))),
                        departmentID: department, issuedAt: RequestRow.date(milliseconds: statement.int64(at: 4)),
                        findingsJSON: findings))
            }
            return Array(found.prefix(limit))
        }
    }
}

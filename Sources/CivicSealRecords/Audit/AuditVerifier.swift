import CivicSealStorage
import CivicSealWorkflow

/// Recomputes the audit chain from the first entry and reports the first damaged one.
///
/// Checks, for each entry in sequence order: the sequence is the previous one plus one (first is 1), the
/// `previous_hash` equals the previous entry's stored hash, and the fields hash to the stored hash. It also
/// checks that no request's history points past the last entry (a cut-off tail), that the append-only
/// triggers still exist, and that every document's row agrees with the chain (``verifyDocuments(_:)``).
package enum AuditVerifier {
    /// Entries read per query: the chain is walked in pages (keyset on `sequence`), so memory stays bounded on a
    /// backend that receives a whole result at once (PostgreSQL), at a million entries as at ten.
    package static let pageSize = 5_000

    /// Verifies the chain on `connection`, which should be inside a read transaction (one snapshot).
    package static func verify(_ connection: any SQLSession, pageSize: Int = pageSize) throws -> AuditVerdict {
        var expectedSequence: Int64 = 1
        var previousHash = AuditEntry.genesisHash
        var count = 0
        var damage: AuditVerdict.Damage?
        let statement = try connection.statement(
            "SELECT \(AuditLog.columns) FROM audit_log WHERE sequence > ? ORDER BY sequence LIMIT ?")
        var after = Int64.min
        var pageRows = pageSize
        while damage == nil && pageRows == pageSize {
            pageRows = 0
            try statement.bind([.integer(after), .integer(Int64(max(1, pageSize)))])
            while try statement.step() {
                let entry = AuditLog.entry(from: statement)
                pageRows += 1
                count += 1
                after = entry.sequence
                if entry.sequence != expectedSequence {
                    damage = .init(sequence: entry.sequence, problem: .gap)
                } else if entry.previousHash != previousHash {
                    damage = .init(sequence: entry.sequence, problem: .brokenLink)
                } else if entry.computedHash != entry.hash {
                    damage = .init(sequence: entry.sequence, problem: .hashMismatch)
                }
                if damage != nil { break }
                expectedSequence += 1
                previousHash = entry.hash
            }
            statement.reset()
        }
        if damage == nil {
            let referenced = max(
                // A request's history ends with its newest audit entry (the array is appended in order).
                try connection.scalar(
                    connection.dialectText(
                        sqlite: "SELECT max(json_extract(history, '$[#-1]')) FROM requests",
                        postgresql: "SELECT max((history::jsonb ->> -1)::bigint) FROM requests")
                ).int64 ?? 0,
                try connection.scalar("SELECT max(audit_sequence) FROM health_book_entries").int64 ?? 0)
            if referenced >= expectedSequence {
                damage = .init(sequence: expectedSequence, problem: .truncated)
            }
        }
        var missing: [String] = []
        for trigger in RecordsSchema.auditTriggers {
            let found = try connection.scalar(
                connection.dialectText(
                    sqlite: "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND name = ?",
                    postgresql: "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'audit_log'::regclass AND tgname = ?"),
                [.text(trigger)])
            if found.int64 != 1 { missing.append(trigger) }
        }
        return AuditVerdict(
            entryCount: count, headHash: previousHash, damage: damage, missingTriggers: missing,
            documentMismatches: try verifyDocuments(connection))
    }

    /// Every state change of a document is an audited transition of its request: `issue` (the row's `audit_sequence`)
    /// and possibly a later `revoke`. The `documents` table is a cache of what those entries say; this recomputes
    /// each document's status, revocation code, grounds and time from the chain and reports every row that differs. One
    /// pass
    /// over the revoke entries, one over the documents. (An `issue` entry without a document row is not reported:
    /// ``RequestStore/markIssued(_:by:now:)`` records issuance without a registry row.)
    package static func verifyDocuments(_ connection: any SQLSession) throws -> [AuditVerdict.DocumentMismatch] {
        struct Revocation {
            let sequence: Int64
            let at: Int64
            let reason: String?
        }
        // Every revocation of each request, in chain order: a request whose document was re-issued after a key
        // compromise has several documents, each revoked (if at all) by the first revocation after its issuance.
        var revocations: [String: [Revocation]] = [:]
        try connection.forEachRow(
            "SELECT request_id, sequence, recorded_at, reason FROM audit_log WHERE action = 'revoke' AND to_state = "
                + "'revoked' ORDER BY sequence"
        ) { statement in
            guard let requestID = statement.string(at: 0) else { return }
            revocations[requestID, default: []].append(
                Revocation(
                    sequence: statement.int64(at: 1), at: statement.int64(at: 2), reason: statement.string(at: 3)))
        }
        var mismatches: [AuditVerdict.DocumentMismatch] = []
        try connection.forEachRow(
            """
            SELECT d.id, d.status, d.revocation_reason, d.revoked_at, d.audit_sequence, a.action, a.to_state,
            a.request_id,
                d.revocation_code
            FROM documents d LEFT JOIN audit_log a ON a.sequence = d.audit_sequence ORDER BY d.seq
            """
        ) { statement in
            let id = statement.string(at: 0) ?? "?"
            let status = statement.string(at: 1) ?? ""
            let issuedAt = statement.int64(at: 4)
            guard statement.string(at: 5) == LifecycleAction.issue.rawValue,
                statement.string(at: 6) == RequestState.issued.rawValue,
                let requestID = statement.string(at: 7)
            else {
                mismatches.append(
                    .init(
                        documentID: id, problem: .issuanceNotInChain,
                        detail: "audit entry \(issuedAt) is not its issuance"))
                return
            }
            let revocation = revocations[requestID]?.first { $0.sequence > issuedAt }
            let expected = revocation == nil ? "valid" : "revoked"
            guard status == expected else {
                let chain =
                    revocation.map { "revoked at audit entry \($0.sequence)" }
                    ?? "issued at audit entry \(issuedAt), never revoked"
                mismatches.append(
                    .init(
                        documentID: id, problem: .statusDisagrees,
                        detail: "table says \(status), the chain says \(chain)"))
                return
            }
            // Since reason codes, the entry records "[code] grounds" (``RevocationReason/auditText``); before, the
            // grounds alone with no code in the table.
            let recorded = revocation.flatMap { $0.reason }.flatMap(RevocationReason.parseAuditText)
            if let revocation,
                statement.string(at: 2) != (recorded?.grounds ?? revocation.reason)
                    || statement.string(at: 8) != recorded?.code.rawValue
                    || statement.isNull(at: 3) || statement.int64(at: 3) != revocation.at
            {
                mismatches.append(
                    .init(
                        documentID: id, problem: .revocationDisagrees,
                        detail: "reason code, grounds or time differ from audit entry \(revocation.sequence)"))
            }
        }
        return mismatches
    }
}

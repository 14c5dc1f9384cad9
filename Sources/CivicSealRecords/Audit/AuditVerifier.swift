import CivicSealStorage

/// Recomputes the audit chain from the first entry and reports the first damaged one.
///
/// Checks, for each entry in sequence order: the sequence is the previous one plus one (first is 1), the
/// `previous_hash` equals the previous entry's stored hash, and the fields hash to the stored hash. It also
/// checks that no request's history points past the last entry (a cut-off tail), and that the append-only
/// triggers still exist.
public enum AuditVerifier {
    /// Verifies the chain on `connection`, which should be inside a read transaction (one snapshot).
    public static func verify(_ connection: Connection) throws -> AuditVerdict {
        var expectedSequence: Int64 = 1
        var previousHash = AuditEntry.genesisHash
        var count = 0
        var damage: AuditVerdict.Damage?
        let statement = try connection.prepare("SELECT \(AuditLog.columns) FROM audit_log ORDER BY sequence")
        while try statement.step() {
            let entry = AuditLog.entry(from: statement)
            count += 1
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
        if damage == nil {
            let referenced = max(
                // A request's history ends with its newest audit entry (the array is appended in order).
                try connection.scalar("SELECT max(json_extract(history, '$[#-1]')) FROM requests").int64 ?? 0,
                try connection.scalar("SELECT max(audit_sequence) FROM health_book_entries").int64 ?? 0)
            if referenced >= expectedSequence {
                damage = .init(sequence: expectedSequence, problem: .truncated)
            }
        }
        var missing: [String] = []
        for trigger in RecordsSchema.auditTriggers {
            let found = try connection.scalar(
                "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND name = ?", [.text(trigger)])
            if found.int64 != 1 { missing.append(trigger) }
        }
        return AuditVerdict(entryCount: count, headHash: previousHash, damage: damage, missingTriggers: missing)
    }
}

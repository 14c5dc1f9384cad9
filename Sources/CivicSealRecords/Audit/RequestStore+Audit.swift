import CivicSealStorage

extension RequestStore {
    /// Recomputes the audit chain on one read snapshot; see ``AuditVerifier``.
    package func verifyAudit() async throws(RecordsError) -> AuditVerdict {
        try await read { connection in try AuditVerifier.verify(connection) }
    }

    /// Blocking ``verifyAudit()-async``.
    package func verifyAudit() throws(RecordsError) -> AuditVerdict {
        try read { connection in try AuditVerifier.verify(connection) }
    }

    /// Audit entries from `sequence` on, at most `limit`, oldest first (for exports and tests).
    package func auditEntries(from sequence: Int64 = 1, limit: Int = 1000) async throws(RecordsError) -> [AuditEntry] {
        try await read { connection in
            var entries: [AuditEntry] = []
            try connection.forEachRow(
                "SELECT \(AuditLog.columns) FROM audit_log WHERE sequence >= ? ORDER BY sequence LIMIT ?",
                [.integer(sequence), .integer(Int64(limit))]
            ) { statement in entries.append(AuditLog.entry(from: statement)) }
            return entries
        }
    }
}

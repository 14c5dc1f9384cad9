import CivicSealStorage

/// Appends to and reads the `audit_log` table, always inside the caller's transaction.
enum AuditLog {
    static let columns =
        "sequence, recorded_at, actor_id, actor_role, action, request_id, from_state, to_state, reason, "
        + "previous_hash, hash"
    /// Built once: interpolating ``columns`` on every append cost a string allocation per entry.
    static let insertStatement = "INSERT INTO audit_log (\(columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"

    /// Appends the next entry of the chain (sequence = last + 1, previous hash = last hash) and returns it.
    static func append(
        in connection: any SQLSession, recordedAtMilliseconds: Int64, actorID: String, actorRole: String,
        action: String,
        requestID: String?, fromState: String?, toState: String?, reason: String?
    ) throws -> AuditEntry {
        let last = try connection.queryFirst("SELECT sequence, hash FROM audit_log ORDER BY sequence DESC LIMIT 1")
        return try append(
            in: connection, after: last.flatMap { row in row[0].int64.map { ($0, row[1].string ?? "") } },
            recordedAtMilliseconds: recordedAtMilliseconds, actorID: actorID, actorRole: actorRole, action: action,
            requestID: requestID, fromState: fromState, toState: toState, reason: reason)
    }

    /// ``append(in:recordedAtMilliseconds:actorID:actorRole:action:requestID:fromState:toState:reason:)`` after
    /// `last`, the chain's last entry as the caller read it in this transaction (nil: the chain is empty), for a
    /// caller that reads it together with something else (one statement, one round trip on a server).
    static func append(
        in connection: any SQLSession, after last: (sequence: Int64, hash: String)?, recordedAtMilliseconds: Int64,
        actorID: String, actorRole: String, action: String, requestID: String?, fromState: String?, toState: String?,
        reason: String?
    ) throws -> AuditEntry {
        let entry = AuditEntry(
            sequence: (last?.sequence ?? 0) + 1, recordedAtMilliseconds: recordedAtMilliseconds, actorID: actorID,
            actorRole: actorRole, action: action, requestID: requestID, fromState: fromState, toState: toState,
            reason: reason, previousHash: last?.hash ?? AuditEntry.genesisHash)
        try connection.execute(
            insertStatement,
            [
                .integer(entry.sequence), .integer(entry.recordedAtMilliseconds), .text(entry.actorID),
                .text(entry.actorRole), .text(entry.action), DatabaseValue(entry.requestID.map(DatabaseValue.text)),
                DatabaseValue(entry.fromState.map(DatabaseValue.text)),
                DatabaseValue(entry.toState.map(DatabaseValue.text)),
                DatabaseValue(entry.reason.map(DatabaseValue.text)),
                .text(entry.previousHash), .text(entry.hash),
            ])
        return entry
    }

    /// The entry on the statement's current row (selected with ``columns``), with its stored hash.
    static func entry(from statement: any SQLCursor) -> AuditEntry {
        AuditEntry(
            sequence: statement.int64(at: 0), recordedAtMilliseconds: statement.int64(at: 1),
            actorID: statement.string(at: 2) ?? "", actorRole: statement.string(at: 3) ?? "",
            action: statement.string(at: 4) ?? "", requestID: statement.string(at: 5),
            fromState: statement.string(at: 6), toState: statement.string(at: 7), reason: statement.string(at: 8),
            previousHash: statement.string(at: 9) ?? "", hash: statement.string(at: 10) ?? "")
    }
}

import CivicSealStorage
import CivicSealWorkflow
import Foundation

/// The key-compromise playbook's records: its runs, the affected documents and each one's steps. Every step of a
/// document is ONE write transaction that also moves its item on (revoke + item state; re-issue + links + item
/// state; notice + item state), and refuses to run twice: a rerun after a crash does nothing already done.
///
/// Audit entries: the operator (`actor`, role `system`) revokes (`revoke`, `issued` → `revoked`, reason
/// `[key-compromise] …`), re-issues (`issue`, `revoked` → `issued`, naming the superseded document) and queues the
/// holder's notice (`notify`, state unchanged). The first two are request steps and enter the request's history.
extension RequestStore {
    static let compromiseRunColumns = """
        id, seal_fingerprint, department_id, since, started_at, started_by, certificate_revoked_at,
        new_seal_fingerprint, finished_at
        """

    static func compromiseRun(_ row: Row) -> CompromiseRun {
        func date(_ index: Int) -> Date? { row[index].int64.map { RequestRow.date(milliseconds: $0) } }
        return CompromiseRun(
            id: row[0].int64 ?? 0, sealFingerprint: row[1].string ?? "", departmentID: row[2].string ?? "",
            since: date(3), startedAt: date(4) ?? Date(timeIntervalSince1970: 0), startedBy: row[5].string ?? "",
            certificateRevokedAt: date(6), newSealFingerprint: row[7].string, finishedAt: date(8))
    }

    /// The newest run for the seal (the unfinished one if any: at most one exists per seal).
    package func latestCompromiseRun(sealFingerprint: String) throws(RecordsError) -> CompromiseRun? {
        try read { connection in
            try connection.queryFirst(
                "SELECT \(Self.compromiseRunColumns) FROM compromise_runs WHERE seal_fingerprint = ? "
                    + "ORDER BY finished_at IS NULL DESC, id DESC LIMIT 1", [.text(sealFingerprint)]
            ).map(Self.compromiseRun)
        }
    }

    /// Starts a run for the seal; refused with ``RecordsError/Code/transitionRefused`` while one is unfinished.
    package func startCompromiseRun(
        sealFingerprint: String, departmentID: String, since: Date?, by actor: String, now: Date
    ) throws(RecordsError) -> CompromiseRun {
        try write { connection in
            if try connection.queryFirst(
                "SELECT id FROM compromise_runs WHERE seal_fingerprint = ? AND finished_at IS NULL",
                [.text(sealFingerprint)]) != nil
            {
                throw RecordsError(.transitionRefused, "a compromise run for this seal is unfinished")
            }
            let id =
                try connection.scalar(
                    """
                    INSERT INTO compromise_runs (seal_fingerprint, department_id, since, started_at, started_by)
                    VALUES (?, ?, ?, ?, ?) RETURNING id
                    """,
                    [
                        .text(sealFingerprint), .text(departmentID),
                        since.map { .integer(RequestRow.milliseconds($0)) } ?? .null,
                        .integer(RequestRow.milliseconds(now)), .text(actor),
                    ]
                ).int64 ?? 0
            guard
                let row = try connection.queryFirst(
                    "SELECT \(Self.compromiseRunColumns) FROM compromise_runs WHERE id = ?", [.integer(id)])
            else { throw RecordsError.notFound }
            return Self.compromiseRun(row)
        }
    }

    /// Records a run-level step: the seal certificate revoked (`certificateRevokedAt`) and/or the fresh seal.
    package func recordCompromiseRunStep(
        _ runID: Int64, certificateRevokedAt: Date? = nil, newSealFingerprint: String? = nil
    ) throws(RecordsError) {
        try write { connection in
            if let certificateRevokedAt {
                try connection.execute(
                    "UPDATE compromise_runs SET certificate_revoked_at = coalesce(certificate_revoked_at, ?) "
                        + "WHERE id = ?", [.integer(RequestRow.milliseconds(certificateRevokedAt)), .integer(runID)])
            }
            if let newSealFingerprint {
                try connection.execute(
                    "UPDATE compromise_runs SET new_seal_fingerprint = coalesce(new_seal_fingerprint, ?) WHERE id = ?",
                    [.text(newSealFingerprint), .integer(runID)])
            }
        }
    }

    /// Marks the run finished (a later run for the same seal starts afresh).
    package func finishCompromiseRun(_ runID: Int64, now: Date) throws(RecordsError) {
        try write { connection in
            try connection.execute(
                "UPDATE compromise_runs SET finished_at = ? WHERE id = ? AND finished_at IS NULL",
                [.integer(RequestRow.milliseconds(now)), .integer(runID)])
        }
    }

    /// The documents a compromise of the seal would affect now: valid, current, sealed with it, issued at or after
    /// `since`, and in no earlier run; in issue order. Read only (the dry run).
    package func compromisedDocumentIDs(sealFingerprint: String, since: Date?) throws(RecordsError) -> [String] {
        try read { connection in
            var found: [String] = []
            try connection.forEachRow(
                "SELECT d.id FROM documents d \(Self.affectedDocuments) ORDER BY d.issued_at, d.seq",
                [.text(sealFingerprint), .integer(since.map(RequestRow.milliseconds) ?? Int64.min)]
            ) { statement in if let id = statement.string(at: 0) { found.append(id) } }
            return found
        }
    }

    static let affectedDocuments = """
        WHERE d.signer_certificate_sha256 = ? AND d.issued_at >= ? AND d.status = 'valid'
            AND d.superseded_by IS NULL AND d.id NOT IN (SELECT document_id FROM compromise_items)
        """

    /// Adds every document the run affects that it does not list yet (as `found`, after the ones it lists, in issue
    /// order); returns how many were added.
    @discardableResult
    package func collectCompromiseItems(_ run: CompromiseRun, now: Date) throws(RecordsError) -> Int {
        try write { connection in
            try connection.execute(
                """
                INSERT INTO compromise_items (run_id, position, document_id, state, updated_at)
                SELECT ?1, (SELECT coalesce(max(position), 0) FROM compromise_items WHERE run_id = ?1)
                    + row_number() OVER (ORDER BY d.issued_at, d.seq), d.id, 'found', ?4
                FROM documents d
                WHERE d.signer_certificate_sha256 = ?2 AND d.issued_at >= ?3 AND d.status = 'valid'
                    AND d.superseded_by IS NULL AND d.id NOT IN (SELECT document_id FROM compromise_items)
                """,
                [
                    .integer(run.id), .text(run.sealFingerprint),
                    .integer(run.since.map(RequestRow.milliseconds) ?? Int64.min),
                    .integer(RequestRow.milliseconds(now)),
                ])
            return connection.changedRowCount
        }
    }

    /// The run's documents in order.
    package func compromiseItems(runID: Int64) throws(RecordsError) -> [CompromiseItem] {
        try read { connection in
            var items: [CompromiseItem] = []
            try connection.forEachRow(
                """
                SELECT position, document_id, state, new_document_id, last_error FROM compromise_items
                WHERE run_id = ? ORDER BY position
                """, [.integer(runID)]
            ) { statement in
                guard let id = statement.string(at: 1),
                    let state = statement.string(at: 2).flatMap(CompromiseItem.State.init(rawValue:))
                else { throw RequestRow.corrupt }
                items.append(
                    CompromiseItem(
                        runID: runID, position: Int(statement.int64(at: 0)), documentID: id, state: state,
                        newDocumentID: statement.string(at: 3), lastError: statement.string(at: 4)))
            }
            return items
        }
    }

    /// Notes why the item's next step failed (it stays where it was; a rerun tries again).
    package func recordCompromiseFailure(_ item: CompromiseItem, message: String, now: Date) throws(RecordsError) {
        try write { connection in
            try connection.execute(
                "UPDATE compromise_items SET last_error = ?, updated_at = ? WHERE run_id = ? AND position = ?",
                [
                    .text(String(message.prefix(500))), .integer(RequestRow.milliseconds(now)), .integer(item.runID),
                    .integer(Int64(item.position)),
                ])
        }
    }

    // MARK: The three steps of a document

    /// What ``revokeCompromised(_:grounds:by:now:)`` did.
    package enum RevocationStep: Sendable, Equatable {
        case revoked
        /// The item was already past `found`: nothing done.
        case alreadyDone
        /// The document was no longer valid and current (an officer revoked it meanwhile): the item is `skipped`.
        case skipped
    }

    /// Step 4: revokes the item's document with reason key compromise (`issued` → `revoked`, audited) and moves the
    /// item to `revoked`.
    @discardableResult
    package func revokeCompromised(_ item: CompromiseItem, grounds: String, by actor: String, now: Date)
        throws(RecordsError) -> RevocationStep
    {
        let milliseconds = RequestRow.milliseconds(now)
        let ids = ids
        return try write { connection in
            guard try Self.itemState(item, in: connection) == .found else { return .alreadyDone }
            let document = try Self.documentAndRequest(item.documentID, ids: ids, in: connection)
            guard document.status == "valid", document.supersededBy == nil, document.requestState == .issued else {
                try connection.execute(
                    """
                    UPDATE compromise_items SET state = 'skipped', last_error = ?, updated_at = ?
                    WHERE run_id = ? AND position = ?
                    """,
                    [
                        .text("no longer valid and current when the playbook reached it: not re-issued"),
                        .integer(milliseconds), .integer(item.runID), .integer(Int64(item.position)),
                    ])
                return .skipped
            }
            let audit = try Self.recordRequestStep(
                document, action: LifecycleAction.revoke.rawValue, to: .revoked, actor: actor,
                reason: RevocationReason.auditText(code: .keyCompromise, grounds: grounds),
                milliseconds: milliseconds, in: connection)
            try connection.execute(
                "UPDATE documents SET status = 'revoked', revocation_reason = ?, revocation_code = ?, revoked_at = ? "
                    + "WHERE id = ?",
                [
                    .text(grounds), .text(RevocationReason.keyCompromise.rawValue), .integer(milliseconds),
                    .text(item.documentID),
                ])
            try Self.advance(
                item, to: .revoked, column: "revoke_audit_sequence", audit: audit, milliseconds: milliseconds,
                in: connection)
            return .revoked
        }
    }

    /// Step 5: registers `replacement` (sealed with the fresh seal, same request and content) as the request's
    /// current document (`revoked` → `issued`, audited by `actor`), links old → new both ways, and moves the item to
    /// `reissued`. False when the item is past `revoked` (nothing done).
    @discardableResult
    package func registerReissue(_ item: CompromiseItem, replacement: NewDocument, by actor: String, now: Date)
        throws(RecordsError) -> Bool
    {
        guard DocumentID.isValid(replacement.documentID) else {
            throw RecordsError(.invalidInput, "malformed document id")
        }
        let milliseconds = RequestRow.milliseconds(now)
        let ids = ids
        return try write { connection in
            guard try Self.itemState(item, in: connection) == .revoked else { return false }
            let old = try Self.documentAndRequest(item.documentID, ids: ids, in: connection)
            guard old.status == "revoked", old.supersededBy == nil, old.requestState == .revoked,
                old.requestID == replacement.requestID
            else {
                throw RecordsError(.transitionRefused, "document \(item.documentID) cannot be superseded now")
            }
            let audit = try Self.recordRequestStep(
                old, action: LifecycleAction.issue.rawValue, to: .issued, actor: actor,
                reason: "re-issued as \(replacement.documentID), superseding \(item.documentID) (key compromise)",
                milliseconds: milliseconds, in: connection)
            try connection.execute(
                "UPDATE documents SET superseded_by = ? WHERE id = ?",
                [.text(replacement.documentID), .text(item.documentID)])
            try Self.insert(
                replacement, requestSeq: old.requestSeq, auditSequence: audit, supersedes: item.documentID,
                in: connection)
            try connection.execute(
                "UPDATE compromise_items SET new_document_id = ? WHERE run_id = ? AND position = ?",
                [.text(replacement.documentID), .integer(item.runID), .integer(Int64(item.position))])
            try Self.advance(
                item, to: .reissued, column: "reissue_audit_sequence", audit: audit, milliseconds: milliseconds,
                in: connection)
            return true
        }
    }

    /// Step 6: queues one `document-reissued` notice for the request's owner in the outbox (audited as `notify`) and
    /// moves the item to `notified`. Returns the new document's id; nil when the item is not `reissued` (nothing
    /// done).
    @discardableResult
    package func queueReissueNotice(_ item: CompromiseItem, by actor: String, now: Date) throws(RecordsError)
        -> String?
    {
        let milliseconds = RequestRow.milliseconds(now)
        let ids = ids
        return try write { connection in
            guard try Self.itemState(item, in: connection) == .reissued,
                let newID = try connection.scalar(
                    "SELECT new_document_id FROM compromise_items WHERE run_id = ? AND position = ?",
                    [.integer(item.runID), .integer(Int64(item.position))]
                ).string
            else { return nil }
            let old = try Self.documentAndRequest(item.documentID, ids: ids, in: connection)
            // Ids are base-32 and hex, the reason a fixed code: nothing here needs JSON escaping.
            let payload =
                #"{"kind":"document-reissued","newDocumentId":"\#(newID)","oldDocumentId":"\#(item.documentID)","#
                + #""reason":"key-compromise","requestId":"\#(old.requestID)"}"#
            let notice =
                try connection.scalar(
                    "INSERT INTO outbox (recipient, kind, payload, created_at) VALUES (?, 'document-reissued', ?, ?) "
                        + "RETURNING id",
                    [.text(old.ownerID), .text(payload), .integer(milliseconds)]
                ).int64 ?? 0
            let audit = try AuditLog.append(
                in: connection, recordedAtMilliseconds: milliseconds, actorID: actor,
                actorRole: ParticipantRole.system.rawValue, action: "notify", requestID: old.requestID,
                fromState: old.requestState.rawValue, toState: old.requestState.rawValue,
                reason: "document-reissued notice \(notice) queued: \(item.documentID) superseded by \(newID)")
            try Self.advance(
                item, to: .notified, column: "notice_audit_sequence", audit: audit.sequence, milliseconds: milliseconds,
                in: connection)
            return newID
        }
    }

    /// Notices not delivered yet, oldest first (for the notification service and tests).
    package func undeliveredNotices(limit: Int = 100) throws(RecordsError) -> [OutboxNotice] {
        try read { connection in
            try connection.query(
                """
                SELECT id, recipient, kind, payload, created_at, delivered_at FROM outbox WHERE delivered_at IS NULL
                ORDER BY created_at, id LIMIT ?
                """, [.integer(Int64(max(1, limit)))]
            ).map { row in
                OutboxNotice(
                    id: row[0].int64 ?? 0, recipient: row[1].string ?? "", kind: row[2].string ?? "",
                    payload: row[3].string ?? "", createdAt: RequestRow.date(milliseconds: row[4].int64 ?? 0),
                    deliveredAt: row[5].int64.map { RequestRow.date(milliseconds: $0) })
            }
        }
    }

    // MARK: Helpers (inside the caller's transaction)

    struct DocumentAndRequest {
        let status: String
        let supersededBy: String?
        let requestSeq: Int64
        let requestID: String
        let requestState: RequestState
        let version: Int64
        let history: String
        let ownerID: String
    }

    static func itemState(_ item: CompromiseItem, in connection: any SQLSession) throws -> CompromiseItem.State {
        guard
            let state = try connection.scalar(
                "SELECT state FROM compromise_items WHERE run_id = ? AND position = ? AND document_id = ?",
                [.integer(item.runID), .integer(Int64(item.position)), .text(item.documentID)]
            ).string.flatMap(CompromiseItem.State.init(rawValue:))
        else { throw RecordsError(.notFound, "no such compromise item") }
        return state
    }

    static func documentAndRequest(_ documentID: String, ids: RequestIDs, in connection: any SQLSession) throws
        -> DocumentAndRequest
    {
        let statement = try connection.statement(
            """
            SELECT d.status, d.superseded_by, r.seq, coalesce(r.legacy_id, CAST(r.seq AS TEXT)), r.state, r.version,
                r.history, r.owner_id
            FROM documents d JOIN requests r ON r.seq = d.request_seq WHERE d.id = ?
            """)
        defer { statement.reset() }
        try statement.bind([.text(documentID)])
        guard try statement.step(), let status = statement.string(at: 0),
            let state = statement.string(at: 4).flatMap(RequestState.init(rawValue:)),
            let history = statement.string(at: 6), let owner = statement.string(at: 7)
        else { throw RecordsError(.notFound, "no document \(documentID)") }
        return DocumentAndRequest(
            status: status, supersededBy: statement.string(at: 1), requestSeq: statement.int64(at: 2),
            requestID: ids.publicID(statement, at: 3), requestState: state, version: statement.int64(at: 5),
            history: history, ownerID: owner)
    }

    /// Appends the audit entry of a request step taken by the operator and moves the request row (state, version,
    /// history) with it; returns the entry's sequence.
    static func recordRequestStep(
        _ document: DocumentAndRequest, action: String, to state: RequestState, actor: String, reason: String,
        milliseconds: Int64, in connection: any SQLSession
    ) throws -> Int64 {
        let audit = try AuditLog.append(
            in: connection, recordedAtMilliseconds: milliseconds, actorID: actor,
            actorRole: ParticipantRole.system.rawValue, action: action, requestID: document.requestID,
            fromState: document.requestState.rawValue, toState: state.rawValue, reason: reason)
        try connection.execute(
            """
            UPDATE requests SET state = ?, version = version + 1, updated_at = ?, history = ?
            WHERE seq = ? AND version = ?
            """,
            [
                .text(state.rawValue), .integer(milliseconds),
                .text(try RequestHistory.appending(audit.sequence, to: document.history)),
                .integer(document.requestSeq), .integer(document.version),
            ])
        guard connection.changedRowCount == 1 else {
            throw RecordsError(.concurrentModification, "the request changed since it was read")
        }
        return audit.sequence
    }

    static func advance(
        _ item: CompromiseItem, to state: CompromiseItem.State, column: String, audit: Int64, milliseconds: Int64,
        in connection: any SQLSession
    ) throws {
        try connection.execute(
            """
            UPDATE compromise_items SET state = ?, \(column) = ?, last_error = NULL, updated_at = ?
            WHERE run_id = ? AND position = ?
            """,
            [
                .text(state.rawValue), .integer(audit), .integer(milliseconds), .integer(item.runID),
                .integer(Int64(item.position)),
            ])
    }
}

import CivicSealCrypto
import CivicSealStorage
import CivicSealWorkflow
import Foundation

/// The document registry: approved requests waiting for their document, the one transaction that registers a
/// document and marks its request `issued`, reads for the public status and the owner's download, and revocation.
extension RequestStore {
    static let documentColumns = """
        d.id, coalesce(r.legacy_id, CAST(r.seq AS TEXT)), d.kind, d.department_id, d.template_id, d.template_version,
        d.template_sha256, d.record_sha256,
        d.pdf_sha256, d.signer_certificate_sha256, d.issued_at, d.status, d.revocation_reason, d.revoked_at,
        d.revocation_code, d.superseded_by, d.supersedes
        """

    static func documentEntry(from statement: any SQLCursor, ids: RequestIDs) throws -> DocumentEntry {
        func text(_ column: Int) throws -> String {
            guard let value = statement.string(at: column) else { throw RequestRow.corrupt }
            return value
        }
        guard let kind = RequestKind(rawValue: try text(2)) else { throw RequestRow.corrupt }
        let status: DocumentEntry.Status =
            try text(11) == "revoked"
            ? .revoked(
                reason: try text(12),
                code: statement.string(at: 14).flatMap(RevocationReason.init(rawValue:)) ?? .unspecified,
                at: RequestRow.date(milliseconds: statement.int64(at: 13))) : .valid
        return DocumentEntry(
            documentID: try text(0), requestID: ids.publicID(statement, at: 1), kind: kind, departmentID: try text(3),
            templateID: try text(4),
            templateVersion: try text(5), templateSHA256: try text(6), recordSHA256: try text(7),
            pdfSHA256: try text(8),
            signerCertificateSHA256: try text(9), issuedAt: RequestRow.date(milliseconds: statement.int64(at: 10)),
            status: status, supersededBy: statement.string(at: 15), supersedes: statement.string(at: 16))
    }

    // MARK: Issuing

    /// Ids of requests that are `approved` (so have no document: registration and `issued` commit together), oldest
    /// approval first. The sweeper issues them after a crash.
    package func approvedRequestIDs(limit: Int = 100) throws(RecordsError) -> [String] {
        try read { connection in
            var found: [String] = []
            try connection.forEachRow(
                "SELECT \(RequestRow.idColumn) FROM requests WHERE state = 'approved' ORDER BY updated_at LIMIT ?",
                [.integer(Int64(limit))]
            ) { statement in found.append(ids.publicID(statement, at: 0)) }
            return found
        }
    }

    /// The approved request `requestID` as the issuer needs it; `nil` when it is not (or no longer) `approved`.
    /// A re-issue after a key compromise reads a request whose document it just revoked: `state` `.revoked`.
    package func issuanceSource(_ requestID: String, state: RequestState = .approved) throws(RecordsError)
        -> IssuanceSource?
    {
        guard Self.isRequestID(requestID) else { return nil }
        return try read { connection in
            guard let seq = try ids.resolve(requestID, in: connection) else { return nil }
            let statement = try connection.statement(
                """
                SELECT kind, form, department_id, owner_id, submission, subject_identity, findings, approver_name,
                updated_at, coalesce(approver_id, assignee_id), approver_title
                FROM requests WHERE seq = ? AND state = ?
                """)
            defer { statement.reset() }
            try statement.bind([.integer(seq), .text(state.rawValue)])
            guard try statement.step() else { return nil }
            guard let kind = statement.string(at: 0).flatMap(RequestKind.init(rawValue:)),
                let department = statement.string(at: 2),
                let owner = statement.string(at: 3), let submission = statement.string(at: 4),
                let findings = statement.string(at: 6)
            else { throw RequestRow.corrupt }
            var source = IssuanceSource(
                requestID: requestID, kind: kind,
                form: statement.isNull(at: 1) ? nil : CriminalRecordForm(rawValue: Int(statement.int64(at: 1))),
                departmentID: department, ownerID: owner, submissionJSON: submission,
                subjectIdentityJSON: statement.string(at: 5),
                findingsJSON: findings, approverName: statement.string(at: 7),
                approvedAt: RequestRow.date(milliseconds: statement.int64(at: 8)))
            source.approverID = statement.string(at: 9)
            source.approverTitle = statement.string(at: 10)
            return source
        }
    }

    /// Registers a sealed document and moves its request `approved` → `issued`, with the history event and audit
    /// entry, in ONE write transaction: either all of it is durable or none. Refused with
    /// ``RecordsError/Code/transitionRefused`` when the request is no longer `approved` (another issuer won).
    package func register(_ document: NewDocument, now: Date) throws(RecordsError) -> RequestSummary {
        let (command, milliseconds, today) = registration(document, now: now)
        return try write { connection in try Self.register(document, command, milliseconds, today, ids, in: connection)
        }
    }

    /// `async` ``register(_:now:)`` (the SQLite work runs on the writer's own queue).
    package func register(_ document: NewDocument, now: Date) async throws(RecordsError) -> RequestSummary {
        let (command, milliseconds, today) = registration(document, now: now)
        let ids = ids
        return try await write { connection in
            try Self.register(document, command, milliseconds, today, ids, in: connection)
        }
    }

    private func registration(_ document: NewDocument, now: Date) -> (TransitionCommand, Int64, CalendarDate) {
        (
            TransitionCommand(requestID: document.requestID, action: .issue, actor: .system("issuance"), reason: nil),
            RequestRow.milliseconds(now), today(now)
        )
    }

    private static func register(
        _ document: NewDocument, _ command: TransitionCommand, _ milliseconds: Int64, _ today: CalendarDate,
        _ ids: RequestIDs, in connection: any SQLSession
    ) throws -> RequestSummary {
        guard DocumentID.isValid(document.documentID) else {
            throw RecordsError(.invalidInput, "malformed document id")
        }
        let summary = try apply(command, atMilliseconds: milliseconds, today: today, ids: ids, in: connection)
        guard let seq = try ids.resolve(document.requestID, in: connection) else { throw RecordsError.notFound }
        let audit = try connection.scalar("SELECT max(sequence) FROM audit_log").int64 ?? 0
        try insert(document, requestSeq: seq, auditSequence: audit, supersedes: nil, in: connection)
        return summary
    }

    /// Inserts the registry row of `document` (issued by audit entry `auditSequence`) and its version 1.
    static func insert(
        _ document: NewDocument, requestSeq seq: Int64, auditSequence audit: Int64, supersedes: String?,
        in connection: any SQLSession
    ) throws {
        try connection.execute(
            """
            INSERT INTO documents (id, request_seq, kind, department_id, template_id, template_version, template_sha256,
                record_sha256, pdf_sha256, signer_certificate_sha256, issued_at, audit_sequence, supersedes, record,
                pdf)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .text(document.documentID), .integer(seq), .text(document.kind.rawValue), .text(document.departmentID),
                .text(document.templateID), .text(document.templateVersion), .text(document.templateSHA256),
                .text(Hex.encode(Digest.sha256(Array(document.recordJSON.utf8)))),
                .text(Hex.encode(Digest.sha256(document.pdf))),
                .text(document.signerCertificateSHA256), .integer(RequestRow.milliseconds(document.issuedAt)),
                .integer(audit), supersedes.map(DatabaseValue.text) ?? .null,
                .text(document.recordJSON), .blob(document.pdf),
            ])
        try connection.execute(
            """
            INSERT INTO document_versions (document_seq, version, sha256, reason, created_at, timestamp_expires_at)
            SELECT seq, 1, pdf_sha256, 'issued', issued_at, ? FROM documents WHERE id = ?
            """,
            [
                document.timestampExpiresAt.map { .integer(RequestRow.milliseconds($0)) } ?? .null,
                .text(document.documentID),
            ])
    }

    // MARK: Reading

    /// The registry entry for `documentID`, whoever asks (the status it reveals is public). Blocking; a short read.
    package func documentEntry(id documentID: String) throws(RecordsError) -> DocumentEntry? {
        guard DocumentID.isValid(documentID) else { return nil }
        return try read { connection in
            let statement = try connection.statement(
                "SELECT \(Self.documentColumns) FROM documents d JOIN requests r ON r.seq = d.request_seq WHERE d.id "
                    + "= ?"
            )
            defer { statement.reset() }
            try statement.bind([.text(documentID)])
            guard try statement.step() else { return nil }
            return try Self.documentEntry(from: statement, ids: ids)
        }
    }

    /// The registry entry of a request's CURRENT document (any state; a document re-issued after a key compromise
    /// replaces the one it supersedes), for pages, tests and tools.
    package func documentEntry(forRequest requestID: String) throws(RecordsError) -> DocumentEntry? {
        guard Self.isRequestID(requestID) else { return nil }
        return try read { connection in
            guard let seq = try ids.resolve(requestID, in: connection) else { return nil }
            let statement = try connection.statement(
                "SELECT \(Self.documentColumns) FROM documents d JOIN requests r ON r.seq = d.request_seq WHERE "
                    + "r.seq = ? AND d.superseded_by IS NULL"
            )
            defer { statement.reset() }
            try statement.bind([.integer(seq)])
            guard try statement.step() else { return nil }
            return try Self.documentEntry(from: statement, ids: ids)
        }
    }

    /// The canonical record JSON of a document (for the five-field confirmation; never sent to clients).
    package func documentRecordJSON(id documentID: String) throws(RecordsError) -> String? {
        guard DocumentID.isValid(documentID) else { return nil }
        return try read { connection in
            try connection.scalar("SELECT record FROM documents WHERE id = ?", [.text(documentID)]).string
        }
    }

    /// The ids of the documents whose id starts with `prefix` (a valid id's first characters), at most `limit`: the
    /// printed number (`N03RW44HBZ/2026/LLTP`) carries the first ten characters of the id. An index range scan.
    package func documentIDs(startingWith prefix: String, limit: Int = 2) throws(RecordsError) -> [String] {
        guard !prefix.isEmpty, prefix.utf8.count < 26, prefix.utf8.allSatisfy({ DocumentID.alphabet.contains($0) })
        else { return [] }
        // `Z` is the alphabet's last character: every id with the prefix sorts below `prefix + "ZZ…"` + 1.
        let upper = prefix + String(repeating: "Z", count: 26 - prefix.utf8.count) + "~"
        return try read { connection in
            var found: [String] = []
            try connection.forEachRow(
                "SELECT id FROM documents WHERE id >= ? AND id < ? ORDER BY id LIMIT ?",
                [.text(prefix), .text(upper), .integer(Int64(max(1, limit)))]
            ) { statement in if let id = statement.string(at: 0) { found.append(id) } }
            return found
        }
    }

    /// The sealed PDF of a request's current document for `actor`: the owner (the citizen who submitted) only;
    /// anyone else, or a request without a document, gets ``RecordsError/Code/notFound``.
    package func documentPDF(forRequest requestID: String, by actor: Participant) throws(RecordsError) -> (
        documentID: String, pdf: [UInt8]
    ) {
        guard Self.isRequestID(requestID), actor.role == .citizen else { throw RecordsError.notFound }
        return try read { connection in
            guard let seq = try ids.resolve(requestID, in: connection),
                let row = try connection.queryFirst(
                    "SELECT d.id, d.pdf FROM documents d JOIN requests r ON r.seq = d.request_seq WHERE r.seq = ? "
                        + "AND r.owner_id = ? AND d.superseded_by IS NULL",
                    [.integer(seq), .text(actor.id)]),
                let id = row[0].string, let pdf = row[1].bytes
            else { throw RecordsError.notFound }
            return (id, pdf)
        }
    }

    /// The sealed PDF by document id, unauthenticated: for operators' tools and tests only.
    package func documentPDF(id documentID: String) throws(RecordsError) -> [UInt8]? {
        guard DocumentID.isValid(documentID) else { return nil }
        return try read { connection in
            try connection.scalar("SELECT pdf FROM documents WHERE id = ?", [.text(documentID)]).bytes
        }
    }

    // MARK: Revoking

    /// An officer of the issuing department revokes a document with its grounds: the request goes `issued` →
    /// `revoked` (history, audit) and the registry row records the grounds, the public reason `code` and the time,
    /// in one transaction. Another department's officer, or an unknown id, gets ``RecordsError/Code/notFound``.
    package func revokeDocument(
        _ documentID: String, reason: String, code: RevocationReason, by officer: Participant, now: Date
    ) async throws(RecordsError) -> DocumentEntry {
        guard DocumentID.isValid(documentID), officer.role == .officer else { throw RecordsError.notFound }
        let milliseconds = RequestRow.milliseconds(now)
        let today = today(now)
        let ids = ids
        return try await write { connection in
            let lookup = try connection.statement(
                """
                SELECT coalesce(r.legacy_id, CAST(r.seq AS TEXT)), d.department_id
                FROM documents d JOIN requests r ON r.seq = d.request_seq
                WHERE d.id = ?
                """)
            defer { lookup.reset() }
            try lookup.bind([.text(documentID)])
            guard try lookup.step(), lookup.string(at: 1) == officer.departmentID else { throw RecordsError.notFound }
            let requestID = ids.publicID(lookup, at: 0)
            lookup.reset()
            _ = try Self.apply(
                TransitionCommand(
                    requestID: requestID, action: .revoke, actor: officer,
                    reason: RevocationReason.auditText(code: code, grounds: reason)),
                atMilliseconds: milliseconds, today: today, ids: ids, in: connection)
            // The grounds as the chain recorded them (normalised), without the code prefix.
            let audited = try connection.scalar("SELECT reason FROM audit_log ORDER BY sequence DESC LIMIT 1").string
            let stored = audited.flatMap(RevocationReason.parseAuditText)?.grounds ?? reason
            try connection.execute(
                "UPDATE documents SET status = 'revoked', revocation_reason = ?, revocation_code = ?, revoked_at = ? "
                    + "WHERE id = ?",
                [.text(stored), .text(code.rawValue), .integer(milliseconds), .text(documentID)])
            let statement = try connection.statement(
                "SELECT \(Self.documentColumns) FROM documents d JOIN requests r ON r.seq = d.request_seq WHERE d.id "
                    + "= ?"
            )
            defer { statement.reset() }
            try statement.bind([.text(documentID)])
            guard try statement.step() else { throw RecordsError.notFound }
            return try Self.documentEntry(from: statement, ids: ids)
        }
    }
}

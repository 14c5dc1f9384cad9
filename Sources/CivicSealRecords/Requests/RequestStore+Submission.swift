import CivicSealCrypto
import CivicSealStorage
import CivicSealWorkflow
import Foundation

/// Everything about a new request that can be computed before taking the write lock.
struct PreparedSubmission: Sendable {
    let ownerID: String
    let subjectID: String
    let kind: RequestKind
    let form: CriminalRecordForm?
    let departmentID: String
    let deadline: StatutoryDeadline
    let fee: FeeQuote
    /// The validated, normalised submission as JSON with sorted keys.
    let json: String
    /// The subject's identity block as JSON (`{personalId, fullName, birthDate, sex}`), printed on the document.
    let subjectIdentityJSON: String
    /// SHA-256 (hex) of `json`: equal for equal bodies, whatever their original spacing or Unicode form.
    let bodyHash: String
    let idempotencyKey: String?
    let nowMilliseconds: Int64
}

extension RequestStore {
    /// The longest accepted idempotency key, in bytes.
    package static let maximumIdempotencyKeyLength = 200

    // MARK: Public API

    /// Stores a validated request as `submitted`, routed, with its due date and fee; writes its first history event
    /// and audit entry in the same transaction.
    ///
    /// - With an `idempotencyKey`, a repeat by the same owner with the same body returns the first request's current
    ///   summary and writes nothing; the same key with a different body is ``RecordsError/Code/idempotencyKeyReused``.
    ///   Keys are scoped per owner, so two citizens may use the same key.
    /// - A criminal-record request is refused with ``RecordsError/Code/unfinishedRequestExists`` while the same
    ///   person has an unfinished one of the same form (``CivicSealWorkflow/OpenRequestRule``), checked inside the
    ///   transaction so two concurrent submissions cannot both pass.
    package func submit(
        _ request: ValidatedRequest, idempotencyKey: String? = nil, now: Date
    ) async throws(RecordsError) -> RequestSummary {
        let prepared = try prepare(request, idempotencyKey: idempotencyKey, now: now)
        let today = today(now)
        let ids = ids
        return try await write { connection in try Self.insert(prepared, ids: ids, in: connection, today: today) }
    }

    /// Blocking ``submit(_:idempotencyKey:now:)-async``.
    package func submit(
        _ request: ValidatedRequest, idempotencyKey: String? = nil, now: Date
    ) throws(RecordsError) -> RequestSummary {
        let prepared = try prepare(request, idempotencyKey: idempotencyKey, now: now)
        let today = today(now)
        return try write { connection in try Self.insert(prepared, ids: ids, in: connection, today: today) }
    }

    /// Submits many requests in one transaction (imports, benchmark fills): all are stored or none.
    package func submitBatch(_ requests: [ValidatedRequest], now: Date) throws(RecordsError) -> [RequestSummary] {
        var prepared: [PreparedSubmission] = []
        prepared.reserveCapacity(requests.count)
        var lastSubmission: RequestSubmission?
        var lastJSON: (String, String)?
        for request in requests {
            // Imports often repeat a body; skip re-encoding an identical one.
            let encoded = lastSubmission == request.submission ? lastJSON : nil
            let item = try prepare(request, idempotencyKey: nil, now: now, encoded: encoded)
            lastSubmission = request.submission
            lastJSON = (item.json, item.bodyHash)
            prepared.append(item)
        }
        let today = today(now)
        return try write { connection in
            try prepared.map { try Self.insert($0, ids: ids, in: connection, today: today) }
        }
    }

    // MARK: Preparing (outside the write lock)

    func prepare(
        _ request: ValidatedRequest, idempotencyKey: String?, now: Date, encoded: (String, String)? = nil
    ) throws(RecordsError) -> PreparedSubmission {
        if let idempotencyKey {
            guard (1...Self.maximumIdempotencyKeyLength).contains(idempotencyKey.utf8.count),
                idempotencyKey.utf8.allSatisfy({ (0x21...0x7E).contains($0) })
            else {
                throw RecordsError(.idempotencyKeyInvalid, "an idempotency key is 1-200 printable ASCII characters")
            }
        }
        guard let department = configuration.authority.route(request.kind, province: request.routingProvince) else {
            throw RecordsError(.noDepartment, "no department is configured for \(request.kind.rawValue)")
        }
        let json: String
        let bodyHash: String
        if let encoded {
            (json, bodyHash) = encoded
        } else {
            // The same bytes as `WorkflowJSON.encode(_:)`, without the generic encoder's cost (see `sortedKeysJSON()`).
            let bytes = request.submission.sortedKeysJSON()
            json = String(decoding: bytes, as: UTF8.self)
            bodyHash = Hex.encode(Digest.sha256(bytes))
        }
        let submission = request.submission
        let identity = String(decoding: request.subject.sortedKeysJSON(), as: UTF8.self)
        return PreparedSubmission(
            ownerID: request.applicant.personalID.digits,
            subjectID: request.subject.personalID.digits, kind: request.kind, form: request.criminalRecordForm,
            departmentID: department.id,
            deadline: configuration.deadlines.deadline(
                for: request, receivedOn: today(now), calendar: configuration.calendar),
            fee: configuration.fees.quote(kind: request.kind, copies: submission.copies, feeGroup: submission.feeGroup),
            json: json, subjectIdentityJSON: identity, bodyHash: bodyHash, idempotencyKey: idempotencyKey,
            nowMilliseconds: RequestRow.milliseconds(now))
    }

    // MARK: Inside the transaction

    /// The next request number, and the sequence and hash of the audit chain's last entry: two index seeks; no row
    /// when the chain is empty.
    /// What a submission reads before it writes, in one statement (one round trip on a server): the next request
    /// number, the audit chain's last entry (NULLs while the chain is empty) and, for a criminal record, the state of
    /// an unfinished request of the same form for the same subject (NULL when there is none; NULL arguments for other
    /// kinds). The open-request check is two index seeks (see RecordsSchema, migration 4): the subject's own filings
    /// through the covering `requests_owner`, then filings by someone else for them through the partial index that
    /// holds only those.
    static let submissionReadsStatement = """
        SELECT n.next, a.sequence, a.hash, (
            SELECT state FROM requests WHERE owner_id = ?1 AND subject_id = ?1 AND kind = 'criminal-record'
                AND form = ?2 AND state IN ('submitted', 'in_review', 'needs_info', 'approved')
            UNION ALL
            SELECT state FROM requests WHERE subject_id = ?1 AND form = ?2 AND kind = 'criminal-record'
                AND owner_id <> subject_id AND state IN ('submitted', 'in_review', 'needs_info', 'approved')
            LIMIT 1)
        FROM (SELECT coalesce(max(seq), 0) + 1 AS next FROM requests) AS n
        LEFT JOIN (SELECT sequence, hash FROM audit_log ORDER BY sequence DESC LIMIT 1) AS a ON 1 = 1
        """

    /// The row number is chosen before the insert (the next after the largest; rows are never deleted and only the
    /// one writer inserts), so the audit entry can name the request's public id and the row can carry the entry in its
    /// history from the start: one INSERT, no second write to the row.
    static func insert(_ item: PreparedSubmission, ids: RequestIDs, in connection: any SQLSession, today: CalendarDate)
        throws -> RequestSummary
    {
        if let key = item.idempotencyKey,
            let existing = try connection.queryFirst(
                "SELECT body_sha256, request_seq FROM idempotency_keys WHERE owner_id = ? AND key = ?",
                [.text(item.ownerID), .text(key)])
        {
            guard existing[0].string == item.bodyHash, let seq = existing[1].int64 else {
                throw RecordsError(.idempotencyKeyReused, "this idempotency key was used with a different body")
            }
            return try summary(seq: seq, ids: ids, in: connection, today: today)
        }
        let criminalForm = item.kind == .criminalRecord ? item.form : nil
        let reads = try connection.queryFirst(
            Self.submissionReadsStatement,
            [
                criminalForm == nil ? .null : .text(item.subjectID),
                criminalForm.map { .integer(Int64($0.rawValue)) } ?? .null,
            ])
        if let form = criminalForm, let state = reads?[3].string.flatMap(RequestState.init(rawValue:)),
            let issue = OpenRequestRule.check(
                kind: item.kind, form: form,
                existing: [ExistingRequest(kind: .criminalRecord, form: form, state: state)])
        {
            throw RecordsError(
                .unfinishedRequestExists, "an unfinished request of the same form exists", issues: [issue])
        }
        let seq = reads?[0].int64 ?? 1
        let last = reads?[1].int64.map { (sequence: $0, hash: reads?[2].string ?? "") }
        let id = ids.publicID(seq: seq)
        let audit = try AuditLog.append(
            in: connection, after: last, recordedAtMilliseconds: item.nowMilliseconds, actorID: item.ownerID,
            actorRole: ParticipantRole.citizen.rawValue, action: "submit", requestID: id, fromState: nil,
            toState: RequestState.submitted.rawValue, reason: nil)
        try connection.execute(
            """
            INSERT INTO requests (seq, owner_id, subject_id, kind, form, department_id, state, received_on,
                working_days, due_date, fee_vnd, fee_category, created_at, updated_at, version, subject_identity,
                history,
                submission)
            VALUES (?, ?, ?, ?, ?, ?, 'submitted', ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)
            """,
            [
                .integer(seq), .text(item.ownerID), .text(item.subjectID), .text(item.kind.rawValue),
                item.form.map { .integer(Int64($0.rawValue)) } ?? .null, .text(item.departmentID),
                .text(item.deadline.receivedOn.description), .integer(Int64(item.deadline.workingDays)),
                .text(item.deadline.dueDate.description), .integer(Int64(item.fee.totalVND)),
                .text(item.fee.category.rawValue), .integer(item.nowMilliseconds), .integer(item.nowMilliseconds),
                .text(item.subjectIdentityJSON), .text(RequestHistory.encode([audit.sequence])), .text(item.json),
            ])
        if let key = item.idempotencyKey {
            try connection.execute(
                "INSERT INTO idempotency_keys (owner_id, key, request_seq, body_sha256, created_at) VALUES (?, ?, ?, "
                    + "?, ?)",
                [.text(item.ownerID), .text(key), .integer(seq), .text(item.bodyHash), .integer(item.nowMilliseconds)])
        }
        return RequestSummary(
            id: id, state: .submitted, kind: item.kind, form: item.form, departmentID: item.departmentID,
            assigneeID: nil, receivedOn: item.deadline.receivedOn, dueDate: item.deadline.dueDate,
            feeVND: item.fee.totalVND, feeCategory: item.fee.category, version: 1,
            createdAt: RequestRow.date(milliseconds: item.nowMilliseconds),
            updatedAt: RequestRow.date(milliseconds: item.nowMilliseconds), isOverdue: today > item.deadline.dueDate)
    }

    static func summary(seq: Int64, ids: RequestIDs, in connection: any SQLSession, today: CalendarDate) throws
        -> RequestSummary
    {
        let statement = try connection.statement(
            "SELECT \(RequestRow.summaryColumns) FROM requests WHERE seq = ?")
        defer { statement.reset() }
        try statement.bind([.integer(seq)])
        guard try statement.step() else { throw RecordsError.notFound }
        return try RequestRow.summary(from: statement, today: today, ids: ids)
    }
}

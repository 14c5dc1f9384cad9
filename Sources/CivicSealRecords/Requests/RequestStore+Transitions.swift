import CivicSealJSON
import CivicSealStorage
import CivicSealWorkflow
import Foundation

/// A lifecycle step to apply inside one transaction, with what it changes besides the state.
struct TransitionCommand: Sendable {
    let requestID: String
    let action: LifecycleAction
    let actor: Participant
    let reason: String?
    /// Approve: the findings object to store.
    var findingsJSON: String?
    /// Approve: the officer's name as the document prints it.
    var approverName: String?
    /// Approve: the title the officer's signature and certificate state.
    var approverTitle: String?
    /// Supplement: the corrected submission, re-validated by the caller.
    var supplement: PreparedSubmission?
    /// If set, the row's version must still be this (the HTTP `If-Match`).
    var expectedVersion: Int?
    /// Set-complexity: the reasons the officer sets (the deadline is recomputed from the stored receipt day).
    var complexity: CaseComplexity?
    /// Set-complexity and supplement: how the deadline is computed (the store's configuration).
    var deadlines: (policy: DeadlinePolicy, calendar: WorkingDayCalendar)?
}

extension RequestStore {
    // MARK: Public API

    /// An officer of the request's department takes it into review (`submitted` → `in_review`). When several
    /// officers claim at once, exactly one wins; the others get ``RecordsError/Code/transitionRefused``.
    package func claim(
        _ requestID: String, by officer: Participant, expectedVersion: Int? = nil, now: Date
    ) async throws(RecordsError) -> RequestSummary {
        try await perform(
            TransitionCommand(
                requestID: requestID, action: .claim, actor: officer, reason: nil, expectedVersion: expectedVersion),
            now: now)
    }

    /// The assigned officer decides: approve with findings, reject with reasons, or ask for information.
    ///
    /// `officerName` (from the staff token) is kept with an approval: the issued document prints it as the signatory.
    /// `officerTitle` is the title the officer's signature and certificate state, kept with it; the approving
    /// officer's staff id is kept too (their personal signing certificate is issued for it).
    package func decide(
        _ requestID: String, _ decision: OfficerDecision, by officer: Participant, officerName: String? = nil,
        officerTitle: String? = nil, expectedVersion: Int? = nil, now: Date
    ) async throws(RecordsError) -> RequestSummary {
        var command: TransitionCommand
        switch decision {
        case .approve(let findings):
            try Self.checkFindings(findings)
            command = TransitionCommand(requestID: requestID, action: .approve, actor: officer, reason: nil)
            command.findingsJSON = findings
            command.approverName = officerName.map { TextNormalization.normalise($0, collapsingSpaces: true) }
            command.approverTitle = officerTitle.map { TextNormalization.normalise($0, collapsingSpaces: true) }
        case .reject(let reason):
            command = TransitionCommand(requestID: requestID, action: .reject, actor: officer, reason: reason)
        case .requestInfo(let reason):
            command = TransitionCommand(requestID: requestID, action: .requestInfo, actor: officer, reason: reason)
        }
        command.expectedVersion = expectedVersion
        return try await perform(command, now: now)
    }

    /// The citizen answers a request for information with a corrected, re-validated form (`needs_info` →
    /// `submitted`). Kind, form and subject must stay the same; the statutory clock restarts from today, since
    /// the deadline runs from a complete dossier. The assignee is cleared so the queue picks it up again.
    package func supplement(
        _ requestID: String, with corrected: ValidatedRequest, expectedVersion: Int? = nil, now: Date
    ) async throws(RecordsError) -> RequestSummary {
        let prepared = try prepare(corrected, idempotencyKey: nil, now: now)
        var command = TransitionCommand(
            requestID: requestID, action: .supplement, actor: .citizen(corrected.applicant.personalID), reason: nil)
        command.supplement = prepared
        command.expectedVersion = expectedVersion
        command.deadlines = (configuration.deadlines, configuration.calendar)
        return try await perform(command, now: now)
    }

    /// An officer of the request's department sets or corrects its Art. 48 complexity with a written reason (a
    /// criminal-record request that is still open: `submitted`, `in_review` by its assignee, or `needs_info`). The
    /// statutory due date is recomputed from the day the clock started; the step is audited as `set-complexity` with
    /// the reasons and the officer's words (``CaseComplexity/auditText(_:reason:)``), and the setting survives a
    /// supplement. Another kind of request is ``RecordsError/Code/invalidInput``.
    package func setComplexity(
        _ requestID: String, _ complexity: CaseComplexity, reason: String, by officer: Participant,
        expectedVersion: Int? = nil, now: Date
    ) async throws(RecordsError) -> RequestSummary {
        let trimmed = TextNormalization.normalise(reason)
        var command = TransitionCommand(
            requestID: requestID, action: .setComplexity, actor: officer,
            reason: trimmed.isEmpty ? nil : CaseComplexity.auditText(complexity, reason: trimmed))
        command.complexity = complexity
        command.deadlines = (configuration.deadlines, configuration.calendar)
        command.expectedVersion = expectedVersion
        return try await perform(command, now: now)
    }

    /// The citizen withdraws a request before review (`submitted` or `needs_info` → `cancelled`).
    package func cancel(
        _ requestID: String, by citizen: Participant, expectedVersion: Int? = nil, now: Date
    ) async throws(RecordsError) -> RequestSummary {
        try await perform(
            TransitionCommand(
                requestID: requestID, action: .cancel, actor: citizen, reason: nil, expectedVersion: expectedVersion),
            now: now)
    }

    /// The signer records that the signed document was delivered (`approved` → `issued`).
    package func markIssued(
        _ requestID: String, by system: Participant = .system(), now: Date
    ) async throws(RecordsError) -> RequestSummary {
        try await perform(TransitionCommand(requestID: requestID, action: .issue, actor: system, reason: nil), now: now)
    }

    /// An officer of the department revokes an issued document, stating the grounds (`issued` → `revoked`).
    package func revoke(
        _ requestID: String, reason: String, by officer: Participant, expectedVersion: Int? = nil, now: Date
    ) async throws(RecordsError) -> RequestSummary {
        try await perform(
            TransitionCommand(
                requestID: requestID, action: .revoke, actor: officer, reason: reason,
                expectedVersion: expectedVersion),
            now: now)
    }

    /// Blocking ``claim(_:by:expectedVersion:now:)-async`` (command line, benchmarks).
    package func claim(_ requestID: String, by officer: Participant, now: Date) throws(RecordsError) -> RequestSummary {
        try performNow(TransitionCommand(requestID: requestID, action: .claim, actor: officer, reason: nil), now: now)
    }

    /// Blocking approval (command line, benchmarks): ``decide(_:_:by:officerName:expectedVersion:now:)-async`` with
    /// `.approve`.
    package func approve(
        _ requestID: String, findingsJSON: String, by officer: Participant, officerName: String? = nil,
        officerTitle: String? = nil, now: Date
    ) throws(RecordsError) -> RequestSummary {
        try Self.checkFindings(findingsJSON)
        var command = TransitionCommand(requestID: requestID, action: .approve, actor: officer, reason: nil)
        command.findingsJSON = findingsJSON
        command.approverName = officerName.map { TextNormalization.normalise($0, collapsingSpaces: true) }
        command.approverTitle = officerTitle.map { TextNormalization.normalise($0, collapsingSpaces: true) }
        return try performNow(command, now: now)
    }

    func performNow(_ command: TransitionCommand, now: Date) throws(RecordsError) -> RequestSummary {
        guard Self.isRequestID(command.requestID) else { throw RecordsError.notFound }
        let today = today(now)
        let milliseconds = RequestRow.milliseconds(now)
        return try write { connection in
            try Self.apply(command, atMilliseconds: milliseconds, today: today, ids: ids, in: connection)
        }
    }

    // MARK: The one transition path

    func perform(_ command: TransitionCommand, now: Date) async throws(RecordsError) -> RequestSummary {
        guard Self.isRequestID(command.requestID) else { throw RecordsError.notFound }
        let today = today(now)
        let milliseconds = RequestRow.milliseconds(now)
        let ids = ids
        return try await write { connection in
            try Self.apply(command, atMilliseconds: milliseconds, today: today, ids: ids, in: connection)
        }
    }

    static func checkFindings(_ findings: String) throws(RecordsError) {
        let object = try? JSONValue(parsing: Array(findings.utf8))
        guard findings.utf8.count <= 64 * 1024, object?.objectValue != nil else {
            throw RecordsError(
                .invalidInput, "findings must be a JSON object of at most 64 KiB",
                issues: [ValidationIssue(field: "findings", code: .jsonMalformed, message: "not a JSON object")])
        }
    }

    /// Reads the row, checks visibility and version, runs the lifecycle, writes the audit entry, and updates the row
    /// with the entry added to its history. Throws (and the caller's transaction rolls back) on any refusal.
    static func apply(
        _ command: TransitionCommand, atMilliseconds milliseconds: Int64, today: CalendarDate, ids: RequestIDs,
        in connection: any SQLSession
    ) throws -> RequestSummary {
        guard
            let seq = try ids.resolve(command.requestID, in: connection),
            let row = try connection.queryFirst(
                """
                SELECT seq, owner_id, department_id, state, assignee_id, version, kind, form, subject_id, history,
                    received_on, complexity_override
                FROM requests WHERE seq = ?
                """, [.integer(seq)]),
            let owner = row[1].string, let department = row[2].string,
            let state = row[3].string.flatMap(RequestState.init(rawValue:)), let version = row[5].int64
        else { throw RecordsError.notFound }
        let actor = command.actor
        switch actor.role {
        case .citizen where actor.id != owner: throw RecordsError.notFound
        case .officer where actor.departmentID != department: throw RecordsError.notFound
        case .clinician: throw RecordsError.notFound
        default: break
        }
        if let expected = command.expectedVersion, Int64(expected) != version {
            throw RecordsError(.concurrentModification, "the request changed since it was read")
        }
        if command.action == .setComplexity && row[6].string != RequestKind.criminalRecord.rawValue {
            throw RecordsError(.invalidInput, "the Art. 48 complexity applies to criminal-record requests only")
        }
        var lifecycle = RequestLifecycle(
            ownerID: owner, departmentID: department, state: state, assigneeID: row[4].string)
        let event = try lifecycle.perform(command.action, by: actor, reason: command.reason)
        let audit = try AuditLog.append(
            in: connection, recordedAtMilliseconds: milliseconds, actorID: actor.id, actorRole: actor.role.rawValue,
            action: command.action.rawValue, requestID: command.requestID, fromState: event.from.rawValue,
            toState: event.to.rawValue, reason: event.reason)
        // The officer's name at the time of the step, beside its audit entry (histories show it, not the staff id).
        let actorName =
            actor.role == .officer ? actor.name.map { TextNormalization.normalise($0, collapsingSpaces: true) } : nil
        if let actorName, !actorName.isEmpty {
            try connection.execute(
                "INSERT INTO audit_actor_names (sequence, name) VALUES (?, ?)",
                [.integer(audit.sequence), .text(actorName)])
        }

        var assignments = "state = ?, assignee_id = ?, version = version + 1, updated_at = ?, history = ?"
        var arguments: [DatabaseValue] = [
            .text(lifecycle.state.rawValue), lifecycle.assigneeID.map(DatabaseValue.text) ?? .null,
            .integer(milliseconds), .text(try RequestHistory.appending(audit.sequence, to: row[9].string ?? "")),
        ]
        if command.action == .claim {
            assignments += ", assignee_name = ?"
            arguments.append(actorName.map(DatabaseValue.text) ?? .null)
        } else if lifecycle.assigneeID == nil {
            assignments += ", assignee_name = NULL"
        }
        if let complexity = command.complexity, case (let policy, let calendar)? = command.deadlines {
            guard let received = row[10].string.flatMap(CalendarDate.init) else { throw RequestRow.corrupt }
            let deadline = StatutoryDeadline(
                receivedOn: received, workingDays: policy.workingDays(for: .criminalRecord, complexity: complexity),
                calendar: calendar)
            assignments += ", complexity_override = ?, working_days = ?, due_date = ?"
            arguments += [
                .text(complexity.storedText), .integer(Int64(deadline.workingDays)),
                .text(deadline.dueDate.description),
            ]
        }
        if let findings = command.findingsJSON {
            assignments += ", findings = ?"
            arguments.append(.text(findings))
        }
        if let name = command.approverName {
            assignments += ", approver_name = ?"
            arguments.append(.text(name))
        }
        if command.action == .approve {
            assignments += ", approver_id = ?, approver_title = ?"
            arguments += [.text(actor.id), command.approverTitle.map(DatabaseValue.text) ?? .null]
        }
        if let corrected = command.supplement {
            guard corrected.kind.rawValue == row[6].string,
                corrected.form.map({ Int64($0.rawValue) }) == row[7].int64,
                corrected.subjectID == row[8].string, corrected.ownerID == owner
            else {
                throw RecordsError(.supplementMismatch, "a supplement cannot change the kind, form or subject")
            }
            // An officer's complexity outlives a supplement: the new clock runs for the complexity they set.
            var deadline = corrected.deadline
            if let stored = row[11].string, let override = CaseComplexity(storedText: stored),
                case (let policy, let calendar)? = command.deadlines
            {
                deadline = StatutoryDeadline(
                    receivedOn: deadline.receivedOn,
                    workingDays: policy.workingDays(for: corrected.kind, complexity: override),
                    calendar: calendar)
            }
            assignments +=
                ", submission = ?, received_on = ?, working_days = ?, due_date = ?, fee_vnd = ?, fee_category = ?"
            arguments += [
                .text(corrected.json), .text(deadline.receivedOn.description),
                .integer(Int64(deadline.workingDays)), .text(deadline.dueDate.description),
                .integer(Int64(corrected.fee.totalVND)), .text(corrected.fee.category.rawValue),
            ]
        }
        arguments += [.integer(seq), .integer(version)]
        try connection.execute("UPDATE requests SET \(assignments) WHERE seq = ? AND version = ?", arguments)
        guard connection.changedRowCount == 1 else {
            throw RecordsError(.concurrentModification, "the request changed since it was read")
        }
        return try summary(seq: seq, ids: ids, in: connection, today: today)
    }
}

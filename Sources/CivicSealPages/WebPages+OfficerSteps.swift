import CivicSealCasework
import CivicSealHTTP
import CivicSealIdentity
import CivicSealJSON
import CivicSealRecords
import CivicSealWebKit
import CivicSealWorkflow
import Foundation

/// Two steps of the officer's request page that live beside the decision forms: setting the Art. 48 complexity
/// (which moves the statutory deadline) with a written reason, and revoking an issued document through a
/// confirmation page that restates what will be revoked — nothing is revoked before "Confirm".
extension WebPages {
    func registerOfficerSteps(_ builder: inout HTTPRouter.Builder) {
        builder.post("/officer/requests/{id}/set-complexity") { [self] request, context in
            await officerPost(request) { visit, staff, fields in
                try await setComplexity(fields, context, visit, staff: staff)
            }
        }
        builder.post("/officer/requests/{id}/revoke-confirm") { [self] request, context in
            await officerPost(request) { visit, staff, fields in
                try await confirmRevocation(fields, context, visit, staff: staff)
            }
        }
        builder.post("/officer/requests/{id}/revoke-edit") { [self] request, context in
            await officerPost(request) { visit, staff, fields in
                var typed: [String: String] = [:]
                for name in ["revoke.reasonCode", "revoke.reason"] { typed[name] = fields[name] }
                return try await officerRequest(context, visit, staff: staff, values: typed)
            }
        }
    }

    // MARK: Complexity

    /// The complexity in force: the officer's, else the one derived from the stored submission.
    static func complexity(of record: RequestRecord) -> (complexity: CaseComplexity, setByOfficer: Bool) {
        if let override = record.complexityOverride { return (override, true) }
        return (SubmissionValidator().complexity(of: record.submission), false)
    }

    /// The request page's deadline section (criminal records only: Art. 48 concerns them): the working days, the due
    /// date and the reasons, where they come from, and — for an officer who may decide it, while it is open — the form
    /// that sets them. `typed`/`errors` are a refused form's input and messages (`messages.json` keys).
    /// `typed["complexity.ticked"]` is a refused form's ticked reasons, comma-separated; `errors` holds page texts.
    func complexitySection(
        _ record: RequestRecord, staff: StaffPrincipal, actor: Participant, typed: [String: String],
        errors: [String: String],
        _ visit: WebVisit
    ) -> TemplateValue? {
        let summary = record.summary
        guard summary.kind == .criminalRecord else { return nil }
        let (complexity, setByOfficer) = Self.complexity(of: record)
        let days =
            record.workingDays
            ?? store.configuration.deadlines.workingDays(for: .criminalRecord, complexity: complexity)
        let current = text("queue-complexity-current", visit)
            .replacingOccurrences(of: "{days}", with: String(days)).replacingOccurrences(
                of: "{due}", with: Self.date(summary.dueDate)
            )
            .replacingOccurrences(
                of: "{kind}",
                with: text(complexity.isComplex ? "queue-complexity-complex" : "queue-complexity-simple", visit))
        let mayDecide = dependencies.casework.grants(staff, .setComplexity, on: summary.kind)
        let canSet =
            mayDecide && RequestLifecycle.transition(from: summary.state, action: .setComplexity) != nil
            && (summary.state != .inReview || summary.assigneeID == actor.id)
        var object: [String: TemplateValue] = [
            "current": .string(current),
            "hasReasons": .bool(complexity.isComplex),
            "reasons": .list(
                complexity.reasons.sorted().map { .string(text("queue-complexity-reason-\($0.rawValue)", visit)) }),
            "source": .string(text(setByOfficer ? "queue-complexity-by-officer" : "queue-complexity-derived", visit)),
            "canSet": .bool(canSet),
        ]
        if canSet {
            let chosen = Set(
                typed["complexity.ticked"].map { $0.split(separator: ",").map(String.init) }
                    ?? complexity.reasons.map(\.rawValue))
            object["options"] = .list(
                CaseComplexity.Reason.allCases.map { reason in
                    .object([
                        "value": .string(reason.rawValue),
                        "label": .string(text("queue-complexity-reason-\(reason.rawValue)", visit)),
                        "checked": .bool(chosen.contains(reason.rawValue)),
                    ])
                })
            if let choice = errors["complexity"] { object["choiceError"] = .string(choice) }
            object["reasonFields"] = .list([
                Self.complexityReasonField.value(
                    { text($0, visit) }, value: typed["complexity.reason"], error: errors["complexity.reason"])
            ])
        }
        return .object(object)
    }

    static let complexityReasonField = FormField(
        name: "complexity.reason", labelKey: "queue-complexity-reason", control: .textarea, required: true,
        hintKey: "queue-complexity-reason-hint", maxLength: 1800)

    /// A history entry's reason as pages show it: a complexity step's `[reasons] words` becomes plain words.
    func historyReason(_ event: RequestHistoryEvent, _ visit: WebVisit) -> String? {
        guard let reason = event.reason, !reason.isEmpty else { return nil }
        guard event.action == LifecycleAction.setComplexity.rawValue,
            let (complexity, words) = CaseComplexity.parseAuditText(reason)
        else {
            return reason
        }
        let described =
            complexity.isComplex
            ? complexity.reasons.sorted().map { text("queue-complexity-reason-\($0.rawValue)", visit) }.joined(
                separator: "; ")
            : text("queue-complexity-simple", visit)
        return text("queue-complexity-history", visit).replacingOccurrences(of: "{complexity}", with: described)
            .replacingOccurrences(of: "{reason}", with: words)
    }

    /// A form posted on a request's page for `action` (its CSRF token and the officer already checked by
    /// ``officerPost(_:_:)``), checked in the API's order: an action the roles never grant (403), then the request,
    /// which must be of the officer's department and a kind the roles cover.
    private func authorizedPost(
        _ action: StaffAction, _ context: RequestContext, staff: StaffPrincipal
    ) async throws -> (actor: Participant, id: String, record: RequestRecord) {
        let id = try pageRequestID(context)
        let record = try await dependencies.casework.permitted(action, on: id, by: staff)
        return (Self.actor(staff), id, record)
    }

    /// `POST /officer/requests/{id}/set-complexity`: the reasons ticked and a written reason; refused next to its
    /// field when the reason is missing or nothing would change.
    func setComplexity(_ fields: FormFields, _ context: RequestContext, _ visit: WebVisit, staff: StaffPrincipal)
        async throws -> HTTPResponse
    {
        let (_, id, record) = try await authorizedPost(.setComplexity, context, staff: staff)
        let ticked = fields.all("complexity")
        let typed = [
            "complexity.reason": fields["complexity.reason"] ?? "", "complexity.ticked": ticked.joined(separator: ","),
        ]
        func redisplay(_ errors: [String: String]) async throws -> HTTPResponse {
            try await officerRequest(
                context, visit, staff: staff, values: typed, errors: errors.mapValues { text($0, visit) })
        }
        let reasons = ticked.compactMap(CaseComplexity.Reason.init(rawValue:))
        guard reasons.count == ticked.count else {
            return try await redisplay(["complexity": "queue-complexity-legend"])
        }
        let chosen = CaseComplexity(reasons: Set(reasons))
        var errors: [String: String] = [:]
        if chosen == Self.complexity(of: record).complexity { errors["complexity"] = "queue-complexity-unchanged" }
        let reason = (fields["complexity.reason"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if reason.isEmpty { errors["complexity.reason"] = "field-reason-required" }
        guard errors.isEmpty else { return try await redisplay(errors) }
        var failure: RecordsError?
        do {
            _ = try await dependencies.casework.setComplexity(
                id, chosen, reason: reason, expectedVersion: fields["version"].flatMap(Int.init), by: staff)
        } catch let error as RecordsError { failure = error }
        if let failure {
            if failure.code == .concurrentModification || failure.code == .transitionRefused {
                // A reason the lifecycle refuses (control characters) is the field's; anything else changed meanwhile.
                if failure.lifecycle?.code == .reasonInvalid || failure.lifecycle?.code == .reasonRequired {
                    return try await redisplay(["complexity.reason": "queue-complexity-reason-invalid"])
                }
                throw Outcome.conflict(back: "/officer/requests/\(id)")
            }
            throw failure
        }
        return redirect("/officer/requests/\(id)", flash: "queue-complexity-updated", visit)
    }

    // MARK: Revocation

    /// The confirmation page of a revocation whose fields are complete: what will be revoked (document, holder, issue
    /// date), the public reason and the grounds, with "confirm" (a POST carrying them) and "cancel". Nothing changes.
    func revocationConfirmation(
        id: String, document: DocumentEntry, reasonCode: RevocationReason, grounds: String, holder: String?,
        _ visit: WebVisit,
        user: String
    ) throws -> HTTPResponse {
        var values: [String: TemplateValue] = [
            "id": .string(id), "documentId": .string(document.documentID),
            "kind": .string(kindName(document.kind, visit)),
            "issuedOn": .string(HanoiTime.date(document.issuedAt)), "reasonCode": .string(reasonCode.rawValue),
            "reasonCodeText": .string(text("revocation-\(reasonCode.rawValue)", visit)), "grounds": .string(grounds),
        ]
        if let holder { values["holder"] = .string(holder) }
        if let json = try store.documentRecordJSON(id: document.documentID),
            let record = try? JSONValue(parsing: Array(json.utf8)),
            case .string(let number)? = record.objectValue?["number"]
        {
            values["number"] = .string(number)
        }
        return page(
            visit, "officer-revoke-confirm", title: text("queue-revoke-confirm-title", visit), values, user: user,
            section: "officer")
    }

    /// `POST /officer/requests/{id}/revoke-confirm`: the confirmed revocation. The fields are checked again (a
    /// hand-made post gets the request page with its errors), and the document must still be the one confirmed.
    func confirmRevocation(_ fields: FormFields, _ context: RequestContext, _ visit: WebVisit, staff: StaffPrincipal)
        async throws -> HTTPResponse
    {
        let (_, id, _) = try await authorizedPost(.revoke, context, staff: staff)
        let back = "/officer/requests/\(id)"
        let code = fields["revoke.reasonCode"].flatMap(RevocationReason.init(selectable:))
        let grounds = (fields["revoke.reason"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard let code, !grounds.isEmpty else {
            var errors: [String: String] = [:]
            if code == nil { errors["revoke.reasonCode"] = text("field-revocation-code-required", visit) }
            if grounds.isEmpty { errors["revoke.reason"] = text("field-reason-required", visit) }
            return try await officerRequest(
                context, visit, staff: staff,
                values: ["revoke.reason": grounds, "revoke.reasonCode": fields["revoke.reasonCode"] ?? ""],
                errors: errors)
        }
        guard let document = try store.documentEntry(forRequest: id), document.documentID == fields["documentId"] else {
            throw Outcome.conflict(back: back)
        }
        guard document.status == .valid else { throw Outcome.conflict(back: back) }
        var failure: RecordsError?
        do {
            _ = try await dependencies.casework.revoke(document.documentID, by: staff) {
                RevocationInput(code: code, grounds: grounds)
            }
        } catch let error as RecordsError { failure = error }
        if let failure {
            if failure.code == .concurrentModification || failure.code == .transitionRefused {
                throw Outcome.conflict(back: back)
            }
            throw failure
        }
        return redirect(back, flash: "revoked", visit)
    }
}

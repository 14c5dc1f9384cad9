import CivicSealCasework
import CivicSealCrypto
import CivicSealDocuments
import CivicSealHTTP
import CivicSealIdentity
import CivicSealJSON
import CivicSealRecords
import CivicSealWebKit
import CivicSealWorkflow
import Foundation

/// Officer pages: the department queue (due dates, overdue marked, filters, paging), a request's detail with
/// its history and the actions its state allows (claim; approve with findings, ask for information, reject; revoke).
extension WebPages {
    /// The roles that may use the officer pages: any that may read a request (officers and revokers).
    static let officerRoles: Set<StaffRole> = Casework.officerRoles
    static let queuePageSize = 50

    func registerOfficer(_ builder: inout HTTPRouter.Builder) {
        builder.add(.get, "/officer") { [self] request, _ in
            await run(request) { visit in
                redirect((try? requireOfficer(visit)) != nil ? "/officer/queue" : "/officer/sign-in")
            }
        }
        builder.get("/officer/queue") { [self] request, _ in
            await officerPage(request) { visit, staff in try await officerQueue(request, visit, staff: staff) }
        }
        builder.get("/officer/requests/{id}") { [self] request, context in
            await officerPage(request) { visit, staff in try await officerRequest(context, visit, staff: staff) }
        }
        for action in ["claim", "approve", "request-info", "reject", "revoke"] {
            builder.post("/officer/requests/{id}/\(action)") { [self] request, context in
                await officerPost(request) { visit, staff, fields in
                    try await officerAction(action, fields, context, visit, staff: staff)
                }
            }
        }
    }

    // MARK: Queue

    func departmentName(_ id: String, _ visit: WebVisit) -> String {
        let department = store.configuration.authority.department(id: id)
        return (visit.language == .vietnamese ? department?.nameVietnamese : department?.nameEnglish) ?? id
    }

    // MARK: One request

    /// `officerNames`: history entries name the officer (officers' pages); citizens see the role only, as in the API.
    func requestFacts(_ record: RequestRecord, document: DocumentEntry?, _ visit: WebVisit, officerNames: Bool = false)
        -> [String: TemplateValue]
    {
        let summary = record.summary
        var values: [String: TemplateValue] = [
            "id": .string(summary.id), "shortId": .string(String(summary.id.prefix(8))),
            "kind": .string(kindName(summary.kind, visit)),
            "state": .string(stateName(summary.state, visit)), "stateCode": .string(summary.state.rawValue),
            "received": .string(Self.date(summary.receivedOn)), "due": .string(Self.date(summary.dueDate)),
            "overdue": .bool(summary.isOverdue && summary.state.isOpen),
            "fee": .string(
                summary.feeVND == 0 ? text("fee-exempt", visit) : Self.money(summary.feeVND, visit.language)),
            "department": .string(departmentName(summary.departmentID, visit)),
            "version": .string(String(summary.version)),
            "history": .list(
                record.history.map { event in
                    var object: [String: TemplateValue] = [
                        "iso": .string(event.occurredAt.formatted(.iso8601)),
                        "when": .string(Self.dateTime(event.occurredAt)),
                        "action": .string(text("action-name-\(event.action)", visit)),
                        "actor": .string(
                            (officerNames ? event.actorName : nil) ?? text("role-\(event.actorRole.rawValue)", visit)),
                        "toState": .string(stateName(event.toState, visit)),
                    ]
                    if let reason = historyReason(event, visit) { object["reason"] = .string(reason) }
                    return .object(object)
                }),
        ]
        if let document {
            values["documentId"] = .string(document.documentID)
            values["documentStatus"] = .string(text("status-\(document.status.name)", visit))
        }
        return values
    }

    func officerRequest(
        _ context: RequestContext, _ visit: WebVisit, staff: StaffPrincipal, values typedValues: [String: String] = [:],
        errors: [String: String] = [:], step: OfficerApprovalForm.Step = .review
    ) async throws -> HTTPResponse {
        var typed = typedValues
        let actor = Self.actor(staff)
        let id = try pageRequestID(context)
        let record = try await dependencies.casework.permitted(.viewRequest, on: id, by: staff)
        let summary = record.summary
        let document =
            summary.state == .issued || summary.state == .revoked ? try store.documentEntry(forRequest: id) : nil
        var values = requestFacts(record, document: document, visit, officerNames: true)
        let text: (String) -> String = { self.text($0, visit) }
        let may = { (action: StaffAction) in dependencies.casework.grants(staff, action, on: summary.kind) }
        var particulars: [(String, String?)] = []
        if let subject = record.subject {
            particulars += [
                ("field-full-name", subject.fullName), ("field-personal-id", subject.personalID.digits),
                ("field-birth-date", Self.date(subject.birthDate)), ("field-sex", text("sex-\(subject.sex.rawValue)")),
            ]
        }
        let submission = record.submission
        if let p = submission.particulars {
            particulars += [
                ("field-birth-place", p.birthPlace), ("field-ethnicity", p.ethnicity),
                // The country's name in the page's language (the stored ISO code when the list lacks it).
                (
                    "officer-nationality",
                    p.nationality.map { code in
                        Country.named(code).map { visit.language == .english ? $0.english : $0.vietnamese } ?? code
                    }
                ),
                ("field-permanent-residence", p.permanentResidence?.line),
                ("field-current-residence", p.currentResidence?.line),
                ("field-father", p.fatherName), ("field-mother", p.motherName), ("field-spouse", p.spouseName),
            ]
        }
        particulars += [("field-phone", submission.contact.phone), ("field-email", submission.contact.email)]
        func facts(_ pairs: [(String, String?)]) -> TemplateValue {
            .list(
                pairs.compactMap { label, value in
                    value.map { .object(["label": .string(text(label)), "value": .string($0)]) }
                })
        }
        values["particulars"] = facts(particulars)
        values["asked"] = facts(Self.askedFacts(submission, text))
        let residence = submission.residenceHistory ?? []
        values["hasResidence"] = .bool(!residence.isEmpty)
        values["residence"] = .list(
            residence.map { period in
                .object([
                    "from": .string(Self.pageDate(period.from)), "to": .string(period.to.map(Self.pageDate) ?? "…"),
                    "address": .string(period.address),
                    "occupation": .string(period.occupation),
                ])
            })
        // After approval: what was certified, read-only, beside the issued document.
        if let json = record.findingsJSON, let value = try? JSONValue(parsing: Array(json.utf8)),
            let certified = try? ApprovalFindings.decode(
                value, kind: summary.kind, certificateType: OfficerApprovalForm(submission).certificateType,
                requestedSections: OfficerApprovalForm(submission).extractSections, today: nil)
        {
            values["certified"] = .object(CertifiedFindings.values(certified, submission: submission, text: text))
        }
        values["canClaim"] = .bool(summary.state == .submitted && may(.claim))
        let canDecide = summary.state == .inReview && summary.assigneeID == actor.id && may(.approve)
        values["canDecide"] = .bool(canDecide)
        // The error summary: each message, in the page's order, linking to its field (app.js moves focus to it).
        var errorList: [TemplateValue] = []
        var shown: Set<String> = []
        func field(_ field: FormField, prefix: String? = nil) -> TemplateValue {
            if let message = errors[field.name] {
                shown.insert(field.name)
                let label = prefix.map { "\($0) – \(text(field.labelKey))" } ?? text(field.labelKey)
                errorList.append(
                    .object(["id": .string(field.id), "label": .string(label), "message": .string(message)]))
            }
            return field.value(text, value: typed[field.name], error: errors[field.name])
        }
        if canDecide {
            let form = OfficerApprovalForm(submission)
            if typed.isEmpty { typed = form.initialValues() }
            var lists: [String: [TemplateValue]] = ["convictions": [], "bans": [], "findings": [], "results": []]
            for group in form.groups(typed: typed, step: step, english: visit.language == .english, text: text) {
                var object: [String: TemplateValue] = [
                    "legend": .string(group.legend),
                    "fields": .list(group.fields.map { field($0, prefix: group.legend) }),
                ]
                if let note = group.note { object["note"] = .string(note) }
                lists[group.list, default: []].append(.object(object))
            }
            values["convictionFieldsets"] = .list(lists["convictions"] ?? [])
            values["banFieldsets"] = .list(lists["bans"] ?? [])
            values["findingsFieldsets"] = .list(lists["findings"] ?? [])
            values["resultFieldsets"] = .list(lists["results"] ?? [])
            values["canAddResult"] = .bool(
                form.kind == .healthCertificate && form.canAdd("results", typed: typed, step: step))
            values["rowCounts"] = .list(
                form.rowCounts(typed: typed, step: step).map { name, count in
                    .object(["name": .string(name), "value": .string(count)])
                })
            values["canAddConviction"] = .bool(
                form.kind == .criminalRecord && form.canAdd("convictions", typed: typed, step: step))
            values["canAddBan"] = .bool(
                form.kind == .criminalRecord && form.statesBans && form.canAdd("bans", typed: typed, step: step))
            if form.kind == .criminalRecord && !form.statesBans {
                values["bansNotAsked"] = .string(text("officer-bans-not-asked"))
            }
            values["infoFields"] = .list([field(Self.reasonField("info.reason", hintKey: "field-reason-info-hint"))])
            values["rejectFields"] = .list([field(Self.reasonField("reject.reason"))])
        }
        values["complexity"] = complexitySection(
            record, staff: staff, actor: actor, typed: typed, errors: errors, visit)
        let canRevoke = (document.map { $0.status == .valid } ?? false) && may(.revoke)
        values["canRevoke"] = .bool(canRevoke)
        if canRevoke {
            values["revokeFields"] = .list([field(Self.revocationCodeField), field(Self.reasonField("revoke.reason"))])
        }
        for (name, message) in errors.sorted(by: { $0.key < $1.key }) where !shown.contains(name) {
            errorList.append(
                .object([
                    "id": .string(canDecide ? "approve" : "request-facts"), "label": .string(text("officer-form")),
                    "message": .string(message),
                ]))
        }
        values["hasErrors"] = .bool(!errorList.isEmpty)
        values["errors"] = .list(errorList)
        return page(
            visit, "officer-request", title: "\(text("request-title")) \(summary.id.prefix(8))", values,
            user: staff.name, section: "officer")
    }

    /// A stored `YYYY-MM-DD` as the pages show dates (`dd/MM/yyyy`); anything else as it was stored.
    static func pageDate(_ iso: String) -> String { CalendarDate(iso).map(date) ?? iso }

    /// What the citizen asked for, as the officer must act on it: the form and purpose, whether bans are to be
    /// stated, the health certificate's type and purpose, the extract's sections and period, copies and delivery.
    static func askedFacts(_ submission: RequestSubmission, _ text: (String) -> String) -> [(String, String?)] {
        var facts: [(String, String?)] = []
        switch submission.request {
        case .criminalRecord(let details):
            facts += [("field-form", text("form-\(details.form.rawValue)")), ("field-purpose", details.purpose)]
            let bans =
                details.form == .form2
                ? "officer-bans-form-2"
                : details.effectiveStatesBans ? "officer-bans-asked" : "officer-bans-not-asked-short"
            facts.append(("officer-bans-statement", text(bans)))
            if details.expungementToVerify == true {
                facts.append(("officer-expungement", text("officer-expungement-declared")))
            }
        case .healthCertificate(let details):
            facts.append(("field-certificate-type", text("certificate-\(details.certificateType)")))
            if let licenceClass = details.licenceClass {
                facts.append(("officer-licence-class-requested", licenceClass))
            }
            facts.append(("field-purpose", details.purpose ?? text("officer-not-stated")))
        case .healthBookExtract(let details):
            facts += [
                ("field-sections", details.sections.map { text("section-\($0.rawValue)") }.joined(separator: ", ")),
                (
                    "officer-period",
                    details.from == nil && details.to == nil
                        ? text("officer-period-all")
                        : "\(details.from.map(pageDate) ?? "…") – \(details.to.map(pageDate) ?? "…")"
                ),
                ("field-purpose", details.purpose ?? text("officer-not-stated")),
            ]
        }
        facts.append(("field-copies", String(submission.copies)))
        facts.append(("field-delivery", text("delivery-\(submission.delivery.method.rawValue)")))
        if let address = submission.delivery.postalAddress { facts.append(("field-postal-address", address.line)) }
        return facts
    }

    /// The public reason of a revocation, from the fixed list (the grounds below it stay internal).
    static let revocationCodeField = FormField(
        name: "revoke.reasonCode", labelKey: "field-revocation-code",
        control: .select(
            [("", "choose")] + RevocationReason.selectable.map { ($0.rawValue, "revocation-\($0.rawValue)") }),
        required: true,
        hintKey: "field-revocation-code-hint")

    /// The reason an officer gives for asking for information, rejecting or revoking.
    static func reasonField(_ name: String, hintKey: String? = nil) -> FormField {
        FormField(
            name: name, labelKey: "field-reason", control: .textarea, required: true, hintKey: hintKey, maxLength: 2000)
    }

    func pageRequestID(_ context: RequestContext) throws -> String {
        guard let id = context.parameter("id"), Casework.isRequestID(id) else { throw Outcome.notFound }
        return id
    }

    /// The findings groups of the kinds without rows: the extract states exactly the sections asked for.
    static func findingsSections(for kind: RequestKind) -> [FormSection] {
        kind == .healthBookExtract
            ? [FormSection(legendKey: "findings-extract", noteKey: "findings-extract-note", fields: [])] : []
    }

    // MARK: Actions

    func officerAction(
        _ action: String, _ fields: FormFields, _ context: RequestContext, _ visit: WebVisit, staff: StaffPrincipal
    ) async throws -> HTTPResponse {
        let actor = Self.actor(staff)
        let id = try pageRequestID(context)
        let back = "/officer/requests/\(id)"
        let actions: [String: StaffAction] = [
            "claim": .claim, "approve": .approve, "request-info": .requestInfo, "reject": .reject, "revoke": .revoke,
        ]
        guard let staffAction = actions[action] else { throw Outcome.notFound }
        // The casework's policy, before the form's fields are read: an action the roles never grant is 403, another
        // department's request not found, a kind the roles do not cover 403.
        _ = try await dependencies.casework.permitted(staffAction, on: id, by: staff)
        let version = fields["version"].flatMap(Int.init)
        let now = now()
        func reason(_ name: String) -> String? {
            guard let text = fields[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else {
                return nil
            }
            return text
        }
        /// The request's page again with what was typed and each message (`messages.json` key) next to its field.
        func redisplay(_ errors: [String: String], _ step: OfficerApprovalForm.Step) async throws -> HTTPResponse {
            try await officerRequest(
                context, visit, staff: staff, values: Self.typedValues(fields),
                errors: errors.mapValues { text($0, visit) }, step: step)
        }
        do {
            switch action {
            case "claim":
                _ = try await dependencies.casework.claim(id, by: staff)
                return redirect(back, flash: "claimed", visit)
            case "approve":
                return try await approve(
                    fields, context, visit, staff: staff, actor: actor, version: version, redisplay: redisplay)
            case "request-info":
                guard let text = reason("info.reason") else {
                    return try await redisplay(["info.reason": "field-reason-required"], .review)
                }
                _ = try await dependencies.casework.decide(
                    id, .requestInfo(reason: text), expectedVersion: version, by: staff)
                return redirect(back, flash: "info-requested", visit)
            case "reject":
                guard let text = reason("reject.reason") else {
                    return try await redisplay(["reject.reason": "field-reason-required"], .review)
                }
                _ = try await dependencies.casework.decide(
                    id, .reject(reason: text), expectedVersion: version, by: staff)
                return redirect(back, flash: "rejected", visit)
            case "revoke":
                var problems: [String: String] = [:]
                let code = fields["revoke.reasonCode"].flatMap(RevocationReason.init(selectable:))
                if code == nil { problems["revoke.reasonCode"] = "field-revocation-code-required" }
                let text = reason("revoke.reason")
                if text == nil { problems["revoke.reason"] = "field-reason-required" }
                guard let code, let text else { return try await redisplay(problems, .review) }
                guard let document = try store.documentEntry(forRequest: id) else { throw Outcome.notFound }
                // Nothing is revoked here: the confirmation page restates it (WebPages+OfficerSteps.swift).
                let holder = try await store.request(id, by: actor, now: now).subject?.fullName
                return try revocationConfirmation(
                    id: id, document: document, reasonCode: code, grounds: text, holder: holder, visit, user: staff.name
                )
            default:
                throw Outcome.notFound
            }
        } catch let error as RecordsError
            where error.code == .concurrentModification || error.code == .transitionRefused
        {
            throw Outcome.conflict(back: back)
        }
    }

    /// What the officer typed, to show again (never the CSRF token or the step).
    static func typedValues(_ fields: FormFields) -> [String: String] {
        var typed: [String: String] = [:]
        for field in fields.names where field != "csrf" && field != "step" { typed[field] = fields[field] }
        return typed
    }

    /// The approve form's steps: add a row or edit (the form again, as typed), review (the findings checked, then
    /// what the document will state and any contradiction with an earlier certificate) and confirm (checked again,
    /// then approved and sealed). Nothing is approved before "confirm".
    func approve(
        _ fields: FormFields, _ context: RequestContext, _ visit: WebVisit,
        staff: StaffPrincipal, actor: Participant,
        version: Int?, redisplay: ([String: String], OfficerApprovalForm.Step) async throws -> HTTPResponse
    ) async throws -> HTTPResponse {
        let id = try pageRequestID(context)
        let now = now()
        let step = fields["step"].flatMap(OfficerApprovalForm.Step.init(rawValue:)) ?? .review
        let record = try await store.request(id, by: actor, now: now)
        // Only the assignee of a request in review may decide (the store refuses anyone else too).
        guard record.summary.state == .inReview, record.summary.assigneeID == actor.id else {
            throw Outcome.conflict(back: "/officer/requests/\(id)")
        }
        let form = OfficerApprovalForm(record.submission)
        let typed = Self.typedValues(fields)
        switch step {
        case .addConviction, .addBan, .addResult, .edit: return try await redisplay([:], step)
        case .review, .confirm: break
        }
        let (json, errors) = form.findings(typed)
        guard let json else { return try await redisplay(errors, .review) }
        let approved: ApprovalFindings
        do {
            approved = try dependencies.casework.previewApproval(json, of: record)
        } catch {
            return try await redisplay(form.pageErrors(error, typed: typed), .review)
        }
        let contradictions = try await self.contradictions(approved, record: record, visit)
        if step == .review || (!contradictions.isEmpty && fields["acknowledge"] != "yes") {
            return reviewPage(
                record, approved, typed: typed, contradictions: contradictions, staff: staff, visit,
                acknowledgeMissing: step == .confirm)
        }
        // One use case: approve, then issue (the sweeper retries if issuing fails or the process dies).
        let summary = try await dependencies.casework.decide(
            id, .approve(findings: json), expectedVersion: version, by: staff)
        let issued = summary.state == .issued
        return redirect("/officer/requests/\(id)", flash: issued ? "approved" : "approved-pending", visit)
    }

    /// The review step: what the document will state, as it words it, with the typed values carried in hidden
    /// fields for "Confirm and seal" and "Edit"; contradictions with earlier certificates must be acknowledged.
    func reviewPage(
        _ record: RequestRecord, _ findings: ApprovalFindings, typed: [String: String], contradictions: [TemplateValue],
        staff: StaffPrincipal, _ visit: WebVisit, acknowledgeMissing: Bool
    ) -> HTTPResponse {
        let text: (String) -> String = { self.text($0, visit) }
        let summary = record.summary
        var subject: [(String, String)] = []
        if let person = record.subject {
            subject = [
                ("field-full-name", person.fullName), ("field-personal-id", person.personalID.digits),
                ("field-birth-date", Self.date(person.birthDate)),
            ]
        }
        var values: [String: TemplateValue] = [
            "id": .string(summary.id), "shortId": .string(String(summary.id.prefix(8))),
            "kind": .string(kindName(summary.kind, visit)),
            "subject": .list(subject.map { .object(["label": .string(text($0.0)), "value": .string($0.1)]) }),
            "certified": .object(CertifiedFindings.values(findings, submission: record.submission, text: text)),
            "hidden": .list(
                typed.sorted { $0.key < $1.key }.filter { $0.key != "acknowledge" }.map { name, value in
                    .object(["name": .string(name), "value": .string(value)])
                }),
            "hasContradictions": .bool(!contradictions.isEmpty), "contradictions": .list(contradictions),
        ]
        if acknowledgeMissing {
            let message = text("officer-contradiction-acknowledge-required")
            values["acknowledgeError"] = .string(message)
            values["hasErrors"] = true
            values["errors"] = .list([
                .object([
                    "id": "f-acknowledge", "label": .string(text("officer-contradiction-acknowledge")),
                    "message": .string(message),
                ])
            ])
        }
        return page(
            visit, "officer-review", title: "\(text("officer-review-title")) \(summary.id.prefix(8))", values,
            user: staff.name, section: "officer")
    }
}

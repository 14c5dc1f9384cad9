import CivicSealCrypto
import CivicSealDocuments
import CivicSealHTTP
import CivicSealIdentity
import CivicSealJSON
import CivicSealRecords
import CivicSealWeb
import CivicSealWorkflow
import Foundation

/// Officer pages: sign-in, the department queue (due dates, overdue marked, filters, paging), a request's detail with
/// its history and the actions its state allows (claim; approve with findings, ask for information, reject; revoke).
extension WebPages {
    /// The roles that may use the officer pages: any that may read a request (officers and revokers).
    static let officerRoles: Set<StaffRole> = AuthorizationPolicy.standard.roles(for: .viewRequest)
    static let queuePageSize = 50

    func registerOfficer(_ builder: inout HTTPRouter.Builder) {
        builder.add(.get, "/officer") { [self] request, _ in
            run(request) { visit in redirect((try? officer(request, visit)) != nil ? "/officer/queue" : "/officer/sign-in") }
        }
        builder.add(.get, "/officer/sign-in") { [self] request, _ in run(request) { visit in signInPage(visit, audience: .officer) } }
        builder.add(.post, "/officer/sign-in") { [self] request, _ in run(request) { visit in try signIn(request, visit, audience: .officer) } }
        builder.get("/officer/queue") { [self] request, _ in await runAsync(request) { visit in try await officerQueue(request, visit) } }
        builder.get("/officer/requests/{id}") { [self] request, context in
            await runAsync(request) { visit in try await officerRequest(context, visit, request: request) }
        }
        for action in ["claim", "approve", "request-info", "reject", "revoke"] {
            builder.post("/officer/requests/{id}/\(action)") { [self] request, context in
                await runAsync(request) { visit in try await officerAction(action, request, context, visit) }
            }
        }
    }

    // MARK: Signing in

    enum Audience { case citizen, officer }

    func signInPage(_ visit: WebVisit, audience: Audience, error: String? = nil) -> HTTPResponse {
        if let notice = otherAudienceNotice(visit, audience: audience) { return notice }
        let officer = audience == .officer
        var values: [String: TemplateValue] = [
            "heading": .string(text(officer ? "sign-in-officer" : "sign-in-citizen", visit)),
            "action": .string(officer ? "/officer/sign-in" : "/citizen/sign-in"),
            "hint": .string(text(officer ? "sign-in-officer-hint" : "sign-in-citizen-hint", visit)),
        ]
        if let error { values["error"] = .string(error) }
        return page(visit, "sign-in", title: text(officer ? "sign-in-officer" : "sign-in-citizen", visit), values,
                    section: officer ? "officer" : "citizen")
    }

    /// Checks the pasted token like the API would, then starts a fresh session (new id and CSRF token: whatever id the
    /// visitor had before signing in is worthless afterwards). The token is never written back into the page.
    func signIn(_ request: HTTPRequest, _ visit: WebVisit, audience: Audience) throws -> HTTPResponse {
        let fields = try form(request, visit)
        let token = (fields["token"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else { return signInPage(visit, audience: audience, error: text("sign-in-missing", visit)) }
        let principal: Principal
        do { principal = try api.verifier.verify(authorizationFields: ["Bearer \(token)"]) } catch {
            return signInPage(visit, audience: audience, error: text("sign-in-refused", visit))
        }
        let signedIn: WebSession.SignedIn
        switch (audience, principal) {
        case (.citizen, .citizen): signedIn = .citizen(token: token)
        case (.officer, .staff(let staff)) where !staff.roles.isDisjoint(with: Self.officerRoles): signedIn = .officer(token: token)
        case (.citizen, _): return signInPage(visit, audience: audience, error: text("sign-in-wrong-role-citizen", visit))
        case (.officer, _): return signInPage(visit, audience: audience, error: text("sign-in-wrong-role-officer", visit))
        }
        // A new session: new id, new CSRF token; a session the visitor had before (another sign-in) is ended. At most
        // `sessionsPerPrincipal` per person (their own oldest goes); a full store refuses rather than evict anyone.
        if let previous = visit.session { site.sessions.remove(previous.id) }
        let session: Session<WebSession>
        do {
            session = try site.sessions.create(
                WebSession(signedIn: signedIn, flash: "signed-in"), owner: Self.sessionOwner(principal))
        } catch {
            throw Outcome.sessionsFull
        }
        var response = redirect(audience == .officer ? "/officer/queue" : "/citizen")
        response.headers.add(name: "Set-Cookie", value: site.setCookie(session: session.id))
        return response
    }

    /// Whose session a sign-in starts, for the per-person bound: the token's issuer and subject.
    static func sessionOwner(_ principal: Principal) -> String {
        "\(principal.kind.rawValue):\(principal.token.issuer) \(principal.token.subject)"
    }

    /// The signed-in officer: from the session's token, or — behind a trusted proxy — the request's bearer token.
    /// Anyone else is sent to the sign-in page.
    func officer(_ request: HTTPRequest, _ visit: WebVisit) throws -> (StaffPrincipal, Actor) {
        var fields: [String] = []
        if site.configuration.trustProxyBearer, !request.headers.values(for: "Authorization").isEmpty {
            fields = request.headers.values(for: "Authorization")
        } else if let session = visit.session, case .officer(let token) = session.payload.signedIn {
            fields = ["Bearer \(token)"]
        }
        guard !fields.isEmpty, let staff = try? api.verifier.verify(authorizationFields: fields).requireStaff(anyOf: Self.officerRoles) else {
            // An officer session whose token no longer verifies (expired) is over; a citizen's session is left alone.
            if let session = visit.session, case .officer = session.payload.signedIn { site.sessions.remove(session.id) }
            throw Outcome.redirect("/officer/sign-in")
        }
        return (staff, Actor.officer(staff.token.subject, department: staff.department, name: staff.name))
    }

    /// ``AuthorizationPolicy`` for the pages: another department's request is the not-found page, anything else
    /// the roles do not allow the forbidden page (403).
    func authorize(_ staff: StaffPrincipal, _ action: StaffAction, _ summary: RequestSummary) throws {
        try api.policy.require(staff, action, kind: summary.kind, department: summary.departmentID) { Outcome.notFound }
    }

    // MARK: Queue

    func departmentName(_ id: String, _ visit: WebVisit) -> String {
        let department = store.configuration.authority.department(id: id)
        return (visit.language == .vietnamese ? department?.nameVietnamese : department?.nameEnglish) ?? id
    }

    // MARK: One request

    /// `officerNames`: history entries name the officer (officers' pages); citizens see the role only, as in the API.
    func requestFacts(_ record: RequestRecord, document: DocumentEntry?, _ visit: WebVisit, officerNames: Bool = false) -> [String: TemplateValue] {
        let summary = record.summary
        var values: [String: TemplateValue] = [
            "id": .string(summary.id), "shortId": .string(String(summary.id.prefix(8))), "kind": .string(kindName(summary.kind, visit)),
            "state": .string(stateName(summary.state, visit)), "stateCode": .string(summary.state.rawValue),
            "received": .string(Self.date(summary.receivedOn)), "due": .string(Self.date(summary.dueDate)),
            "overdue": .bool(summary.isOverdue && summary.state.isOpen),
            "fee": .string(summary.feeVND == 0 ? text("fee-exempt", visit) : Self.money(summary.feeVND, visit.language)),
            "department": .string(departmentName(summary.departmentID, visit)), "version": .string(String(summary.version)),
            "history": .list(record.history.map { event in
                var object: [String: TemplateValue] = [
                    "iso": .string(event.occurredAt.formatted(.iso8601)), "when": .string(Self.dateTime(event.occurredAt)),
                    "action": .string(text("action-name-\(event.action)", visit)),
                    "actor": .string((officerNames ? event.actorName : nil) ?? text("role-\(event.actorRole.rawValue)", visit)),
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
        _ context: RequestContext, _ visit: WebVisit, request: HTTPRequest, values typed: [String: String] = [:],
        errors: [String: String] = [:]
    ) async throws -> HTTPResponse {
        let (staff, actor) = try officer(request, visit)
        let id = try pageRequestID(context)
        let record = try await store.request(id, by: actor, now: now())
        let summary = record.summary
        try authorize(staff, .viewRequest, summary)
        let document = summary.state == .issued || summary.state == .revoked ? try store.documentEntry(forRequest: id) : nil
        var values = requestFacts(record, document: document, visit, officerNames: true)
        let text: (String) -> String = { self.text($0, visit) }
        let may = { (action: StaffAction) in api.policy.grants(staff.roles, action, on: summary.kind) }
        var particulars: [(String, String?)] = []
        if let subject = record.subject {
            particulars += [
                ("field-full-name", subject.fullName), ("field-personal-id", subject.personalID.digits),
                ("field-birth-date", Self.date(subject.birthDate)), ("field-sex", text("sex-\(subject.sex.rawValue)")),
            ]
        }
        let submission = record.submission
        if case .criminalRecord(let details) = submission.request {
            particulars += [("field-form", text("form-\(details.form.rawValue)")), ("field-purpose", details.purpose)]
        }
        if let p = submission.particulars {
            particulars += [
                ("field-birth-place", p.birthPlace), ("field-ethnicity", p.ethnicity), ("field-nationality", p.nationality),
                ("field-permanent-residence", p.permanentResidence?.line), ("field-current-residence", p.currentResidence?.line),
                ("field-father", p.fatherName), ("field-mother", p.motherName), ("field-spouse", p.spouseName),
            ]
        }
        particulars += [("field-phone", submission.contact.phone), ("field-email", submission.contact.email), ("field-copies", String(submission.copies))]
        values["particulars"] = .list(particulars.compactMap { label, value in
            value.map { .object(["label": .string(text(label)), "value": .string($0)]) }
        })
        let residence = submission.residenceHistory ?? []
        values["hasResidence"] = .bool(!residence.isEmpty)
        values["residence"] = .list(residence.map { period in
            .object([
                "from": .string(period.from), "to": .string(period.to ?? "…"), "address": .string(period.address),
                "occupation": .string(period.occupation),
            ])
        })
        values["canClaim"] = .bool(summary.state == .submitted && may(.claim))
        let canDecide = summary.state == .inReview && summary.assigneeID == actor.id && may(.approve)
        values["canDecide"] = .bool(canDecide)
        if canDecide {
            values["findingsFieldsets"] = .list(
                Self.findingsSections(for: summary.kind).map { $0.value(text, values: typed, errors: errors) })
            values["infoFields"] = .list([
                Self.reasonField("info.reason", hintKey: "field-reason-info-hint").value(text, value: typed["info.reason"], error: errors["info.reason"]),
            ])
            values["rejectFields"] = .list([
                Self.reasonField("reject.reason").value(text, value: typed["reject.reason"], error: errors["reject.reason"]),
            ])
        }
        values["complexity"] = complexitySection(record, staff: staff, actor: actor, typed: typed, errors: errors, visit)
        let canRevoke = (document.map { $0.status == .valid } ?? false) && may(.revoke)
        values["canRevoke"] = .bool(canRevoke)
        if canRevoke {
            values["revokeFields"] = .list([
                Self.revocationCodeField.value(text, value: typed["revoke.reasonCode"], error: errors["revoke.reasonCode"]),
                Self.reasonField("revoke.reason").value(text, value: typed["revoke.reason"], error: errors["revoke.reason"]),
            ])
        }
        return page(visit, "officer-request", title: "\(text("request-title")) \(summary.id.prefix(8))", values, user: staff.name, section: "officer")
    }

    /// The public reason of a revocation, from the fixed list (the grounds below it stay internal).
    static let revocationCodeField = FormField(
        name: "revoke.reasonCode", labelKey: "field-revocation-code",
        control: .select([("", "choose")] + RevocationReason.selectable.map { ($0.rawValue, "revocation-\($0.rawValue)") }), required: true,
        hintKey: "field-revocation-code-hint")

    /// The reason an officer gives for asking for information, rejecting or revoking.
    static func reasonField(_ name: String, hintKey: String? = nil) -> FormField {
        FormField(name: name, labelKey: "field-reason", control: .textarea, required: true, hintKey: hintKey, maxLength: 2000)
    }

    func pageRequestID(_ context: RequestContext) throws -> String {
        guard let id = context.parameter("id"), RequestStore.isRequestID(id) else { throw Outcome.notFound }
        return id
    }

    /// The page's conviction fields (one conviction per page approval; the API takes a list) and ban fields.
    static let convictionFields = [
        "judgmentDate", "judgmentNumber", "court", "crime", "articles", "mainPenalty", "additionalPenalties", "executionStatus", "expunged",
    ]
    static let banFields = ["description", "judgment", "court", "duration"]
    static let healthTextFields = ["licenceClass", "examinedOn", "validityMonths", "drugTest", "conclusion", "doctor"]

    /// The findings an approval states, per kind: every fact the document prints, none pre-filled.
    static func findingsSections(for kind: RequestKind) -> [FormSection] {
        switch kind {
        case .criminalRecord:
            [
                FormSection(legendKey: "findings-criminal", noteKey: "findings-criminal-note", fields: [
                    FormField(name: "findings.judgmentDate", labelKey: "findings-judgment-date", control: .date),
                    FormField(name: "findings.judgmentNumber", labelKey: "findings-judgment-number", maxLength: 100),
                    FormField(name: "findings.court", labelKey: "findings-court", maxLength: 200),
                    FormField(name: "findings.crime", labelKey: "findings-crime", maxLength: 200),
                    FormField(name: "findings.articles", labelKey: "findings-articles", maxLength: 200),
                    FormField(name: "findings.mainPenalty", labelKey: "findings-main-penalty", maxLength: 200),
                    FormField(name: "findings.additionalPenalties", labelKey: "findings-additional-penalties", hintKey: "findings-additional-penalties-hint", maxLength: 200),
                    FormField(name: "findings.executionStatus", labelKey: "findings-execution-status", maxLength: 200),
                    FormField(
                        name: "findings.expunged", labelKey: "findings-expunged",
                        control: .select([("", "findings-choose"), ("false", "findings-expunged-no"), ("true", "findings-expunged-yes")])),
                ]),
                FormSection(legendKey: "findings-ban", noteKey: "findings-ban-note", fields: [
                    FormField(name: "findings.ban.description", labelKey: "findings-ban-description", maxLength: 300),
                    FormField(name: "findings.ban.judgment", labelKey: "findings-ban-judgment", maxLength: 200),
                    FormField(name: "findings.ban.court", labelKey: "findings-court", maxLength: 200),
                    FormField(name: "findings.ban.duration", labelKey: "findings-ban-duration", maxLength: 100),
                ]),
            ]
        case .healthCertificate:
            [FormSection(legendKey: "findings-health", fields: [
                FormField(
                    name: "findings.licenceClass", labelKey: "findings-licence-class",
                    control: .select([("", "findings-choose")] + ApprovalFindings.licenceClasses.map { ($0, $0) }), required: true),
                FormField(name: "findings.examinedOn", labelKey: "findings-examined-on", control: .date, required: true),
                FormField(
                    name: "findings.validityMonths", labelKey: "findings-validity-months", control: .number, required: true,
                    hintKey: "findings-validity-months-hint", maxLength: 2, inputMode: "numeric"),
                FormField(
                    name: "findings.results", labelKey: "findings-results", control: .textarea, required: true, hintKey: "findings-results-hint",
                    maxLength: 4000),
                FormField(
                    name: "findings.drugTest", labelKey: "findings-drug-test",
                    control: .select([("", "findings-choose"), ("Âm tính / Negative", "findings-drug-negative"), ("Dương tính / Positive", "findings-drug-positive")]),
                    required: true),
                FormField(name: "findings.conclusion", labelKey: "findings-conclusion", required: true, maxLength: 500),
                FormField(name: "findings.doctor", labelKey: "findings-doctor", required: true, maxLength: 200),
            ])]
        case .healthBookExtract:
            [FormSection(legendKey: "findings-extract", noteKey: "findings-extract-note", fields: [])]
        }
    }

    /// The findings JSON (the same shape the API accepts, checked by the same typed decoder), or the fields in error.
    /// Nothing is filled in for the officer: a blank fact the document prints is refused by the decoder.
    static func findings(for kind: RequestKind, fields: FormFields, sections: [HealthBookSection]) -> (JSONValue?, [String: String]) {
        func value(_ name: String) -> String? {
            guard let text = fields[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
            return text
        }
        switch kind {
        case .criminalRecord:
            var convictions: [JSONValue] = []
            if convictionFields.contains(where: { value("findings.\($0)") != nil }) {
                var conviction: [String: JSONValue] = [:]
                for name in convictionFields {
                    guard let text = value("findings.\(name)") else { continue }
                    conviction[name] = name == "expunged" ? .bool(text == "true") : .string(text)
                }
                // "None" is a fact the officer states: an empty additional-penalty field means none was imposed.
                if conviction["additionalPenalties"] == nil { conviction["additionalPenalties"] = .string("") }
                convictions.append(.object(conviction))
            }
            var bans: [JSONValue] = []
            if banFields.contains(where: { value("findings.ban.\($0)") != nil }) {
                var ban: [String: JSONValue] = [:]
                for name in banFields { if let text = value("findings.ban.\(name)") { ban[name] = .string(text) } }
                bans.append(.object(ban))
            }
            return (.object(["convictions": .array(convictions), "bans": .array(bans)]), [:])
        case .healthCertificate:
            var errors: [String: String] = [:]
            var results: [JSONValue] = []
            for line in (value("findings.results") ?? "").split(whereSeparator: \.isNewline) {
                let parts = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
                guard parts.contains(where: { !$0.isEmpty }) else { continue }
                guard parts.count == 4, !parts.contains(where: \.isEmpty) else {
                    errors["findings.results"] = "findings-results-line"
                    continue
                }
                results.append(.object([
                    "specialtyVietnamese": .string(parts[0]), "specialtyEnglish": .string(parts[1]), "finding": .string(parts[2]),
                    "assessment": .string(parts[3]),
                ]))
            }
            guard errors.isEmpty else { return (nil, errors) }
            var object: [String: JSONValue] = ["results": .array(results)]
            for name in healthTextFields {
                guard let text = value("findings.\(name)") else { continue }
                if name == "validityMonths" {
                    guard let months = Int64(text) else { return (nil, ["findings.validityMonths": "findings-validity-invalid"]) }
                    object[name] = .number(String(months))
                } else {
                    object[name] = .string(text)
                }
            }
            return (.object(object), [:])
        case .healthBookExtract:
            return (.object(["sections": .array(sections.map { .string($0.rawValue) })]), [:])
        }
    }

    /// The page field and `messages.json` key for each refused findings or request fact (API paths such as
    /// `findings.convictions[0].crime` are the page's `findings.crime`; bans are `findings.ban.*`).
    static func pageErrors(_ failure: ValidationFailure) -> [String: String] {
        var errors: [String: String] = [:]
        for issue in failure.issues {
            var field = issue.field
            if field.hasPrefix("findings.convictions[") { field = "findings." + field.split(separator: ".").dropFirst(2).joined(separator: ".") }
            if field.hasPrefix("findings.bans[") { field = "findings.ban." + field.split(separator: ".").dropFirst(2).joined(separator: ".") }
            if field.hasPrefix("findings.results[") { field = "findings.results" }
            if field == "findings.convictions" || field == "findings.bans" || field == "findings" { field = "findings.crime" }
            let key: String
            switch issue.code {
            case .findingsRequired: key = "findings-required"
            case .dateInFuture: key = "findings-date-future"
            case .dateInvalid: key = "findings-date-invalid"
            case .findingsExpired: key = "findings-expired"
            case .textBidiControl, .textControlCharacters: key = "findings-text-invalid"
            case .holderFactMissing: key = "findings-holder-missing"
            default: key = "findings-invalid"
            }
            if field.hasPrefix("particulars.") { field = "info.reason" }
            if errors[field] == nil { errors[field] = key }
        }
        return errors
    }

    // MARK: Actions

    func officerAction(_ action: String, _ request: HTTPRequest, _ context: RequestContext, _ visit: WebVisit) async throws -> HTTPResponse {
        let fields = try form(request, visit)
        let (staff, actor) = try officer(request, visit)
        let id = try pageRequestID(context)
        let back = "/officer/requests/\(id)"
        let actions: [String: StaffAction] = [
            "claim": .claim, "approve": .approve, "request-info": .requestInfo, "reject": .reject, "revoke": .revoke,
        ]
        guard let staffAction = actions[action] else { throw Outcome.notFound }
        // The one policy, in the API's order: an action the roles never grant is 403 before anything is read; then
        // another department's request is not found, and a kind the roles do not cover 403.
        try api.policy.requireAny(staff, staffAction)
        try authorize(staff, staffAction, try await store.request(id, by: actor, now: now()).summary)
        let version = fields["version"].flatMap(Int.init)
        let now = now()
        func reason(_ name: String) -> String? {
            guard let text = fields[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
            return text
        }
        /// The request's page again with what was typed and each message (`messages.json` key) next to its field.
        func redisplay(_ errors: [String: String]) async throws -> HTTPResponse {
            var typed: [String: String] = [:]
            for field in fields.names where field != "csrf" { typed[field] = fields[field] }
            return try await officerRequest(context, visit, request: request, values: typed, errors: errors.mapValues { text($0, visit) })
        }
        do {
            switch action {
            case "claim":
                _ = try await store.claim(id, by: actor, now: now)
                return redirect(back, flash: "claimed", visit)
            case "approve":
                let record = try await store.request(id, by: actor, now: now)
                var sections: [HealthBookSection] = []
                if case .healthBookExtract(let details) = record.submission.request { sections = details.sections }
                let (findings, errors) = Self.findings(for: record.summary.kind, fields: fields, sections: sections)
                guard let findings else { return try await redisplay(errors) }
                let approved: ApprovalFindings
                do {
                    approved = try FindingsShape.check(findings, for: record.summary.kind, submission: record.submission, today: CalendarDate(now))
                } catch {
                    return try await redisplay(Self.pageErrors(error))
                }
                _ = try await store.decide(
                    id, .approve(findingsJSON: approved.canonicalJSON.serialized()), by: actor, officerName: staff.name, expectedVersion: version,
                    now: now)
                // The approval has committed; issue now (the sweeper retries if this fails or the process dies).
                var issued = await api.issuer?.issueDocument(forRequest: id) != nil
                if !issued {  // the sweeper may have issued it in between
                    issued = try await store.request(id, by: actor, now: now).summary.state == .issued
                }
                return redirect(back, flash: issued ? "approved" : "approved-pending", visit)
            case "request-info":
                guard let text = reason("info.reason") else { return try await redisplay(["info.reason": "field-reason-required"]) }
                _ = try await store.decide(id, .requestInfo(reason: text), by: actor, expectedVersion: version, now: now)
                return redirect(back, flash: "info-requested", visit)
            case "reject":
                guard let text = reason("reject.reason") else { return try await redisplay(["reject.reason": "field-reason-required"]) }
                _ = try await store.decide(id, .reject(reason: text), by: actor, expectedVersion: version, now: now)
                return redirect(back, flash: "rejected", visit)
            case "revoke":
                var problems: [String: String] = [:]
                let code = fields["revoke.reasonCode"].flatMap(RevocationReason.init(selectable:))
                if code == nil { problems["revoke.reasonCode"] = "field-revocation-code-required" }
                let text = reason("revoke.reason")
                if text == nil { problems["revoke.reason"] = "field-reason-required" }
                guard let code, let text else { return try await redisplay(problems) }
                guard let document = try store.documentEntry(forRequest: id) else { throw Outcome.notFound }
                // Nothing is revoked here: the confirmation page restates it (WebPages+OfficerSteps.swift).
                let holder = try await store.request(id, by: actor, now: now).subject?.fullName
                return try revocationConfirmation(
                    id: id, document: document, reasonCode: code, grounds: text, holder: holder, visit, user: staff.name)
            default:
                throw Outcome.notFound
            }
        } catch let error as RecordsError where error.code == .concurrentModification || error.code == .transitionRefused {
            throw Outcome.conflict(back: back)
        }
    }
}

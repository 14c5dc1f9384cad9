import CivicSealCasework
import CivicSealCrypto
import CivicSealHTTP
import CivicSealIdentity
import CivicSealRecords
import CivicSealWebKit
import CivicSealWorkflow
import Foundation

/// Citizen pages: own requests, a new request (field-level messages, what was typed kept), a request's
/// status, history and due date, answering a request for information, cancelling, downloading the sealed PDF.
extension WebPages {
    func registerCitizen(_ builder: inout HTTPRouter.Builder) {
        builder.get("/citizen") { [self] request, _ in
            await citizenPage(request) { visit, citizen in try await citizenHome(visit, citizen: citizen) }
        }
        builder.get("/citizen/requests/new") { [self] request, _ in
            await citizenPage(request) { visit, citizen in try newRequestForm(request, visit, citizen: citizen) }
        }
        builder.post("/citizen/requests") { [self] request, _ in
            await citizenPost(request) { visit, citizen, fields in
                try await submitRequest(fields, visit, citizen: citizen)
            }
        }
        builder.get("/citizen/requests/{id}") { [self] request, context in
            await citizenPage(request) { visit, citizen in try await citizenRequest(context, visit, citizen: citizen) }
        }
        builder.get("/citizen/requests/{id}/supplement") { [self] request, context in
            await citizenPage(request) { visit, citizen in try await supplementForm(context, visit, citizen: citizen) }
        }
        builder.post("/citizen/requests/{id}/supplement") { [self] request, context in
            await citizenPost(request) { visit, citizen, fields in
                try await supplementRequest(fields, context, visit, citizen: citizen)
            }
        }
        builder.get("/citizen/requests/{id}/cancel") { [self] request, context in
            await citizenPage(request) { visit, citizen in
                try await cancelConfirmation(context, visit, citizen: citizen)
            }
        }
        builder.post("/citizen/requests/{id}/cancel") { [self] request, context in
            await citizenPost(request) { visit, citizen, fields in
                try await cancelRequest(fields, context, visit, citizen: citizen)
            }
        }
        builder.get("/citizen/requests/{id}/document") { [self] request, context in
            await citizenPage(request) { visit, citizen in try downloadDocument(context, visit, citizen: citizen) }
        }
    }

    func citizenHome(_ visit: WebVisit, citizen: CitizenPrincipal) async throws -> HTTPResponse {
        let items = try await store.requestsWithSubmissions(ownedBy: .citizen(citizen.personalID), now: now())
        return page(
            visit, "citizen-home", title: text("citizen-title", visit),
            [
                "name": .string(citizen.identity.fullName), "hasItems": .bool(!items.isEmpty),
                "items": .list(
                    items.map { summary, submission in
                        .object([
                            "id": .string(summary.id), "shortId": .string(String(summary.id.prefix(8))),
                            "kind": .string(requestTitle(summary.kind, submission, visit)),
                            "received": .string(Self.date(summary.receivedOn)),
                            "due": .string(Self.date(summary.dueDate)),
                            "overdue": .bool(summary.isOverdue && summary.state.isOpen),
                            "state": .string(stateName(summary.state, visit)),
                        ])
                    }),
            ], user: citizen.identity.fullName, section: "citizen")
    }

    // MARK: The request form

    enum FormPurpose {
        case new
        case supplement(requestID: String)
    }

    func requestForm(
        _ visit: WebVisit, citizen: CitizenPrincipal, kind: RequestKind, purpose: FormPurpose, values: [String: String],
        rows: Int = CitizenForm.defaultResidenceRows, focusRow: Int? = nil, errors: [String: String] = [:],
        formError: String? = nil, openRequestID: String? = nil, officerMessage: String? = nil,
        idempotencyKey: String? = nil
    ) -> HTTPResponse {
        let text: (String) -> String = { self.text($0, visit) }
        let policy = dependencies.casework.validator.policy
        let sections = CitizenForm.sections(
            for: kind, policy: policy, rows: rows, choices: formChoices(visit), rowLabel: { rowLegend($0, visit) },
            focusRow: focusRow)
        let headingKey: String
        let leadKey: String
        switch (purpose, kind) {
        case (.supplement, _): (headingKey, leadKey) = ("form-supplement-heading", "form-supplement-lead")
        case (.new, .criminalRecord): (headingKey, leadKey) = ("form-criminal-heading", "form-criminal-lead")
        case (.new, .healthCertificate): (headingKey, leadKey) = ("form-health-heading", "form-health-lead")
        case (.new, .healthBookExtract): (headingKey, leadKey) = ("form-extract-heading", "form-extract-lead")
        }
        // The error summary lists problems in the order of the form, each linking to its control.
        let labels = Dictionary(
            sections.flatMap {
                $0.allFields.map { field in
                    let label = field.label ?? text(field.labelKey)
                    // A row's control is named with its row in the summary: "Nơi cư trú 2 · Từ ngày".
                    return (
                        field.name,
                        (
                            field.id,
                            CitizenForm.rowNumber(of: field.name).map { "\(rowLegend($0, visit)) · \(label)" } ?? label
                        )
                    )
                }
            }, uniquingKeysWith: { first, _ in first })
        var summary: [TemplateValue] = []
        if let formError {
            summary.append(
                .object([
                    "id": .string("submit-request"), "label": .string(text("form-refused")),
                    "message": .string(formError),
                ]))
        }
        for field in sections.flatMap(\.allFields) {
            if var message = errors[field.name], let (id, label) = labels[field.name] {
                // The summary's label already names the row: "Nơi cư trú 2 · Từ ngày: Mục này bắt buộc."
                if let row = CitizenForm.rowNumber(of: field.name) {
                    let prefix = String(format: text("citizen-row-prefix"), row)
                    if message.hasPrefix(prefix) { message.removeFirst(prefix.count) }
                }
                summary.append(.object(["id": .string(id), "label": .string(label), "message": .string(message)]))
            }
        }
        let action: String
        switch purpose {
        case .new: action = "/citizen/requests"
        case .supplement(let id): action = "/citizen/requests/\(id)/supplement"
        }
        let isSupplement = if case .supplement = purpose { true } else { false }
        var context: [String: TemplateValue] = [
            "heading": .string(text(headingKey)), "lead": .string(text(leadKey)), "action": .string(action),
            "kind": .string(kind.rawValue),
            "idempotencyKey": .string(idempotencyKey ?? SecureRandom.identifier()),
            // The header's language switch becomes a button of this form, so what was typed goes along.
            "languageSwitchForm": .string("request-form"),
            "submitLabel": .string(text(isSupplement ? "form-send-supplement" : "form-send")),
            "hasErrors": .bool(!summary.isEmpty), "errors": .list(summary),
            "fieldsets": .list(sections.map { $0.value(text, values: values, errors: errors) }),
        ]
        if kind == .criminalRecord { context["residenceRows"] = .string(String(rows)) }
        if let openRequestID { context["openRequestId"] = .string(openRequestID) }
        if let officerMessage { context["officerMessage"] = .string(officerMessage) }
        return page(
            visit, "citizen-form", title: text(headingKey), context, user: citizen.identity.fullName, section: "citizen"
        )
    }

    /// "Nơi cư trú 2" / "Residence 2".
    func rowLegend(_ number: Int, _ visit: WebVisit) -> String { "\(text("citizen-row-legend", visit)) \(number)" }

    func newRequestForm(_ request: HTTPRequest, _ visit: WebVisit, citizen: CitizenPrincipal) throws -> HTTPResponse {
        let query = (try? QueryString.parse(request.query, allowed: ["kind"])) ?? [:]
        guard let kind = query["kind"].flatMap(RequestKind.init(rawValue:)) else { throw Outcome.redirect("/citizen") }
        // Step-up: a kind that needs more assurance than this sign-in carries sends the citizen back through the
        // provider for it, and then back here.
        if !citizen.meetsAssurance(for: kind, policy: dependencies.casework.validator.policy) {
            return stepUpPage(visit, citizen: citizen, next: "/citizen/requests/new?kind=\(kind.rawValue)")
        }
        return requestForm(
            visit, citizen: citizen, kind: kind, purpose: .new,
            values: CitizenForm.defaults(for: kind, nationality: citizen.nationality))
    }

    /// The form as a typed submission, and the fields that could not be read (a date that is not one...): field
    /// name → `messages.json` key. Form-level only: every rule is the casework's.
    func postedSubmission(_ fields: FormFields, kind: RequestKind) -> (RequestSubmission, [String: String]) {
        CitizenForm.submission(kind: kind, values: postedValues(fields, kind: kind), rows: postedRows(fields))
    }

    /// Explains refusals next to their fields: the unreadable fields and the casework's validation issues
    /// (`failure`), the form coming back as typed with every message at once.
    func fieldErrors(
        _ fields: FormFields, kind: RequestKind, unreadable: [String: String], failure: ValidationFailure?,
        visit: WebVisit
    ) -> FieldErrors {
        let policy = dependencies.casework.validator.policy
        let rows = postedRows(fields)
        let values = postedValues(fields, kind: kind)
        var errors: [String: String] = [:]
        for (name, key) in unreadable { errors[name] = text(key, visit) }
        for issue in failure?.issues ?? [] {
            let field = CitizenForm.formField(for: issue.field, kind: kind, values: values, policy: policy, rows: rows)
            guard errors[field] == nil else { continue }
            // Contact as a whole is required, not the phone: say so next to the phone box rather than "required".
            errors[field] =
                issue.field == "contact" && issue.code == .fieldRequired
                ? text("validation.contact.phone-or-email", visit)
                : validationMessage(issue.code, visit, fallback: issue.message)
        }
        // A residence row's message names its row ("Dòng 2: …"), next to the field and in the summary.
        for (field, message) in errors {
            if let row = CitizenForm.rowNumber(of: field) {
                errors[field] = String(format: text("citizen-row-prefix", visit), row) + message
            }
        }
        return FieldErrors(messages: errors)
    }

    /// The casework's validation of what could be read, for a form with unreadable fields: shown together, so the
    /// citizen fixes everything in one round trip. Nothing is stored.
    func unreadableForm(
        _ fields: FormFields, kind: RequestKind, submission: RequestSubmission, unreadable: [String: String],
        citizen: CitizenPrincipal, visit: WebVisit
    ) -> FieldErrors {
        var failure: ValidationFailure?
        do { _ = try dependencies.casework.validate(submission, for: citizen) } catch { failure = error }
        return fieldErrors(fields, kind: kind, unreadable: unreadable, failure: failure, visit: visit)
    }

    /// Messages by form field name.
    struct FieldErrors: Error {
        let messages: [String: String]
    }

    func validationMessage(_ code: ValidationCode, _ visit: WebVisit, fallback: String? = nil) -> String {
        site.messages.lookup("validation.\(code.rawValue)", visit.language) ?? fallback ?? code.rawValue
    }

    func postedValues(_ fields: FormFields, kind: RequestKind) -> [String: String] {
        var values: [String: String] = [:]
        for name in CitizenForm.fieldNames(
            for: kind, policy: dependencies.casework.validator.policy, rows: postedRows(fields))
        {
            values[name] = fields[name]
        }
        return values
    }

    /// The residence rows the posted form showed.
    func postedRows(_ fields: FormFields) -> Int {
        CitizenForm.rowCount(
            posted: fields[CitizenForm.residenceRowsField], policy: dependencies.casework.validator.policy)
    }

    /// A submit button that is not "send" was pressed (so it works without JavaScript), and the same form comes back
    /// with everything typed kept, nothing validated or stored yet:
    /// - "Add a row": one more residence row;
    /// - the header's language switch on a form page (`action=switch-language`, a button bound to the form): the
    ///   language cookie is set and the form comes back in the other language, so switching after a refused form
    ///   loses nothing.
    func redisplayedForm(
        _ fields: FormFields, kind: RequestKind, citizen: CitizenPrincipal, purpose: FormPurpose, visit: WebVisit,
        officerMessage: String? = nil
    ) -> HTTPResponse? {
        let key = fields["idempotencyKey"].flatMap { $0.isEmpty ? nil : $0 }
        switch fields["action"] {
        case "add-row" where kind == .criminalRecord:
            let rows = min(postedRows(fields) + 1, dependencies.casework.validator.policy.maximumResidencePeriods)
            var values = postedValues(fields, kind: kind)
            if values["residenceHistory[\(rows - 1)].countryCode"] == nil {
                values["residenceHistory[\(rows - 1)].countryCode"] = "VN"
            }
            return requestForm(
                visit, citizen: citizen, kind: kind, purpose: purpose, values: values, rows: rows, focusRow: rows - 1,
                officerMessage: officerMessage, idempotencyKey: key)
        case "switch-language":
            let switched = WebVisit(
                language: visit.language.other, session: visit.session, csrfNonce: visit.csrfNonce,
                csrfNonceIsNew: visit.csrfNonceIsNew, path: visit.path, csrfToken: visit.csrfToken,
                principal: visit.principal, proxy: visit.proxy, sessionChange: visit.sessionChange)
            var response = requestForm(
                switched, citizen: citizen, kind: kind, purpose: purpose, values: postedValues(fields, kind: kind),
                rows: postedRows(fields), officerMessage: officerMessage, idempotencyKey: key)
            response.headers.add(name: "Set-Cookie", value: site.setLanguageCookie(switched.language))
            response.headers.replaceOrAdd(name: "Cache-Control", value: "no-store")
            return response
        default:
            return nil
        }
    }

    /// `POST /citizen/requests`: stored once even if the form is sent twice (the form's idempotency key).
    func submitRequest(_ fields: FormFields, _ visit: WebVisit, citizen: CitizenPrincipal) async throws -> HTTPResponse
    {
        guard let kind = fields["kind"].flatMap(RequestKind.init(rawValue:)) else { throw Outcome.redirect("/citizen") }
        let key = fields["idempotencyKey"].flatMap { $0.isEmpty ? nil : $0 }
        if let form = redisplayedForm(fields, kind: kind, citizen: citizen, purpose: .new, visit: visit) { return form }
        let values = postedValues(fields, kind: kind)
        let rows = postedRows(fields)
        func refused(errors: [String: String] = [:], formError: String? = nil, open: String? = nil) -> HTTPResponse {
            requestForm(
                visit, citizen: citizen, kind: kind, purpose: .new, values: values, rows: rows, errors: errors,
                formError: formError, openRequestID: open, idempotencyKey: key)
        }
        let (submission, unreadable) = postedSubmission(fields, kind: kind)
        guard unreadable.isEmpty else {
            let errors = unreadableForm(
                fields, kind: kind, submission: submission, unreadable: unreadable, citizen: citizen, visit: visit)
            return refused(errors: errors.messages)
        }
        // One use case: assurance, validation, routing and storage (the API's `POST /v1/requests` is the same call).
        do {
            let summary = try await dependencies.casework.submit(submission, idempotencyKey: key, by: citizen)
            return redirect("/citizen/requests/\(summary.id)", flash: "submitted", visit)
        } catch let error as IdentityError where error.code == .insufficientAssurance {
            return refused(formError: validationMessage(.assuranceLevel2Required, visit))
        } catch let failure as ValidationFailure {
            let errors = fieldErrors(fields, kind: kind, unreadable: [:], failure: failure, visit: visit)
            return refused(errors: errors.messages)
        } catch let error as RecordsError where error.code == .unfinishedRequestExists {
            // Name the open request and link to it, rather than leave the citizen to look for it.
            var form: CriminalRecordForm?
            if case .criminalRecord(let details) = submission.request { form = details.form }
            let open = try await dependencies.casework.ownRequests(of: citizen).first { summary in
                summary.state.isOpen && summary.kind == kind && summary.form == form
            }
            return refused(formError: validationMessage(.requestUnfinishedExists, visit), open: open?.id)
        }
    }

    // MARK: One request

    func citizenRequest(_ context: RequestContext, _ visit: WebVisit, citizen: CitizenPrincipal) async throws
        -> HTTPResponse
    {
        let id = try pageRequestID(context)
        let record = try await store.request(id, by: .citizen(citizen.personalID), now: now())
        let state = record.summary.state
        let document = state == .issued || state == .revoked ? try store.documentEntry(forRequest: id) : nil
        var values = requestFacts(record, document: document, visit)
        values.merge(submittedFacts(record, visit)) { _, new in new }
        values["needsInfo"] = .bool(state == .needsInfo)
        if state == .needsInfo, let reason = officerMessage(record) { values["needsInfoReason"] = .string(reason) }
        if state == .rejected, let reason = record.history.last(where: { $0.toState == .rejected })?.reason,
            !reason.isEmpty
        {
            values["rejectionReason"] = .string(reason)
        }
        values["canDownload"] = .bool(document != nil)
        if let document, case .revoked(_, let code, let at) = document.status {
            // Said before the download, and on the download link itself: this PDF no longer attests anything.
            values["revokedDocument"] = .bool(true)
            values["revokedOn"] = .string(Self.dateTime(at))
            values["revokedReason"] = .string(text("revocation-\(code.rawValue)", visit))
        }
        values["canCancel"] = .bool(state == .submitted || state == .needsInfo)
        return page(
            visit, "citizen-request", title: "\(text("request-title", visit)) \(id.prefix(8))", values,
            user: citizen.identity.fullName,
            section: "citizen")
    }

    /// What the officer asked for when sending the request back, if it is waiting for the citizen.
    func officerMessage(_ record: RequestRecord) -> String? {
        guard record.summary.state == .needsInfo,
            let reason = record.history.last(where: { $0.toState == .needsInfo })?.reason,
            !reason.isEmpty
        else { return nil }
        return reason
    }

    func supplementForm(_ context: RequestContext, _ visit: WebVisit, citizen: CitizenPrincipal) async throws
        -> HTTPResponse
    {
        let id = try pageRequestID(context)
        let record = try await store.request(id, by: .citizen(citizen.personalID), now: now())
        guard record.summary.state == .needsInfo else { throw Outcome.redirect("/citizen/requests/\(id)") }
        let stored = CitizenForm.values(of: record.submission)
        return requestForm(
            visit, citizen: citizen, kind: record.summary.kind, purpose: .supplement(requestID: id),
            values: stored.values,
            rows: stored.rows, officerMessage: officerMessage(record))
    }

    func supplementRequest(
        _ fields: FormFields, _ context: RequestContext, _ visit: WebVisit, citizen: CitizenPrincipal
    ) async throws -> HTTPResponse {
        let id = try pageRequestID(context)
        let record = try await store.request(id, by: .citizen(citizen.personalID), now: now())
        let kind = record.summary.kind
        let purpose = FormPurpose.supplement(requestID: id)
        if let form = redisplayedForm(
            fields, kind: kind, citizen: citizen, purpose: purpose, visit: visit, officerMessage: officerMessage(record)
        ) {
            return form
        }
        func refused(_ errors: FieldErrors) -> HTTPResponse {
            requestForm(
                visit, citizen: citizen, kind: kind, purpose: purpose, values: postedValues(fields, kind: kind),
                rows: postedRows(fields), errors: errors.messages, officerMessage: officerMessage(record))
        }
        let (submission, unreadable) = postedSubmission(fields, kind: kind)
        guard unreadable.isEmpty else {
            return refused(
                unreadableForm(
                    fields, kind: kind, submission: submission, unreadable: unreadable, citizen: citizen, visit: visit))
        }
        // One use case, the API's `POST /v1/requests/{id}/supplement` too.
        do {
            _ = try await dependencies.casework.supplement(id, by: citizen) { submission }
        } catch let failure as ValidationFailure {
            return refused(fieldErrors(fields, kind: kind, unreadable: [:], failure: failure, visit: visit))
        }
        return redirect("/citizen/requests/\(id)", flash: "supplemented", visit)
    }

    /// `GET /citizen/requests/{id}/cancel`: "Withdraw this request?" with what it is, a confirm button and a way back.
    /// Withdrawing cannot be undone, so it is never a single click from the request page.
    func cancelConfirmation(_ context: RequestContext, _ visit: WebVisit, citizen: CitizenPrincipal) async throws
        -> HTTPResponse
    {
        let id = try pageRequestID(context)
        let record = try await store.request(id, by: .citizen(citizen.personalID), now: now())
        guard record.summary.state == .submitted || record.summary.state == .needsInfo else {
            throw Outcome.redirect("/citizen/requests/\(id)")
        }
        return page(
            visit, "citizen-cancel", title: text("citizen-withdraw-title", visit),
            [
                "id": .string(id), "shortId": .string(String(id.prefix(8))),
                "what": .string(requestTitle(record.summary.kind, record.submission, visit)),
                "received": .string(Self.date(record.summary.receivedOn)),
            ], user: citizen.identity.fullName, section: "citizen")
    }

    /// `POST /citizen/requests/{id}/cancel`: only from the confirmation page (`confirm=yes`); anything else shows it.
    func cancelRequest(
        _ fields: FormFields, _ context: RequestContext, _ visit: WebVisit, citizen: CitizenPrincipal
    ) async throws -> HTTPResponse {
        let id = try pageRequestID(context)
        // Someone else's request stays "not found", confirmed or not.
        _ = try await store.request(id, by: .citizen(citizen.personalID), now: now())
        guard fields["confirm"] == "yes" else { return redirect("/citizen/requests/\(id)/cancel") }
        _ = try await dependencies.casework.cancel(id, by: citizen)
        return redirect("/citizen/requests/\(id)", flash: "cancelled", visit)
    }

    /// The sealed PDF, for its owner only (signed in; the request id alone gives nothing).
    func downloadDocument(_ context: RequestContext, _ visit: WebVisit, citizen: CitizenPrincipal) throws
        -> HTTPResponse
    {
        let id = try pageRequestID(context)
        let (documentID, pdf) = try dependencies.casework.ownDocument(ofRequest: id, by: citizen)
        return .sealedDocument(documentID: documentID, pdf: pdf)
    }
}

// MARK: What the citizen submitted

extension WebPages {
    /// What a request asks for, as the citizen's list and pages name it: "Phiếu số 1 – Xin việc",
    /// "Giấy khám sức khỏe – Khám sức khỏe đi làm", "Trích lục sổ sức khỏe".
    func requestTitle(_ kind: RequestKind, _ submission: RequestSubmission?, _ visit: WebVisit) -> String {
        switch submission?.request {
        case .criminalRecord(let details)?:
            return "\(text("form-\(details.form.rawValue)", visit)) – \(details.purpose)"
        case .healthCertificate(let details)?:
            return "\(kindName(kind, visit)) – \(text("certificate-\(details.certificateType)", visit))"
        case .healthBookExtract(let details)?:
            guard let purpose = details.purpose, !purpose.isEmpty else { return kindName(kind, visit) }
            return "\(kindName(kind, visit)) – \(purpose)"
        case nil:
            return kindName(kind, visit)
        }
    }

    /// The submission as the citizen sent it (request, particulars, residence rows with their places, contact,
    /// delivery) and, for criminal records, the processing time with the Art. 48 reasons derived from it.
    func submittedFacts(_ record: RequestRecord, _ visit: WebVisit) -> [String: TemplateValue] {
        let text: (String) -> String = { self.text($0, visit) }
        let submission = record.submission
        var facts: [(String, String?)] = []
        switch submission.request {
        case .criminalRecord(let details):
            facts += [
                ("field-form", text("form-\(details.form.rawValue)")), ("field-purpose", details.purpose),
                (
                    "citizen-bans",
                    details.form == .form2
                        ? text("citizen-bans-form2") : text(details.statesBans == true ? "citizen-yes" : "citizen-no")
                ),
            ]
        case .healthCertificate(let details):
            facts += [
                ("field-certificate-type", text("certificate-\(details.certificateType)")),
                ("citizen-licence-class", details.licenceClass), ("field-purpose", details.purpose),
            ]
        case .healthBookExtract(let details):
            facts += [
                ("field-sections", details.sections.map { text("section-\($0.rawValue)") }.joined(separator: ", ")),
                ("field-period-from", CitizenForm.shownDate(details.from)),
                ("field-period-to", CitizenForm.shownDate(details.to)),
                ("field-purpose", details.purpose),
            ]
        }
        if let p = submission.particulars {
            facts += [
                ("field-birth-place", p.birthPlace), ("field-ethnicity", p.ethnicity),
                ("citizen-nationality", p.nationality.map { countryName($0, visit) }),
                ("field-permanent-residence", p.permanentResidence?.line),
                ("field-current-residence", p.currentResidence?.line),
                ("field-father", p.fatherName), ("field-mother", p.motherName), ("field-spouse", p.spouseName),
            ]
        }
        facts += [
            ("field-phone", submission.contact.phone), ("field-email", submission.contact.email),
            ("field-copies", String(submission.copies)),
            ("field-delivery", text("delivery-\(submission.delivery.method.rawValue)")),
            ("field-postal-address", submission.delivery.postalAddress?.line),
        ]
        var values: [String: TemplateValue] = [
            "submitted": .list(
                facts.compactMap { label, value in
                    guard let value, !value.isEmpty else { return nil }
                    return .object(["label": .string(text(label)), "value": .string(value)])
                })
        ]
        if let history = submission.residenceHistory, !history.isEmpty {
            values["hasResidenceRows"] = .bool(true)
            values["residenceRows"] = .list(
                history.enumerated().map { index, period in
                    let country = period.countryCode ?? "VN"
                    let place =
                        country == "VN"
                        ? [period.provinceCode.map(ProvinceNames.name), countryName("VN", visit)].compactMap { $0 }
                            .joined(separator: ", ")
                        : countryName(country, visit)
                    return .object([
                        "number": .string(String(index + 1)), "from": .string(CitizenForm.shownDate(period.from) ?? ""),
                        "to": .string(CitizenForm.shownDate(period.to) ?? text("citizen-until-now")),
                        "address": .string(period.address),
                        "place": .string(place), "occupation": .string(period.occupation),
                    ])
                })
        }
        if record.summary.kind == .criminalRecord {
            // The working days are read from the stored deadline (what the citizen is held to, even after an
            // officer's correction); the reasons are the Art. 48 ones derived from what was submitted, shown when
            // they account for that number.
            let complexity = dependencies.casework.validator.complexity(of: submission)
            let derived = store.configuration.deadlines.workingDays(for: .criminalRecord, complexity: complexity)
            let calendar = store.configuration.calendar
            let summary = record.summary
            let days =
                (0...120).first { calendar.adding(workingDays: $0, to: summary.receivedOn) >= summary.dueDate }
                ?? derived
            var line = String(format: text("citizen-working-days"), days)
            if days == derived {
                let reasons = complexity.reasons.sorted().map { $0.label(language: visit.language.rawValue) }
                line += ": " + (reasons.isEmpty ? text("citizen-complexity-simple") : reasons.joined(separator: "; "))
            }
            values["processingTime"] = .string(line)
        }
        return values
    }
}

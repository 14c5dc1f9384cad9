import CivicSealCrypto
import CivicSealHTTP
import CivicSealIdentity
import CivicSealRecords
import CivicSealWeb
import CivicSealWorkflow
import Foundation

/// Citizen pages: sign-in, own requests, a new request (field-level messages, what was typed kept), a request's
/// status, history and due date, answering a request for information, cancelling, downloading the sealed PDF.
extension WebPages {
    func registerCitizen(_ builder: inout HTTPRouter.Builder) {
        builder.add(.get, "/citizen/sign-in") { [self] request, _ in run(request) { visit in signInPage(visit, audience: .citizen) } }
        builder.add(.post, "/citizen/sign-in") { [self] request, _ in run(request) { visit in try signIn(request, visit, audience: .citizen) } }
        builder.get("/citizen") { [self] request, _ in await runAsync(request) { visit in try await citizenHome(request, visit) } }
        builder.add(.get, "/citizen/requests/new") { [self] request, _ in run(request) { visit in try newRequestForm(request, visit) } }
        builder.post("/citizen/requests") { [self] request, _ in await runAsync(request) { visit in try await submitRequest(request, visit) } }
        builder.get("/citizen/requests/{id}") { [self] request, context in
            await runAsync(request) { visit in try await citizenRequest(request, context, visit) }
        }
        builder.get("/citizen/requests/{id}/supplement") { [self] request, context in
            await runAsync(request) { visit in try await supplementForm(request, context, visit) }
        }
        builder.post("/citizen/requests/{id}/supplement") { [self] request, context in
            await runAsync(request) { visit in try await supplementRequest(request, context, visit) }
        }
        builder.post("/citizen/requests/{id}/cancel") { [self] request, context in
            await runAsync(request) { visit in try await cancelRequest(request, context, visit) }
        }
        builder.add(.get, "/citizen/requests/{id}/document") { [self] request, context in
            run(request) { visit in try downloadDocument(request, context, visit) }
        }
    }

    /// The signed-in citizen (the session's token, re-verified), else the sign-in page.
    func citizen(_ visit: WebVisit) throws -> CitizenPrincipal {
        guard let session = visit.session, case .citizen(let token) = session.payload.signedIn else {
            throw Outcome.redirect("/citizen/sign-in")
        }
        guard let citizen = try? api.verifier.verify(authorizationFields: ["Bearer \(token)"]).requireCitizen() else {
            // The token has expired (or its issuer's keys changed): the session is over.
            site.sessions.remove(session.id)
            throw Outcome.redirect("/citizen/sign-in")
        }
        return citizen
    }

    func citizenHome(_ request: HTTPRequest, _ visit: WebVisit) async throws -> HTTPResponse {
        let citizen = try citizen(visit)
        let items = try await store.requests(ownedBy: .citizen(citizen.personalID), now: now())
        return page(visit, "citizen-home", title: text("citizen-title", visit), [
            "name": .string(citizen.identity.fullName), "hasItems": .bool(!items.isEmpty),
            "items": .list(items.map { summary in
                .object([
                    "id": .string(summary.id), "shortId": .string(String(summary.id.prefix(8))), "kind": .string(kindName(summary.kind, visit)),
                    "received": .string(Self.date(summary.receivedOn)), "due": .string(Self.date(summary.dueDate)),
                    "overdue": .bool(summary.isOverdue && summary.state.isOpen), "state": .string(stateName(summary.state, visit)),
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
        errors: [String: String] = [:], formError: String? = nil, idempotencyKey: String? = nil
    ) -> HTTPResponse {
        let text: (String) -> String = { self.text($0, visit) }
        let policy = api.validator.policy
        let sections = CitizenForm.sections(for: kind, policy: policy)
        let headingKey: String
        let leadKey: String
        switch (purpose, kind) {
        case (.supplement, _): (headingKey, leadKey) = ("form-supplement-heading", "form-supplement-lead")
        case (.new, .criminalRecord): (headingKey, leadKey) = ("form-criminal-heading", "form-criminal-lead")
        case (.new, .healthCertificate): (headingKey, leadKey) = ("form-health-heading", "form-health-lead")
        case (.new, .healthBookExtract): (headingKey, leadKey) = ("form-extract-heading", "form-extract-lead")
        }
        // The error summary lists problems in the order of the form, each linking to its control.
        let labels = Dictionary(sections.flatMap { $0.fields.map { ($0.name, ($0.id, text($0.labelKey))) } }, uniquingKeysWith: { first, _ in first })
        var summary: [TemplateValue] = []
        if let formError { summary.append(.object(["id": .string("submit-request"), "label": .string(text("form-refused")), "message": .string(formError)])) }
        for field in sections.flatMap(\.fields) {
            if let message = errors[field.name], let (id, label) = labels[field.name] {
                summary.append(.object(["id": .string(id), "label": .string(label), "message": .string(message)]))
            }
        }
        let action: String
        switch purpose {
        case .new: action = "/citizen/requests"
        case .supplement(let id): action = "/citizen/requests/\(id)/supplement"
        }
        let isSupplement = if case .supplement = purpose { true } else { false }
        return page(visit, "citizen-form", title: text(headingKey), [
            "heading": .string(text(headingKey)), "lead": .string(text(leadKey)), "action": .string(action), "kind": .string(kind.rawValue),
            "idempotencyKey": .string(idempotencyKey ?? SecureRandom.identifier()),
            "submitLabel": .string(text(isSupplement ? "form-send-supplement" : "form-send")),
            "hasErrors": .bool(!summary.isEmpty), "errors": .list(summary),
            "fieldsets": .list(sections.map { $0.value(text, values: values, errors: errors) }),
        ], user: citizen.identity.fullName, section: "citizen")
    }

    func newRequestForm(_ request: HTTPRequest, _ visit: WebVisit) throws -> HTTPResponse {
        let citizen = try citizen(visit)
        let query = (try? QueryString.parse(request.query, allowed: ["kind"])) ?? [:]
        guard let kind = query["kind"].flatMap(RequestKind.init(rawValue:)) else { throw Outcome.redirect("/citizen") }
        return requestForm(visit, citizen: citizen, kind: kind, purpose: .new, values: CitizenForm.defaults(for: kind))
    }

    /// Reads, validates and explains: every problem is reported next to its field, and the form comes back as typed.
    func validatedForm(
        _ fields: FormFields, kind: RequestKind, citizen: CitizenPrincipal, visit: WebVisit
    ) -> Result<ValidatedRequest, FieldErrors> {
        let policy = api.validator.policy
        var values: [String: String] = [:]
        for name in CitizenForm.fieldNames(for: kind, policy: policy) { values[name] = fields[name] }
        let (submission, unreadable) = CitizenForm.submission(kind: kind, values: values)
        var errors: [String: String] = [:]
        for (name, code) in unreadable { errors[name] = validationMessage(code, visit) }
        // Validated even when a field was unreadable (it stands at its default), so that the form comes back with
        // every message at once rather than one round trip per problem.
        switch api.validator.validate(submission, applicant: citizen.applicant, today: api.today()) {
        case .success(let validated) where errors.isEmpty: return .success(validated)
        case .success: break
        case .failure(let failure):
            for issue in failure.issues {
                let field = CitizenForm.formField(for: issue.field, kind: kind, values: values, policy: policy)
                guard errors[field] == nil else { continue }
                // Contact as a whole is required, not the phone: say so next to the phone box rather than "required".
                errors[field] =
                    issue.field == "contact" && issue.code == .fieldRequired
                    ? text("validation.contact.phone-or-email", visit) : validationMessage(issue.code, visit, fallback: issue.message)
            }
        }
        return .failure(FieldErrors(messages: errors))
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
        for name in CitizenForm.fieldNames(for: kind, policy: api.validator.policy) { values[name] = fields[name] }
        return values
    }

    /// `POST /citizen/requests`: stored once even if the form is sent twice (the form's idempotency key).
    func submitRequest(_ request: HTTPRequest, _ visit: WebVisit) async throws -> HTTPResponse {
        let fields = try form(request, visit)
        let citizen = try citizen(visit)
        guard let kind = fields["kind"].flatMap(RequestKind.init(rawValue:)) else { throw Outcome.redirect("/citizen") }
        let key = fields["idempotencyKey"].flatMap { $0.isEmpty ? nil : $0 }
        let values = postedValues(fields, kind: kind)
        guard citizen.meetsAssurance(for: kind, policy: api.validator.policy) else {
            return requestForm(
                visit, citizen: citizen, kind: kind, purpose: .new, values: values,
                formError: validationMessage(.assuranceLevel2Required, visit), idempotencyKey: key)
        }
        switch validatedForm(fields, kind: kind, citizen: citizen, visit: visit) {
        case .failure(let errors):
            return requestForm(visit, citizen: citizen, kind: kind, purpose: .new, values: values, errors: errors.messages, idempotencyKey: key)
        case .success(let validated):
            let summary: RequestSummary
            do {
                summary = try await store.submit(validated, idempotencyKey: key, now: now())
            } catch {
                guard error.code == RecordsError.Code.unfinishedRequestExists else { throw error }
                return requestForm(
                    visit, citizen: citizen, kind: kind, purpose: .new, values: values,
                    formError: validationMessage(.requestUnfinishedExists, visit), idempotencyKey: key)
            }
            return redirect("/citizen/requests/\(summary.id)", flash: "submitted", visit)
        }
    }

    // MARK: One request

    func citizenRequest(_ request: HTTPRequest, _ context: RequestContext, _ visit: WebVisit) async throws -> HTTPResponse {
        let citizen = try citizen(visit)
        let id = try pageRequestID(context)
        let record = try await store.request(id, by: .citizen(citizen.personalID), now: now())
        let state = record.summary.state
        let document = state == .issued || state == .revoked ? try store.documentEntry(forRequest: id) : nil
        var values = requestFacts(record, document: document, visit)
        values["needsInfo"] = .bool(state == .needsInfo)
        if state == .needsInfo, let reason = record.history.last(where: { $0.toState == .needsInfo })?.reason {
            values["needsInfoReason"] = .string(reason)
        }
        values["canDownload"] = .bool(document != nil)
        values["canCancel"] = .bool(state == .submitted || state == .needsInfo)
        return page(
            visit, "citizen-request", title: "\(text("request-title", visit)) \(id.prefix(8))", values, user: citizen.identity.fullName,
            section: "citizen")
    }

    func supplementForm(_ request: HTTPRequest, _ context: RequestContext, _ visit: WebVisit) async throws -> HTTPResponse {
        let citizen = try citizen(visit)
        let id = try pageRequestID(context)
        let record = try await store.request(id, by: .citizen(citizen.personalID), now: now())
        guard record.summary.state == .needsInfo else { throw Outcome.redirect("/citizen/requests/\(id)") }
        return requestForm(
            visit, citizen: citizen, kind: record.summary.kind, purpose: .supplement(requestID: id),
            values: CitizenForm.values(of: record.submission))
    }

    func supplementRequest(_ request: HTTPRequest, _ context: RequestContext, _ visit: WebVisit) async throws -> HTTPResponse {
        let fields = try form(request, visit)
        let citizen = try citizen(visit)
        let id = try pageRequestID(context)
        let record = try await store.request(id, by: .citizen(citizen.personalID), now: now())
        let kind = record.summary.kind
        switch validatedForm(fields, kind: kind, citizen: citizen, visit: visit) {
        case .failure(let errors):
            return requestForm(
                visit, citizen: citizen, kind: kind, purpose: .supplement(requestID: id), values: postedValues(fields, kind: kind),
                errors: errors.messages)
        case .success(let validated):
            _ = try await store.supplement(id, with: validated, expectedVersion: record.summary.version, now: now())
            return redirect("/citizen/requests/\(id)", flash: "supplemented", visit)
        }
    }

    func cancelRequest(_ request: HTTPRequest, _ context: RequestContext, _ visit: WebVisit) async throws -> HTTPResponse {
        _ = try form(request, visit)
        let citizen = try citizen(visit)
        let id = try pageRequestID(context)
        _ = try await store.cancel(id, by: .citizen(citizen.personalID), now: now())
        return redirect("/citizen/requests/\(id)", flash: "cancelled", visit)
    }

    /// The sealed PDF, for its owner only (signed in; the request id alone gives nothing).
    func downloadDocument(_ request: HTTPRequest, _ context: RequestContext, _ visit: WebVisit) throws -> HTTPResponse {
        let citizen = try citizen(visit)
        let id = try pageRequestID(context)
        let (documentID, pdf) = try store.documentPDF(forRequest: id, by: .citizen(citizen.personalID))
        return APIService.pdfDownload(documentID: documentID, pdf: pdf)
    }
}

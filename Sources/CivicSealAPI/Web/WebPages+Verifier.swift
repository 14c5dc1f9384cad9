import CivicSealHTTP
import CivicSealRecords
import CivicSealSigner
import CivicSealWeb
import CivicSealWorkflow
import Foundation

/// Verifier pages, no sign-in: `/verify` (upload a PDF or enter a code) and `/v/{id}` (the QR code's target, with
/// the five-field confirmation).
extension WebPages {
    static let maximumPDFBytes = 10 * 1024 * 1024

    func registerVerifier(_ builder: inout HTTPRouter.Builder) {
        builder.add(.get, "/verify") { [self] request, _ in run(request) { visit in verifyPage(visit, [:]) } }
        builder.post("/verify") { [self] request, _ in await runAsync(request) { visit in try await verifyUpload(request, visit) } }
        builder.add(.get, "/verify/lookup") { [self] request, _ in run(request) { visit in try lookup(request, visit) } }
        builder.add(.get, "/v/{id}") { [self] request, context in run(request) { visit in try documentPage(context, visit) } }
        builder.add(.post, "/v/{id}") { [self] request, context in
            run(request) { visit in try confirmDetails(request, context, visit) }
        }
    }

    func verifyPage(_ visit: WebVisit, _ values: [String: TemplateValue], status: HTTPStatus = .ok) -> HTTPResponse {
        page(visit, "verify", title: text("verify-title", visit), values, section: "verify", status: status)
    }

    /// `POST /verify` (multipart): the uploaded PDF's verdict, online (registry and revocation included).
    func verifyUpload(_ request: HTTPRequest, _ visit: WebVisit) async throws -> HTTPResponse {
        guard let contentType = request.headers["Content-Type"] else { throw Outcome.sessionExpired }
        let form: MultipartForm
        do {
            form = try MultipartForm.parse(request.body, contentType: contentType, limits: FormLimits())
        } catch {
            if error.code == .tooLarge { return verifyPage(visit, ["uploadError": .string(text("error-too-large", visit))]) }
            throw Outcome.sessionExpired
        }
        guard csrfMatches(visit, form.field("csrf")) else { throw Outcome.sessionExpired }
        guard let file = form.file("document"), !file.body.isEmpty else {
            return verifyPage(visit, ["uploadError": .string(text("verify-no-file", visit))])
        }
        guard file.body.count <= Self.maximumPDFBytes else {
            return verifyPage(visit, ["uploadError": .string(text("error-too-large", visit))])
        }
        guard file.body.starts(with: Array("%PDF-".utf8)) else {
            return verifyPage(visit, ["uploadError": .string(text("verify-not-pdf", visit))])
        }
        guard let verifier = api.documentVerifier else { throw Outcome.notFound }
        let body = file.body
        let now = now()
        let store = store
        // Verification is CPU work (digest, signatures, chain): on the verification threads, like `POST /v1/verify`.
        let verdict: DocumentVerdict
        do {
            verdict = try await api.verification.run(bytes: body.count) { verifier.verify(body, at: now, registry: store) }
        } catch {
            var response = verifyPage(visit, ["uploadError": .string(text("verify-busy", visit))], status: HTTPStatus(code: 503))
            response.headers.replaceOrAdd(name: "Retry-After", value: String(error.retryAfter))
            return response
        }
        return verifyPage(visit, ["verdict": verdictValue(verdict, visit)])
    }

    func verdictValue(_ verdict: DocumentVerdict, _ visit: WebVisit) -> TemplateValue {
        let outcome = verdict.outcome.rawValue
        var object: [String: TemplateValue] = [
            "outcome": .string(outcome), "headline": .string(text("verdict-\(outcome)", visit)),
            "explanation": .string(text("verdict-\(outcome)-text", visit)),
            "checks": .list(verdict.checks.map { check in
                .object([
                    "name": .string(check.name.rawValue), "passed": .bool(check.passed),
                    "message": .string(visit.language == .vietnamese ? check.vietnamese : check.english),
                ])
            }),
        ]
        if let signer = verdict.signer { object["signer"] = .string(signer) }
        // The verdict names the department by id and the document by its template id (`criminal-record-form-1`).
        if let department = verdict.department { object["department"] = .string(departmentName(department, visit)) }
        if let time = verdict.signingTime { object["signingTime"] = .string(Self.dateTime(time) + " (UTC+7)") }
        if let kind = verdict.documentKind {
            let known = RequestKind.allCases.first { kind == $0.rawValue || kind.hasPrefix($0.rawValue + "-") }
            object["kind"] = .string(known.map { kindName($0, visit) } ?? kind)
        }
        if let id = verdict.documentID, DocumentID.isValid(id) { object["documentId"] = .string(id) }
        if let revocation = verdict.revocation {
            object["revokedOn"] = .string(Self.date(CalendarDate(revocation.date)))
            object["revocationReason"] = .string(text("revocation-\(revocation.reason.rawValue)", visit))
        }
        return .object(object)
    }

    /// `GET /verify/lookup?code=…`: a known code goes to its page; anything else stays here with a message.
    func lookup(_ request: HTTPRequest, _ visit: WebVisit) throws -> HTTPResponse {
        let given = (try? QueryString.parse(request.query, allowed: ["code"]))?["code"] ?? ""
        let code = given.trimmingCharacters(in: .whitespaces).uppercased()
        guard DocumentID.isValid(code) else {
            return verifyPage(visit, ["code": .string(String(given.prefix(40))), "lookupError": .string(text("verify-bad-code", visit))])
        }
        guard (try store.documentEntry(id: code)) != nil else {
            return verifyPage(visit, ["code": .string(code), "lookupError": .string(text("verify-unknown-code", visit))])
        }
        return redirect("/v/\(code)")
    }

    static let confirmationFields: [FormField] = [
        FormField(name: "fullName", labelKey: "field-full-name", required: true, maxLength: 200, autocomplete: "off"),
        FormField(name: "birthDate", labelKey: "field-birth-date", control: .date, required: true),
        FormField(name: "sex", labelKey: "field-sex", control: .select([("", "choose"), ("male", "sex-male"), ("female", "sex-female")]), required: true),
        FormField(name: "personalId", labelKey: "field-personal-id", required: true, maxLength: 12, autocomplete: "off", inputMode: "numeric"),
    ]

    /// `GET /v/{id}`: status, kind, department and issue date; nothing personal.
    func documentPage(_ context: RequestContext, _ visit: WebVisit, values: [String: String] = [:], confirmed: Bool? = nil) throws
        -> HTTPResponse
    {
        guard let id = context.parameter("id"), DocumentID.isValid(id), let entry = try store.documentEntry(id: id) else {
            throw Outcome.notFound
        }
        let department = store.configuration.authority.department(id: entry.departmentID)
        let statusKey = "status-\(entry.status.name)"
        var object: [String: TemplateValue] = [
            "documentId": .string(entry.documentID), "statusClass": .string(entry.status.name),
            "statusHeadline": .string(text(statusKey, visit)), "status": .string(text(statusKey, visit)),
            "kind": .string(kindName(entry.kind, visit)),
            "department": .string(
                (visit.language == .vietnamese ? department?.nameVietnamese : department?.nameEnglish) ?? entry.departmentID),
            "issuedOn": .string(Self.date(CalendarDate(entry.issuedAt))),
            "fields": .list(Self.confirmationFields.map { $0.value({ text($0, visit) }, value: values[$0.name], error: nil) }),
        ]
        if case .revoked(_, let code, let at) = entry.status {
            // The date and the public reason code's wording; never the officer's grounds.
            object["revokedOn"] = .string(Self.date(CalendarDate(at)))
            object["revocationReason"] = .string(text("revocation-\(code.rawValue)", visit))
        }
        if let confirmed {
            object["confirmation"] = .string(text(confirmed ? "confirm-yes" : "confirm-no", visit))
            object["confirmationClass"] = .string(confirmed ? "confirmed" : "refused")
        }
        return page(visit, "document", title: text("document-title", visit), object, section: "verify")
    }

    /// `POST /v/{id}`: whether all five fields match, never which one differed; 10 attempts a minute per client.
    func confirmDetails(_ request: HTTPRequest, _ context: RequestContext, _ visit: WebVisit) throws -> HTTPResponse {
        let fields = try form(request, visit)
        if let wait = api.confirmationLimiter.attempt(context.clientAddress, now: now()) { throw Outcome.tooManyAttempts(seconds: wait) }
        let id = context.parameter("id") ?? ""
        let given = DetailsConfirmation(
            documentID: id, fullName: fields["fullName"] ?? "", birthDate: fields["birthDate"] ?? "", sex: fields["sex"] ?? "",
            personalID: fields["personalId"] ?? "")
        let confirmed = api.confirm(given) != nil
        var typed: [String: String] = [:]
        for name in ["fullName", "birthDate", "sex", "personalId"] { typed[name] = fields[name] }
        return try documentPage(context, visit, values: typed, confirmed: confirmed)
    }
}

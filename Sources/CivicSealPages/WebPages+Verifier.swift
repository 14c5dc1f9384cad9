import CivicSealCasework
import CivicSealHTTP
import CivicSealJSON
import CivicSealRecords
import CivicSealVerification
import CivicSealWebKit
import CivicSealWorkflow
import Foundation

/// Verifier pages, no sign-in: `/verify` (upload a PDF or enter a code) and `/v/{id}` (the QR code's target, with
/// the five-field confirmation).
extension WebPages {
    static let maximumPDFBytes = 10 * 1024 * 1024

    func registerVerifier(_ builder: inout HTTPRouter.Builder) {
        builder.add(.get, "/verify") { [self] request, _ in await run(request) { visit in verifyPage(visit, [:]) } }
        builder.post("/verify") { [self] request, _ in
            await run(request) { visit in try await verifyUpload(request, visit) }
        }
        builder.add(.get, "/verify/lookup") { [self] request, _ in
            await run(request) { visit in try lookup(request, visit) }
        }
        builder.add(.get, "/v/{id}") { [self] request, context in
            await run(request) { visit in try documentPage(context, visit) }
        }
        builder.add(.post, "/v/{id}") { [self] request, context in
            await run(request) { visit in try await confirmDetails(request, context, visit) }
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
            if error.code == .tooLarge {
                return verifyPage(visit, ["uploadError": .string(text("error-too-large", visit))])
            }
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
        // The one use case `POST /v1/verify` runs too (on the verification threads).
        let verdict: DocumentVerdict
        do { verdict = try await dependencies.casework.verifyDocument(file.body) } catch {
            guard error.code == .verificationBusy else { throw Outcome.notFound }
            var response = verifyPage(
                visit, ["uploadError": .string(text("verify-busy", visit))], status: HTTPStatus(code: 503))
            response.headers.replaceOrAdd(name: "Retry-After", value: String(error.retryAfter ?? 1))
            return response
        }
        return verifyPage(visit, ["verdict": verdictValue(verdict, visit)])
    }

    /// The verdict in plain words: each check as passed, failed or "not checked" (a check an earlier failure kept
    /// from running is not a failure of its own), times in Hà Nội time, the signer and department in the page's
    /// language. The verifier's technical messages (ISO times, key-usage bits) stay in the API's JSON.
    func verdictValue(_ verdict: DocumentVerdict, _ visit: WebVisit) -> TemplateValue {
        let outcome = verdict.outcome.rawValue
        let signingTime = verdict.signingTime.map { Self.hanoiDateTime($0, visit) }
        var object: [String: TemplateValue] = [
            "outcome": .string(outcome), "headline": .string(text("verdict-\(outcome)", visit)),
            "explanation": .string(text("verdict-\(outcome)-text", visit)),
            "checks": .list(
                verdict.checks.map { check in
                    let state = check.passed ? "pass" : check.wasRun ? "fail" : "skipped"
                    var message = text(
                        "verify-check-\(check.name.rawValue)-\(state == "skipped" ? "fail" : state)", visit)
                    if state == "skipped" {
                        message =
                            text("verify-check-skipped", visit) + " "
                            + text("verify-check-\(check.name.rawValue)-what", visit)
                    }
                    message = message.replacingOccurrences(of: "{time}", with: signingTime ?? "")
                    return .object([
                        "name": .string(check.name.rawValue), "state": .string(state),
                        "stateLabel": .string(text("verify-check-state-\(state)", visit)),
                        "mark": .string(state == "pass" ? "✓" : state == "fail" ? "✗" : "–"),
                        "message": .string(message),
                    ])
                }),
        ]
        object["hasSignatures"] = .bool(!verdict.signatures.isEmpty)
        object["signatures"] = .list(verdict.signatures.map { signatureValue($0, visit) })
        if let level = verdict.level { object["level"] = .string(level.rawValue) }
        if let officer = verdict.officer { object["officer"] = .string(officer) }
        let department = verdict.department.flatMap { store.configuration.authority.department(id: $0) }
        if let signer = verdict.signer {
            // The seal's certificate names the department in Vietnamese; English pages show its English name.
            let isDepartmentSeal = department.map { signer == $0.nameVietnamese || signer == $0.nameEnglish } ?? false
            if let department, isDepartmentSeal {
                object["signer"] = .string(
                    visit.language == .vietnamese ? department.nameVietnamese : department.nameEnglish)
            } else {
                object["signer"] = .string(signer)
            }
        }
        // The verdict names the department by id and the document by its template id (`criminal-record-form-1`).
        if let id = verdict.department { object["department"] = .string(departmentName(id, visit)) }
        if let signingTime { object["signingTime"] = .string(signingTime) }
        if let kind = verdict.documentKind {
            let known = RequestKind.allCases.first { kind == $0.rawValue || kind.hasPrefix($0.rawValue + "-") }
            object["kind"] = .string(known.map { kindName($0, visit) } ?? kind)
        }
        if let id = verdict.documentID, DocumentID.isValid(id) {
            object["documentId"] = .string(id)
            // The registry status this verdict relied on was read just now: say so, and how fresh that is.
            object["statusAsOf"] = .string(Self.hanoiDateTime(dependencies.casework.clock(), visit))
        }
        if let revocation = verdict.revocation {
            object["revokedOn"] = .string(Self.hanoiDateTime(revocation.date, visit))
            object["revocationReason"] = .string(text("revocation-\(revocation.reason.rawValue)", visit))
            if let replacement = revocation.supersededBy { object["supersededBy"] = .string(replacement) }
        }
        return .object(object)
    }

    /// One signature of the verdict: its role, signer and title, signing and timestamp times in Hà Nội time, the
    /// revision it covers, and whether all its checks passed.
    func signatureValue(_ signature: SignatureReport, _ visit: WebVisit) -> TemplateValue {
        var object: [String: TemplateValue] = [
            "role": .string(signature.role.rawValue),
            "roleLabel": .string(text("signature-role-\(signature.role.rawValue)", visit)),
            "state": .string(signature.passed ? "pass" : "fail"), "mark": .string(signature.passed ? "✓" : "✗"),
            "timestamp": .string(
                signature.timestampTime.map { Self.hanoiDateTime($0, visit) } ?? text("signature-no-timestamp", visit)),
        ]
        if let signer = signature.signer { object["signer"] = .string(signer) }
        if let title = signature.title { object["title"] = .string(title) }
        if let time = signature.signingTime { object["signingTime"] = .string(Self.hanoiDateTime(time, visit)) }
        if let revision = signature.revision { object["revision"] = .string(String(revision)) }
        return .object(object)
    }

    /// An instant as the verify pages print it: `dd/MM/yyyy HH:mm giờ Hà Nội (UTC+7)` (English: `… Hà Nội time
    /// (UTC+7)`).
    static func hanoiDateTime(_ date: Date, _ visit: WebVisit) -> String {
        "\(dateTime(date)) \(HanoiTime.zone(language: visit.language.rawValue))"
    }

    /// `GET /verify/lookup?code=…`: the 26-character document ID or the number printed at the top of the document
    /// (``DocumentReference``: spaces, case and O/0, I/1 misreadings forgiven). A known one goes to its page; anything
    /// else stays here with what is wrong with it.
    func lookup(_ request: HTTPRequest, _ visit: WebVisit) throws -> HTTPResponse {
        let given = (try? QueryString.parse(request.query, allowed: ["code"]))?["code"] ?? ""
        func refuse(_ key: String) -> HTTPResponse {
            verifyPage(
                visit, ["code": .string(String(given.prefix(60))), "lookupError": .string(text(key, visit))],
                status: .ok)
        }
        let reference: DocumentReference
        do { reference = try DocumentReference.parse(given) } catch {
            switch error {
            case .empty: return refuse("verify-code-empty")
            case .badCharacter: return refuse("verify-code-bad-character")
            case .wrongLength: return refuse("verify-code-wrong-length")
            case .badNumber: return refuse("verify-code-bad-number")
            }
        }
        guard let id = try documentID(for: reference) else { return refuse("verify-unknown-code") }
        return redirect("/v/\(id)")
    }

    /// The registered document a reference names: the ID itself, or the one document whose stored record carries
    /// exactly that printed number (nil when none does, or — never seen with 50-bit prefixes — several).
    func documentID(for reference: DocumentReference) throws -> String? {
        switch reference {
        case .id(let id):
            return try store.documentEntry(id: id) != nil ? id : nil
        case .number(let prefix, _, _):
            let matches = try store.documentIDs(startingWith: prefix, limit: 2).filter { id in
                guard let json = try store.documentRecordJSON(id: id),
                    let record = try? JSONValue(parsing: Array(json.utf8)),
                    case .string(let number)? = record.objectValue?["number"]
                else { return false }
                return number == reference.printedNumber
            }
            return matches.count == 1 ? matches[0] : nil
        }
    }

    /// The holder's four fields (the fifth, the document ID, is the page's own). No `maxlength` on the ID number:
    /// a browser would silently cut a 13th digit, and a cut ID could then "match"; a wrong length is refused instead.
    static let confirmationFields: [FormField] = [
        FormField(name: "fullName", labelKey: "field-full-name", required: true, maxLength: 200, autocomplete: "off"),
        FormField(name: "birthDate", labelKey: "field-birth-date", control: .date, required: true),
        FormField(
            name: "sex", labelKey: "field-sex",
            control: .select([("", "choose"), ("male", "sex-male"), ("female", "sex-female")]), required: true),
        FormField(
            name: "personalId", labelKey: "field-personal-id", required: true, hintKey: "verify-personal-id-hint",
            autocomplete: "off",
            inputMode: "numeric"),
    ]

    /// The five-field check's form problems, found before anything is compared: field name → `messages.json` key.
    /// Empty fields, a name over 200 characters or with control characters, a date that is not a real past date, a sex
    /// other than
    /// the two offered, and an ID number that is not exactly 12 digits (spaces between digit groups are allowed;
    /// nothing is ever cut). A form with problems is not compared and costs no attempt.
    static func confirmationProblems(_ fields: [String: String], today: CalendarDate) -> [String: String] {
        var problems: [String: String] = [:]
        let name = DetailsConfirmation.normalised(fields["fullName"] ?? "")
        if name.isEmpty {
            problems["fullName"] = "verify-name-required"
        } else if name.count > 200 {
            problems["fullName"] = "verify-name-too-long"
        } else if TextNormalization.containsControlCharacters(name) {
            problems["fullName"] = "verify-name-invalid"
        }
        let birth = (fields["birthDate"] ?? "").trimmingCharacters(in: .whitespaces)
        if birth.isEmpty {
            problems["birthDate"] = "verify-birth-date-required"
        } else if let date = CalendarDate(birth) {
            if date > today { problems["birthDate"] = "verify-birth-date-future" }
        } else {
            problems["birthDate"] = "verify-birth-date-invalid"
        }
        switch fields["sex"] ?? "" {
        case "": problems["sex"] = "verify-sex-required"
        case "male", "female": break
        default: problems["sex"] = "verify-sex-invalid"
        }
        let id = (fields["personalId"] ?? "").filter { !$0.isWhitespace }
        if id.isEmpty {
            problems["personalId"] = "verify-personal-id-required"
        } else if !id.allSatisfy({ $0.isASCII && $0.isNumber }) {
            problems["personalId"] = "verify-personal-id-digits"
        } else if id.count != 12 {
            problems["personalId"] = id.count < 12 ? "verify-personal-id-short" : "verify-personal-id-long"
        }
        return problems
    }

    /// `GET /v/{id}`: status, kind, department and issue date; nothing personal.
    func documentPage(
        _ context: RequestContext, _ visit: WebVisit, values: [String: String] = [:], errors: [String: String] = [:],
        confirmed: Bool? = nil
    ) throws -> HTTPResponse {
        guard let id = context.parameter("id"), DocumentID.isValid(id), let entry = try store.documentEntry(id: id)
        else {
            throw Outcome.notFound
        }
        let department = store.configuration.authority.department(id: entry.departmentID)
        let statusKey = "status-\(entry.status.name)"
        var object: [String: TemplateValue] = [
            "documentId": .string(entry.documentID), "statusClass": .string(entry.status.name),
            "statusHeadline": .string(text(statusKey, visit)), "status": .string(text(statusKey, visit)),
            "kind": .string(kindName(entry.kind, visit)),
            "department": .string(
                (visit.language == .vietnamese ? department?.nameVietnamese : department?.nameEnglish)
                    ?? entry.departmentID),
            "issuedOn": .string(HanoiTime.date(entry.issuedAt)),
            // Read from the registry for this page: how fresh the status shown is.
            "statusAsOf": .string(Self.hanoiDateTime(dependencies.casework.clock(), visit)),
            "fields": .list(
                Self.confirmationFields.map { field in
                    field.value(
                        { text($0, visit) }, value: values[field.name],
                        error: errors[field.name].map { text($0, visit) })
                }),
        ]
        if let json = try store.documentRecordJSON(id: id), let record = try? JSONValue(parsing: Array(json.utf8)),
            case .string(let number)? = record.objectValue?["number"]
        {
            object["number"] = .string(number)
        }
        if !errors.isEmpty {
            object["hasErrors"] = .bool(true)
            object["errors"] = .list(
                Self.confirmationFields.compactMap { field in
                    errors[field.name].map { key in
                        .object([
                            "id": .string(field.id), "label": .string(text(field.labelKey, visit)),
                            "message": .string(text(key, visit)),
                        ])
                    }
                })
        }
        if case .revoked(_, let code, let at) = entry.status {
            // The date and the public reason code's wording; never the officer's grounds.
            object["revokedOn"] = .string(HanoiTime.date(at))
            object["revocationReason"] = .string(text("revocation-\(code.rawValue)", visit))
            if let replacement = entry.supersededBy { object["supersededBy"] = .string(replacement) }
        }
        if let confirmed {
            object["confirmation"] = .string(text(confirmed ? "confirm-yes" : "confirm-no", visit))
            object["confirmationClass"] = .string(confirmed ? "confirmed" : "refused")
        }
        return page(visit, "document", title: text("document-title", visit), object, section: "verify")
    }

    /// `POST /v/{id}`: first what is malformed, field by field (no attempt charged); then whether all five fields
    /// match, never which one differed; 10 compared attempts a minute per client.
    func confirmDetails(_ request: HTTPRequest, _ context: RequestContext, _ visit: WebVisit) async throws
        -> HTTPResponse
    {
        let fields = try form(request, visit)
        var typed: [String: String] = [:]
        for name in ["fullName", "birthDate", "sex", "personalId"] { typed[name] = fields[name] }
        let problems = Self.confirmationProblems(typed, today: CalendarDate(now()))
        guard problems.isEmpty else { return try documentPage(context, visit, values: typed, errors: problems) }
        let id = context.parameter("id") ?? ""
        let given = DetailsConfirmation(
            documentID: id, fullName: typed["fullName"] ?? "", birthDate: typed["birthDate"] ?? "",
            sex: typed["sex"] ?? "",
            personalID: (typed["personalId"] ?? "").filter { !$0.isWhitespace })
        // The API's use case and its budget: 10 compared attempts a minute per client, whichever edge is used.
        let confirmed: Bool
        do {
            confirmed =
                try await dependencies.casework.confirmDetails(given, client: context.clientAddress.clientKey) != nil
        } catch {
            guard error.code == .tooManyAttempts else { throw error }
            throw Outcome.tooManyAttempts(seconds: error.retryAfter ?? 1)
        }
        return try documentPage(context, visit, values: typed, confirmed: confirmed)
    }
}

import CivicSealDocuments
import CivicSealJSON
import CivicSealRecords
import CivicSealWebKit
import CivicSealWorkflow
import Foundation

/// The officer's approve form, per kind, and its review step.
///
/// The form's field names are the API's findings paths (`findings.convictions[1].court`), so an issue the typed
/// decoder reports lands next to its control without translation. Rows (convictions, bans, examination results)
/// are added without JavaScript: an "add" submit button re-renders the form with one more row, keeping everything
/// typed. "Review" checks the findings like the API would and shows what the document will state, as it will word
/// it, with any contradiction with an earlier certificate of the same person; only "Confirm and seal" approves.
struct OfficerApprovalForm {
    /// What the form is for: the request's kind and what the citizen asked that changes the fields.
    let kind: RequestKind
    private(set) var form: CriminalRecordForm?
    /// Whether the certificate states bans (form 1 when asked, form 2 always).
    private(set) var statesBans: Bool
    private(set) var extractSections: [HealthBookSection]
    /// The health certificate type asked for (its findings' shape) and, for driving, the licence class asked for.
    private(set) var certificateType: HealthCertificateType?
    private(set) var requestedLicenceClass: String?

    init(_ submission: RequestSubmission) {
        kind = submission.request.kind
        form = nil
        statesBans = false
        extractSections = []
        certificateType = nil
        requestedLicenceClass = nil
        switch submission.request {
        case .criminalRecord(let details):
            form = details.form
            statesBans = details.effectiveStatesBans
        case .healthBookExtract(let details):
            extractSections = details.sections
        case .healthCertificate(let details):
            certificateType = details.type
            requestedLicenceClass = details.licenceClass
        }
    }

    /// A fresh form's values: the licence class the citizen asked for (the officer may change it); nothing else.
    func initialValues() -> [String: String] {
        guard certificateType == .drivingLicence, let requestedLicenceClass else { return [:] }
        return ["findings.licenceClass": requestedLicenceClass]
    }

    /// The posted step: `review` (the form's main button, and Enter), `add-conviction`, `add-ban`, `edit`, `confirm`.
    enum Step: String {
        case review
        case addConviction = "add-conviction"
        case addBan = "add-ban"
        case addResult = "add-result"
        case edit, confirm
    }

    /// Most rows of each list the page offers, so a full form stays within the 200 fields a posted form may carry
    /// (``FormLimits``): 15 convictions × 9 + 10 bans × 4 = 175, or 20 results × 3. The API takes up to
    /// ``ApprovalFindings/maximumItems`` of each.
    static func rowsLimit(_ list: String) -> Int {
        switch list {
        case "convictions": 15
        case "bans": 10
        default: 20
        }
    }
    static let convictionMembers = [
        "judgmentDate", "judgmentNumber", "court", "crime", "articles", "mainPenalty", "additionalPenalties",
        "executionStatus", "expunged",
    ]
    static let banMembers = ["description", "judgment", "court", "duration"]
    static let resultMembers = ["specialty", "finding", "assessment"]

    /// How many rows of `list` the form shows: what the form carried (`convictions.rows`), at least one, at least as
    /// many as the highest index typed, plus one when the officer asked for another.
    static func rows(_ list: String, typed: [String: String], add: Bool) -> Int {
        let limit = rowsLimit(list)
        var count = max(1, min(limit, Int(typed["\(list).rows"] ?? "") ?? 1))
        let prefix = "findings.\(list)["
        for name in typed.keys where name.hasPrefix(prefix) {
            if let index = Int(name.dropFirst(prefix.count).prefix { $0 != "]" }), index < limit {
                count = max(count, index + 1)
            }
        }
        return min(limit, count + (add ? 1 : 0))
    }

    static func convictionFields(_ index: Int) -> [FormField] {
        let path = "findings.convictions[\(index)]."
        return [
            FormField(name: path + "judgmentDate", labelKey: "findings-judgment-date", control: .date),
            FormField(name: path + "judgmentNumber", labelKey: "findings-judgment-number", maxLength: 100),
            FormField(name: path + "court", labelKey: "findings-court", maxLength: 200),
            FormField(name: path + "crime", labelKey: "findings-crime", maxLength: 200),
            FormField(name: path + "articles", labelKey: "findings-articles", maxLength: 200),
            FormField(name: path + "mainPenalty", labelKey: "findings-main-penalty", maxLength: 200),
            FormField(
                name: path + "additionalPenalties", labelKey: "findings-additional-penalties",
                hintKey: "findings-additional-penalties-hint",
                maxLength: 200),
            FormField(
                name: path + "executionStatus", labelKey: "findings-execution-status",
                hintKey: "officer-execution-status-hint", maxLength: 200),
            FormField(
                name: path + "expunged", labelKey: "findings-expunged",
                control: .select([
                    ("", "findings-choose"), ("false", "findings-expunged-no"), ("true", "findings-expunged-yes"),
                ])),
        ]
    }

    static func banFields(_ index: Int) -> [FormField] {
        let path = "findings.bans[\(index)]."
        return [
            FormField(name: path + "description", labelKey: "findings-ban-description", maxLength: 300),
            FormField(name: path + "judgment", labelKey: "findings-ban-judgment", maxLength: 200),
            FormField(name: path + "court", labelKey: "findings-court", maxLength: 200),
            FormField(name: path + "duration", labelKey: "findings-ban-duration", maxLength: 100),
        ]
    }

    /// The health certificate's own fields: a licence class (from the law's fifteen, no default) and the drug test for
    /// driving, the health class I–V for the other types; the validity is always stated.
    static func healthFields(_ type: HealthCertificateType?, english: Bool) -> [FormField] {
        var fields: [FormField] = []
        if type == .drivingLicence {
            fields.append(
                FormField(
                    name: "findings.licenceClass", labelKey: "findings-licence-class",
                    control: .select([("", "findings-choose")] + LicenceClass.codes.map { ($0, $0) }),
                    required: true, hintKey: "officer-licence-class-hint"))
        } else {
            fields.append(
                FormField(
                    name: "findings.classification", labelKey: "officer-health-class",
                    control: .select(
                        [("", "findings-choose")]
                            + HealthClass.allCases.map { ($0.rawValue, english ? $0.labelEnglish : $0.labelVietnamese) }
                    ),
                    required: true))
        }
        fields += [
            FormField(name: "findings.examinedOn", labelKey: "findings-examined-on", control: .date, required: true),
            FormField(
                name: "findings.validityMonths", labelKey: "findings-validity-months", required: true,
                hintKey: "findings-validity-months-hint",
                maxLength: 2, inputMode: "numeric"),
        ]
        if type == .drivingLicence {
            fields.append(
                FormField(
                    name: "findings.drugTest", labelKey: "findings-drug-test",
                    control: .select([
                        ("", "findings-choose"), ("Âm tính / Negative", "findings-drug-negative"),
                        ("Dương tính / Positive", "findings-drug-positive"),
                    ]),
                    required: true))
        }
        fields += [
            FormField(name: "findings.conclusion", labelKey: "findings-conclusion", required: true, maxLength: 500),
            FormField(name: "findings.doctor", labelKey: "findings-doctor", required: true, maxLength: 200),
        ]
        return fields
    }

    /// One examination result: the specialty from the fixed bilingual list (so the printed English name is the real
    /// one), the finding and the assessment.
    static func resultFields(_ index: Int, english: Bool) -> [FormField] {
        let path = "findings.results[\(index)]."
        return [
            FormField(
                name: path + "specialty", labelKey: "officer-specialty",
                control: .select(
                    [("", "findings-choose")]
                        + HealthSpecialty.all.map { ($0.code, english ? $0.english : $0.vietnamese) })),
            FormField(name: path + "finding", labelKey: "officer-result-finding", maxLength: 500),
            FormField(
                name: path + "assessment", labelKey: "officer-result-assessment",
                hintKey: "officer-result-assessment-hint", maxLength: 200),
        ]
    }

    /// One group of the form: a titled fieldset of fields (a row's legend is numbered: "Bản án 2").
    struct Group {
        /// Which list the group belongs to on the page: `convictions`, `bans` or `findings` (the rest).
        var list = "findings"
        let legend: String
        var note: String?
        let fields: [FormField]
    }

    /// Every group the form shows, for `typed` values, after `step`.
    func groups(typed: [String: String], step: Step, english: Bool, text: (String) -> String) -> [Group] {
        switch kind {
        case .criminalRecord:
            var groups: [Group] = []
            let convictions = Self.rows("convictions", typed: typed, add: step == .addConviction)
            for index in 0..<convictions {
                groups.append(
                    Group(
                        list: "convictions", legend: "\(text("officer-conviction")) \(index + 1)",
                        note: index == 0 ? text("officer-convictions-note") : nil,
                        fields: Self.convictionFields(index)))
            }
            if statesBans {
                let bans = Self.rows("bans", typed: typed, add: step == .addBan)
                for index in 0..<bans {
                    groups.append(
                        Group(
                            list: "bans", legend: "\(text("officer-ban")) \(index + 1)",
                            note: index == 0 ? text("officer-bans-note") : nil,
                            fields: Self.banFields(index)))
                }
            }
            return groups
        case .healthCertificate:
            var groups = [
                Group(
                    list: "findings", legend: text("findings-health"),
                    fields: Self.healthFields(certificateType, english: english))
            ]
            let results = Self.rows("results", typed: typed, add: step == .addResult)
            for index in 0..<results {
                groups.append(
                    Group(
                        list: "results", legend: "\(text("officer-result")) \(index + 1)",
                        note: index == 0 ? text("officer-results-note") : nil,
                        fields: Self.resultFields(index, english: english)))
            }
            return groups
        default:
            return WebPages.findingsSections(for: kind).map { section in
                Group(legend: text(section.legendKey), note: section.noteKey.map(text), fields: section.fields)
            }
        }
    }

    /// Whether the page may offer another row of `list`.
    func canAdd(_ list: String, typed: [String: String], step: Step) -> Bool {
        let add =
            (list == "convictions" && step == .addConviction) || (list == "bans" && step == .addBan)
            || (list == "results" && step == .addResult)
        return Self.rows(list, typed: typed, add: add) < Self.rowsLimit(list)
    }

    /// The hidden row counts the form carries, so a re-render keeps every row.
    func rowCounts(typed: [String: String], step: Step) -> [(String, String)] {
        if kind == .healthCertificate {
            return [("results.rows", String(Self.rows("results", typed: typed, add: step == .addResult)))]
        }
        guard kind == .criminalRecord else { return [] }
        var counts = [("convictions.rows", String(Self.rows("convictions", typed: typed, add: step == .addConviction)))]
        if statesBans { counts.append(("bans.rows", String(Self.rows("bans", typed: typed, add: step == .addBan)))) }
        return counts
    }

    /// The findings JSON (the API's shape, checked afterwards by the same typed decoder), or the fields in error.
    /// A row left entirely blank is no row; a row begun must be complete (the decoder names what is missing).
    func findings(_ typed: [String: String]) -> (JSONValue?, [String: String]) {
        func value(_ name: String) -> String? {
            guard let text = typed[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else {
                return nil
            }
            return text
        }
        switch kind {
        case .criminalRecord:
            var convictions: [JSONValue] = []
            for index in 0..<Self.rows("convictions", typed: typed, add: false) {
                let path = "findings.convictions[\(index)]."
                guard Self.convictionMembers.contains(where: { value(path + $0) != nil }) else { continue }
                var conviction: [String: JSONValue] = [:]
                for name in Self.convictionMembers {
                    guard let text = value(path + name) else { continue }
                    conviction[name] = name == "expunged" ? .bool(text == "true") : .string(text)
                }
                // "None" is a fact the officer states: an empty additional-penalty field means none was imposed.
                if conviction["additionalPenalties"] == nil { conviction["additionalPenalties"] = .string("") }
                convictions.append(.object(conviction))
            }
            var bans: [JSONValue] = []
            if statesBans {
                for index in 0..<Self.rows("bans", typed: typed, add: false) {
                    let path = "findings.bans[\(index)]."
                    guard Self.banMembers.contains(where: { value(path + $0) != nil }) else { continue }
                    var ban: [String: JSONValue] = [:]
                    for name in Self.banMembers { if let text = value(path + name) { ban[name] = .string(text) } }
                    bans.append(.object(ban))
                }
            }
            return (.object(["convictions": .array(convictions), "bans": .array(bans)]), [:])
        case .healthCertificate:
            var errors: [String: String] = [:]
            var results: [JSONValue] = []
            for index in 0..<Self.rows("results", typed: typed, add: false) {
                let path = "findings.results[\(index)]."
                guard Self.resultMembers.contains(where: { value(path + $0) != nil }) else { continue }
                var result: [String: JSONValue] = [:]
                if let code = value(path + "specialty") {
                    guard let specialty = HealthSpecialty.named(code) else {
                        errors[path + "specialty"] = "findings-invalid"
                        continue
                    }
                    result["specialtyVietnamese"] = .string(specialty.vietnamese)
                    result["specialtyEnglish"] = .string(specialty.english)
                }
                if let finding = value(path + "finding") { result["finding"] = .string(finding) }
                if let assessment = value(path + "assessment") { result["assessment"] = .string(assessment) }
                results.append(.object(result))
            }
            var object: [String: JSONValue] = ["results": .array(results)]
            let names =
                certificateType == .drivingLicence
                ? ["licenceClass", "examinedOn", "drugTest", "conclusion", "doctor"]
                : ["classification", "examinedOn", "conclusion", "doctor"]
            for name in names { if let text = value("findings.\(name)") { object[name] = .string(text) } }
            if let text = value("findings.validityMonths") {
                if let months = Int64(text) {
                    object["validityMonths"] = .number(String(months))
                } else {
                    errors["findings.validityMonths"] = "findings-validity-invalid"
                }
            }
            return errors.isEmpty ? (.object(object), [:]) : (nil, errors)
        case .healthBookExtract:
            return (.object(["sections": .array(extractSections.map { .string($0.rawValue) })]), [:])
        }
    }

    /// The form field and `messages.json` key for each issue the decoder reported. Blank rows are skipped when the
    /// JSON is built, so a conviction's index in the JSON is mapped back to the row it came from.
    func pageErrors(_ failure: ValidationFailure, typed: [String: String]) -> [String: String] {
        func filledRows(_ list: String, _ members: [String]) -> [Int] {
            (0..<Self.rows(list, typed: typed, add: false)).filter { index in
                members.contains {
                    !(typed["findings.\(list)[\(index)].\($0)"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
                        .isEmpty
                }
            }
        }
        let convictionRows = filledRows("convictions", Self.convictionMembers)
        let banRows = filledRows("bans", Self.banMembers)
        let resultRows = filledRows("results", Self.resultMembers)
        var errors: [String: String] = [:]
        for issue in failure.issues {
            var field = issue.field
            for (list, rows) in [("convictions", convictionRows), ("bans", banRows), ("results", resultRows)] {
                let prefix = "findings.\(list)["
                guard field.hasPrefix(prefix), let close = field.firstIndex(of: "]"),
                    let index = Int(field[field.index(field.startIndex, offsetBy: prefix.count)..<close])
                else { continue }
                let row = index < rows.count ? rows[index] : index
                field = "findings.\(list)[\(row)]" + field[field.index(after: close)...]
            }
            if field == "findings.convictions" || field == "findings" {
                field = "findings.convictions[0].judgmentNumber"
            }
            if field == "findings.bans" { field = "findings.bans[0].description" }
            if field == "findings.results" { field = "findings.results[\(resultRows.first ?? 0)].specialty" }
            if field.hasPrefix("findings.results["),
                field.hasSuffix(".specialtyVietnamese") || field.hasSuffix(".specialtyEnglish")
            {
                field = String(field[..<field.lastIndex(of: ".")!]) + ".specialty"
            }
            let key: String
            switch issue.code {
            case .findingsRequired:
                key = field == "findings.conclusion" ? "officer-conclusion-required" : "findings-required"
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
}

// MARK: What a certificate states, as the document words it

/// The findings as the document will state them, for the review step and, after approval, beside the issued
/// document. The phrases are the templates' own (bilingual, as printed), so the officer reads what the seal covers.
enum CertifiedFindings {
    /// The criminal-record status line and tables as form 1 or 2 prints them (form 1: convictions not expunged
    /// only; bans only when asked; form 2: every conviction, bans always).
    static func criminalRecord(
        form: CriminalRecordForm, statesBans: Bool, convictions: [Conviction], bans: [Ban], text: (String) -> String
    ) -> [String: TemplateValue] {
        let printed = form == .form1 ? convictions.filter { !$0.expunged } : convictions
        var values: [String: TemplateValue] = [
            "isCriminal": true,
            "formName": .string(text("form-\(form.rawValue)")),
            // Templates/criminal-record-form-1.json and -2.json: the status row.
            "status": .string(
                printed.isEmpty ? "Không có án tích / No criminal record" : "Có án tích / Has a criminal record"),
            "hasConvictions": .bool(!printed.isEmpty),
            "convictions": .list(
                printed.enumerated().map { index, conviction in
                    .object([
                        "number": .string(String(index + 1)),
                        "judgment": .string("\(WebPages.date(conviction.judgmentDate)), \(conviction.judgmentNumber)"),
                        "court": .string(conviction.court), "crime": .string(conviction.crime),
                        "articles": .string(conviction.articles),
                        "mainPenalty": .string(conviction.mainPenalty),
                        "additionalPenalties": .string(
                            conviction.additionalPenalties.isEmpty
                                ? text("officer-none") : conviction.additionalPenalties),
                        "executionStatus": .string(conviction.executionStatus),
                        "expunged": .string(conviction.expunged ? "Đã xóa / Yes" : "Chưa xóa / No"),
                    ])
                }),
            "statesBans": .bool(statesBans),
            "hasBans": .bool(!bans.isEmpty),
            "bans": .list(
                bans.enumerated().map { index, ban in
                    .object([
                        "number": .string(String(index + 1)), "description": .string(ban.description),
                        "judgment": .string(ban.judgment),
                        "court": .string(ban.court), "duration": .string(ban.duration),
                    ])
                }),
            "noBans": .string(
                "Không bị cấm đảm nhiệm chức vụ, thành lập, quản lý doanh nghiệp, hợp tác xã"
                    + " / Not banned from holding posts or founding or managing enterprises and cooperatives"),
        ]
        let omitted = convictions.count - printed.count
        if omitted > 0 { values["omittedExpunged"] = .string(String(omitted)) }
        return values
    }

    /// The findings of `kind` for the page, from the typed value.
    static func values(
        _ findings: ApprovalFindings, submission: RequestSubmission, text: (String) -> String
    ) -> [String: TemplateValue] {
        let form = OfficerApprovalForm(submission)
        switch findings {
        case .criminalRecord(let convictions, let bans):
            return criminalRecord(
                form: form.form ?? .form1, statesBans: form.statesBans, convictions: convictions,
                bans: form.statesBans ? bans : [],
                text: text)
        case .healthCertificate(let health):
            var facts: [(String, String)] = [
                (
                    "officer-document-title",
                    "\(health.certificateType.titleVietnamese) / \(health.certificateType.titleEnglish)"
                )
            ]
            if let licenceClass = health.licenceClass { facts.append(("findings-licence-class", licenceClass)) }
            if let classification = health.classification {
                facts.append(
                    ("officer-health-class", "\(classification.labelVietnamese) / \(classification.labelEnglish)"))
            }
            facts.append(("findings-examined-on", WebPages.date(health.examinedOn)))
            if let drugTest = health.drugTest { facts.append(("findings-drug-test", drugTest)) }
            facts += [
                ("findings-conclusion", health.conclusion), ("findings-doctor", health.doctor),
                (
                    "officer-valid-until",
                    "\(WebPages.date(health.validUntil)) (\(health.validityMonths) tháng / months)"
                ),
            ]
            return [
                "isHealth": true,
                "facts": .list(
                    facts.map { label, value in .object(["label": .string(text(label)), "value": .string(value)]) }),
                "results": .list(
                    health.results.enumerated().map { index, result in
                        .object([
                            "number": .string(String(index + 1)),
                            "specialty": .string("\(result.specialtyVietnamese) / \(result.specialtyEnglish)"),
                            "finding": .string(result.finding), "assessment": .string(result.assessment),
                        ])
                    }),
            ]
        case .healthBookExtract(let sections):
            return [
                "isExtract": true,
                "sections": .list(sections.map { .string(text("section-\($0.rawValue)")) }),
            ]
        }
    }
}

// MARK: Contradictions with earlier certificates

extension WebPages {
    /// The contradictions between `findings` and the valid criminal-record certificates issued earlier about the
    /// same person, for the review page (each: the earlier document, its form and date, the conviction, what is wrong).
    func contradictions(
        _ findings: ApprovalFindings, record: RequestRecord, _ visit: WebVisit
    ) async throws -> [TemplateValue] {
        guard case .criminalRecord(let convictions, _) = findings,
            let form = OfficerApprovalForm(record.submission).form,
            let subject = record.subject
        else { return [] }
        let earlier = try await store.earlierDocuments(
            about: subject.personalID, kind: .criminalRecord, excluding: record.summary.id)
        let decoded: [CertificateContradiction.Earlier] = earlier.compactMap { document in
            guard let form = document.form, let value = try? JSONValue(parsing: Array(document.findingsJSON.utf8)),
                case .criminalRecord(let convictions, _)? = try? ApprovalFindings.decode(
                    value, kind: .criminalRecord, today: nil)
            else { return nil }
            return CertificateContradiction.Earlier(
                documentID: document.documentID, form: form, issuedAt: document.issuedAt, convictions: convictions)
        }
        return CertificateContradiction.find(form: form, convictions: convictions, earlier: decoded).map {
            contradiction in
            let conviction = contradiction.conviction
            return .object([
                "documentId": .string(contradiction.earlierDocumentID),
                "form": .string(text("form-\(contradiction.earlierForm.rawValue)", visit)),
                "issued": .string(Self.dateTime(contradiction.earlierIssuedAt)),
                "conviction": .string(
                    "\(conviction.judgmentNumber), \(Self.date(conviction.judgmentDate)), \(conviction.court): "
                        + "\(conviction.crime) — \(text("findings-expunged", visit)): "
                        + text(conviction.expunged ? "findings-expunged-yes" : "findings-expunged-no", visit)
                ),
                "message": .string(text("officer-contradiction-\(contradiction.code.rawValue)", visit)),
            ])
        }
    }
}

import CivicSealWorkflow
import Foundation

/// The citizen's request forms: which fields each kind shows, and the mapping between posted fields and a
/// ``RequestSubmission`` (both ways: a supplement starts from the stored submission).
///
/// The web form covers requests a person makes for themself (`relation: oneself`); requests for a minor child or
/// through a proxy, which need documents attached, go through the API.
enum CitizenForm {
    static let residenceRows = 4

    static func sections(for kind: RequestKind, policy: ValidationPolicy) -> [FormSection] {
        var sections: [FormSection] = []
        switch kind {
        case .criminalRecord:
            sections.append(FormSection(legendKey: "section-request", fields: [
                FormField(name: "request.form", labelKey: "field-form", control: .select([("1", "form-1"), ("2", "form-2")]), required: true),
                FormField(name: "request.purpose", labelKey: "field-purpose", required: true, maxLength: policy.maximumPurposeLength),
                FormField(name: "request.statesBans", labelKey: "field-states-bans", control: .checkbox),
            ]))
            sections.append(FormSection(legendKey: "section-particulars", fields: [
                FormField(name: "particulars.birthPlace", labelKey: "field-birth-place", required: true, maxLength: policy.maximumAddressLength),
                FormField(name: "particulars.ethnicity", labelKey: "field-ethnicity", required: true, maxLength: policy.maximumShortTextLength),
                FormField(name: "particulars.nationality", labelKey: "field-nationality", required: true, maxLength: 2),
                FormField(
                    name: "particulars.permanentResidence.line", labelKey: "field-permanent-residence", required: true,
                    maxLength: policy.maximumAddressLength, autocomplete: "street-address"),
                // Required like the permanent residence: the validator refuses a criminal-record request without either.
                FormField(
                    name: "particulars.currentResidence.line", labelKey: "field-current-residence", required: true,
                    maxLength: policy.maximumAddressLength),
                FormField(name: "particulars.fatherName", labelKey: "field-father", maxLength: policy.maximumNameLength),
                FormField(name: "particulars.motherName", labelKey: "field-mother", maxLength: policy.maximumNameLength),
                FormField(name: "particulars.spouseName", labelKey: "field-spouse", maxLength: policy.maximumNameLength),
            ]))
            var rows: [FormField] = []
            for index in 0..<residenceRows {
                let path = "residenceHistory[\(index)]"
                rows += [
                    FormField(name: path + ".from", labelKey: "field-from", control: .date, required: index == 0),
                    FormField(name: path + ".to", labelKey: "field-to", control: .date),
                    FormField(name: path + ".address", labelKey: "field-address", required: index == 0, maxLength: policy.maximumAddressLength),
                    FormField(name: path + ".occupation", labelKey: "field-occupation", required: index == 0, maxLength: policy.maximumAddressLength),
                ]
            }
            sections.append(FormSection(legendKey: "section-residence", noteKey: "section-residence-note", fields: rows))
        case .healthCertificate:
            sections.append(FormSection(legendKey: "section-request", fields: [
                FormField(
                    name: "request.certificateType", labelKey: "field-certificate-type",
                    control: .select(policy.healthCertificateTypes.map { ($0, "certificate-\($0)") }), required: true),
                FormField(name: "request.purpose", labelKey: "field-purpose", maxLength: policy.maximumPurposeLength),
            ]))
        case .healthBookExtract:
            sections.append(FormSection(legendKey: "section-request", noteKey: "field-sections", fields: HealthBookSection.allCases.map { section in
                FormField(name: "request.sections.\(section.rawValue)", labelKey: "section-\(section.rawValue)", control: .checkbox)
            } + [
                FormField(name: "request.from", labelKey: "field-period-from", control: .date),
                FormField(name: "request.to", labelKey: "field-period-to", control: .date),
                FormField(name: "request.purpose", labelKey: "field-purpose", maxLength: policy.maximumPurposeLength),
            ]))
        }
        sections.append(FormSection(legendKey: "section-contact", fields: [
            FormField(name: "contact.phone", labelKey: "field-phone", control: .telephone, maxLength: 20, autocomplete: "tel", inputMode: "tel"),
            FormField(name: "contact.email", labelKey: "field-email", control: .email, maxLength: 254, autocomplete: "email"),
            FormField(name: "copies", labelKey: "field-copies", control: .number, required: true, hintKey: "field-copies-hint", inputMode: "numeric"),
            FormField(
                name: "delivery.method", labelKey: "field-delivery",
                control: .select(DeliveryChoice.Method.allCases.map { ($0.rawValue, "delivery-\($0.rawValue)") }), required: true),
            FormField(name: "delivery.postalAddress.line", labelKey: "field-postal-address", maxLength: policy.maximumAddressLength),
        ]))
        return sections
    }

    /// Every field name the form for `kind` posts (besides `csrf`, `kind` and `idempotencyKey`).
    static func fieldNames(for kind: RequestKind, policy: ValidationPolicy) -> [String] {
        sections(for: kind, policy: policy).flatMap { $0.fields.map(\.name) }
    }

    /// Defaults of a blank form.
    static func defaults(for kind: RequestKind) -> [String: String] {
        var values = ["copies": "1", "delivery.method": DeliveryChoice.Method.electronic.rawValue]
        if kind == .criminalRecord {
            values["request.form"] = "1"
            values["particulars.nationality"] = "VN"
            values["particulars.ethnicity"] = "Kinh"
        }
        if kind == .healthCertificate { values["request.certificateType"] = "driving-licence" }
        return values
    }

    /// The submission the posted `values` describe, and the fields that cannot even be read (a number that is not
    /// one, a form that is neither 1 nor 2). An unreadable field is replaced by its default so the rest of the form
    /// can still be validated — every problem is reported at once — but such a submission must not be stored.
    /// Text is passed through unchanged: the validator normalises and judges it.
    static func submission(kind: RequestKind, values: [String: String]) -> (RequestSubmission, [String: ValidationCode]) {
        func value(_ name: String) -> String? {
            guard let text = values[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
            return text
        }
        var unreadable: [String: ValidationCode] = [:]
        let details: RequestDetails
        var particulars: Particulars?
        var residence: [ResidencePeriod]?
        switch kind {
        case .criminalRecord:
            let form = value("request.form").flatMap(Int.init).flatMap(CriminalRecordForm.init(rawValue:))
            if form == nil { unreadable["request.form"] = .fieldRequired }
            details = .criminalRecord(CriminalRecordRequest(
                form: form ?? .form1, purpose: value("request.purpose") ?? "", statesBans: values["request.statesBans"] == "yes"))
            particulars = Particulars(
                birthPlace: value("particulars.birthPlace"), ethnicity: value("particulars.ethnicity"),
                nationality: value("particulars.nationality")?.uppercased(),
                permanentResidence: value("particulars.permanentResidence.line").map { Address(line: $0) },
                currentResidence: value("particulars.currentResidence.line").map { Address(line: $0) },
                fatherName: value("particulars.fatherName"), motherName: value("particulars.motherName"),
                spouseName: value("particulars.spouseName"))
            // Blank rows are skipped; the rows kept are renumbered, so `rowOf` maps issues back to the form.
            var periods: [ResidencePeriod] = []
            for index in 0..<residenceRows {
                let path = "residenceHistory[\(index)]"
                let parts = ["from", "to", "address", "occupation"].map { value("\(path).\($0)") }
                guard parts.contains(where: { $0 != nil }) else { continue }
                periods.append(ResidencePeriod(from: parts[0] ?? "", to: parts[1], address: parts[2] ?? "", occupation: parts[3] ?? ""))
            }
            residence = periods
        case .healthCertificate:
            details = .healthCertificate(HealthCertificateRequest(
                certificateType: value("request.certificateType") ?? "", purpose: value("request.purpose")))
        case .healthBookExtract:
            let sections = HealthBookSection.allCases.filter { values["request.sections.\($0.rawValue)"] == "yes" }
            if sections.isEmpty { unreadable["request.sections.\(HealthBookSection.allCases[0].rawValue)"] = .fieldRequired }
            details = .healthBookExtract(HealthBookExtractRequest(
                sections: sections, from: value("request.from"), to: value("request.to"), purpose: value("request.purpose")))
        }
        let copies = value("copies").flatMap { Int($0) }
        if copies == nil { unreadable["copies"] = value("copies") == nil ? .fieldRequired : .copiesOutOfRange }
        let method = value("delivery.method").flatMap(DeliveryChoice.Method.init(rawValue:))
        if method == nil { unreadable["delivery.method"] = .fieldRequired }
        let submission = RequestSubmission(
            request: details, relation: .oneself, particulars: particulars, residenceHistory: residence,
            contact: ContactDetails(phone: value("contact.phone"), email: value("contact.email")), copies: copies ?? 1,
            delivery: DeliveryChoice(
                method: method ?? .electronic, postalAddress: value("delivery.postalAddress.line").map { Address(line: $0) }))
        return (submission, unreadable)
    }

    /// Maps a validation issue's field to the form control it belongs to: residence rows are renumbered past blank
    /// rows; issues about a whole list or object land on its first control.
    static func formField(for issueField: String, kind: RequestKind, values: [String: String], policy: ValidationPolicy) -> String {
        var field = issueField
        if field.hasPrefix("residenceHistory[") {
            // Submission index → form row: the n-th non-blank row.
            let keptRows = (0..<residenceRows).filter { index in
                ["from", "to", "address", "occupation"].contains { !(values["residenceHistory[\(index)].\($0)"] ?? "").trimmingCharacters(in: .whitespaces).isEmpty }
            }
            if let close = field.firstIndex(of: "]"), let index = Int(field[field.index(field.startIndex, offsetBy: 17)..<close]),
                index < keptRows.count
            {
                field = "residenceHistory[\(keptRows[index])]" + field[field.index(after: close)...]
            }
        }
        let names = fieldNames(for: kind, policy: policy)
        if names.contains(field) { return field }
        if field == "residenceHistory" { return "residenceHistory[0].from" }
        if field == "request.sections" { return "request.sections.\(HealthBookSection.allCases[0].rawValue)" }
        if field == "delivery.postalAddress" { return "delivery.postalAddress.line" }
        if let match = names.first(where: { $0.hasPrefix(field + ".") || $0.hasPrefix(field + "[") }) { return match }
        if field.hasPrefix("particulars.permanentResidence") { return "particulars.permanentResidence.line" }
        if field.hasPrefix("particulars.currentResidence") { return "particulars.currentResidence.line" }
        return names.first ?? field
    }

    /// The form values of a stored submission (to correct it after a request for information).
    static func values(of submission: RequestSubmission) -> [String: String] {
        var values: [String: String] = [
            "copies": String(submission.copies), "delivery.method": submission.delivery.method.rawValue,
        ]
        values["delivery.postalAddress.line"] = submission.delivery.postalAddress?.line
        values["contact.phone"] = submission.contact.phone
        values["contact.email"] = submission.contact.email
        switch submission.request {
        case .criminalRecord(let details):
            values["request.form"] = String(details.form.rawValue)
            values["request.purpose"] = details.purpose
            values["request.statesBans"] = details.statesBans == true && details.form == .form1 ? "yes" : nil
        case .healthCertificate(let details):
            values["request.certificateType"] = details.certificateType
            values["request.purpose"] = details.purpose
        case .healthBookExtract(let details):
            for section in details.sections { values["request.sections.\(section.rawValue)"] = "yes" }
            values["request.from"] = details.from
            values["request.to"] = details.to
            values["request.purpose"] = details.purpose
        }
        if let particulars = submission.particulars {
            values["particulars.birthPlace"] = particulars.birthPlace
            values["particulars.ethnicity"] = particulars.ethnicity
            values["particulars.nationality"] = particulars.nationality
            values["particulars.permanentResidence.line"] = particulars.permanentResidence?.line
            values["particulars.currentResidence.line"] = particulars.currentResidence?.line
            values["particulars.fatherName"] = particulars.fatherName
            values["particulars.motherName"] = particulars.motherName
            values["particulars.spouseName"] = particulars.spouseName
        }
        for (index, period) in (submission.residenceHistory ?? []).prefix(residenceRows).enumerated() {
            values["residenceHistory[\(index)].from"] = period.from
            values["residenceHistory[\(index)].to"] = period.to
            values["residenceHistory[\(index)].address"] = period.address
            values["residenceHistory[\(index)].occupation"] = period.occupation
        }
        return values
    }
}

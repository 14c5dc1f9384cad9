import CivicSealWorkflow
import Foundation

/// The citizen's request forms: which fields each kind shows, and the mapping between posted fields and a
/// ``RequestSubmission`` (both ways: a supplement starts from the stored submission).
///
/// The form never changes an answer on its own: a nationality or place is chosen from a list and a value outside the
/// list is refused next to its field; a date is read as day/month/year (or refused), never in another order; the
/// bans box of form 1 is not read for form 2, which always states bans.
///
/// The web form covers requests a person makes for themself (`relation: oneself`); requests for a minor child or
/// through a proxy, which need documents attached, go through the API.
enum CitizenForm {
    /// Residence rows of a blank form; "Add a row" (a submit button, no JavaScript needed) adds one at a time.
    static let defaultResidenceRows = 2
    /// The hidden field that carries how many residence rows the form shows.
    static let residenceRowsField = "residenceRows"
    /// The parts of one residence row, as named in the JSON body (`residenceHistory[1].provinceCode`).
    static let rowParts = ["from", "to", "address", "countryCode", "provinceCode", "occupation"]

    /// The choices that are data rather than messages, in the page's language.
    struct Choices {
        /// ISO 3166-1 alpha-2 code and name, sorted for the language.
        var countries: [(value: String, label: String)] = []
        /// Province code and name.
        var provinces: [(value: String, label: String)] = []
        /// Licence classes of the 2024 Road Traffic Order and Safety Law.
        var licenceClasses: [(value: String, label: String)] = []
    }

    static func sections(
        for kind: RequestKind, policy: ValidationPolicy, rows: Int = defaultResidenceRows, choices: Choices = Choices(),
        rowLabel: (Int) -> String = { "\($0)" }, focusRow: Int? = nil
    ) -> [FormSection] {
        var sections: [FormSection] = []
        switch kind {
        case .criminalRecord:
            sections.append(
                FormSection(
                    legendKey: "section-request",
                    fields: [
                        FormField(
                            name: "request.form", labelKey: "field-form",
                            control: .select([("1", "form-1"), ("2", "form-2")]), required: true),
                        FormField(
                            name: "request.purpose", labelKey: "field-purpose", required: true,
                            maxLength: policy.maximumPurposeLength),
                        FormField(
                            name: "request.statesBans", labelKey: "field-states-bans", control: .checkbox,
                            hintKey: "citizen-states-bans-hint",
                            showWhen: "request.form=1"),
                    ]))
            sections.append(
                FormSection(
                    legendKey: "section-particulars",
                    fields: [
                        FormField(
                            name: "particulars.birthPlace", labelKey: "field-birth-place", required: true,
                            maxLength: policy.maximumAddressLength),
                        FormField(
                            name: "particulars.ethnicity", labelKey: "field-ethnicity", required: true,
                            maxLength: policy.maximumShortTextLength),
                        FormField(
                            name: "particulars.nationality", labelKey: "citizen-nationality",
                            control: .choices(choices.countries), required: true,
                            hintKey: "citizen-nationality-hint"),
                        FormField(
                            name: "particulars.permanentResidence.line", labelKey: "field-permanent-residence",
                            control: .textarea, required: true,
                            maxLength: policy.maximumAddressLength, autocomplete: "street-address", lines: 2),
                        // Required like the permanent residence: the validator refuses a criminal-record request
                        // without either.
                        FormField(
                            name: "particulars.currentResidence.line", labelKey: "field-current-residence",
                            control: .textarea, required: true,
                            maxLength: policy.maximumAddressLength, lines: 2),
                        FormField(
                            name: "particulars.fatherName", labelKey: "field-father",
                            maxLength: policy.maximumNameLength),
                        FormField(
                            name: "particulars.motherName", labelKey: "field-mother",
                            maxLength: policy.maximumNameLength),
                        FormField(
                            name: "particulars.spouseName", labelKey: "field-spouse",
                            maxLength: policy.maximumNameLength),
                    ]))
            var section = FormSection(legendKey: "section-residence", noteKey: "citizen-residence-note", fields: [])
            section.rows = (0..<rows).map { index in
                let path = "residenceHistory[\(index)]"
                let first = index == 0
                return FormSection(
                    legendKey: "residence-row",
                    fields: [
                        FormField(
                            name: path + ".from", labelKey: "field-from", control: .dayMonthYear, required: first,
                            autofocus: focusRow == index),
                        FormField(
                            name: path + ".to", labelKey: "field-to", control: .dayMonthYear, hintKey: "citizen-to-hint"
                        ),
                        FormField(
                            name: path + ".address", labelKey: "field-address", required: first,
                            maxLength: policy.maximumAddressLength),
                        FormField(
                            name: path + ".countryCode", labelKey: "citizen-row-country",
                            control: .choices(choices.countries), required: first),
                        FormField(
                            name: path + ".provinceCode", labelKey: "citizen-row-province",
                            control: .choices(choices.provinces),
                            hintKey: "citizen-row-province-hint", showWhen: path + ".countryCode=VN"),
                        FormField(
                            name: path + ".occupation", labelKey: "field-occupation", required: first,
                            maxLength: policy.maximumAddressLength),
                    ],
                    legend: rowLabel(index + 1))
            }
            section.addRowKey = rows < policy.maximumResidencePeriods ? "citizen-add-row" : nil
            sections.append(section)
        case .healthCertificate:
            sections.append(
                FormSection(
                    legendKey: "section-request",
                    fields: [
                        FormField(
                            name: "request.certificateType", labelKey: "field-certificate-type",
                            control: .select(
                                [("", "choose")] + policy.healthCertificateTypes.map { ($0, "certificate-\($0)") }),
                            required: true),
                        FormField(
                            name: "request.licenceClass", labelKey: "citizen-licence-class",
                            control: .choices(choices.licenceClasses),
                            hintKey: "citizen-licence-class-hint", showWhen: "request.certificateType=driving-licence"),
                        FormField(
                            name: "request.purpose", labelKey: "field-purpose", maxLength: policy.maximumPurposeLength),
                    ]))
            sections.append(healthResidence(policy))
        case .healthBookExtract:
            sections.append(
                FormSection(
                    legendKey: "citizen-extract-sections", noteKey: "citizen-extract-sections-note",
                    fields: HealthBookSection.allCases.map { section in
                        FormField(
                            name: "request.sections.\(section.rawValue)", labelKey: "section-\(section.rawValue)",
                            control: .checkbox)
                    }))
            sections.append(
                FormSection(
                    legendKey: "section-request",
                    fields: [
                        FormField(name: "request.from", labelKey: "field-period-from", control: .dayMonthYear),
                        FormField(name: "request.to", labelKey: "field-period-to", control: .dayMonthYear),
                        FormField(
                            name: "request.purpose", labelKey: "field-purpose", maxLength: policy.maximumPurposeLength),
                    ]))
            sections.append(healthResidence(policy))
        }
        sections.append(
            FormSection(
                legendKey: "section-contact", noteKey: "citizen-contact-note",
                fields: [
                    FormField(
                        name: "contact.phone", labelKey: "field-phone", control: .telephone,
                        hintKey: "citizen-phone-hint", maxLength: 20, autocomplete: "tel", inputMode: "tel"),
                    FormField(
                        name: "contact.email", labelKey: "field-email", control: .email, maxLength: 254,
                        autocomplete: "email"),
                    FormField(
                        name: "copies", labelKey: "field-copies", control: .number, required: true,
                        hintKey: "field-copies-hint", inputMode: "numeric"),
                    FormField(
                        name: "delivery.method", labelKey: "field-delivery",
                        control: .select(
                            DeliveryChoice.Method.allCases.map { ($0.rawValue, "delivery-\($0.rawValue)") }),
                        required: true),
                    FormField(
                        name: "delivery.postalAddress.line", labelKey: "field-postal-address",
                        hintKey: "citizen-postal-address-hint",
                        maxLength: policy.maximumAddressLength),
                ]))
        return sections
    }

    /// Health documents print the holder's residence ("Nơi cư trú"), so the health forms ask for it.
    static func healthResidence(_ policy: ValidationPolicy) -> FormSection {
        FormSection(
            legendKey: "section-particulars",
            fields: [
                FormField(
                    name: "particulars.currentResidence.line", labelKey: "field-current-residence", control: .textarea,
                    required: true,
                    hintKey: "citizen-health-residence-hint", maxLength: policy.maximumAddressLength,
                    autocomplete: "street-address", lines: 2)
            ])
    }

    /// Every field name the form for `kind` posts (besides `csrf`, `kind`, `idempotencyKey`, `residenceRows`).
    static func fieldNames(for kind: RequestKind, policy: ValidationPolicy, rows: Int = defaultResidenceRows)
        -> [String]
    {
        sections(for: kind, policy: policy, rows: rows).flatMap { $0.allFields.map(\.name) }
    }

    /// How many residence rows a posted form shows (its hidden count, within 1 and the policy's maximum).
    static func rowCount(posted: String?, policy: ValidationPolicy) -> Int {
        guard let posted, let count = Int(posted) else { return defaultResidenceRows }
        return min(max(count, 1), policy.maximumResidencePeriods)
    }

    /// Defaults of a blank form. The nationality is the identity token's (`VN` for VNeID citizens); without one the
    /// citizen chooses. Nothing else a document prints is chosen for the citizen.
    static func defaults(for kind: RequestKind, nationality: String?) -> [String: String] {
        var values = ["copies": "1", "delivery.method": DeliveryChoice.Method.electronic.rawValue]
        if kind == .criminalRecord {
            values["request.form"] = "1"
            values["particulars.nationality"] = nationality
            for index in 0..<defaultResidenceRows { values["residenceHistory[\(index)].countryCode"] = "VN" }
        }
        return values
    }

    // MARK: Dates

    /// The ISO date (`YYYY-MM-DD`) of a day typed as day/month/year: `14/05/2004`, `14-05-2004`, `14.05.2004`,
    /// `4/5/2004`, the eight digits `14052004`, or an ISO date as such. `nil` when the text is none of these or not
    /// a real day: the digits are never read in another order.
    static func isoDate(_ typed: String) -> String? {
        let text = typed.trimmingCharacters(in: .whitespaces)
        if let date = CalendarDate(text) { return date.description }
        let digits = text.unicodeScalars.allSatisfy { ("0"..."9").contains($0) }
        var parts: [Substring]
        if digits && text.count == 8 {
            parts = [text.prefix(2), text.dropFirst(2).prefix(2), text.suffix(4)]
        } else {
            parts = text.split(separator: "/", omittingEmptySubsequences: false)
            if parts.count != 3 { parts = text.split(separator: "-", omittingEmptySubsequences: false) }
            if parts.count != 3 { parts = text.split(separator: ".", omittingEmptySubsequences: false) }
        }
        guard parts.count == 3, (1...2).contains(parts[0].count), (1...2).contains(parts[1].count), parts[2].count == 4,
            parts.allSatisfy({ $0.unicodeScalars.allSatisfy { ("0"..."9").contains($0) } }),
            let day = Int(parts[0]), let month = Int(parts[1]), let year = Int(parts[2]),
            let date = CalendarDate(year: year, month: month, day: day)
        else { return nil }
        return date.description
    }

    /// A stored ISO date as the form shows it (`14/05/2004`); anything else unchanged.
    static func shownDate(_ iso: String?) -> String? {
        guard let iso else { return nil }
        guard let date = CalendarDate(iso) else { return iso }
        return String(format: "%02d/%02d/%04d", date.day, date.month, date.year)
    }

    // MARK: Posted form → submission

    /// Why a posted field cannot even be read, as the `messages.json` key of its message.
    typealias Unreadable = [String: String]

    static func messageKey(_ code: ValidationCode) -> String { "validation.\(code.rawValue)" }

    /// Whether a residence row was left blank (the country select's default does not count as an answer).
    static func isBlankRow(_ index: Int, values: [String: String]) -> Bool {
        let path = "residenceHistory[\(index)]"
        return rowParts.allSatisfy { part in
            let value = (values["\(path).\(part)"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            return value.isEmpty || (part == "countryCode" && value == "VN")
        }
    }

    /// The form rows that become the submission's rows, in order (blank rows are skipped).
    static func keptRows(values: [String: String], rows: Int) -> [Int] {
        (0..<rows).filter { !isBlankRow($0, values: values) }
    }

    /// The submission the posted `values` describe, and the fields that cannot even be read (a date that is not a
    /// day/month/year, a country outside the list, a form that is neither 1 nor 2). An unreadable field is left out
    /// or at its default so the rest of the form can still be validated — every problem is reported at once — but
    /// such a submission must not be stored. Text is passed through unchanged: the validator normalises and judges it.
    static func submission(
        kind: RequestKind, values: [String: String], rows: Int = defaultResidenceRows
    ) -> (RequestSubmission, Unreadable) {
        func value(_ name: String) -> String? {
            guard let text = values[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else {
                return nil
            }
            return text
        }
        var unreadable: Unreadable = [:]
        /// A day/month/year field as an ISO date; a typed value that is not one is reported and left out.
        func date(_ name: String, required: Bool) -> String? {
            guard let typed = value(name) else {
                if required { unreadable[name] = messageKey(.fieldRequired) }
                return nil
            }
            guard let iso = isoDate(typed) else {
                unreadable[name] = "citizen-date-invalid"
                return nil
            }
            return iso
        }
        /// A country chosen from the list; anything else is refused, never read as another country.
        func country(_ name: String) -> String? {
            guard let code = value(name) else { return nil }
            guard Country.isKnown(code) else {
                unreadable[name] = "citizen-country-unknown"
                return nil
            }
            return code
        }
        /// Health documents print the residence: the only particular their forms ask.
        func healthParticulars() -> Particulars? {
            value("particulars.currentResidence.line").map { Particulars(currentResidence: Address(line: $0)) }
        }
        let details: RequestDetails
        var particulars: Particulars?
        var residence: [ResidencePeriod]?
        switch kind {
        case .criminalRecord:
            let form = value("request.form").flatMap(Int.init).flatMap(CriminalRecordForm.init(rawValue:))
            if form == nil { unreadable["request.form"] = messageKey(.fieldRequired) }
            // Form 2 always states bans: its box is not an answer (shown only for form 1), so it is not read.
            let ticked = values["request.statesBans"] == "yes"
            let statesBans: Bool? = form == .form2 ? nil : ticked
            details = .criminalRecord(
                CriminalRecordRequest(
                    form: form ?? .form1, purpose: value("request.purpose") ?? "", statesBans: statesBans))
            particulars = Particulars(
                birthPlace: value("particulars.birthPlace"), ethnicity: value("particulars.ethnicity"),
                nationality: country("particulars.nationality"),
                permanentResidence: value("particulars.permanentResidence.line").map { Address(line: $0) },
                currentResidence: value("particulars.currentResidence.line").map { Address(line: $0) },
                fatherName: value("particulars.fatherName"), motherName: value("particulars.motherName"),
                spouseName: value("particulars.spouseName"))
            if value("particulars.nationality") == nil {
                unreadable["particulars.nationality"] = messageKey(.fieldRequired)
            }
            // Blank rows are skipped; the rows kept are renumbered, so `formField(for:)` maps issues back to the form.
            var periods: [ResidencePeriod] = []
            for index in keptRows(values: values, rows: rows) {
                let path = "residenceHistory[\(index)]"
                let from = date(path + ".from", required: true)
                let to = date(path + ".to", required: false)
                let countryCode = country(path + ".countryCode")
                if value(path + ".countryCode") == nil {
                    unreadable[path + ".countryCode"] = messageKey(.fieldRequired)
                }
                var provinceCode = value(path + ".provinceCode")
                if countryCode == "VN", provinceCode == nil {
                    unreadable[path + ".provinceCode"] = "citizen-row-province-required"
                } else if let chosen = countryCode, chosen != "VN", provinceCode != nil {
                    // A province abroad is a contradiction the citizen must resolve, not a value to drop quietly.
                    unreadable[path + ".provinceCode"] = "citizen-row-province-abroad"
                    provinceCode = nil
                }
                periods.append(
                    ResidencePeriod(
                        from: from ?? "", to: to, address: value(path + ".address") ?? "", provinceCode: provinceCode,
                        countryCode: countryCode, occupation: value(path + ".occupation") ?? ""))
            }
            residence = periods
        case .healthCertificate:
            particulars = healthParticulars()
            details = .healthCertificate(
                HealthCertificateRequest(
                    certificateType: value("request.certificateType") ?? "",
                    licenceClass: value("request.licenceClass"),
                    purpose: value("request.purpose")))
        case .healthBookExtract:
            particulars = healthParticulars()
            let sections = HealthBookSection.allCases.filter { values["request.sections.\($0.rawValue)"] == "yes" }
            if sections.isEmpty {
                unreadable["request.sections.\(HealthBookSection.allCases[0].rawValue)"] = messageKey(.fieldRequired)
            }
            details = .healthBookExtract(
                HealthBookExtractRequest(
                    sections: sections, from: date("request.from", required: false),
                    to: date("request.to", required: false),
                    purpose: value("request.purpose")))
        }
        let copies = value("copies").flatMap { Int($0) }
        if copies == nil {
            unreadable["copies"] = messageKey(value("copies") == nil ? .fieldRequired : .copiesOutOfRange)
        }
        let method = value("delivery.method").flatMap(DeliveryChoice.Method.init(rawValue:))
        if method == nil { unreadable["delivery.method"] = messageKey(.fieldRequired) }
        let submission = RequestSubmission(
            request: details, relation: .oneself, particulars: particulars, residenceHistory: residence,
            contact: ContactDetails(phone: value("contact.phone"), email: value("contact.email")), copies: copies ?? 1,
            delivery: DeliveryChoice(
                method: method ?? .electronic,
                postalAddress: value("delivery.postalAddress.line").map { Address(line: $0) }))
        return (submission, unreadable)
    }

    /// The form row (1-based) a form field belongs to, if it is part of a residence row.
    static func rowNumber(of field: String) -> Int? {
        guard field.hasPrefix("residenceHistory["), let close = field.firstIndex(of: "]") else { return nil }
        return Int(field[field.index(field.startIndex, offsetBy: 17)..<close]).map { $0 + 1 }
    }

    /// Maps a validation issue's field to the form control it belongs to: residence rows are renumbered past blank
    /// rows; issues about a whole list or object land on its first control.
    static func formField(
        for issueField: String, kind: RequestKind, values: [String: String], policy: ValidationPolicy,
        rows: Int = defaultResidenceRows
    ) -> String {
        var field = issueField
        if field.hasPrefix("residenceHistory[") {
            // Submission index → form row: the n-th non-blank row.
            let kept = keptRows(values: values, rows: rows)
            if let close = field.firstIndex(of: "]"),
                let index = Int(field[field.index(field.startIndex, offsetBy: 17)..<close]),
                index < kept.count
            {
                field = "residenceHistory[\(kept[index])]" + field[field.index(after: close)...]
            }
        }
        let names = fieldNames(for: kind, policy: policy, rows: rows)
        if names.contains(field) { return field }
        if field == "residenceHistory" { return "residenceHistory[0].from" }
        if field == "request.sections" { return "request.sections.\(HealthBookSection.allCases[0].rawValue)" }
        if field == "delivery.postalAddress" { return "delivery.postalAddress.line" }
        if let match = names.first(where: { $0.hasPrefix(field + ".") || $0.hasPrefix(field + "[") }) { return match }
        if field.hasPrefix("particulars.permanentResidence") { return "particulars.permanentResidence.line" }
        if field.hasPrefix("particulars.currentResidence") { return "particulars.currentResidence.line" }
        return names.first ?? field
    }

    /// The form values of a stored submission (to correct it after a request for information), and its row count.
    static func values(of submission: RequestSubmission) -> (values: [String: String], rows: Int) {
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
            values["request.licenceClass"] = details.licenceClass
            values["request.purpose"] = details.purpose
        case .healthBookExtract(let details):
            for section in details.sections { values["request.sections.\(section.rawValue)"] = "yes" }
            values["request.from"] = shownDate(details.from)
            values["request.to"] = shownDate(details.to)
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
        let history = submission.residenceHistory ?? []
        for (index, period) in history.enumerated() {
            values["residenceHistory[\(index)].from"] = shownDate(period.from)
            values["residenceHistory[\(index)].to"] = shownDate(period.to)
            values["residenceHistory[\(index)].address"] = period.address
            values["residenceHistory[\(index)].countryCode"] = period.countryCode ?? "VN"
            values["residenceHistory[\(index)].provinceCode"] = period.provinceCode
            values["residenceHistory[\(index)].occupation"] = period.occupation
        }
        return (values, max(history.count, 1))
    }
}

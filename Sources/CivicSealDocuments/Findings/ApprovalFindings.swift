import CivicSealJSON
import CivicSealWorkflow

/// The officer's findings for an approval, typed per kind and decoded once, strictly, from the JSON value tree.
///
/// Every fact a document prints comes from a recorded input: the request, the identity token or these findings.
/// A fact the template prints and the findings do not give is refused (`findings.required`, naming the field);
/// nothing is defaulted. A member the kind does not define is refused (`findings.unknown-member`), so
/// `{"convictions": [], "conviction": [...]}` cannot yield "Không có án tích". Text refuses control and bidi
/// characters; the dates of events (judgments, examinations) cannot be after `today`.
///
/// JSON shapes (every member required unless marked):
/// - criminal record: `{"convictions": [{judgmentDate, judgmentNumber, court, crime, articles, mainPenalty,
/// additionalPenalties (may be ""), executionStatus, expunged}], "bans": [{description, judgment, court, duration}]}`;
/// - health certificate, driving: `{licenceClass, examinedOn, validityMonths, results: [{specialtyVietnamese,
///   specialtyEnglish, finding, assessment}] (at least one), drugTest, conclusion, doctor}`;
/// - health certificate, general / employment / study: `{examinedOn, validityMonths, results, classification
///   ("I"…"V", Circular 32/2023/TT-BYT), conclusion, doctor}` (a licence class or drug test is an unknown member);
/// - health-book extract: `{"sections": [...]}`, exactly the sections the request asked for.
package enum ApprovalFindings: Sendable, Hashable {
    case criminalRecord(convictions: [Conviction], bans: [Ban])
    case healthCertificate(HealthCertificateFindings)
    case healthBookExtract(sections: [HealthBookSection])

    /// Licence classes of the Road Traffic Order and Safety Law 2024 (from 1 January 2025): ``LicenceClass/codes``.
    package static let licenceClasses = LicenceClass.codes
    /// The validity a health certificate may state, in months.
    package static let validityRange = 1...60
    /// Longest free text in findings, in characters.
    package static let maximumTextLength = 500
    /// Most list items (convictions, bans, examination results).
    package static let maximumItems = 50

    /// Decodes `value` (the approval's `findings` member) for a request of `kind`. `certificateType` is the health
    /// certificate type the request asked for (its findings' shape); `requestedSections` are the sections an extract
    /// request asked for; `today` (the service clock's Hà Nội date) bounds event dates, and nil skips that check
    /// (re-reading findings approved earlier).
    package static func decode(
        _ value: JSONValue, kind: RequestKind, certificateType: HealthCertificateType? = nil,
        requestedSections: [HealthBookSection] = [], today: CalendarDate?
    ) throws(ValidationFailure) -> ApprovalFindings {
        var reader = FindingsReader(today: today)
        let result: ApprovalFindings?
        switch kind {
        case .criminalRecord: result = reader.criminalRecord(value)
        case .healthCertificate:
            if let certificateType {
                result = reader.healthCertificate(value, type: certificateType)
            } else {
                reader.add(
                    "request.certificateType", .healthCertificateTypeUnknown,
                    "the request names no known health certificate type")
                result = nil
            }
        case .healthBookExtract: result = reader.extract(value, requested: requestedSections)
        }
        guard let result, reader.issues.isEmpty else { throw ValidationFailure(issues: reader.issues) }
        return result
    }
}

extension ApprovalFindings {
    /// The findings as they are stored and hashed: the same shape the API takes, with the cleaned text (NFC,
    /// trimmed) the document prints, so the registry's record states exactly what the seal covers.
    package var canonicalJSON: JSONValue {
        func date(_ value: CalendarDate) -> JSONValue { .string(value.description) }
        switch self {
        case .criminalRecord(let convictions, let bans):
            return .object([
                "convictions": .array(
                    convictions.map { conviction in
                        .object([
                            "judgmentDate": date(conviction.judgmentDate),
                            "judgmentNumber": .string(conviction.judgmentNumber),
                            "court": .string(conviction.court), "crime": .string(conviction.crime),
                            "articles": .string(conviction.articles),
                            "mainPenalty": .string(conviction.mainPenalty),
                            "additionalPenalties": .string(conviction.additionalPenalties),
                            "executionStatus": .string(conviction.executionStatus),
                            "expunged": .bool(conviction.expunged),
                        ])
                    }),
                "bans": .array(
                    bans.map { ban in
                        .object([
                            "description": .string(ban.description), "judgment": .string(ban.judgment),
                            "court": .string(ban.court),
                            "duration": .string(ban.duration),
                        ])
                    }),
            ])
        case .healthCertificate(let findings):
            var members: [String: JSONValue] = [
                "examinedOn": date(findings.examinedOn),
                "validityMonths": .number(String(findings.validityMonths)),
                "results": .array(
                    findings.results.map { result in
                        .object([
                            "specialtyVietnamese": .string(result.specialtyVietnamese),
                            "specialtyEnglish": .string(result.specialtyEnglish),
                            "finding": .string(result.finding), "assessment": .string(result.assessment),
                        ])
                    }),
                "conclusion": .string(findings.conclusion), "doctor": .string(findings.doctor),
            ]
            if let licenceClass = findings.licenceClass { members["licenceClass"] = .string(licenceClass) }
            if let drugTest = findings.drugTest { members["drugTest"] = .string(drugTest) }
            if let classification = findings.classification {
                members["classification"] = .string(classification.rawValue)
            }
            return .object(members)
        case .healthBookExtract(let sections):
            return .object(["sections": .array(sections.map { .string($0.rawValue) })])
        }
    }
}

/// Walks a findings value, collecting every issue with its path (`findings.convictions[0].crime`).
struct FindingsReader {
    let today: CalendarDate?
    var issues: [ValidationIssue] = []

    init(today: CalendarDate?) { self.today = today }

    mutating func add(_ field: String, _ code: ValidationCode, _ message: String) {
        issues.append(ValidationIssue(field: field, code: code, message: message))
    }

    /// The members of an object with exactly `names` allowed; unknown ones are reported (sorted), nil when not an
    /// object.
    mutating func object(_ value: JSONValue?, at path: String, names: Set<String>) -> [String: JSONValue]? {
        guard let value else {
            add(path, .findingsRequired, "required")
            return nil
        }
        guard let members = value.objectValue else {
            add(path, .findingsTypeMismatch, "must be a JSON object")
            return nil
        }
        for name in members.keys.sorted() where !names.contains(name) {
            add(path + "." + name, .findingsUnknownMember, "unknown member \(name)")
        }
        return members
    }

    mutating func array(_ members: [String: JSONValue], _ name: String, at path: String, nonEmpty: Bool = false)
        -> [JSONValue]?
    {
        let field = path + "." + name
        guard let value = members[name], value != .null else {
            add(field, .findingsRequired, "required (an empty list when there is none)")
            return nil
        }
        guard let elements = value.arrayValue else {
            add(field, .findingsTypeMismatch, "must be a list")
            return nil
        }
        if elements.count > ApprovalFindings.maximumItems {
            add(field, .listTooLong, "at most \(ApprovalFindings.maximumItems) items")
            return nil
        }
        if nonEmpty && elements.isEmpty {
            add(field, .findingsRequired, "at least one item is required")
            return nil
        }
        return elements
    }

    /// Printed text: present, a string, NFC, trimmed, no control or bidi characters, bounded; empty only if
    /// `allowEmpty`.
    mutating func text(_ members: [String: JSONValue], _ name: String, at path: String, allowEmpty: Bool = false)
        -> String?
    {
        let field = path + "." + name
        guard let value = members[name], value != .null else {
            add(field, .findingsRequired, "required")
            return nil
        }
        guard let raw = value.stringValue else {
            add(field, .findingsTypeMismatch, "must be a string")
            return nil
        }
        if TextNormalization.containsControlCharacters(raw) {
            add(field, .textControlCharacters, "control characters (U+0000–U+001F, U+007F–U+009F) are not allowed")
            return nil
        }
        // What was sent is bounded in code points too (the OpenAPI document's maxLength), as in submissions.
        let sentLimit = ApprovalFindings.maximumTextLength * TextNormalization.codePointsPerCharacter
        if raw.utf8.count > sentLimit, raw.unicodeScalars.count > sentLimit {
            add(
                field, .textTooLong,
                "at most \(ApprovalFindings.maximumTextLength) characters (\(sentLimit) code points as sent)")
            return nil
        }
        if TextNormalization.containsBidiControls(raw) {
            add(field, .textBidiControl, "bidirectional controls (U+202A–U+202E, U+2066–U+2069) are not allowed")
            return nil
        }
        let text = TextNormalization.normalise(raw)
        if text.isEmpty && !allowEmpty {
            add(field, .findingsRequired, "required, and not empty")
            return nil
        }
        if text.count > ApprovalFindings.maximumTextLength {
            add(field, .textTooLong, "at most \(ApprovalFindings.maximumTextLength) characters")
            return nil
        }
        return text
    }

    /// The date of an event that has happened: `YYYY-MM-DD`, not after today.
    mutating func pastDate(_ members: [String: JSONValue], _ name: String, at path: String) -> CalendarDate? {
        let field = path + "." + name
        guard let value = members[name], value != .null else {
            add(field, .findingsRequired, "required")
            return nil
        }
        guard let raw = value.stringValue else {
            add(field, .findingsTypeMismatch, "must be a date string YYYY-MM-DD")
            return nil
        }
        guard let date = CalendarDate(raw) else {
            add(field, .dateInvalid, "must be a real date as YYYY-MM-DD")
            return nil
        }
        if let today, date > today {
            add(field, .dateInFuture, "the date is after today (\(today))")
            return nil
        }
        return date
    }

    mutating func bool(_ members: [String: JSONValue], _ name: String, at path: String) -> Bool? {
        let field = path + "." + name
        guard let value = members[name], value != .null else {
            add(field, .findingsRequired, "required (true or false)")
            return nil
        }
        guard let flag = value.boolValue else {
            add(field, .findingsTypeMismatch, "must be true or false")
            return nil
        }
        return flag
    }

    // MARK: Kinds

    static let convictionMembers: Set<String> = [
        "judgmentDate", "judgmentNumber", "court", "crime", "articles", "mainPenalty", "additionalPenalties",
        "executionStatus",
        "expunged",
    ]
    static let banMembers: Set<String> = ["description", "judgment", "court", "duration"]

    mutating func criminalRecord(_ value: JSONValue) -> ApprovalFindings? {
        guard let members = object(value, at: "findings", names: ["convictions", "bans"]) else { return nil }
        var convictions: [Conviction] = []
        for (index, element) in (array(members, "convictions", at: "findings") ?? []).enumerated() {
            let path = "findings.convictions[\(index)]"
            guard let item = object(element, at: path, names: Self.convictionMembers) else { continue }
            let date = pastDate(item, "judgmentDate", at: path)
            let number = text(item, "judgmentNumber", at: path)
            let court = text(item, "court", at: path)
            let crime = text(item, "crime", at: path)
            let articles = text(item, "articles", at: path)
            let main = text(item, "mainPenalty", at: path)
            let additional = text(item, "additionalPenalties", at: path, allowEmpty: true)
            let execution = text(item, "executionStatus", at: path)
            let expunged = bool(item, "expunged", at: path)
            guard let date, let number, let court, let crime, let articles, let main, let additional, let execution,
                let expunged
            else {
                continue
            }
            convictions.append(
                Conviction(
                    judgmentDate: date, judgmentNumber: number, court: court, crime: crime, articles: articles,
                    mainPenalty: main,
                    additionalPenalties: additional, executionStatus: execution, expunged: expunged))
        }
        var bans: [Ban] = []
        for (index, element) in (array(members, "bans", at: "findings") ?? []).enumerated() {
            let path = "findings.bans[\(index)]"
            guard let item = object(element, at: path, names: Self.banMembers) else { continue }
            let description = text(item, "description", at: path)
            let judgment = text(item, "judgment", at: path)
            let court = text(item, "court", at: path)
            let duration = text(item, "duration", at: path)
            guard let description, let judgment, let court, let duration else { continue }
            bans.append(Ban(description: description, judgment: judgment, court: court, duration: duration))
        }
        return .criminalRecord(convictions: convictions, bans: bans)
    }

    static let drivingMembers: Set<String> = [
        "licenceClass", "examinedOn", "validityMonths", "results", "drugTest", "conclusion", "doctor",
    ]
    static let classifiedMembers: Set<String> = [
        "examinedOn", "validityMonths", "results", "classification", "conclusion", "doctor",
    ]
    static let resultMembers: Set<String> = ["specialtyVietnamese", "specialtyEnglish", "finding", "assessment"]

    mutating func healthCertificate(_ value: JSONValue, type: HealthCertificateType) -> ApprovalFindings? {
        let driving = type.isDriving
        guard let members = object(value, at: "findings", names: driving ? Self.drivingMembers : Self.classifiedMembers)
        else {
            return nil
        }
        var licenceClass: String?
        var classification: HealthClass?
        if driving {
            licenceClass = text(members, "licenceClass", at: "findings")
            if let given = licenceClass, LicenceClass(rawValue: given) == nil {
                add(
                    "findings.licenceClass", .findingsInvalid,
                    "licence class must be one of \(LicenceClass.codes.joined(separator: ", "))")
                licenceClass = nil
            }
        } else if let given = text(members, "classification", at: "findings") {
            classification = HealthClass(rawValue: given)
            if classification == nil {
                add(
                    "findings.classification", .findingsInvalid,
                    "the health class is one of I, II, III, IV, V (Circular 32/2023/TT-BYT)")
            }
        }
        let examinedOn = pastDate(members, "examinedOn", at: "findings")
        var validity: Int?
        switch members["validityMonths"] {
        case nil, .null?: add("findings.validityMonths", .findingsRequired, "required (months)")
        case let member?:
            if let months = member.integralValue, ApprovalFindings.validityRange.contains(Int(months)) {
                validity = Int(months)
            } else {
                add(
                    "findings.validityMonths", member.integralValue == nil ? .findingsTypeMismatch : .findingsInvalid,
                    "validityMonths must be a whole number of months from "
                        + "\(ApprovalFindings.validityRange.lowerBound) to \(ApprovalFindings.validityRange.upperBound)"
                )
            }
        }
        var results: [ExaminationResult] = []
        for (index, element) in (array(members, "results", at: "findings", nonEmpty: true) ?? []).enumerated() {
            let path = "findings.results[\(index)]"
            guard let item = object(element, at: path, names: Self.resultMembers) else { continue }
            let vietnamese = text(item, "specialtyVietnamese", at: path)
            let english = text(item, "specialtyEnglish", at: path)
            let finding = text(item, "finding", at: path)
            let assessment = text(item, "assessment", at: path)
            guard let vietnamese, let english, let finding, let assessment else { continue }
            results.append(
                ExaminationResult(
                    specialtyVietnamese: vietnamese, specialtyEnglish: english, finding: finding, assessment: assessment
                ))
        }
        let drugTest = driving ? text(members, "drugTest", at: "findings") : nil
        let conclusion = text(members, "conclusion", at: "findings")
        let doctor = text(members, "doctor", at: "findings")
        guard let examinedOn, let validity, let conclusion, let doctor else { return nil }
        let findings: HealthCertificateFindings
        if driving {
            guard let licenceClass, let drugTest else { return nil }
            findings = HealthCertificateFindings(
                licenceClass: licenceClass, examinedOn: examinedOn, validityMonths: validity, results: results,
                drugTest: drugTest,
                conclusion: conclusion, doctor: doctor)
        } else {
            guard let classification else { return nil }
            findings = HealthCertificateFindings(
                certificateType: type, examinedOn: examinedOn, validityMonths: validity, results: results,
                classification: classification, conclusion: conclusion, doctor: doctor)
        }
        if let today, findings.validUntil < today {
            add(
                "findings.examinedOn", .findingsExpired,
                "a certificate examined on \(examinedOn) for \(validity) months has expired")
        }
        return .healthCertificate(findings)
    }

    mutating func extract(_ value: JSONValue, requested: [HealthBookSection]) -> ApprovalFindings? {
        guard let members = object(value, at: "findings", names: ["sections"]) else { return nil }
        guard let elements = array(members, "sections", at: "findings", nonEmpty: true) else { return nil }
        var sections: [HealthBookSection] = []
        for (index, element) in elements.enumerated() {
            guard let section = element.stringValue.flatMap(HealthBookSection.init(rawValue:)) else {
                add(
                    "findings.sections[\(index)]", .findingsInvalid,
                    "a section is encounters, vaccinations or allergies")
                continue
            }
            sections.append(section)
        }
        guard issues.isEmpty else { return nil }
        if Set(sections) != Set(requested) || sections.count != Set(sections).count {
            add(
                "findings.sections", .findingsInvalid,
                "the sections must be exactly those requested: \(requested.map(\.rawValue).joined(separator: ", "))")
            return nil
        }
        return .healthBookExtract(sections: sections)
    }
}

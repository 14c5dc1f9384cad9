import CivicSealWorkflow
import Foundation

/// What a field yields: plain text, or a term looked up in the template's `vocabulary` (so the wording of
/// "Nữ / Female" or "Ngoại trú / Outpatient" stays in the template).
enum FieldValue: Sendable {
    case text(String)
    case term(String)
}

/// One element of a list field, the `item` a table row reads with `{{item.…}}`.
enum ListItem: Sendable {
    case conviction(index: Int, Conviction)
    case ban(index: Int, Ban)
    case examination(index: Int, ExaminationResult)
    case encounter(index: Int, Encounter)
    case vaccination(index: Int, Vaccination)
    case allergy(index: Int, Allergy)

    var index: Int {
        switch self {
        case .conviction(let index, _), .ban(let index, _), .examination(let index, _), .encounter(let index, _),
            .vaccination(let index, _), .allergy(let index, _):
            index
        }
    }
}

/// The kinds of list items, each with its own item fields.
enum ListItemKind: String, Sendable, CaseIterable {
    case conviction, ban, examination, encounter, vaccination, allergy
}

/// The set of fields a template may reference — the `DocumentRecord` schema, defined here in code so that a
/// template naming anything else is refused at load.
///
/// - Text fields (`holder.fullName`) go inside `{{…}}` or in a row's `field`; an optional `|upper` filter
///   upper-cases the value.
/// - Flags (`criminalRecord.hasCurrentConvictions`) choose between branches of an `if` block.
/// - Lists (`criminalRecord.allConvictions`) feed a `table` block, whose cells read `{{item.…}}`.
///
/// Fields under `criminalRecord.`, `healthCertificate.` and `healthBook.` exist only for templates of that kind.
package enum DocumentSchema {
    struct TextField: Sendable {
        let kind: RequestKind?
        /// The vocabulary keys the field can produce (empty for free text); the template must define them all.
        let terms: [String]
        let value: @Sendable (DocumentRecord) -> FieldValue
    }

    struct Flag: Sendable {
        let kind: RequestKind?
        let value: @Sendable (DocumentRecord) -> Bool
    }

    struct ListField: Sendable {
        let kind: RequestKind
        let itemKind: ListItemKind
        let items: @Sendable (DocumentRecord) -> [ListItem]
    }

    struct ItemField: Sendable {
        let terms: [String]
        let value: @Sendable (ListItem) -> FieldValue
    }

    /// The names of every record-level text field, flag and list, sorted (for error messages and docs).
    package static var fieldNames: [String] {
        (Array(textFields.keys) + Array(flags.keys) + Array(lists.keys)).sorted()
    }

    static func text(_ value: @escaping @Sendable (DocumentRecord) -> String) -> TextField {
        TextField(kind: nil, terms: [], value: { .text(value($0)) })
    }

    static func criminal(_ value: @escaping @Sendable (CriminalRecordFindings) -> String) -> TextField {
        TextField(kind: .criminalRecord, terms: []) { record in
            if case .criminalRecord(let findings) = record.findings { return .text(value(findings)) }
            return .text("")
        }
    }

    static func health(_ value: @escaping @Sendable (HealthCertificateFindings) -> String) -> TextField {
        TextField(kind: .healthCertificate, terms: []) { record in
            if case .healthCertificate(let findings) = record.findings { return .text(value(findings)) }
            return .text("")
        }
    }

    static func book(_ value: @escaping @Sendable (HealthBookExtractFindings) -> String) -> TextField {
        TextField(kind: .healthBookExtract, terms: []) { record in
            if case .healthBookExtract(let findings) = record.findings { return .text(value(findings)) }
            return .text("")
        }
    }

    static let textFields: [String: TextField] = [
        "document.id": text(\.documentID),
        "document.number": text(\.number),
        "document.place": text(\.place),
        "document.verificationURL": text { _ in "" },  // resolved by the renderer, which owns the base URL
        "issueDate": text { DateText.numeric($0.issueDate) },
        "issueDate.day": text { DateText.twoDigits($0.issueDate.day) },
        "issueDate.month": text { DateText.twoDigits($0.issueDate.month) },
        "issueDate.year": text { String($0.issueDate.year) },
        "issueDate.english": text { DateText.english($0.issueDate) },
        "department.id": text(\.department.id),
        "department.nameVietnamese": text(\.department.nameVietnamese),
        "department.nameEnglish": text(\.department.nameEnglish),
        "department.parentBodyVietnamese": text { $0.department.parentBodyVietnamese ?? "" },
        "department.parentBodyEnglish": text { $0.department.parentBodyEnglish ?? "" },
        // The issue instant in Hà Nội time with seconds; templates name the zone beside it once.
        "issueTime": text { HanoiTime.dateTimeWithSeconds($0.issuedAt) },
        "issueTime.zoneVietnamese": text { _ in HanoiTime.zoneVietnamese },
        "issueTime.zoneEnglish": text { _ in HanoiTime.zoneEnglish },
        "officer.fullName": text(\.officer.fullName),
        "officer.titleVietnamese": text(\.officer.titleVietnamese),
        "officer.titleEnglish": text(\.officer.titleEnglish),
        "holder.fullName": text(\.holder.fullName),
        "holder.otherNames": text { $0.holder.otherNames ?? "" },
        "holder.sex": TextField(kind: nil, terms: Sex.allCases.map { "sex.\($0.rawValue)" }) {
            .term("sex.\($0.holder.sex.rawValue)")
        },
        "holder.birthDate": text { DateText.numeric($0.holder.birthDate) },
        "holder.birthPlace": text(\.holder.birthPlace),
        "holder.nationality": text(\.holder.nationality),
        "holder.ethnicity": text { $0.holder.ethnicity ?? "" },
        "holder.residence": text(\.holder.residence),
        "holder.personalID": text(\.holder.personalID),
        "holder.fatherName": text { $0.holder.fatherName ?? "" },
        "holder.motherName": text { $0.holder.motherName ?? "" },
        "holder.spouseName": text { $0.holder.spouseName ?? "" },
        "criminalRecord.form": criminal { String($0.form.rawValue) },
        "criminalRecord.convictionCount": criminal { String($0.convictions.count) },
        "healthCertificate.licenceClass": health { $0.licenceClass ?? "" },
        "healthCertificate.examinedOn": health { DateText.numeric($0.examinedOn) },
        "healthCertificate.validUntil": health { DateText.numeric($0.validUntil) },
        "healthCertificate.validityMonths": health { String($0.validityMonths) },
        "healthCertificate.drugTest": health { $0.drugTest ?? "" },
        "healthCertificate.classification": health {
            $0.classification.map { "\($0.labelVietnamese) / \($0.labelEnglish)" } ?? ""
        },
        "healthCertificate.conclusion": health(\.conclusion),
        "healthCertificate.doctor": health(\.doctor),
        "healthBook.periodFrom": book { $0.periodFrom.map(DateText.numeric) ?? "" },
        "healthBook.periodTo": book { $0.periodTo.map(DateText.numeric) ?? "" },
    ]

    static func criminalFlag(_ value: @escaping @Sendable (CriminalRecordFindings) -> Bool) -> Flag {
        Flag(kind: .criminalRecord) { record in
            if case .criminalRecord(let findings) = record.findings { return value(findings) }
            return false
        }
    }

    static func bookFlag(_ value: @escaping @Sendable (HealthBookExtractFindings) -> Bool) -> Flag {
        Flag(kind: .healthBookExtract) { record in
            if case .healthBookExtract(let findings) = record.findings { return value(findings) }
            return false
        }
    }

    static let flags: [String: Flag] = [
        "holder.hasOtherNames": Flag(kind: nil) { !($0.holder.otherNames ?? "").isEmpty },
        "department.hasParentBody": Flag(kind: nil) { !($0.department.parentBodyVietnamese ?? "").isEmpty },
        "criminalRecord.hasCurrentConvictions": criminalFlag { !$0.currentConvictions.isEmpty },
        "criminalRecord.hasAnyConvictions": criminalFlag { !$0.convictions.isEmpty },
        "criminalRecord.statesBans": criminalFlag(\.statesBans),
        "criminalRecord.hasBans": criminalFlag { !$0.bans.isEmpty },
        "healthBook.hasPeriod": bookFlag { $0.periodFrom != nil || $0.periodTo != nil },
        "healthBook.hasEncounters": bookFlag { !$0.encounters.isEmpty },
        "healthBook.hasVaccinations": bookFlag { !$0.vaccinations.isEmpty },
        "healthBook.hasAllergies": bookFlag { !$0.allergies.isEmpty },
    ]

    static let lists: [String: ListField] = [
        "criminalRecord.currentConvictions": ListField(kind: .criminalRecord, itemKind: .conviction) { record in
            guard case .criminalRecord(let findings) = record.findings else { return [] }
            return findings.currentConvictions.enumerated().map { .conviction(index: $0 + 1, $1) }
        },
        "criminalRecord.allConvictions": ListField(kind: .criminalRecord, itemKind: .conviction) { record in
            guard case .criminalRecord(let findings) = record.findings else { return [] }
            return findings.convictions.enumerated().map { .conviction(index: $0 + 1, $1) }
        },
        "criminalRecord.bans": ListField(kind: .criminalRecord, itemKind: .ban) { record in
            guard case .criminalRecord(let findings) = record.findings else { return [] }
            return findings.bans.enumerated().map { .ban(index: $0 + 1, $1) }
        },
        "healthCertificate.results": ListField(kind: .healthCertificate, itemKind: .examination) { record in
            guard case .healthCertificate(let findings) = record.findings else { return [] }
            return findings.results.enumerated().map { .examination(index: $0 + 1, $1) }
        },
        "healthBook.encounters": ListField(kind: .healthBookExtract, itemKind: .encounter) { record in
            guard case .healthBookExtract(let findings) = record.findings else { return [] }
            return findings.encounters.enumerated().map { .encounter(index: $0 + 1, $1) }
        },
        "healthBook.vaccinations": ListField(kind: .healthBookExtract, itemKind: .vaccination) { record in
            guard case .healthBookExtract(let findings) = record.findings else { return [] }
            return findings.vaccinations.enumerated().map { .vaccination(index: $0 + 1, $1) }
        },
        "healthBook.allergies": ListField(kind: .healthBookExtract, itemKind: .allergy) { record in
            guard case .healthBookExtract(let findings) = record.findings else { return [] }
            return findings.allergies.enumerated().map { .allergy(index: $0 + 1, $1) }
        },
    ]

    private static func item(_ value: @escaping @Sendable (ListItem) -> String) -> ItemField {
        ItemField(terms: []) { .text(value($0)) }
    }

    private static func conviction(_ value: @escaping @Sendable (Conviction) -> String) -> ItemField {
        item { if case .conviction(_, let c) = $0 { value(c) } else { "" } }
    }

    private static func ban(_ value: @escaping @Sendable (Ban) -> String) -> ItemField {
        item { if case .ban(_, let b) = $0 { value(b) } else { "" } }
    }

    private static func examination(_ value: @escaping @Sendable (ExaminationResult) -> String) -> ItemField {
        item { if case .examination(_, let e) = $0 { value(e) } else { "" } }
    }

    private static func encounter(_ value: @escaping @Sendable (Encounter) -> String) -> ItemField {
        item { if case .encounter(_, let e) = $0 { value(e) } else { "" } }
    }

    private static func vaccination(_ value: @escaping @Sendable (Vaccination) -> String) -> ItemField {
        item { if case .vaccination(_, let v) = $0 { value(v) } else { "" } }
    }

    private static func allergy(_ value: @escaping @Sendable (Allergy) -> String) -> ItemField {
        item { if case .allergy(_, let a) = $0 { value(a) } else { "" } }
    }

    /// `item.index` (1-based row number) exists for every list; the rest per item kind.
    static let itemFields: [ListItemKind: [String: ItemField]] = [
        .conviction: [
            "item.judgmentDate": conviction { DateText.numeric($0.judgmentDate) },
            "item.judgmentNumber": conviction(\.judgmentNumber),
            "item.court": conviction(\.court),
            "item.crime": conviction(\.crime),
            "item.articles": conviction(\.articles),
            "item.mainPenalty": conviction(\.mainPenalty),
            "item.additionalPenalties": conviction(\.additionalPenalties),
            "item.executionStatus": conviction(\.executionStatus),
            "item.expunged": ItemField(terms: ["expunged.true", "expunged.false"]) { item in
                if case .conviction(_, let c) = item { return .term("expunged.\(c.expunged)") }
                return .text("")
            },
        ],
        .ban: [
            "item.description": ban(\.description), "item.judgment": ban(\.judgment), "item.court": ban(\.court),
            "item.duration": ban(\.duration),
        ],
        .examination: [
            "item.specialtyVietnamese": examination(\.specialtyVietnamese),
            "item.specialtyEnglish": examination(\.specialtyEnglish),
            "item.finding": examination(\.finding), "item.assessment": examination(\.assessment),
        ],
        .encounter: [
            "item.date": encounter { DateText.numeric(CalendarDate($0.startedAt)) },
            "item.facility": encounter(\.facilityName),
            "item.type": ItemField(terms: Encounter.Kind.allCases.map { "encounter.\($0.rawValue)" }) { item in
                if case .encounter(_, let e) = item { return .term("encounter.\(e.type.rawValue)") }
                return .text("")
            },
            "item.reason": encounter(\.reason),
            "item.diagnoses": encounter { $0.diagnoses.map(\.rawValue).joined(separator: ", ") },
            "item.mainDiagnosis": encounter { $0.mainDiagnosis?.rawValue ?? "" },
            "item.outcome": ItemField(terms: Encounter.Outcome.allCases.map { "outcome.\($0.rawValue)" }) { item in
                if case .encounter(_, let e) = item { return .term("outcome.\(e.outcome.rawValue)") }
                return .text("")
            },
        ],
        .vaccination: [
            "item.date": vaccination { DateText.numeric($0.administeredOn) }, "item.vaccine": vaccination(\.vaccine),
            "item.antigen": vaccination(\.antigen), "item.dose": vaccination { String($0.dose) },
        ],
        .allergy: [
            "item.date": allergy { DateText.numeric($0.recordedOn) },
            "item.type": ItemField(terms: Allergy.Kind.allCases.map { "allergy.\($0.rawValue)" }) { item in
                if case .allergy(_, let a) = item { return .term("allergy.\(a.type.rawValue)") }
                return .text("")
            },
            "item.agent": allergy(\.agent), "item.reaction": allergy(\.reaction),
        ],
    ]

    static let itemIndex = ItemField(terms: []) { .text(String($0.index)) }
}

/// Date formatting shared by all templates (numbers only; words stay in templates except English month names).
enum DateText {
    static func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }

    /// `dd/MM/yyyy`, the Vietnamese numeric form.
    static func numeric(_ date: CalendarDate) -> String { HanoiTime.date(date) }

    static let months = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
        "December",
    ]

    /// "18 November 2026".
    static func english(_ date: CalendarDate) -> String { "\(date.day) \(months[date.month - 1]) \(date.year)" }
}

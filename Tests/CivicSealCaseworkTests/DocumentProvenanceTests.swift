import CivicSealJSON
import CivicSealTestSupport
import CivicSealWorkflow
import Foundation
import Testing

@testable import CivicSealApp
@testable import CivicSealCasework
@testable import CivicSealDocuments
@testable import CivicSealRecords

/// Every fact a document prints comes from a recorded input (the request, the identity token, the officer's findings,
/// the health book, the issuing department), never from a default (issue 12, findings 13 and 18).
///
/// The walk: each template of `Templates/` is read for every field it prints (`{{…}}`, rows' `field`, tables'
/// `item.…`, `if` flags). Each field must have an entry in ``sources`` — the one input it is printed from, as a
/// function of the inputs. Records are built by ``DocumentRecordBuilder`` from two sets of inputs whose every value
/// differs (A and B); each printed field must equal its source's value in both, and differ between them: a field
/// filled by a default, or from no input, fails.
@Suite("Document provenance")
struct DocumentProvenanceTests {
    /// One set of recorded inputs. Every member differs between ``a`` and ``b``.
    struct Inputs: Sendable {
        var fullName, personalID, birthDate: String
        var sex: Sex
        var birthPlace, ethnicity, nationality, residence, otherName, father, mother, spouse: String
        var statesBans: Bool
        var judgmentDate, judgmentNumber, court, crime, articles, mainPenalty, additionalPenalties,
            executionStatus: String
        var expunged: Bool
        var banDescription, banJudgment, banCourt, banDuration: String
        var licenceClass, examinedOn: String
        var validityMonths: Int
        var specialtyVietnamese, specialtyEnglish, finding, assessment, drugTest, conclusion, doctor: String
        var classification: HealthClass
        var periodFrom, periodTo: String
        var facility, encounterReason, diagnosis, encounterDate: String
        var encounterType: Encounter.Kind
        var outcome: Encounter.Outcome
        var vaccine, antigen, vaccinationDate: String
        var dose: Int
        var allergyAgent, allergyReaction, allergyDate: String
        var allergyType: Allergy.Kind
        var approver: String
        var department: Department
        var documentID: String
        var issuedAt: Date

        static let a = Inputs(
            fullName: "Trần Văn Alpha", personalID: "079085000101", birthDate: "1985-03-02", sex: .male,
            birthPlace: "Nơi sinh A",
            ethnicity: "Dân tộc A", nationality: "VN", residence: "Cư trú A", otherName: "Tên khác A", father: "Cha A",
            mother: "Mẹ A",
            spouse: "Vợ A", statesBans: true, judgmentDate: "2019-02-03", judgmentNumber: "Bản án A", court: "Tòa A",
            crime: "Tội A",
            articles: "Điều A", mainPenalty: "Hình phạt A", additionalPenalties: "Bổ sung A",
            executionStatus: "Thi hành A", expunged: false,
            banDescription: "Cấm A", banJudgment: "Bản án cấm A", banCourt: "Tòa cấm A", banDuration: "Thời hạn A",
            licenceClass: "B",
            examinedOn: "2026-06-01", validityMonths: 12, specialtyVietnamese: "Chuyên khoa A",
            specialtyEnglish: "Specialty A",
            finding: "Kết quả A", assessment: "Đánh giá A", drugTest: "Ma túy A", conclusion: "Kết luận A",
            doctor: "Bác sĩ A", classification: .ii,
            periodFrom: "2020-01-01", periodTo: "2026-06-30", facility: "Cơ sở A", encounterReason: "Lý do A",
            diagnosis: "J06.9",
            encounterDate: "2025-03-02", encounterType: .outpatient, outcome: .recovered, vaccine: "Vắc xin A",
            antigen: "Kháng nguyên A",
            vaccinationDate: "2025-04-05", dose: 1, allergyAgent: "Tác nhân A", allergyReaction: "Phản ứng A",
            allergyDate: "2024-05-06",
            allergyType: .drug, approver: "Cán bộ A",
            department: Department(
                id: "dept-a", nameVietnamese: "Sở A", nameEnglish: "Department A", parentBodyVietnamese: "Ủy ban A",
                parentBodyEnglish: "Committee A", place: "Nơi A", signatureTitleVietnamese: "Chức danh A",
                signatureTitleEnglish: "Title A"),
            documentID: "AAAAAAAAAAAAAAAAAAAAAAAAAA", issuedAt: Date(timeIntervalSince1970: 1_782_000_000))

        static let b = Inputs(
            fullName: "Nguyễn Thị Beta", personalID: "001190012345", birthDate: "1990-05-14", sex: .female,
            birthPlace: "Nơi sinh B",
            ethnicity: "Dân tộc B", nationality: "LA", residence: "Cư trú B", otherName: "Tên khác B", father: "Cha B",
            mother: "Mẹ B",
            spouse: "Chồng B", statesBans: false, judgmentDate: "2018-04-05", judgmentNumber: "Bản án B",
            court: "Tòa B", crime: "Tội B",
            articles: "Điều B", mainPenalty: "Hình phạt B", additionalPenalties: "Bổ sung B",
            executionStatus: "Thi hành B", expunged: true,
            banDescription: "Cấm B", banJudgment: "Bản án cấm B", banCourt: "Tòa cấm B", banDuration: "Thời hạn B",
            licenceClass: "C1",
            examinedOn: "2026-05-02", validityMonths: 6, specialtyVietnamese: "Chuyên khoa B",
            specialtyEnglish: "Specialty B",
            finding: "Kết quả B", assessment: "Đánh giá B", drugTest: "Ma túy B", conclusion: "Kết luận B",
            doctor: "Bác sĩ B", classification: .iv,
            periodFrom: "2021-02-02", periodTo: "2026-05-31", facility: "Cơ sở B", encounterReason: "Lý do B",
            diagnosis: "E11",
            encounterDate: "2025-06-07", encounterType: .inpatient, outcome: .improved, vaccine: "Vắc xin B",
            antigen: "Kháng nguyên B",
            vaccinationDate: "2025-07-08", dose: 2, allergyAgent: "Tác nhân B", allergyReaction: "Phản ứng B",
            allergyDate: "2024-08-09",
            allergyType: .food, approver: "Cán bộ B",
            department: Department(
                id: "dept-b", nameVietnamese: "Sở B", nameEnglish: "Department B", parentBodyVietnamese: "Ủy ban B",
                parentBodyEnglish: "Committee B", place: "Nơi B", signatureTitleVietnamese: "Chức danh B",
                signatureTitleEnglish: "Title B"),
            documentID: "BBBBBBBBBBBBBBBBBBBBBBBBBB", issuedAt: Date(timeIntervalSince1970: 1_816_819_200))

        var issueDate: CalendarDate { CalendarDate(issuedAt) }

        func submissionJSON(_ kind: RequestKind, form: Int, type: HealthCertificateType = .drivingLicence) -> String {
            let request: JSONValue
            switch kind {
            case .criminalRecord:
                request = [
                    "kind": "criminal-record", "form": .number(String(form)), "purpose": "P",
                    "statesBans": .bool(statesBans),
                ]
            case .healthCertificate:
                request =
                    type == .drivingLicence
                    ? [
                        "kind": "health-certificate", "certificateType": .string(type.rawValue),
                        "licenceClass": .string(licenceClass),
                    ]
                    : ["kind": "health-certificate", "certificateType": .string(type.rawValue)]
            case .healthBookExtract:
                request = [
                    "kind": "health-book-extract", "sections": ["encounters", "vaccinations", "allergies"],
                    "from": .string(periodFrom), "to": .string(periodTo),
                ]
            }
            let particulars: JSONValue = [
                "otherNames": [.string(otherName)], "birthPlace": .string(birthPlace), "ethnicity": .string(ethnicity),
                "nationality": .string(nationality), "currentResidence": ["line": .string(residence)],
                "fatherName": .string(father), "motherName": .string(mother), "spouseName": .string(spouse),
            ]
            // The members every stored submission has (the store keeps the validated submission whole).
            return JSONValue.object([
                "request": request, "particulars": particulars, "relation": "self", "copies": 1,
                "contact": ["phone": "0912345678"], "delivery": ["method": "electronic"],
            ]).serialized()
        }

        var identityJSON: String {
            JSONValue.object([
                "personalId": .string(personalID), "fullName": .string(fullName), "birthDate": .string(birthDate),
                "sex": .string(sex.rawValue),
            ]).serialized()
        }

        func findingsJSON(_ kind: RequestKind, type: HealthCertificateType = .drivingLicence) -> String {
            switch kind {
            case .criminalRecord:
                return JSONValue.object([
                    "convictions": [
                        [
                            "judgmentDate": .string(judgmentDate), "judgmentNumber": .string(judgmentNumber),
                            "court": .string(court),
                            "crime": .string(crime), "articles": .string(articles), "mainPenalty": .string(mainPenalty),
                            "additionalPenalties": .string(additionalPenalties),
                            "executionStatus": .string(executionStatus), "expunged": .bool(expunged),
                        ]
                    ],
                    "bans": [
                        [
                            "description": .string(banDescription), "judgment": .string(banJudgment),
                            "court": .string(banCourt), "duration": .string(banDuration),
                        ]
                    ],
                ]).serialized()
            case .healthCertificate where type != .drivingLicence:
                return JSONValue.object([
                    "classification": .string(classification.rawValue), "examinedOn": .string(examinedOn),
                    "validityMonths": .number(String(validityMonths)),
                    "results": [
                        [
                            "specialtyVietnamese": .string(specialtyVietnamese),
                            "specialtyEnglish": .string(specialtyEnglish), "finding": .string(finding),
                            "assessment": .string(assessment),
                        ]
                    ],
                    "conclusion": .string(conclusion), "doctor": .string(doctor),
                ]).serialized()
            case .healthCertificate:
                return JSONValue.object([
                    "licenceClass": .string(licenceClass), "examinedOn": .string(examinedOn),
                    "validityMonths": .number(String(validityMonths)),
                    "results": [
                        [
                            "specialtyVietnamese": .string(specialtyVietnamese),
                            "specialtyEnglish": .string(specialtyEnglish), "finding": .string(finding),
                            "assessment": .string(assessment),
                        ]
                    ],
                    "drugTest": .string(drugTest), "conclusion": .string(conclusion), "doctor": .string(doctor),
                ]).serialized()
            case .healthBookExtract:
                return #"{"sections":["encounters","vaccinations","allergies"]}"#
            }
        }

        var healthBook: HealthBook {
            let started = ISO8601DateFormatter().date(from: encounterDate + "T03:00:00Z")!
            return HealthBook(
                personalId: try! PersonalIDNumber(personalID),
                entries: [
                    .encounter(
                        Encounter(
                            facilityId: "01001", facilityName: facility, startedAt: started, type: encounterType,
                            reason: encounterReason, outcome: outcome,
                            diagnoses: [
                                try! WorkflowJSON.decode(ICD10Code.self, from: Array("\"\(diagnosis)\"".utf8)).get()
                            ])),
                    .vaccination(
                        Vaccination(
                            facilityId: "01001", administeredOn: CalendarDate(vaccinationDate)!, vaccine: vaccine,
                            antigen: antigen, dose: dose)),
                    .allergy(
                        Allergy(
                            facilityId: "01001", recordedOn: CalendarDate(allergyDate)!, type: allergyType,
                            agent: allergyAgent, reaction: allergyReaction)),
                ])
        }

        func record(_ kind: RequestKind, form: Int = 1, type: HealthCertificateType = .drivingLicence) throws
            -> DocumentRecord
        {
            let source = IssuanceSource(
                requestID: "r", kind: kind, form: nil, departmentID: department.id, ownerID: personalID,
                submissionJSON: submissionJSON(kind, form: form, type: type), subjectIdentityJSON: identityJSON,
                findingsJSON: findingsJSON(kind, type: type),
                approverName: approver, approvedAt: issuedAt)
            return try DocumentRecordBuilder.record(
                for: source, documentID: documentID, issuedAt: issuedAt, department: department,
                healthBook: { healthBook }
            ).record
        }
    }

    static func numeric(_ text: String) -> String { DateText.numeric(CalendarDate(text)!) }

    /// Printed field → its value from the inputs. The source is named by the closure: `$0.crime` is the officer's
    /// finding, `$0.birthPlace` the request's particulars, `$0.fullName` the identity token…
    static let sources: [String: @Sendable (Inputs) -> String] = [
        // The issuer: the registry's document id and issue time, the configured department, the approving officer.
        "document.id": { $0.documentID },
        "document.number": { "\($0.documentID.prefix(10))/\($0.issueDate.year)/" },
        "document.verificationURL": { "https://verify.civicseal.invalid/v/\($0.documentID)" },
        "issueDate.day": { DateText.twoDigits($0.issueDate.day) },
        "issueDate.month": { DateText.twoDigits($0.issueDate.month) },
        "issueDate.year": { String($0.issueDate.year) },
        "issueDate.english": { DateText.english($0.issueDate) },
        "department.nameVietnamese": { $0.department.nameVietnamese },
        "department.nameEnglish": { $0.department.nameEnglish },
        "department.parentBodyVietnamese": { $0.department.parentBodyVietnamese! },
        "department.hasParentBody": { _ in "true" },
        "document.place": { $0.department.place! },
        "officer.titleVietnamese": { $0.department.signatureTitleVietnamese! },
        "officer.titleEnglish": { $0.department.signatureTitleEnglish! },
        "issueTime": { HanoiTime.dateTimeWithSeconds($0.issuedAt) },
        "officer.fullName": { $0.approver },
        // The identity token.
        "holder.fullName": { $0.fullName },
        "holder.personalID": { $0.personalID },
        "holder.birthDate": { numeric($0.birthDate) },
        "holder.sex": { "term:sex.\($0.sex.rawValue)" },
        // The request's particulars.
        "holder.otherNames": { $0.otherName },
        "holder.hasOtherNames": { _ in "true" },
        "holder.birthPlace": { $0.birthPlace },
        "holder.ethnicity": { $0.ethnicity },
        "holder.nationality": { Country.named($0.nationality)!.vietnamese },
        "holder.residence": { $0.residence },
        "holder.fatherName": { $0.father },
        "holder.motherName": { $0.mother },
        "holder.spouseName": { $0.spouse },
        "criminalRecord.statesBans": { String($0.statesBans) },
        "healthBook.hasPeriod": { _ in "true" },
        "healthBook.periodFrom": { numeric($0.periodFrom) },
        "healthBook.periodTo": { numeric($0.periodTo) },
        // The officer's findings.
        "criminalRecord.hasCurrentConvictions": { String(!$0.expunged) },
        "criminalRecord.hasAnyConvictions": { _ in "true" },
        "criminalRecord.hasBans": { _ in "true" },
        "criminalRecord.currentConvictions/item.index": { _ in "1" },
        "criminalRecord.allConvictions/item.index": { _ in "1" },
        "conviction/item.judgmentDate": { numeric($0.judgmentDate) },
        "conviction/item.judgmentNumber": { $0.judgmentNumber },
        "conviction/item.court": { $0.court },
        "conviction/item.crime": { $0.crime },
        "conviction/item.articles": { $0.articles },
        "conviction/item.mainPenalty": { $0.mainPenalty },
        "conviction/item.additionalPenalties": { $0.additionalPenalties },
        "conviction/item.executionStatus": { $0.executionStatus },
        "conviction/item.expunged": { "term:expunged.\($0.expunged)" },
        "criminalRecord.bans/item.index": { _ in "1" },
        "ban/item.description": { $0.banDescription },
        "ban/item.judgment": { $0.banJudgment },
        "ban/item.court": { $0.banCourt },
        "ban/item.duration": { $0.banDuration },
        "healthCertificate.licenceClass": { $0.licenceClass },
        "healthCertificate.examinedOn": { numeric($0.examinedOn) },
        "healthCertificate.validityMonths": { String($0.validityMonths) },
        "healthCertificate.validUntil": {
            DateText.numeric(
                HealthCertificateFindings(
                    licenceClass: "", examinedOn: CalendarDate($0.examinedOn)!, validityMonths: $0.validityMonths,
                    results: [], drugTest: "",
                    conclusion: "", doctor: ""
                ).validUntil)
        },
        "healthCertificate.drugTest": { $0.drugTest },
        "healthCertificate.classification": {
            "\($0.classification.labelVietnamese) / \($0.classification.labelEnglish)"
        },
        "healthCertificate.conclusion": { $0.conclusion },
        "healthCertificate.doctor": { $0.doctor },
        "healthCertificate.results/item.index": { _ in "1" },
        "examination/item.specialtyVietnamese": { $0.specialtyVietnamese },
        "examination/item.specialtyEnglish": { $0.specialtyEnglish },
        "examination/item.finding": { $0.finding },
        "examination/item.assessment": { $0.assessment },
        // The health book (entries recorded and audited by clinicians).
        "healthBook.hasEncounters": { _ in "true" },
        "healthBook.hasVaccinations": { _ in "true" },
        "healthBook.hasAllergies": { _ in "true" },
        "healthBook.encounters/item.index": { _ in "1" },
        "healthBook.vaccinations/item.index": { _ in "1" },
        "healthBook.allergies/item.index": { _ in "1" },
        "encounter/item.date": { numeric($0.encounterDate) },
        "encounter/item.facility": { $0.facility },
        "encounter/item.type": { "term:encounter.\($0.encounterType.rawValue)" },
        "encounter/item.reason": { $0.encounterReason },
        "encounter/item.diagnoses": { $0.diagnosis },
        "encounter/item.mainDiagnosis": { $0.diagnosis },
        "encounter/item.outcome": { "term:outcome.\($0.outcome.rawValue)" },
        "vaccination/item.date": { numeric($0.vaccinationDate) },
        "vaccination/item.vaccine": { $0.vaccine },
        "vaccination/item.antigen": { $0.antigen },
        "vaccination/item.dose": { String($0.dose) },
        "allergy/item.date": { numeric($0.allergyDate) },
        "allergy/item.type": { "term:allergy.\($0.allergyType.rawValue)" },
        "allergy/item.agent": { $0.allergyAgent },
        "allergy/item.reaction": { $0.allergyReaction },
    ]

    /// The same on every document, not facts about anyone: the name of the time zone beside the issue time.
    /// Listed here so that nothing else can be constant (the place and the signing formula are the department's).
    static let issuerWording: Set<String> = ["issueTime.zoneVietnamese", "issueTime.zoneEnglish"]

    /// Flags whose value is a fact of the inputs but the same in A and B by construction (each list is non-empty in
    /// both so that its rows are compared).
    static let sameInBoth: Set<String> = [
        "holder.hasOtherNames", "department.hasParentBody", "healthBook.hasPeriod", "criminalRecord.hasAnyConvictions",
        "criminalRecord.hasBans", "healthBook.hasEncounters",
        "healthBook.hasVaccinations", "healthBook.hasAllergies",
    ]

    /// What a template prints: text fields and flags by name, table cells as `<list>/item.x`.
    static func printedFields(_ value: JSONValue, table: String? = nil, into fields: inout Set<String>) {
        switch value {
        case .string(let text):
            var rest = Substring(text)
            while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
                var name = String(rest[open.upperBound..<close.lowerBound])
                if let bar = name.firstIndex(of: "|") { name = String(name[..<bar]) }
                fields.insert(name.hasPrefix("item.") ? "\(table ?? "?")/\(name)" : name)
                rest = rest[close.upperBound...]
            }
        case .array(let elements):
            for element in elements { printedFields(element, table: table, into: &fields) }
        case .object(let members):
            let source = members["source"]?.stringValue ?? table
            for (name, member) in members where name != "vocabulary" {
                if name == "field" || name == "flag", let field = member.stringValue { fields.insert(field) }
                printedFields(member, table: source, into: &fields)
            }
        default: break
        }
    }

    /// The printed value of `field` in `record`: text, `term:key`, or a flag as "true"/"false"; nil for an empty list.
    static func printed(_ field: String, _ record: DocumentRecord) -> String? {
        func show(_ value: FieldValue) -> String {
            switch value {
            case .text(let text): text
            case .term(let key): "term:" + key
            }
        }
        if field == "document.verificationURL" { return "https://verify.civicseal.invalid/v/\(record.documentID)" }
        if field == "document.number" { return String(record.number.prefix(16)) }
        if let text = DocumentSchema.textFields[field] { return show(text.value(record)) }
        if let flag = DocumentSchema.flags[field] { return String(flag.value(record)) }
        let parts = field.split(separator: "/").map(String.init)
        guard parts.count == 2, let list = DocumentSchema.lists[parts[0]] else { return "no such field" }
        guard let item = list.items(record).first else { return nil }
        if parts[1] == "item.index" { return show(DocumentSchema.itemIndex.value(item)) }
        guard let cell = DocumentSchema.itemFields[list.itemKind]?[parts[1]] else { return "no such field" }
        return show(cell.value(item))
    }

    /// The `sources` key of `field`: table cells are named by item kind (`conviction/item.crime`), row numbers by list.
    static func sourceKey(_ field: String) -> String {
        let parts = field.split(separator: "/").map(String.init)
        guard parts.count == 2, parts[1] != "item.index", let list = DocumentSchema.lists[parts[0]] else {
            return field
        }
        return "\(list.itemKind.rawValue)/\(parts[1])"
    }

    @Test(
        "every field of every template is printed from exactly one recorded input, never a default",
        arguments: [
            ("criminal-record-form-1.json", RequestKind.criminalRecord, 1),
            ("criminal-record-form-2.json", .criminalRecord, 2),
            ("health-certificate-driving-licence.json", .healthCertificate, 0),
            ("health-certificate-general.json", .healthCertificate, 0),
            ("health-certificate-employment.json", .healthCertificate, 0),
            ("health-certificate-study.json", .healthCertificate, 0),
            ("health-book-extract.json", .healthBookExtract, 0),
        ])
    func everyPrintedFieldHasARecordedSource(_ file: String, _ kind: RequestKind, _ form: Int) throws {
        let type =
            HealthCertificateType(rawValue: String(file.dropFirst("health-certificate-".count).dropLast(".json".count)))
            ?? .drivingLicence
        let path = DocumentRenderer.repositoryTemplateDirectory() + "/" + file
        let template = try JSONValue(parsing: Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        var fields: Set<String> = []
        Self.printedFields(template, into: &fields)
        #expect(fields.count > 10, "\(file): the walk found too few fields: \(fields)")
        let a = try Inputs.a.record(kind, form: form, type: type)
        let b = try Inputs.b.record(kind, form: form, type: type)
        for field in fields.sorted() {
            if Self.issuerWording.contains(field) {
                #expect(
                    Self.printed(field, a) == Self.printed(field, b),
                    "\(file): \(field) is listed as issuer wording but varies")
                continue
            }
            guard let source = Self.sources[Self.sourceKey(field)] else {
                Issue.record("\(file): \(field) is printed but has no recorded source")
                continue
            }
            let printedA = Self.printed(field, a)
            let printedB = Self.printed(field, b)
            #expect(
                printedA == source(.a),
                "\(file): \(field) printed \(printedA ?? "nothing") from inputs A, expected \(source(.a))")
            if let printedB {  // an empty list in B (form 1 prints current convictions only; B's is expunged)
                #expect(
                    printedB == source(.b),
                    "\(file): \(field) printed \(printedB) from inputs B, expected \(source(.b))")
                if !Self.sameInBoth.contains(field) && !field.hasSuffix("/item.index") {
                    #expect(
                        printedA != printedB,
                        "\(file): \(field) prints the same whatever the inputs: a default, not a recorded fact")
                }
            }
        }
    }
}

import CivicSealCrypto
import CivicSealDocuments
import CivicSealRecords
import CivicSealWorkflow
import Foundation

/// Turns an approved request (its stored submission, the subject's identity, the officer's findings and, for an
/// extract, the health book) into the ``DocumentRecord`` a template renders, and the canonical JSON of the facts
/// it states (what the registry keeps and hashes).
enum DocumentRecordBuilder {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func record(
        for source: IssuanceSource, documentID: String, issuedAt: Date, department: Department, healthBook: () throws -> HealthBook
    ) throws -> DocumentRecord {
        let submission = try StoredSubmissionFacts(json: source.submissionJSON)
        let identity = try subjectIdentity(source, submission)
        let particulars = submission.particulars
        let residence = particulars?.currentResidence?.line ?? particulars?.permanentResidence?.line ?? ""
        let nationality = particulars?.nationality.map { $0 == "VN" ? "Việt Nam" : $0 } ?? "Việt Nam"
        let otherNames = particulars?.otherNames.flatMap { $0.isEmpty ? nil : $0.joined(separator: ", ") }
        let holder = DocumentHolder(
            fullName: identity.fullName, otherNames: otherNames, sex: identity.sex, birthDate: identity.birthDate,
            birthPlace: particulars?.birthPlace ?? "", nationality: nationality, ethnicity: particulars?.ethnicity, residence: residence,
            personalID: identity.personalID, fatherName: particulars?.fatherName, motherName: particulars?.motherName,
            spouseName: particulars?.spouseName)
        let findingsObject = try object(source.findingsJSON)
        let findings: DocumentFindings
        let suffix: String
        switch submission.details {
        case .criminalRecord(let form, let statesBans):
            findings = .criminalRecord(try criminalRecord(findingsObject, form: source.form ?? form, statesBans: statesBans))
            suffix = "LLTP"
        case .healthCertificate:
            findings = .healthCertificate(try healthCertificate(findingsObject, approvedOn: CalendarDate(source.approvedAt)))
            suffix = "GKSK"
        case .healthBookExtract(let sectionList, let fromText, let toText):
            let book = try healthBook()
            let from = fromText.flatMap(CalendarDate.init)
            let to = toText.flatMap(CalendarDate.init)
            let sections = Set(sectionList)
            let kept = book.entries.filter { entry in
                sections.contains(entry.section) && from.map { entry.date >= $0 } ?? true && to.map { entry.date <= $0 } ?? true
            }
            findings = .healthBookExtract(HealthBookExtractFindings(extract: HealthBook(personalId: book.personalId, entries: kept), from: from, to: to))
            suffix = "SSK"
        }
        let year = CalendarDate(issuedAt).year
        return DocumentRecord(
            documentID: documentID, number: "\(documentID.prefix(10))/\(year)/\(suffix)", issuedAt: issuedAt, place: "Hà Nội",
            department: department,
            officer: DocumentOfficer(
                fullName: source.approverName ?? department.nameVietnamese, titleVietnamese: "TL. GIÁM ĐỐC", titleEnglish: "For the Director"),
            holder: holder, findings: findings)
    }

    /// The five identity fields the verification page confirms, plus what else the document states, as canonical JSON
    /// (sorted keys, no insignificant white space). The approved findings are kept exactly as the officer gave them.
    static func canonicalJSON(_ record: DocumentRecord, findingsJSON: String, rendered: RenderedDocument) throws -> String {
        let holder = record.holder
        var holderObject: [String: JSONValue] = [
            "fullName": .string(holder.fullName), "sex": .string(holder.sex.rawValue), "birthDate": .string(holder.birthDate.description),
            "personalId": .string(holder.personalID), "birthPlace": .string(holder.birthPlace), "nationality": .string(holder.nationality),
            "residence": .string(holder.residence),
        ]
        for (key, value) in [
            ("otherNames", holder.otherNames), ("ethnicity", holder.ethnicity), ("fatherName", holder.fatherName),
            ("motherName", holder.motherName), ("spouseName", holder.spouseName),
        ] {
            if let value { holderObject[key] = .string(value) }
        }
        // The approved findings exactly as stored (canonical JSON written by this service), parsed strictly.
        guard var findings = try? JSONValue(parsing: Array(findingsJSON.utf8)) else {
            throw AppError(.storage, "the stored findings are not valid JSON")
        }
        if case .healthBookExtract(let extract) = record.findings, var members = findings.objectValue {
            members["counts"] = .object([
                "encounters": .number(String(extract.encounters.count)), "vaccinations": .number(String(extract.vaccinations.count)),
                "allergies": .number(String(extract.allergies.count)),
            ])
            findings = .object(members)
        }
        let object: JSONValue = .object([
            "version": .number("1"), "documentId": .string(record.documentID), "number": .string(record.number),
            "kind": .string(record.kind.rawValue),
            "issuedAt": .number(String(Int64((record.issuedAt.timeIntervalSince1970 * 1000).rounded(.down)))),
            "place": .string(record.place),
            "department": .object([
                "id": .string(record.department.id), "name": .string(record.department.nameVietnamese),
                "nameEnglish": .string(record.department.nameEnglish),
            ]),
            "officer": .object(["fullName": .string(record.officer.fullName), "title": .string(record.officer.titleVietnamese)]),
            "holder": .object(holderObject), "findings": findings,
            "template": .object([
                "id": .string(rendered.templateID), "version": .string(rendered.templateVersion), "sha256": .string(rendered.templateSHA256),
            ]),
        ])
        // JSONValue serialises members sorted by name, with no insignificant white space.
        return object.serialized()
    }

    struct Identity {
        let personalID: String
        let fullName: String
        let birthDate: CalendarDate
        let sex: Sex
    }

    static func subjectIdentity(_ source: IssuanceSource, _ submission: StoredSubmissionFacts) throws -> Identity {
        if let json = source.subjectIdentityJSON, let identity = StoredSubmissionFacts.identity(json: json) {
            return Identity(personalID: identity.personalID, fullName: identity.fullName, birthDate: identity.birthDate, sex: identity.sex)
        }
        if let subject = submission.subject, let birth = CalendarDate(subject.birthDate) {
            return Identity(personalID: subject.personalID, fullName: subject.fullName, birthDate: birth, sex: subject.sex)
        }
        throw Failure(description: "the request stores no identity for its subject (stored before migration 2)")
    }

    static func object(_ json: String) throws -> [String: Any] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else {
            throw Failure(description: "the findings are not a JSON object")
        }
        return object
    }

    static func criminalRecord(_ findings: [String: Any], form: CriminalRecordForm, statesBans: Bool) throws -> CriminalRecordFindings {
        func text(_ item: [String: Any], _ key: String, _ fallback: String = "") -> String { item[key] as? String ?? fallback }
        let convictions = try (findings["convictions"] as? [[String: Any]] ?? []).map { item throws -> Conviction in
            guard let date = (item["judgmentDate"] as? String).flatMap(CalendarDate.init) else {
                throw Failure(description: "a conviction needs judgmentDate as YYYY-MM-DD")
            }
            return Conviction(
                judgmentDate: date, judgmentNumber: text(item, "judgmentNumber"), court: text(item, "court"), crime: text(item, "crime"),
                articles: text(item, "articles"), mainPenalty: text(item, "mainPenalty"), additionalPenalties: text(item, "additionalPenalties"),
                executionStatus: text(item, "executionStatus"), expunged: item["expunged"] as? Bool ?? false)
        }
        let bans = (findings["bans"] as? [[String: Any]] ?? []).map { item in
            Ban(description: text(item, "description"), judgment: text(item, "judgment"), court: text(item, "court"), duration: text(item, "duration"))
        }
        return CriminalRecordFindings(form: form, statesBans: statesBans, convictions: convictions, bans: bans)
    }

    static func healthCertificate(_ findings: [String: Any], approvedOn: CalendarDate) throws -> HealthCertificateFindings {
        func text(_ item: [String: Any], _ key: String, _ fallback: String = "") -> String { item[key] as? String ?? fallback }
        let results = (findings["results"] as? [[String: Any]] ?? []).map { item in
            ExaminationResult(
                specialtyVietnamese: text(item, "specialtyVietnamese", text(item, "specialty")),
                specialtyEnglish: text(item, "specialtyEnglish", text(item, "specialty")), finding: text(item, "finding"),
                assessment: text(item, "assessment"))
        }
        return HealthCertificateFindings(
            licenceClass: text(findings, "licenceClass", "B"),
            examinedOn: (findings["examinedOn"] as? String).flatMap(CalendarDate.init) ?? approvedOn,
            validityMonths: findings["validityMonths"] as? Int ?? 12, results: results,
            drugTest: text(findings, "drugTest", "Âm tính / Negative"), conclusion: text(findings, "conclusion"),
            doctor: text(findings, "doctor"))
    }
}

import CivicSealCrypto
import CivicSealDocuments
import CivicSealJSON
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

    /// The record to render and the findings as the registry keeps them (their canonical JSON value).
    ///
    /// - Parameters:
    ///   - findings: the approval's findings as checked at approval; nil reads the stored copy (the sweeper, after a
    ///     crash), with the same typed decoder.
    ///   - submission: the stored submission as the approval read it; nil decodes the stored copy.
    static func record(
        for source: IssuanceSource, findings approvedFindings: ApprovalFindings? = nil,
        submission typedSubmission: RequestSubmission? = nil, documentID: String, issuedAt: Date,
        department: Department, healthBook: () throws -> HealthBook
    ) throws -> (record: DocumentRecord, findings: JSONValue) {
        let submission =
            try typedSubmission.map(StoredSubmissionFacts.init)
            ?? StoredSubmissionFacts(
                json: source.submissionJSON)
        let identity = try subjectIdentity(source, submission)
        let kind: RequestKind
        switch submission.details {
        case .criminalRecord: kind = .criminalRecord
        case .healthCertificate: kind = .healthCertificate
        case .healthBookExtract: kind = .healthBookExtract
        }
        // Every printed fact from a recorded input: the token's identity, the request's particulars, the findings.
        let holder = try DocumentHolder.fromRequest(
            personalID: identity.personalID, fullName: identity.fullName, birthDate: identity.birthDate,
            sex: identity.sex,
            particulars: submission.particulars, kind: kind)
        var requestedSections: [HealthBookSection] = []
        var certificateType: HealthCertificateType?
        if case .healthBookExtract(let sections, _, _) = submission.details { requestedSections = sections }
        if case .healthCertificate(let type, _) = submission.details { certificateType = type }
        let approved: ApprovalFindings
        let findingsValue: JSONValue
        if let approvedFindings {
            approved = approvedFindings
            findingsValue = approvedFindings.canonicalJSON
        } else {
            guard let stored = try? JSONValue(parsing: Array(source.findingsJSON.utf8)) else {
                throw Failure(description: "the stored findings are not valid JSON")
            }
            // Stored findings were checked at approval (dates against that day); read them with the same typed
            // decoder. Requests approved before the findings were typed per certificate type are refused here,
            // naming the members.
            approved = try ApprovalFindings.decode(
                stored, kind: kind, certificateType: certificateType, requestedSections: requestedSections,
                today: nil)
            findingsValue = stored
        }
        let findings: DocumentFindings
        let suffix: String
        switch (submission.details, approved) {
        case (.criminalRecord(let form, let statesBans), .criminalRecord(let convictions, let bans)):
            findings = .criminalRecord(
                CriminalRecordFindings(
                    form: source.form ?? form, statesBans: statesBans, convictions: convictions, bans: bans))
            suffix = "LLTP"
        case (.healthCertificate, .healthCertificate(let certificate)):
            findings = .healthCertificate(certificate)
            suffix = "GKSK"
        case (.healthBookExtract(_, let fromText, let toText), .healthBookExtract(let sections)):
            let book = try healthBook()
            let from = fromText.flatMap(CalendarDate.init)
            let to = toText.flatMap(CalendarDate.init)
            let extract = book.extract(sections: Set(sections), from: from, to: to)
            findings = .healthBookExtract(HealthBookExtractFindings(extract: extract, from: from, to: to))
            suffix = "SSK"
        default:
            throw Failure(description: "the findings do not match the request's kind")
        }
        guard let approver = source.approverName, !approver.isEmpty else {
            throw Failure(description: "the approval records no officer name to print")
        }
        // The issuer's wording is the department's configuration, never a literal here.
        guard let place = department.place, !place.isEmpty else {
            throw Failure(description: "department \(department.id) configures no place to print before the date")
        }
        guard let titleVietnamese = department.signatureTitleVietnamese, !titleVietnamese.isEmpty,
            let titleEnglish = department.signatureTitleEnglish, !titleEnglish.isEmpty
        else {
            throw Failure(
                description:
                    "department \(department.id) configures no signing formula (signatureTitleVietnamese/English)")
        }
        let year = HanoiTime.day(of: issuedAt).year
        let record = DocumentRecord(
            documentID: documentID, number: "\(documentID.prefix(10))/\(year)/\(suffix)", issuedAt: issuedAt,
            place: place,
            department: department,
            officer: DocumentOfficer(fullName: approver, titleVietnamese: titleVietnamese, titleEnglish: titleEnglish),
            holder: holder, findings: findings)
        return (record, findingsValue)
    }

    /// The five identity fields the verification page confirms, plus what else the document states, as canonical JSON
    /// (sorted keys, no insignificant white space). The approved findings are kept exactly as the officer gave them.
    static func canonicalJSON(_ record: DocumentRecord, findings approved: JSONValue, rendered: RenderedDocument)
        -> String
    {
        let holder = record.holder
        var holderObject: [String: JSONValue] = [
            "fullName": .string(holder.fullName), "sex": .string(holder.sex.rawValue),
            "birthDate": .string(holder.birthDate.description),
            "personalId": .string(holder.personalID), "birthPlace": .string(holder.birthPlace),
            "nationality": .string(holder.nationality),
            "residence": .string(holder.residence),
        ]
        for (key, value) in [
            ("otherNames", holder.otherNames), ("ethnicity", holder.ethnicity), ("fatherName", holder.fatherName),
            ("motherName", holder.motherName), ("spouseName", holder.spouseName),
        ] {
            if let value { holderObject[key] = .string(value) }
        }
        // The approved findings exactly as stored (canonical JSON written by this service).
        var findings = approved
        if case .healthBookExtract(let extract) = record.findings, var members = findings.objectValue {
            members["counts"] = .object([
                "encounters": .number(String(extract.encounters.count)),
                "vaccinations": .number(String(extract.vaccinations.count)),
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
            "officer": .object([
                "fullName": .string(record.officer.fullName), "title": .string(record.officer.titleVietnamese),
            ]),
            "holder": .object(holderObject), "findings": findings,
            "template": .object([
                "id": .string(rendered.templateID), "version": .string(rendered.templateVersion),
                "sha256": .string(rendered.templateSHA256),
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
            return Identity(
                personalID: identity.personalID, fullName: identity.fullName, birthDate: identity.birthDate,
                sex: identity.sex)
        }
        if let subject = submission.subject, let birth = CalendarDate(subject.birthDate) {
            return Identity(
                personalID: subject.personalID, fullName: subject.fullName, birthDate: birth, sex: subject.sex)
        }
        throw Failure(description: "the request stores no identity for its subject (stored before migration 2)")
    }
}

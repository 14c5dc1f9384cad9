import CivicSealWorkflow
import Foundation

/// Everything a document states, in the shape templates read it: the data a template's `{{field}}` placeholders
/// resolve against (the field names are listed in ``DocumentSchema``).
///
/// The record is the canonical statement of facts; the registry stores it beside the rendered PDF.
package struct DocumentRecord: Sendable, Hashable {
    /// CivicSeal's unguessable document id; the QR code leads to `<base>/v/<documentID>`.
    package var documentID: String
    /// The department's document number as printed ("123/2026/LLTP").
    package var number: String
    /// The issue time; the printed date is its calendar day in Việt Nam (UTC+7). Also the PDF creation date.
    package var issuedAt: Date
    /// The place printed before the date ("Hà Nội").
    package var place: String
    package var department: Department
    package var officer: DocumentOfficer
    package var holder: DocumentHolder
    package var findings: DocumentFindings

    package init(
        documentID: String, number: String, issuedAt: Date, place: String, department: Department,
        officer: DocumentOfficer,
        holder: DocumentHolder, findings: DocumentFindings
    ) {
        self.documentID = documentID
        self.number = number
        self.issuedAt = issuedAt
        self.place = place
        self.department = department
        self.officer = officer
        self.holder = holder
        self.findings = findings
    }

    /// The request kind the findings belong to; a template of another kind refuses the record.
    package var kind: RequestKind { findings.kind }

    /// The issue day in Hà Nội time.
    package var issueDate: CalendarDate { HanoiTime.day(of: issuedAt) }
}

/// The officer who signs for the department.
package struct DocumentOfficer: Sendable, Hashable {
    package var fullName: String
    /// The title as printed, e.g. "GIÁM ĐỐC" / "Director".
    package var titleVietnamese: String
    package var titleEnglish: String

    package init(fullName: String, titleVietnamese: String, titleEnglish: String) {
        self.fullName = fullName
        self.titleVietnamese = titleVietnamese
        self.titleEnglish = titleEnglish
    }
}

/// The identity block of the person the document is about (the request form's identity items).
package struct DocumentHolder: Sendable, Hashable {
    package var fullName: String
    package var otherNames: String?
    package var sex: Sex
    package var birthDate: CalendarDate
    package var birthPlace: String
    package var nationality: String
    package var ethnicity: String?
    package var residence: String
    /// The 12-digit personal ID number (CCCD).
    package var personalID: String
    /// Form 2 prints the parents and the spouse.
    package var fatherName: String?
    package var motherName: String?
    package var spouseName: String?

    package init(
        fullName: String, otherNames: String? = nil, sex: Sex, birthDate: CalendarDate, birthPlace: String,
        nationality: String = "Việt Nam",
        ethnicity: String? = nil, residence: String, personalID: String, fatherName: String? = nil,
        motherName: String? = nil,
        spouseName: String? = nil
    ) {
        self.fullName = fullName
        self.otherNames = otherNames
        self.sex = sex
        self.birthDate = birthDate
        self.birthPlace = birthPlace
        self.nationality = nationality
        self.ethnicity = ethnicity
        self.residence = residence
        self.personalID = personalID
        self.fatherName = fatherName
        self.motherName = motherName
        self.spouseName = spouseName
    }
}

/// The kind-specific part of a document.
package enum DocumentFindings: Sendable, Hashable {
    case criminalRecord(CriminalRecordFindings)
    case healthCertificate(HealthCertificateFindings)
    case healthBookExtract(HealthBookExtractFindings)

    package var kind: RequestKind {
        switch self {
        case .criminalRecord: .criminalRecord
        case .healthCertificate: .healthCertificate
        case .healthBookExtract: .healthBookExtract
        }
    }
}

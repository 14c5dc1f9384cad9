import CivicSealWorkflow
import Foundation

/// Everything a document states, in the shape templates read it: the data a template's `{{field}}` placeholders
/// resolve against (the field names are listed in ``DocumentSchema``).
///
/// The record is the canonical statement of facts; the registry stores it beside the rendered PDF.
public struct DocumentRecord: Sendable, Hashable {
    /// CivicSeal's unguessable document id; the QR code leads to `<base>/v/<documentID>`.
    public var documentID: String
    /// The department's document number as printed ("123/2026/LLTP").
    public var number: String
    /// The issue time; the printed date is its calendar day in Việt Nam (UTC+7). Also the PDF creation date.
    public var issuedAt: Date
    /// The place printed before the date ("Hà Nội").
    public var place: String
    public var department: Department
    public var officer: DocumentOfficer
    public var holder: DocumentHolder
    public var findings: DocumentFindings

    public init(
        documentID: String, number: String, issuedAt: Date, place: String, department: Department, officer: DocumentOfficer,
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
    public var kind: RequestKind { findings.kind }

    /// The issue day in Hà Nội time.
    public var issueDate: CalendarDate { HanoiTime.day(of: issuedAt) }
}

/// The officer who signs for the department.
public struct DocumentOfficer: Sendable, Hashable {
    public var fullName: String
    /// The title as printed, e.g. "GIÁM ĐỐC" / "Director".
    public var titleVietnamese: String
    public var titleEnglish: String

    public init(fullName: String, titleVietnamese: String, titleEnglish: String) {
        self.fullName = fullName
        self.titleVietnamese = titleVietnamese
        self.titleEnglish = titleEnglish
    }
}

/// The identity block of the person the document is about (the request form's identity items).
public struct DocumentHolder: Sendable, Hashable {
    public var fullName: String
    public var otherNames: String?
    public var sex: Sex
    public var birthDate: CalendarDate
    public var birthPlace: String
    public var nationality: String
    public var ethnicity: String?
    public var residence: String
    /// The 12-digit personal ID number (CCCD).
    public var personalID: String
    /// Form 2 prints the parents and the spouse.
    public var fatherName: String?
    public var motherName: String?
    public var spouseName: String?

    public init(
        fullName: String, otherNames: String? = nil, sex: Sex, birthDate: CalendarDate, birthPlace: String, nationality: String = "Việt Nam",
        ethnicity: String? = nil, residence: String, personalID: String, fatherName: String? = nil, motherName: String? = nil,
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
public enum DocumentFindings: Sendable, Hashable {
    case criminalRecord(CriminalRecordFindings)
    case healthCertificate(HealthCertificateFindings)
    case healthBookExtract(HealthBookExtractFindings)

    public var kind: RequestKind {
        switch self {
        case .criminalRecord: .criminalRecord
        case .healthCertificate: .healthCertificate
        case .healthBookExtract: .healthBookExtract
        }
    }
}

import CivicSealWorkflow

/// The driver's health certificate (giấy khám sức khỏe lái xe, Circular 36/2024/TT-BYT): examination results
/// per specialty, the drug test and the conclusion; valid ``validityMonths`` months from the examination.
public struct HealthCertificateFindings: Sendable, Hashable {
    /// The licence class examined for ("B", "C1"…).
    public var licenceClass: String
    public var examinedOn: CalendarDate
    public var validityMonths: Int
    public var results: [ExaminationResult]
    /// The five-drug test result as printed.
    public var drugTest: String
    public var conclusion: String
    /// The examining doctor who concluded.
    public var doctor: String

    public init(
        licenceClass: String, examinedOn: CalendarDate, validityMonths: Int = 12, results: [ExaminationResult], drugTest: String,
        conclusion: String, doctor: String
    ) {
        self.licenceClass = licenceClass
        self.examinedOn = examinedOn
        self.validityMonths = validityMonths
        self.results = results
        self.drugTest = drugTest
        self.conclusion = conclusion
        self.doctor = doctor
    }

    /// The last day the certificate is valid: the day before the same day `validityMonths` later
    /// (clamped to the month's length).
    public var validUntil: CalendarDate {
        let months = examinedOn.year * 12 + (examinedOn.month - 1) + validityMonths
        let year = months / 12
        let month = months % 12 + 1
        let day = min(examinedOn.day, CalendarDate.daysInMonth(month, year: year))
        return CalendarDate(year: year, month: month, day: day)!.adding(days: -1)
    }
}

/// One specialty's result on a health certificate.
public struct ExaminationResult: Sendable, Hashable {
    public var specialtyVietnamese: String
    public var specialtyEnglish: String
    public var finding: String
    /// E.g. "Đủ điều kiện / Fit".
    public var assessment: String

    public init(specialtyVietnamese: String, specialtyEnglish: String, finding: String, assessment: String) {
        self.specialtyVietnamese = specialtyVietnamese
        self.specialtyEnglish = specialtyEnglish
        self.finding = finding
        self.assessment = assessment
    }
}

/// An extract of the electronic health book for a period: encounters with ICD-10 diagnoses, vaccinations, allergies.
public struct HealthBookExtractFindings: Sendable, Hashable {
    public var periodFrom: CalendarDate?
    public var periodTo: CalendarDate?
    public var encounters: [Encounter]
    public var vaccinations: [Vaccination]
    public var allergies: [Allergy]

    public init(
        periodFrom: CalendarDate? = nil, periodTo: CalendarDate? = nil, encounters: [Encounter] = [], vaccinations: [Vaccination] = [],
        allergies: [Allergy] = []
    ) {
        self.periodFrom = periodFrom
        self.periodTo = periodTo
        self.encounters = encounters
        self.vaccinations = vaccinations
        self.allergies = allergies
    }

    /// Splits a health book's entries into the three sections, keeping the recorded order.
    public init(extract book: HealthBook, from: CalendarDate? = nil, to: CalendarDate? = nil) {
        self.init(periodFrom: from, periodTo: to)
        for entry in book.entries {
            switch entry {
            case .encounter(let encounter): encounters.append(encounter)
            case .vaccination(let vaccination): vaccinations.append(vaccination)
            case .allergy(let allergy): allergies.append(allergy)
            }
        }
    }
}

import CivicSealWorkflow

/// The findings a health certificate states, per ``HealthCertificateType``: examination results per specialty,
/// the conclusion and the examining doctor, valid ``validityMonths`` months from the examination.
///
/// - driving (Circular 36/2024/TT-BYT): the ``licenceClass`` examined for and the five-drug ``drugTest``;
/// - general, employment, school (Circular 32/2023/TT-BYT): the health ``classification`` I–V.
///
/// A member of the other shape is always nil: the decoder refuses it as an unknown member.
package struct HealthCertificateFindings: Sendable, Hashable {
    package var certificateType: HealthCertificateType
    /// The licence class examined for ("B", "C1"…); driving only.
    package var licenceClass: String?
    package var examinedOn: CalendarDate
    package var validityMonths: Int
    package var results: [ExaminationResult]
    /// The five-drug test result as printed; driving only.
    package var drugTest: String?
    /// The health class I–V; general, employment and school certificates only.
    package var classification: HealthClass?
    package var conclusion: String
    /// The examining doctor who concluded.
    package var doctor: String

    /// A driver's health certificate.
    package init(
        licenceClass: String, examinedOn: CalendarDate, validityMonths: Int, results: [ExaminationResult],
        drugTest: String,
        conclusion: String, doctor: String
    ) {
        self.certificateType = .drivingLicence
        self.licenceClass = licenceClass
        self.examinedOn = examinedOn
        self.validityMonths = validityMonths
        self.results = results
        self.drugTest = drugTest
        self.classification = nil
        self.conclusion = conclusion
        self.doctor = doctor
    }

    /// A general, employment or school health certificate (`certificateType` other than driving).
    package init(
        certificateType: HealthCertificateType, examinedOn: CalendarDate, validityMonths: Int,
        results: [ExaminationResult],
        classification: HealthClass, conclusion: String, doctor: String
    ) {
        precondition(
            certificateType != .drivingLicence, "a driver's certificate states a licence class and a drug test")
        self.certificateType = certificateType
        self.licenceClass = nil
        self.examinedOn = examinedOn
        self.validityMonths = validityMonths
        self.results = results
        self.drugTest = nil
        self.classification = classification
        self.conclusion = conclusion
        self.doctor = doctor
    }

    /// The last day the certificate is valid: the day before the same day `validityMonths` later
    /// (clamped to the month's length).
    package var validUntil: CalendarDate {
        let months = examinedOn.year * 12 + (examinedOn.month - 1) + validityMonths
        let year = months / 12
        let month = months % 12 + 1
        let day = min(examinedOn.day, CalendarDate.daysInMonth(month, year: year))
        return CalendarDate(year: year, month: month, day: day)!.adding(days: -1)
    }
}

/// One specialty's result on a health certificate.
package struct ExaminationResult: Sendable, Hashable {
    package var specialtyVietnamese: String
    package var specialtyEnglish: String
    package var finding: String
    /// E.g. "Đủ điều kiện / Fit".
    package var assessment: String

    package init(specialtyVietnamese: String, specialtyEnglish: String, finding: String, assessment: String) {
        self.specialtyVietnamese = specialtyVietnamese
        self.specialtyEnglish = specialtyEnglish
        self.finding = finding
        self.assessment = assessment
    }
}

/// An extract of the electronic health book for a period: encounters with ICD-10 diagnoses, vaccinations, allergies.
package struct HealthBookExtractFindings: Sendable, Hashable {
    package var periodFrom: CalendarDate?
    package var periodTo: CalendarDate?
    package var encounters: [Encounter]
    package var vaccinations: [Vaccination]
    package var allergies: [Allergy]

    package init(
        periodFrom: CalendarDate? = nil, periodTo: CalendarDate? = nil, encounters: [Encounter] = [],
        vaccinations: [Vaccination] = [],
        allergies: [Allergy] = []
    ) {
        self.periodFrom = periodFrom
        self.periodTo = periodTo
        self.encounters = encounters
        self.vaccinations = vaccinations
        self.allergies = allergies
    }

    /// Splits a health book's entries into the three sections, keeping the recorded order.
    package init(extract book: HealthBook, from: CalendarDate? = nil, to: CalendarDate? = nil) {
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

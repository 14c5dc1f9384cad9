/// Bounds and legal thresholds used by validation (configurable; defaults follow the law as of 2026).
package struct ValidationPolicy: Codable, Sendable, Equatable {
    /// Minimum age of the person a criminal-record certificate is about, when they or a proxy ask:
    /// 16 from 1 July 2026 (Law 107/2025/QH15 amending the Law on Judicial Records).
    package var criminalRecordMinimumAge: Int
    /// Below this age a parent may ask on a child's behalf (Civil Code 2015, Art. 20: adulthood at 18).
    package var ageOfMajority: Int
    /// The residence history on the request form starts at this age (tờ khai, Circular 13/2011/TT-BTP).
    package var residenceHistoryFromAge: Int
    package var minimumCopies: Int
    package var maximumCopies: Int
    /// Required account level per kind; the online criminal-record service requires level 2.
    package var criminalRecordAssurance: AssuranceLevel
    package var healthCertificateAssurance: AssuranceLevel
    package var healthBookExtractAssurance: AssuranceLevel
    /// Health certificate types that can be requested.
    package var healthCertificateTypes: [String]
    package var maximumNameLength: Int
    package var maximumAddressLength: Int
    package var maximumShortTextLength: Int
    package var maximumPurposeLength: Int
    package var maximumOtherNames: Int
    package var maximumResidencePeriods: Int

    package init(
        criminalRecordMinimumAge: Int = 16,
        ageOfMajority: Int = 18,
        residenceHistoryFromAge: Int = 14,
        minimumCopies: Int = 1,
        maximumCopies: Int = 10,
        criminalRecordAssurance: AssuranceLevel = .level2,
        healthCertificateAssurance: AssuranceLevel = .level2,
        healthBookExtractAssurance: AssuranceLevel = .level2,
        healthCertificateTypes: [String] = ["driving-licence", "general", "employment", "study"],
        maximumNameLength: Int = 100,
        maximumAddressLength: Int = 300,
        maximumShortTextLength: Int = 100,
        maximumPurposeLength: Int = 500,
        maximumOtherNames: Int = 5,
        maximumResidencePeriods: Int = 50
    ) {
        self.criminalRecordMinimumAge = criminalRecordMinimumAge
        self.ageOfMajority = ageOfMajority
        self.residenceHistoryFromAge = residenceHistoryFromAge
        self.minimumCopies = minimumCopies
        self.maximumCopies = maximumCopies
        self.criminalRecordAssurance = criminalRecordAssurance
        self.healthCertificateAssurance = healthCertificateAssurance
        self.healthBookExtractAssurance = healthBookExtractAssurance
        self.healthCertificateTypes = healthCertificateTypes
        self.maximumNameLength = maximumNameLength
        self.maximumAddressLength = maximumAddressLength
        self.maximumShortTextLength = maximumShortTextLength
        self.maximumPurposeLength = maximumPurposeLength
        self.maximumOtherNames = maximumOtherNames
        self.maximumResidencePeriods = maximumResidencePeriods
    }

    package func requiredAssurance(for kind: RequestKind) -> AssuranceLevel {
        switch kind {
        case .criminalRecord: criminalRecordAssurance
        case .healthCertificate: healthCertificateAssurance
        case .healthBookExtract: healthBookExtractAssurance
        }
    }
}

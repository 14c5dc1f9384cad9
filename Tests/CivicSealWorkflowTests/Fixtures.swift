import Foundation
import Testing

@testable import CivicSealWorkflow

/// Synthetic people and requests; every ID number is constructed to agree with its person, none is real.
enum Fixtures {
    /// The day tests run "on": after the 1 July 2026 changes.
    static let today = date("2026-07-15")

    static func date(_ text: String) -> CalendarDate {
        guard let date = CalendarDate(text) else { fatalError("bad fixture date \(text)") }
        return date
    }

    static func id(_ text: String) -> PersonalIDNumber {
        do { return try PersonalIDNumber(text) } catch { fatalError("bad fixture ID \(text): \(error)") }
    }

    /// Nguyễn Thị Ánh Tuyết, female, born 14 May 1990 in Hà Nội: 001 1 90 012345.
    static let tuyet = PersonIdentity(
        personalID: id("001190012345"), fullName: "Nguyễn Thị Ánh Tuyết", birthDate: date("1990-05-14"), sex: .female)

    /// Trần Văn Minh, male, born 2 March 1985 in TP Hồ Chí Minh: 079 0 85 000417.
    static let minh = PersonIdentity(
        personalID: id("079085000417"), fullName: "Trần Văn Minh", birthDate: date("1985-03-02"), sex: .male)

    static func applicant(_ identity: PersonIdentity = tuyet, level: AssuranceLevel = .level2) -> Applicant {
        Applicant(identity: identity, assuranceLevel: level)
    }

    /// Tuyết's daughter, Lê Thị Mai, born 1 July 2016: 001 3 16 000777.
    static let maiSubject = SubjectDetails(
        personalId: "001316000777", fullName: "Lê Thị Mai", birthDate: "2016-07-01", sex: .female)

    static let hanoiAddress = Address(line: "12 Phố Huế, phường Hai Bà Trưng", provinceCode: "001")

    static let particulars = Particulars(
        otherNames: [], birthPlace: "Hà Nội", ethnicity: "Kinh", nationality: "VN",
        permanentResidence: hanoiAddress, currentResidence: hanoiAddress,
        fatherName: "Nguyễn Văn Bình", motherName: "Phạm Thị Cúc")

    /// Tuyết's history: Hà Nội from birth, then work from 2008.
    static let history = [
        ResidencePeriod(
            from: "1990-05-14", to: "2008-08-31", address: "12 Phố Huế, Hà Nội", provinceCode: "001",
            occupation: "Học sinh"),
        ResidencePeriod(
            from: "2008-09-01", address: "12 Phố Huế, Hà Nội", provinceCode: "001", occupation: "Kế toán"),
    ]

    static func criminalRecord(
        form: CriminalRecordForm = .form1, statesBans: Bool? = nil, relation: RequesterRelation = .oneself
    ) -> RequestSubmission {
        RequestSubmission(
            request: .criminalRecord(CriminalRecordRequest(form: form, purpose: "Xin việc", statesBans: statesBans)),
            relation: relation, particulars: particulars, residenceHistory: history,
            contact: ContactDetails(phone: "0912345678", email: "tuyet@example.vn"), copies: 2)
    }

    static func validate(
        _ submission: RequestSubmission, applicant: Applicant = applicant(), today: CalendarDate = today,
        policy: ValidationPolicy = ValidationPolicy()
    ) -> Result<ValidatedRequest, ValidationFailure> {
        SubmissionValidator(policy: policy).validate(submission, applicant: applicant, today: today)
    }

    static func issues(_ result: Result<ValidatedRequest, ValidationFailure>) -> ValidationFailure {
        switch result {
        case .success: ValidationFailure(issues: [])
        case .failure(let failure): failure
        }
    }

    static func validated(_ result: Result<ValidatedRequest, ValidationFailure>) -> ValidatedRequest? {
        if case .success(let request) = result { return request }
        return nil
    }
}

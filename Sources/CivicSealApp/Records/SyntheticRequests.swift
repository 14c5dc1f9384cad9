import CivicSealWorkflow
import Foundation

/// Synthetic, valid requests for development commands, crash tests and benchmarks. Every person is invented:
/// ID numbers are built to agree with the person (province 001, a woman born in 1990) and none is real.
package enum SyntheticRequests {
    /// The synthetic person number `number` (0…999,999): `001 1 90 NNNNNN`, born 14 May 1990.
    package static func person(_ number: Int) -> PersonIdentity {
        let digits = String(number % 1_000_000)
        let padded = String(repeating: "0", count: 6 - digits.count) + digits
        // Force-unwrap is safe: the structure is fixed and agrees with the person below.
        let id = try! PersonalIDNumber("001190" + padded)
        return PersonIdentity(
            personalID: id, fullName: "Nguyễn Thị Thử Nghiệm", birthDate: CalendarDate(year: 1990, month: 5, day: 14)!,
            sex: .female)
    }

    package static func applicant(_ number: Int) -> Applicant {
        Applicant(identity: person(number), assuranceLevel: .level2)
    }

    static let address = Address(line: "12 Phố Huế, phường Hai Bà Trưng", provinceCode: "001")

    /// A form-1 criminal-record request for oneself, living in Hà Nội since birth.
    package static func criminalRecord(form: CriminalRecordForm = .form1, copies: Int = 2) -> RequestSubmission {
        RequestSubmission(
            request: .criminalRecord(CriminalRecordRequest(form: form, purpose: "Xin việc")),
            particulars: Particulars(
                otherNames: [], birthPlace: "Hà Nội", ethnicity: "Kinh", nationality: "VN",
                permanentResidence: address, currentResidence: address, fatherName: "Nguyễn Văn Bình",
                motherName: "Phạm Thị Cúc"),
            residenceHistory: [
                ResidencePeriod(
                    from: "1990-05-14", to: "2008-08-31", address: "12 Phố Huế, Hà Nội", provinceCode: "001",
                    occupation: "Học sinh"),
                ResidencePeriod(
                    from: "2008-09-01", address: "12 Phố Huế, Hà Nội", provinceCode: "001", occupation: "Kế toán"),
            ],
            contact: ContactDetails(phone: "0912345678", email: "thu.nghiem@example.vn"), copies: copies)
    }

    /// A driving-licence health certificate request.
    package static func healthCertificate() -> RequestSubmission {
        RequestSubmission(
            request: .healthCertificate(
                HealthCertificateRequest(certificateType: "driving-licence", licenceClass: "B")),
            particulars: Particulars(
                currentResidence: Address(line: "12 Phố Huế, phường Hai Bà Trưng", provinceCode: "001")),
            contact: ContactDetails(phone: "0912345678"))
    }

    /// Validates `submission` for synthetic person `number` on `today`; a failure is a programming error here.
    package static func validated(
        _ submission: RequestSubmission, person number: Int, today: CalendarDate,
        validator: SubmissionValidator = SubmissionValidator()
    ) -> ValidatedRequest {
        switch validator.validate(submission, applicant: applicant(number), today: today) {
        case .success(let request): return request
        case .failure(let failure): preconditionFailure("synthetic request does not validate: \(failure)")
        }
    }
}

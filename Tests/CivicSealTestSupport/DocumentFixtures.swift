import CivicSealDocuments
import CivicSealWorkflow
import Foundation

/// Synthetic people and records (no real ID numbers: province, century/sex digit and year agree with the
/// declared birth date and sex, the last six digits are made up).
package enum DocumentFixtures {
    package static let templateDirectory: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("Templates").path
    }()

    package static let renderer: DocumentRenderer = try! DocumentRenderer(templateDirectory: templateDirectory)

    package static let templateIDs = [
        "criminal-record-form-1", "criminal-record-form-2", "health-certificate-driving-licence",
        "health-certificate-general",
        "health-certificate-employment", "health-certificate-study", "health-book-extract",
    ]

    package static let issuedAt = Date(timeIntervalSince1970: 1_795_000_000)  // 2026-11-18 (UTC+7)

    package static let holders: [DocumentHolder] = [
        DocumentHolder(
            fullName: "Nguyễn Thị Ánh Tuyết", sex: .female, birthDate: CalendarDate("1990-09-02")!,
            birthPlace: "Phường Hàng Bạc, Hà Nội",
            ethnicity: "Kinh", residence: "Số 12 phố Hàng Bạc, phường Hoàn Kiếm, thành phố Hà Nội",
            personalID: "001190012345",
            fatherName: "Nguyễn Văn Hùng", motherName: "Lê Thị Mai", spouseName: "Trần Quốc Bảo"),
        DocumentHolder(
            fullName: "Trần Đức Lương", sex: .male, birthDate: CalendarDate("1985-03-14")!,
            birthPlace: "Xã Đông Anh, Hà Nội",
            residence: "Số 7 ngõ 45 phố Nguyễn Chí Thanh, phường Láng, thành phố Hà Nội", personalID: "001085004217",
            fatherName: "Trần Văn Đức", motherName: "Phạm Thị Lan"),
        DocumentHolder(
            fullName: "Phạm Quỳnh Hương", otherNames: "Hương Phạm", sex: .female,
            birthDate: CalendarDate("2001-07-21")!,
            birthPlace: "Phường Bến Nghé, Thành phố Hồ Chí Minh", ethnicity: "Kinh",
            residence: "Căn hộ 1204, tòa nhà S2, số 88 đường Nguyễn Hữu Thọ, phường Tân Hưng, Thành phố Hồ Chí Minh",
            personalID: "079301006512",
            fatherName: "Phạm Minh Quang", motherName: "Đỗ Thị Quỳnh"),
        DocumentHolder(
            fullName: "Đặng Thị Ngọc Thịnh", sex: .female, birthDate: CalendarDate("1978-12-05")!,
            birthPlace: "Xã Nghĩa Hưng, Nam Định",
            ethnicity: "Kinh", residence: "Số 3 đường Trần Hưng Đạo, phường Cửa Nam, thành phố Hà Nội",
            personalID: "036178009934",
            fatherName: "Đặng Văn Thịnh", motherName: "Vũ Thị Ngọc", spouseName: "Hoàng Minh Tuấn"),
    ]

    package static let justiceOfficer = DocumentOfficer(
        fullName: "Lê Văn Hưởng", titleVietnamese: "KT. GIÁM ĐỐC - PHÓ GIÁM ĐỐC",
        titleEnglish: "For the Director - Deputy Director")
    package static let healthOfficer = DocumentOfficer(
        fullName: "BS. Hoàng Thị Yến", titleVietnamese: "GIÁM ĐỐC", titleEnglish: "Director")

    package static func conviction(_ index: Int, expunged: Bool = false) -> Conviction {
        Conviction(
            judgmentDate: CalendarDate(year: 2012 + index, month: 3, day: 12)!,
            judgmentNumber: "\(40 + index)/\(2012 + index)/HS-ST",
            court: "Tòa án nhân dân quận Đống Đa, thành phố Hà Nội",
            crime: index % 2 == 0 ? "Trộm cắp tài sản" : "Gây rối trật tự công cộng",
            articles: "Điều 173 khoản 1 Bộ luật Hình sự", mainPenalty: "12 tháng tù cho hưởng án treo",
            additionalPenalties: index % 2 == 0 ? "Phạt tiền 10.000.000 đồng" : "",
            executionStatus: "Đã chấp hành xong",
            expunged: expunged)
    }

    package static let ban = Ban(
        description: "Cấm đảm nhiệm chức vụ kế toán trưởng", judgment: "Bản án số 45/2019/HS-ST ngày 12/03/2019",
        court: "Tòa án nhân dân quận Cầu Giấy, thành phố Hà Nội", duration: "03 năm / 3 years")

    package static func criminalRecord(
        form: CriminalRecordForm, holder: DocumentHolder, convictions: [Conviction] = [], bans: [Ban] = [],
        statesBans: Bool = false,
        issuedAt: Date = issuedAt, documentID: String = "7QH2KX9V4M3TBCJ5RW8ZNPYD6A"
    ) -> DocumentRecord {
        DocumentRecord(
            documentID: documentID, number: "1234/2026/LLTP", issuedAt: issuedAt, place: "Hà Nội",
            department: .justiceHanoi,
            officer: justiceOfficer, holder: holder,
            findings: .criminalRecord(
                CriminalRecordFindings(form: form, statesBans: statesBans, convictions: convictions, bans: bans)))
    }

    /// A general, employment or school certificate (health class II), or the driver's one for `.drivingLicence`.
    package static func healthCertificate(_ type: HealthCertificateType, holder: DocumentHolder) -> DocumentRecord {
        guard type != .drivingLicence else { return healthCertificate(holder: holder) }
        var record = healthCertificate(holder: holder)
        guard case .healthCertificate(let driving) = record.findings else { return record }
        record.number = "568/2026/GKSK"
        record.findings = .healthCertificate(
            HealthCertificateFindings(
                certificateType: type, examinedOn: driving.examinedOn, validityMonths: 6, results: driving.results,
                classification: .ii,
                conclusion: "Đủ sức khỏe / Fit", doctor: driving.doctor))
        return record
    }

    package static func healthCertificate(holder: DocumentHolder) -> DocumentRecord {
        let results = [
            ExaminationResult(
                specialtyVietnamese: "Tâm thần", specialtyEnglish: "Psychiatry", finding: "Bình thường",
                assessment: "Đủ điều kiện / Fit"),
            ExaminationResult(
                specialtyVietnamese: "Thần kinh", specialtyEnglish: "Neurology", finding: "Bình thường",
                assessment: "Đủ điều kiện / Fit"),
            ExaminationResult(
                specialtyVietnamese: "Mắt", specialtyEnglish: "Ophthalmology",
                finding: "Thị lực mắt phải 10/10, mắt trái 9/10 (không kính); phân biệt màu bình thường",
                assessment: "Đủ điều kiện / Fit"),
            ExaminationResult(
                specialtyVietnamese: "Tai - Mũi - Họng", specialtyEnglish: "Ear, nose, throat",
                finding: "Thính lực bình thường", assessment: "Đủ điều kiện / Fit"),
            ExaminationResult(
                specialtyVietnamese: "Tim mạch", specialtyEnglish: "Cardiology",
                finding: "Huyết áp 120/80 mmHg, mạch 76 lần/phút", assessment: "Đủ điều kiện / Fit"),
            ExaminationResult(
                specialtyVietnamese: "Hô hấp", specialtyEnglish: "Respiratory", finding: "Bình thường",
                assessment: "Đủ điều kiện / Fit"),
            ExaminationResult(
                specialtyVietnamese: "Cơ xương khớp", specialtyEnglish: "Musculoskeletal", finding: "Bình thường",
                assessment: "Đủ điều kiện / Fit"),
            ExaminationResult(
                specialtyVietnamese: "Nội tiết", specialtyEnglish: "Endocrinology",
                finding: "Đường huyết lúc đói 5,1 mmol/L", assessment: "Đủ điều kiện / Fit"),
        ]
        return DocumentRecord(
            documentID: "K2M4N6P8Q1R3S5T7V9W2X4Y6Z8", number: "567/2026/GKSKLX", issuedAt: issuedAt, place: "Hà Nội",
            department: .healthHanoi, officer: healthOfficer, holder: holder,
            findings: .healthCertificate(
                HealthCertificateFindings(
                    licenceClass: "B", examinedOn: CalendarDate("2026-11-17")!, validityMonths: 12, results: results,
                    drugTest: "Âm tính với 5 chất ma túy / Negative for 5 drugs",
                    conclusion: "Đủ điều kiện sức khỏe lái xe hạng B / Fit to drive class B",
                    doctor: "BS. CKI Vũ Đình Khang")))
    }

    package static func healthBook(
        holder: DocumentHolder, encounters: Int = 4, vaccinations: Int = 3, allergies: Int = 2
    ) -> DocumentRecord {
        let reasons = [
            "Sốt, ho kéo dài", "Đau bụng vùng thượng vị", "Khám sức khỏe định kỳ", "Khó thở về đêm",
            "Tái khám tiểu đường",
        ]
        let codes = [["J20.9"], ["K29.7", "K21.9"], ["Z00.0"], ["J45.0"], ["E11.9", "I10"]]
        let encounterList = (0..<encounters).map { index in
            Encounter(
                facilityId: "01\(100 + index)",
                facilityName: index % 2 == 0 ? "Bệnh viện Bạch Mai" : "Trạm y tế phường Hoàn Kiếm",
                startedAt: Date(timeIntervalSince1970: 1_700_000_000 + Double(index) * 4_000_000),
                type: Encounter.Kind.allCases[index % 6],
                reason: reasons[index % reasons.count], outcome: Encounter.Outcome.allCases[index % 7],
                diagnoses: codes[index % codes.count].map { ICD10Code(rawValue: $0)! })
        }
        let vaccines = [
            ("Vaxigrip Tetra", "Cúm mùa / Influenza"), ("Engerix-B", "Viêm gan B / Hepatitis B"),
            ("Adacel", "Uốn ván, bạch hầu, ho gà / Tdap"),
        ]
        let vaccinationList = (0..<vaccinations).map { index in
            Vaccination(
                facilityId: "01001",
                administeredOn: CalendarDate(year: 2022 + index / 3, month: 1 + index % 12, day: 10)!,
                vaccine: vaccines[index % 3].0, antigen: vaccines[index % 3].1, dose: 1 + index / 3)
        }
        let allergyList = (0..<allergies).map { index in
            Allergy(
                facilityId: "01001", recordedOn: CalendarDate(year: 2019 + index, month: 5, day: 20)!,
                type: Allergy.Kind.allCases[index % 4],
                agent: index % 2 == 0 ? "Penicillin" : "Tôm, cua",
                reaction: index % 2 == 0 ? "Mày đay, ngứa toàn thân" : "Phù môi")
        }
        return DocumentRecord(
            documentID: "H3J5K7L9M2N4P6Q8R1S3T5V7W9", number: "89/2026/TLSSK", issuedAt: issuedAt, place: "Hà Nội",
            department: .healthHanoi,
            officer: healthOfficer, holder: holder,
            findings: .healthBookExtract(
                HealthBookExtractFindings(
                    periodFrom: CalendarDate("2023-01-01"), periodTo: CalendarDate("2026-11-17"),
                    encounters: encounterList,
                    vaccinations: vaccinationList, allergies: allergyList)))
    }

    /// A typical record for `templateID`: form 1 clean, form 2 with an expunged conviction and a ban.
    package static func record(templateID: String, holder: DocumentHolder) -> DocumentRecord {
        switch templateID {
        case "criminal-record-form-1": criminalRecord(form: .form1, holder: holder)
        case "criminal-record-form-2": criminalRecord(form: .form2, holder: holder)
        case "health-certificate-driving-licence": healthCertificate(holder: holder)
        case "health-certificate-general": healthCertificate(.general, holder: holder)
        case "health-certificate-employment": healthCertificate(.employment, holder: holder)
        case "health-certificate-study": healthCertificate(.study, holder: holder)
        default: healthBook(holder: holder)
        }
    }
}

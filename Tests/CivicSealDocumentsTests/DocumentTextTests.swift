import CivicSealDocuments
import CivicSealTestSupport
import CivicSealWorkflow
import Foundation
import Testing

/// For every document type and health certificate type, the PDF's text (read by `pdftotext`, a tool nobody here
/// wrote) states the title, each recorded fact and the issue time that were recorded, and nothing that was not:
/// no driver's title or licence class on the other certificates, no "not banned" sentence over recorded bans, no
/// bans section on a form 1 that did not ask for one (issue 13, findings 1, 4, 5, 6 and 21).
@Suite("Document text states what was recorded")
struct DocumentTextTests {
    /// 10:58:12 UTC on 4 December 2026 is 17:58:12 in Hà Nội, still 4 December.
    static let issuedAt = Date(timeIntervalSince1970: 1_796_381_892)

    /// The PDF's text in content order (`-raw`), and the same with every white space removed, so that a value
    /// wrapped inside a narrow table cell still reads as one string.
    struct Text {
        let raw: String
        let compact: String

        init(_ record: DocumentRecord) throws {
            let directory = TemporaryDirectory("civicseal-document-text")
            let rendered = try DocumentFixtures.renderer.render(
                record, signature: SignaturePlaceholder(signerName: "Lê Văn Hưởng"))
            let path = try directory.write("document.pdf", rendered.bytes)
            let output = try ExternalTool.run("pdftotext", ["-raw", "-enc", "UTF-8", path, "-"])
            #expect(output.status == 0 && output.errorText.isEmpty, "\(output.errorText)")
            raw = output.text.precomposedStringWithCanonicalMapping
            compact = Self.squeeze(raw)
        }

        static func squeeze(_ text: String) -> String {
            String(
                text.precomposedStringWithCanonicalMapping.unicodeScalars.filter {
                    !CharacterSet.whitespacesAndNewlines.contains($0)
                }.map(Character.init))
        }

        func contains(_ string: String) -> Bool { compact.contains(Self.squeeze(string)) }

        func count(_ string: String) -> Int { compact.components(separatedBy: Self.squeeze(string)).count - 1 }
    }

    static func check(
        _ text: Text, states expected: [String], never forbidden: [String] = [],
        _ location: SourceLocation = #_sourceLocation
    ) {
        for string in expected {
            let found = text.contains(string)
            #expect(found, "missing \"\(string)\" in:\n\(text.raw)", sourceLocation: location)
        }
        for string in forbidden {
            let found = text.contains(string)
            #expect(!found, "printed \"\(string)\" in:\n\(text.raw)", sourceLocation: location)
        }
        // UTC appears only as the offset beside the zone's name, never as the zone of a time.
        let utc = text.raw.components(separatedBy: "UTC").count - 1
        let named = text.raw.components(separatedBy: "(UTC+7)").count - 1
        #expect(
            utc == named && named == 2, "UTC printed \(utc) times, (UTC+7) \(named) times", sourceLocation: location)
    }

    /// Every document: the heading with the parent body in capitals above the agency, the Hà Nội date of issue and
    /// the signature box's time in Hà Nội time with the zone named, never the UTC reading or the next day.
    static func issuer(_ record: DocumentRecord) -> [String] {
        [
            "ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI", record.department.nameVietnamese.uppercased(),
            record.department.nameEnglish,
            "Hà Nội, ngày 04 tháng 12 năm 2026", "4 December 2026", "Thời gian / Time: 04/12/2026 17:58:12",
            "giờ Hà Nội (UTC+7) / Hà Nội time (UTC+7)", "Ký bởi / Signed by: Lê Văn Hưởng",
            record.officer.titleVietnamese,
            record.officer.fullName, record.holder.fullName, record.holder.personalID, record.holder.residence,
        ]
    }

    /// The UTC reading of the issue time, and the next day's date that a double shift used to print.
    static let neverUTC = ["10:58:12", "05/12/2026", "ngày 05 tháng 12", "5 December 2026"]

    static func record(_ record: DocumentRecord) -> DocumentRecord {
        var record = record
        record.issuedAt = issuedAt
        return record
    }

    static let bansSentence = "Không bị cấm đảm nhiệm chức vụ, thành lập, quản lý doanh nghiệp, hợp tác xã"
    static let bansHeading = "Cấm đảm nhiệm chức vụ, thành lập, quản lý doanh nghiệp, hợp tác xã"

    static func columns(_ conviction: Conviction) -> [String] {
        [
            HanoiTime.date(conviction.judgmentDate), conviction.judgmentNumber, conviction.court, conviction.crime,
            conviction.articles,
            conviction.mainPenalty, conviction.additionalPenalties, conviction.executionStatus,
        ].filter { !$0.isEmpty }
    }

    static func columns(_ ban: Ban) -> [String] { [ban.description, ban.judgment, ban.court, ban.duration] }

    static let secondBan = Ban(
        description: "Cấm thành lập, quản lý doanh nghiệp", judgment: "Bản án số 77/2021/HS-PT ngày 02/08/2021",
        court: "Tòa án nhân dân thành phố Hà Nội", duration: "05 năm / 5 years")

    @Test(.enabled(if: ExternalTool.isUsable("pdftotext")))
    func form1WithoutTheBansRequestSaysNothingAboutBans() throws {
        let record = Self.record(DocumentFixtures.criminalRecord(form: .form1, holder: DocumentFixtures.holders[0]))
        let text = try Text(record)
        Self.check(
            text, states: Self.issuer(record) + ["PHIẾU LÝ LỊCH TƯ PHÁP SỐ 1", "Không có án tích", "Việt Nam", "Kinh"],
            never: Self.neverUTC + [Self.bansHeading, "PHIẾU LÝ LỊCH TƯ PHÁP SỐ 2"])
    }

    @Test(.enabled(if: ExternalTool.isUsable("pdftotext")))
    func form1WithTheBansRequestPrintsExactlyTheRecordedBans() throws {
        let convictions = [DocumentFixtures.conviction(2), DocumentFixtures.conviction(3, expunged: true)]
        let record = Self.record(
            DocumentFixtures.criminalRecord(
                form: .form1, holder: DocumentFixtures.holders[1], convictions: convictions,
                bans: [DocumentFixtures.ban, Self.secondBan],
                statesBans: true))
        let text = try Text(record)
        // Form 1 prints the current (unexpunged) conviction with every column, and each recorded ban.
        Self.check(
            text,
            states: Self.issuer(record) + ["Có án tích", Self.bansHeading] + Self.columns(convictions[0]) + ["Chưa xóa"]
                + Self.columns(DocumentFixtures.ban) + Self.columns(Self.secondBan),
            never: Self.neverUTC + [Self.bansSentence, convictions[1].judgmentNumber, "Đã xóa"])

        let none = Self.record(
            DocumentFixtures.criminalRecord(form: .form1, holder: DocumentFixtures.holders[1], statesBans: true))
        Self.check(
            try Text(none), states: [Self.bansHeading, Self.bansSentence, "Không có án tích"],
            never: [DocumentFixtures.ban.description])
    }

    @Test(.enabled(if: ExternalTool.isUsable("pdftotext")))
    func form2PrintsEveryConvictionWithEveryColumnAndEveryBan() throws {
        let convictions = [
            DocumentFixtures.conviction(1, expunged: true), DocumentFixtures.conviction(2),
            DocumentFixtures.conviction(4, expunged: true),
        ]
        let holder = DocumentFixtures.holders[2]
        let record = Self.record(
            DocumentFixtures.criminalRecord(
                form: .form2, holder: holder, convictions: convictions, bans: [DocumentFixtures.ban, Self.secondBan],
                statesBans: true))
        let text = try Text(record)
        Self.check(
            text,
            states: Self.issuer(record) + [
                "PHIẾU LÝ LỊCH TƯ PHÁP SỐ 2", "Có án tích", holder.fatherName!, holder.motherName!, Self.bansHeading,
            ]
                + convictions.flatMap(Self.columns) + Self.columns(DocumentFixtures.ban) + Self.columns(Self.secondBan),
            never: Self.neverUTC + [Self.bansSentence, "Không có án tích"])
        // Expungement is printed from the recorded flag: two expunged, one not.
        let expunged = (text.count("Đã xóa / Yes"), text.count("Chưa xóa / No"))
        #expect(expunged == (2, 1))
        // The additional penalty is printed where one was recorded ("Phạt tiền 10.000.000 đồng" on even rows).
        let additional = text.count("Phạt tiền 10.000.000 đồng")
        #expect(additional == 2)

        let clean = Self.record(DocumentFixtures.criminalRecord(form: .form2, holder: holder, statesBans: true))
        Self.check(
            try Text(clean), states: ["Không có án tích", Self.bansHeading, Self.bansSentence],
            never: ["Có án tích", "Đã xóa"])
    }

    static let drivingOnly = [
        "GIẤY KHÁM SỨC KHỎE CỦA NGƯỜI LÁI XE", "DRIVER'S HEALTH CERTIFICATE", "Hạng giấy phép lái xe",
        "Driving licence class",
        "Xét nghiệm ma túy", "Drug test",
    ]

    @Test(.enabled(if: ExternalTool.isUsable("pdftotext")), arguments: HealthCertificateType.allCases)
    func eachHealthCertificateTypeHasItsOwnTitleAndFields(_ type: HealthCertificateType) throws {
        let record = Self.record(DocumentFixtures.healthCertificate(type, holder: DocumentFixtures.holders[3]))
        guard case .healthCertificate(let findings) = record.findings else {
            Issue.record("not a health certificate")
            return
        }
        let text = try Text(record)
        let until = HanoiTime.date(findings.validUntil)
        var expected =
            Self.issuer(record) + [
                type.titleVietnamese, type.titleEnglish, HanoiTime.date(findings.examinedOn), findings.conclusion,
                findings.doctor,
                "có giá trị \(findings.validityMonths) tháng, đến ngày \(until)",
                "valid \(findings.validityMonths) months, until \(until)",
            ]
        for result in findings.results {
            expected += [result.specialtyVietnamese, result.specialtyEnglish, result.finding, result.assessment]
        }
        if type == .drivingLicence {
            Self.check(
                text, states: expected + Self.drivingOnly + [findings.licenceClass!, findings.drugTest!],
                never: Self.neverUTC + ["Phân loại sức khỏe"])
        } else {
            let health = findings.classification!
            Self.check(
                text,
                states: expected + [
                    "Phân loại sức khỏe", "Health classification", health.labelVietnamese, health.labelEnglish,
                ],
                never: Self.neverUTC + Self.drivingOnly + ["12 tháng", "12 months"])
            let driving =
                text.raw.contains("NGƯỜI LÁI XE") || text.raw.contains("DRIVER") || text.raw.contains("lái xe")
            #expect(!driving)
        }
    }

    @Test("the driver's template is refused for any other certificate type, and each type's own is chosen by default")
    func aHealthCertificateIsNeverPrintedOnAnotherTypesTemplate() throws {
        for type in HealthCertificateType.allCases {
            let record = DocumentFixtures.healthCertificate(type, holder: DocumentFixtures.holders[0])
            #expect(DocumentRenderer.defaultTemplateID(for: record) == "health-certificate-\(type.rawValue)")
            for other in HealthCertificateType.allCases where other != type {
                #expect(throws: DocumentError.self) {
                    _ = try DocumentFixtures.renderer.render(record, templateID: other.templateID)
                }
            }
        }
    }

    @Test(.enabled(if: ExternalTool.isUsable("pdftotext")))
    func extractPrintsTheRecordedEntries() throws {
        let record = Self.record(
            DocumentFixtures.healthBook(
                holder: DocumentFixtures.holders[0], encounters: 3, vaccinations: 2, allergies: 2))
        guard case .healthBookExtract(let extract) = record.findings else {
            Issue.record("not an extract")
            return
        }
        var expected = Self.issuer(record) + ["TRÍCH LỤC SỔ SỨC KHỎE ĐIỆN TỬ", "ELECTRONIC HEALTH BOOK EXTRACT"]
        for encounter in extract.encounters {
            expected += [HanoiTime.date(encounter.startedAt), encounter.facilityName, encounter.reason]
            expected += encounter.diagnoses.map(\.rawValue)
        }
        for vaccination in extract.vaccinations {
            expected += [HanoiTime.date(vaccination.administeredOn), vaccination.vaccine, vaccination.antigen]
        }
        for allergy in extract.allergies {
            expected += [HanoiTime.date(allergy.recordedOn), allergy.agent, allergy.reaction]
        }
        Self.check(try Text(record), states: expected, never: Self.neverUTC)
    }

    @Test(.enabled(if: ExternalTool.isUsable("pdftotext")))
    func aForeignNationalityIsPrintedByItsName() throws {
        let fixture = DocumentFixtures.holders[0]
        let holder = try DocumentHolder.fromRequest(
            personalID: fixture.personalID, fullName: fixture.fullName, birthDate: fixture.birthDate, sex: fixture.sex,
            particulars: Particulars(
                birthPlace: fixture.birthPlace, ethnicity: "Kinh", nationality: "LA",
                currentResidence: Address(line: fixture.residence)),
            kind: .criminalRecord)
        #expect(holder.nationality == "Lào")
        let record = Self.record(DocumentFixtures.criminalRecord(form: .form1, holder: holder))
        Self.check(try Text(record), states: ["Lào"], never: ["Việt Nam"])
    }
}

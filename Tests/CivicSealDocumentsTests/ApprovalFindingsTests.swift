import CivicSealDocuments
import CivicSealJSON
import CivicSealWorkflow
import Testing

/// The officer's findings are typed per kind and decoded strictly: unknown members refused, nothing defaulted,
/// printed text free of bidi controls, event dates not in the future (issue 12, findings 12, 13, 15).
@Suite("Approval findings")
struct ApprovalFindingsTests {
    static let today = CalendarDate("2026-07-15")!

    static func json(_ text: String) throws -> JSONValue { try JSONValue(parsing: Array(text.utf8)) }

    static func failure(
        _ text: String, kind: RequestKind, type: HealthCertificateType = .drivingLicence,
        sections: [HealthBookSection] = []
    ) throws -> ValidationFailure {
        let value = try json(text)
        do {
            _ = try ApprovalFindings.decode(
                value, kind: kind, certificateType: type, requestedSections: sections, today: today)
        } catch {
            return error
        }
        Issue.record("accepted: \(text)")
        return ValidationFailure(issues: [])
    }

    static let conviction = """
        {"judgmentDate": "2020-01-01", "judgmentNumber": "12/2020/HS-ST", "court": "Tòa án nhân dân quận Ba Đình",
         "crime": "Trộm cắp tài sản", "articles": "Điều 173 khoản 1", "mainPenalty": "12 tháng tù",
         "additionalPenalties": "", "executionStatus": "Đã chấp hành xong", "expunged": false}
        """

    static let health = """
        {"licenceClass": "B", "examinedOn": "2026-07-10", "validityMonths": 12, "drugTest": "Âm tính / Negative",
         "conclusion": "Đủ điều kiện sức khỏe lái xe hạng B", "doctor": "BS. Vũ Thị Lành",
         "results": [{"specialtyVietnamese": "Mắt", "specialtyEnglish": "Eyes", "finding": "10/10", "assessment":
         "Bình thường"}]}
        """

    @Test("the issue's body: an unknown `conviction` beside empty `convictions` is refused, naming the member")
    func unknownConvictionMemberRefused() throws {
        let failure = try Self.failure(
            #"{"convictions": [], "bans": [], "conviction": [{"judgmentDate": "2020-01-01", "crime": "Trộm cắp tài "#
                + #"sản"}]}"#,
            kind: .criminalRecord)
        #expect(failure.issues.map(\.field) == ["findings.conviction"])
        #expect(failure.issues.map(\.code) == [.findingsUnknownMember])
    }

    @Test("a conviction with every column decodes; each missing column is refused by name")
    func convictionColumnsRequired() throws {
        let decoded = try ApprovalFindings.decode(
            try Self.json(
                #"{"convictions": [\#(Self.conviction)], "bans": [{"description": "Cấm đảm nhiệm chức vụ kế toán", "#
                    + #""judgment": "12/2020/HS-ST", "court": "TAND Ba Đình", "duration": "03 năm"}]}"#
            ),
            kind: .criminalRecord, today: Self.today)
        guard case .criminalRecord(let convictions, let bans) = decoded else {
            Issue.record("wrong kind")
            return
        }
        #expect(convictions.first?.crime == "Trộm cắp tài sản")
        #expect(convictions.first?.judgmentDate == CalendarDate("2020-01-01"))
        #expect(bans.first?.duration == "03 năm")
        for column in [
            "judgmentDate", "judgmentNumber", "court", "crime", "articles", "mainPenalty", "additionalPenalties",
            "executionStatus", "expunged",
        ] {
            var object = try #require(try Self.json(Self.conviction).objectValue)
            object[column] = nil
            let body = JSONValue.object(["convictions": .array([.object(object)]), "bans": .array([])]).serialized()
            let failure = try Self.failure(body, kind: .criminalRecord)
            #expect(failure.issues.map(\.field) == ["findings.convictions[0].\(column)"], "\(column): \(failure)")
            #expect(failure.issues.map(\.code) == [.findingsRequired])
        }
        #expect(
            try Self.failure(#"{"bans": []}"#, kind: .criminalRecord).contains(
                .findingsRequired, at: "findings.convictions"))
        #expect(
            try Self.failure(#"{"convictions": []}"#, kind: .criminalRecord).contains(
                .findingsRequired, at: "findings.bans"))
    }

    @Test(
        "a health certificate states every fact it prints: no drug test, class, validity or date by default"
    )
    func healthFactsRequired() throws {
        let decoded = try ApprovalFindings.decode(
            try Self.json(Self.health), kind: .healthCertificate, certificateType: .drivingLicence, today: Self.today)
        guard case .healthCertificate(let findings) = decoded else {
            Issue.record("wrong kind")
            return
        }
        #expect(findings.validUntil == CalendarDate("2027-07-09"))
        for member in ["licenceClass", "examinedOn", "validityMonths", "drugTest", "conclusion", "doctor", "results"] {
            var object = try #require(try Self.json(Self.health).objectValue)
            object[member] = nil
            let failure = try Self.failure(JSONValue.object(object).serialized(), kind: .healthCertificate)
            #expect(failure.issues.map(\.field) == ["findings.\(member)"], "\(member): \(failure)")
            #expect(failure.issues.map(\.code) == [.findingsRequired])
        }
        // The old loose shape (one `specialty`) is refused, and so is an empty result list.
        let old = Self.health.replacingOccurrences(
            of: #""specialtyVietnamese": "Mắt", "specialtyEnglish": "Eyes""#, with: #""specialty": "Mắt""#)
        let failure = try Self.failure(old, kind: .healthCertificate)
        #expect(failure.contains(.findingsUnknownMember, at: "findings.results[0].specialty"))
        #expect(failure.contains(.findingsRequired, at: "findings.results[0].specialtyVietnamese"))
        let empty = try Self.failure(
            Self.health.replacingOccurrences(of: #""results": [{"#, with: #""results": [], "x": [{"#),
            kind: .healthCertificate)
        #expect(empty.contains(.findingsRequired, at: "findings.results"))
        #expect(
            try Self.failure(Self.health.replacingOccurrences(of: #""B""#, with: #""Z9""#), kind: .healthCertificate)
                .contains(.findingsInvalid, at: "findings.licenceClass"))
        #expect(
            try Self.failure(Self.health.replacingOccurrences(of: "12,", with: "0,"), kind: .healthCertificate)
                .contains(.findingsInvalid, at: "findings.validityMonths"))
        #expect(
            try Self.failure(
                Self.health.replacingOccurrences(of: "2026-07-10", with: "2024-01-01"), kind: .healthCertificate
            )
            .contains(.findingsExpired, at: "findings.examinedOn"))
    }

    @Test("judgment and examination dates after today are refused")
    func futureDatesRefused() throws {
        let conviction = Self.conviction.replacingOccurrences(of: "2020-01-01", with: "2026-07-16")
        #expect(
            try Self.failure(#"{"convictions": [\#(conviction)], "bans": []}"#, kind: .criminalRecord)
                .contains(.dateInFuture, at: "findings.convictions[0].judgmentDate"))
        #expect(
            try Self.failure(
                Self.health.replacingOccurrences(of: "2026-07-10", with: "2099-01-01"), kind: .healthCertificate
            )
            .contains(.dateInFuture, at: "findings.examinedOn"))
    }

    @Test(
        "bidi controls in printed findings are refused, naming the field",
        arguments: ["\u{202E}", "\u{2066}", "\u{2069}"])
    func bidiRefused(_ control: String) throws {
        let conviction = Self.conviction.replacingOccurrences(of: "Trộm cắp tài sản", with: "Trộm\(control) cắp")
        #expect(
            try Self.failure(#"{"convictions": [\#(conviction)], "bans": []}"#, kind: .criminalRecord)
                .contains(.textBidiControl, at: "findings.convictions[0].crime"))
    }

    @Test("an extract's findings name exactly the requested sections")
    func extractSections() throws {
        let decoded = try ApprovalFindings.decode(
            try Self.json(#"{"sections": ["vaccinations"]}"#), kind: .healthBookExtract,
            requestedSections: [.vaccinations], today: Self.today)
        #expect(decoded == .healthBookExtract(sections: [.vaccinations]))
        #expect(
            try Self.failure(
                #"{"sections": ["vaccinations", "encounters"]}"#, kind: .healthBookExtract, sections: [.vaccinations]
            )
            .contains(.findingsInvalid, at: "findings.sections"))
        #expect(
            try Self.failure(#"{"entries": []}"#, kind: .healthBookExtract, sections: [.vaccinations])
                .contains(.findingsUnknownMember, at: "findings.entries"))
    }

    @Test("a fact the document prints about its holder that the request does not state is refused, never printed empty")
    func holderFactsRequired() {
        #expect(throws: ValidationFailure.self) {
            try DocumentHolder.checkFacts(particulars: nil, kind: .healthCertificate)
        }
        do {
            try DocumentHolder.checkFacts(
                particulars: Particulars(currentResidence: Address(line: "12 Phố Huế")), kind: .criminalRecord)
            Issue.record("accepted")
        } catch {
            #expect(
                Set(error.issues.map(\.field)) == [
                    "particulars.birthPlace", "particulars.nationality", "particulars.ethnicity",
                ])
        }
    }

    static let classified = """
        {"examinedOn": "2026-07-10", "validityMonths": 6, "classification": "II",
         "conclusion": "Đủ sức khỏe để làm việc", "doctor": "BS. Vũ Thị Lành",
         "results": [{"specialtyVietnamese": "Nội khoa", "specialtyEnglish": "Internal medicine", "finding":
         "Bình thường", "assessment": "Loại I"}]}
        """

    @Test(
        "general, employment and school certificates state a health class I–V; licence class, drug test unknown"
    )
    func classifiedCertificates() throws {
        for type in [HealthCertificateType.general, .employment, .study] {
            let decoded = try ApprovalFindings.decode(
                try Self.json(Self.classified), kind: .healthCertificate, certificateType: type, today: Self.today)
            guard case .healthCertificate(let findings) = decoded else {
                Issue.record("wrong kind")
                return
            }
            #expect(findings.certificateType == type)
            #expect(findings.classification == .ii && findings.licenceClass == nil && findings.drugTest == nil)
            #expect(findings.validUntil == CalendarDate("2027-01-09"))
            #expect(decoded.canonicalJSON.objectValue?["classification"] == .string("II"))
            #expect(decoded.canonicalJSON.objectValue?["licenceClass"] == nil)

            let driving = try Self.failure(Self.health, kind: .healthCertificate, type: type)
            #expect(driving.contains(.findingsUnknownMember, at: "findings.licenceClass"))
            #expect(driving.contains(.findingsUnknownMember, at: "findings.drugTest"))
            #expect(driving.contains(.findingsRequired, at: "findings.classification"))
            #expect(
                try Self.failure(
                    Self.classified.replacingOccurrences(of: #""II""#, with: #""VI""#), kind: .healthCertificate,
                    type: type
                )
                .contains(.findingsInvalid, at: "findings.classification"))
        }
        // The driver's shape needs its own members: a classification there is unknown.
        let swapped = try Self.failure(Self.classified, kind: .healthCertificate, type: .drivingLicence)
        #expect(swapped.contains(.findingsUnknownMember, at: "findings.classification"))
        #expect(swapped.contains(.findingsRequired, at: "findings.licenceClass"))
        #expect(swapped.contains(.findingsRequired, at: "findings.drugTest"))
        // The old class E is gone from the 2024 law.
        #expect(
            try Self.failure(Self.health.replacingOccurrences(of: #""B""#, with: #""E""#), kind: .healthCertificate)
                .contains(.findingsInvalid, at: "findings.licenceClass"))
        #expect(ApprovalFindings.licenceClasses == LicenceClass.codes)
    }

    @Test("the specialty list is bilingual and its English names are not copies of the Vietnamese")
    func specialtiesAreBilingual() {
        #expect(HealthSpecialty.all.count == 10)
        #expect(HealthSpecialty.all.allSatisfy { $0.english != $0.vietnamese && !$0.english.isEmpty })
        #expect(HealthSpecialty.named("ear-nose-throat")?.english == "Ear, nose and throat")
        #expect(Set(HealthSpecialty.all.map(\.code)).count == HealthSpecialty.all.count)
    }
}

import CivicSealServiceTestSupport
import CivicSealTestSupport
import Foundation
import Testing

/// What a sealed document states, read back from the issued PDF's text with `pdftotext` (issue 12, findings 12–15,
/// 18): findings sent through the API reach the sealed text, a loose or incomplete approval is refused with a 422
/// naming the member, and a body naming a member twice is refused before anything is stored.
@Suite("Live API: what sealed documents state")
struct DocumentTruthTests {
    /// `pdftotext` on `pdf`, white space collapsed (table cells may wrap).
    static func text(of pdf: [UInt8], in live: LiveService) throws -> String {
        let path = try live.folder.write("read-\(UUID().uuidString.prefix(8)).pdf", pdf)
        let output = try ExternalTool.run("pdftotext", ["-enc", "UTF-8", path, "-"])
        #expect(output.status == 0, "pdftotext failed: \(output.errorText)")
        return output.text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// Submits `body` for `person`, claims it with `officer`; returns the request id.
    static func claimed(_ live: LiveService, _ person: Person, body: String, officer: StaffMember) async throws
        -> String
    {
        let submitted = try await live.client.post("/v1/requests", token: try live.token(for: person), json: body)
        let id = try #require(submitted.json["id"] as? String, "\(submitted)")
        let claim = try await live.client.post(
            "/v1/requests/\(id)/claim", token: try live.token(for: officer), json: "")
        #expect(claim.status == 200, "\(claim)")
        return id
    }

    static func approve(_ live: LiveService, _ id: String, officer: StaffMember, findings: String) async throws
        -> ClientResponse
    {
        try await live.client.post(
            "/v1/requests/\(id)/decision", token: try live.token(for: officer),
            json: #"{"decision": "approve", "findings": \#(findings)}"#)
    }

    static func issuedText(_ live: LiveService, _ id: String, _ person: Person) async throws -> String {
        let download = try await live.client.get("/v1/requests/\(id)/document", token: try live.token(for: person))
        #expect(download.status == 200, "\(download)")
        return try Self.text(of: download.body, in: live)
    }

    static let conviction = """
        {"judgmentDate": "2019-03-12", "judgmentNumber": "45/2019/HS-ST", "court": "TAND quận Ba Đình", "crime":
        "  Cu\\u031bo\\u031b\\u0301p giật ",
         "articles": "Điều 171", "mainPenalty": "18 tháng tù", "additionalPenalties": "Phạt 5 triệu", "executionStatus":
         "Đã chấp hành",
         "expunged": false}
        """
    static let ban =
        #"{"description": "Cấm làm kế toán", "judgment": "45/2019/HS-ST", "court": "TAND quận Ba Đình", "duration": "#
        + #""03 năm"}"#

    static let healthBody = """
        {"request": {"kind": "health-certificate", "certificateType": "driving-licence", "licenceClass": "B"},
        "relation": "self",
         "particulars": {"currentResidence": {"line": "12 Phố Huế, phường Hai Bà Trưng", "provinceCode": "001"}},
         "contact": {"phone": "0987654321"}, "copies": 1, "delivery": {"method": "electronic"}}
        """

    /// Today's Hà Nội date as YYYY-MM-DD, with `days` added.
    static func day(_ days: Int) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd"
        formatter.timeZone = TimeZone(secondsFromGMT: 7 * 3600)
        return formatter.string(from: Date().addingTimeInterval(Double(days) * 86_400))
    }

    static var healthFindings: String {
        """
        {"licenceClass": "C1", "examinedOn": "\(day(-3))", "validityMonths": 6, "drugTest": "Âm tính / Negative",
         "conclusion": "Đủ sức khỏe lái xe", "doctor": "BS. Hoàng Văn Khám",
         "results": [{"specialtyVietnamese": "Mắt", "specialtyEnglish": "Eyes", "finding": "Thị lực 10/10",
         "assessment": "Đạt"}]}
        """
    }

    @Test(
        "an unknown `conviction` beside empty lists is a 422 naming the member, and nothing is issued"
    )
    func looseFindingsRefused() async throws {
        try await withLiveService { live in
            let id = try await Self.claimed(live, .man(201), body: Bodies.criminalRecord(), officer: .justiceOfficer)
            let response = try await Self.approve(
                live, id, officer: .justiceOfficer,
                findings:
                    #"{"convictions": [], "bans": [], "conviction": [{"judgmentDate": "2020-01-01", "crime": "Trộm "#
                    + #"cắp tài sản"}]}"#
            )
            #expect(response.status == 422, "\(response)")
            #expect(response.hasError(field: "findings.conviction", code: "findings.unknown-member"), "\(response)")
            let detail = try await live.client.get("/v1/requests/\(id)", token: try live.token(for: .man(201)))
            #expect((detail.json["request"] as? [String: Any])?["status"] as? String == "in_review", "\(detail)")
        }
    }

    @Test(
        "a recorded conviction and ban appear in the sealed certificate's text, and 'Không có án tích' does not",
        .enabled(if: ExternalTool.isUsable("pdftotext")))
    func convictionReachesSealedText() async throws {
        try await withLiveService { live in
            let person = Person.man(202)
            let id = try await Self.claimed(
                live, person, body: Bodies.criminalRecord(extraRequestMember: #", "statesBans": true"#),
                officer: .justiceOfficer)
            let response = try await Self.approve(
                live, id, officer: .justiceOfficer,
                findings: #"{"convictions": [\#(Self.conviction)], "bans": [\#(Self.ban)]}"#)
            #expect(response.json["status"] as? String == "issued", "\(response)")
            // What is stored (and hashed in the registry) is the cleaned text the document prints.
            let detail = try await live.client.get("/v1/requests/\(id)", token: try live.token(for: person))
            let stored = ((detail.json["findings"] as? [String: Any])?["convictions"] as? [[String: Any]])?.first
            #expect(stored?["crime"] as? String == "Cướp giật", "\(detail)")
            let text = try await Self.issuedText(live, id, person)
            for fact in [
                "12/03/2019", "45/2019/HS-ST", "Ba Đình", "Cướp giật", "Điều 171", "18 tháng tù", "Phạt 5 triệu",
                "Đã chấp hành",
                "Cấm làm kế toán", "03 năm", person.name, "TP Hồ Chí Minh",
            ] {
                #expect(text.contains(fact), "the sealed text lacks \(fact): \(text)")
            }
            #expect(
                !text.contains("Không có án tích"), "a certificate with a conviction says 'no criminal record': \(text)"
            )
        }
    }

    @Test(
        "a health certificate is issued with the recorded drug test, class, dates and results; missing facts 422",
        .enabled(if: ExternalTool.isUsable("pdftotext")))
    func healthCertificateEndToEnd() async throws {
        try await withLiveService { live in
            let person = Person.man(203)
            let id = try await Self.claimed(live, person, body: Self.healthBody, officer: .healthOfficer)
            // The old loose shape: no drug test, class, validity or examination date. Each is named, none defaulted.
            let loose = try await Self.approve(
                live, id, officer: .healthOfficer,
                findings:
                    #"{"conclusion": "Đủ sức khỏe", "results": [{"specialty": "Mắt", "finding": "", "assessment": "#
                    + #"""}]}"#
            )
            #expect(loose.status == 422, "\(loose)")
            for field in [
                "findings.drugTest", "findings.licenceClass", "findings.validityMonths", "findings.examinedOn",
                "findings.doctor",
            ] {
                #expect(loose.hasError(field: field, code: "findings.required"), "\(field): \(loose)")
            }
            #expect(loose.hasError(field: "findings.results[0].specialty", code: "findings.unknown-member"), "\(loose)")
            let future = try await Self.approve(
                live, id, officer: .healthOfficer,
                findings: Self.healthFindings.replacingOccurrences(of: Self.day(-3), with: Self.day(30)))
            #expect(future.hasError(field: "findings.examinedOn", code: "date.in-future"), "\(future)")

            let approved = try await Self.approve(live, id, officer: .healthOfficer, findings: Self.healthFindings)
            #expect(approved.json["status"] as? String == "issued", "\(approved)")
            let text = try await Self.issuedText(live, id, person)
            let examined = Self.day(-3).split(separator: "-").reversed().joined(separator: "/")
            for fact in [
                "Âm tính / Negative", "C1", examined, "(6 tháng / months)", "Đủ sức khỏe lái xe", "BS. Hoàng Văn Khám",
                "Thị lực 10/10",
                "Mắt", "12 Phố Huế", person.name, "có giá trị 6 tháng",
            ] {
                #expect(text.contains(fact), "the sealed text lacks \(fact): \(text)")
            }
            #expect(!text.contains("12 tháng"), "a 6-month certificate states 12 months: \(text)")
        }
    }

    @Test(
        "a health certificate request without a residence (printed) is refused at submission, naming the field"
    )
    func missingResidenceRefused() async throws {
        try await withLiveService { live in
            let body = #"""
                {"request": {"kind": "health-certificate", "certificateType": "employment"}, "relation": "self",
                 "contact": {"phone": "0987654321"}, "copies": 1, "delivery": {"method": "electronic"}}
                """#
            let response = try await live.client.post("/v1/requests", token: try live.token(for: .man(204)), json: body)
            #expect(response.status == 422, "\(response)")
            #expect(response.hasError(field: "particulars.currentResidence", code: "field.required"), "\(response)")
            // A driver's certificate names its licence class; the other types do not.
            let driving = try await live.client.post(
                "/v1/requests", token: try live.token(for: .man(204)),
                json: Bodies.healthCertificate.replacingOccurrences(of: #", "licenceClass": "B""#, with: ""))
            #expect(
                driving.hasError(field: "request.licenceClass", code: "healthCertificate.licence-class-required"),
                "\(driving)")
            let employment = try await live.client.post(
                "/v1/requests", token: try live.token(for: .man(204)),
                json: Bodies.healthCertificate.replacingOccurrences(of: "driving-licence", with: "employment"))
            #expect(
                employment.hasError(
                    field: "request.licenceClass", code: "healthCertificate.licence-class-not-applicable"),
                "\(employment)")
        }
    }

    @Test(
        "a health-book extract is issued end to end and states the recorded entries of the requested sections only",
        .enabled(if: ExternalTool.isUsable("pdftotext")))
    func healthBookExtractEndToEnd() async throws {
        try await withLiveService { live in
            let person = Person.man(205)
            let clinician = try live.token(for: .clinician)
            let entries = "/v1/health-books/\(person.personalID)/entries"
            #expect(try await live.client.post(entries, token: clinician, json: Bodies.vaccination).status == 201)
            let encounter = """
                {"entryType": "encounter", "facilityId": "01001", "facilityName": "Phòng khám Đống Đa", "startedAt":
                "2025-05-06T02:00:00Z",
                 "type": "outpatient", "reason": "Ho kéo dài", "diagnoses": ["J06.9"], "outcome": "recovered"}
                """
            #expect(try await live.client.post(entries, token: clinician, json: encounter).status == 201)
            let body = """
                {"request": {"kind": "health-book-extract", "sections": ["vaccinations"]}, "relation": "self",
                 "particulars": {"currentResidence": {"line": "7 Tràng Tiền, phường Hoàn Kiếm", "provinceCode": "001"}},
                 "contact": {"phone": "0987654321"}, "copies": 1, "delivery": {"method": "electronic"}}
                """
            let id = try await Self.claimed(live, person, body: body, officer: .healthOfficer)
            let wrong = try await Self.approve(
                live, id, officer: .healthOfficer, findings: #"{"sections": ["vaccinations", "encounters"]}"#)
            #expect(wrong.hasError(field: "findings.sections", code: "findings.invalid"), "\(wrong)")
            let approved = try await Self.approve(
                live, id, officer: .healthOfficer, findings: #"{"sections": ["vaccinations"]}"#)
            #expect(approved.json["status"] as? String == "issued", "\(approved)")
            let text = try await Self.issuedText(live, id, person)
            for fact in ["Vaxigrip Tetra", "influenza", "02/03/2025", "7 Tràng Tiền", person.name] {
                #expect(text.contains(fact), "the sealed text lacks \(fact): \(text)")
            }
            #expect(
                !text.contains("Phòng khám Đống Đa"),
                "an encounter was extracted though only vaccinations were asked for")
        }
    }

    @Test(
        "a request body naming `copies` twice (plain or escaped) is refused with 400 and nothing is stored or charged")
    func duplicateMembersRefused() async throws {
        try await withLiveService { live in
            let person = Person.man(206)
            let citizen = try live.token(for: person)
            let plain = Bodies.criminalRecord(copies: 5).replacingOccurrences(
                of: #""copies": 5"#, with: #""copies": 5, "copies": 1"#)
            let escaped = Bodies.criminalRecord(copies: 5).replacingOccurrences(
                of: #""copies": 5"#, with: #""cop\u0069es": 5, "copies": 1"#)
            for body in [plain, escaped] {
                let response = try await live.client.post("/v1/requests", token: citizen, json: body)
                #expect(response.status == 400, "\(response)")
                #expect(response.hasError(field: "copies", code: "json.duplicate-member"), "\(response)")
            }
            let own = try await live.client.get("/v1/requests", token: citizen)
            #expect((own.json["items"] as? [Any])?.isEmpty == true, "a refused body was stored: \(own)")

            // The supplement and a health-book entry read their bodies with the same reader.
            let id = try #require(
                try await live.client.post("/v1/requests", token: citizen, json: Bodies.criminalRecord()).json["id"]
                    as? String)
            let supplement = try await live.client.post("/v1/requests/\(id)/supplement", token: citizen, json: escaped)
            #expect(supplement.status == 400, "\(supplement)")
            #expect(supplement.hasError(field: "copies", code: "json.duplicate-member"), "\(supplement)")
            let entry = try await live.client.post(
                "/v1/health-books/\(person.personalID)/entries", token: try live.token(for: .clinician),
                json: Bodies.vaccination.replacingOccurrences(of: #""dose": 1"#, with: #""dose": 1, "d\u006fse": 3"#))
            #expect(entry.status == 400, "\(entry)")
            #expect(entry.hasError(field: "dose", code: "json.duplicate-member"), "\(entry)")
        }
    }

    @Test("a right-to-left override in a birth place and a vaccination dated in the future are 422s naming the field")
    func bidiAndFutureDatesRefused() async throws {
        try await withLiveService { live in
            let person = Person.man(207)
            let body = Bodies.criminalRecord().replacingOccurrences(
                of: #""birthPlace": "TP Hồ Chí Minh""#, with: #""birthPlace": "TP \u202eHồ Chí Minh""#)
            let response = try await live.client.post("/v1/requests", token: try live.token(for: person), json: body)
            #expect(response.status == 422, "\(response)")
            #expect(response.hasError(field: "particulars.birthPlace", code: "text.bidi-control"), "\(response)")
            let future = try await live.client.post(
                "/v1/health-books/\(person.personalID)/entries", token: try live.token(for: .clinician),
                json: Bodies.vaccination.replacingOccurrences(of: "2025-03-02", with: "2099-01-01"))
            #expect(future.status == 422, "\(future)")
            #expect(future.hasError(field: "entry.administeredOn", code: "date.in-future"), "\(future)")
        }
    }

    // MARK: The officer pages

    /// Signs `officer` in, claims request `id` through its page and posts the approve form with `findings`.
    static func approveThroughPage(_ id: String, officer: Browser, token: String, findings: [(String, String)])
        async throws -> ClientResponse
    {
        #expect(try await officer.signIn("/officer/sign-in", token: token).status == 303)
        let detail = try await officer.get("/officer/requests/\(id)")
        let version = try #require(detail.firstMatch(#"name="version" value="(\d+)""#))
        let claimed = try await officer.post(
            "/officer/requests/\(id)/claim", [("csrf", try #require(detail.csrf)), ("version", version)])
        #expect(claimed.status == 303, "\(claimed)")
        let review = try await officer.get("/officer/requests/\(id)")
        let reviewVersion = try #require(review.firstMatch(#"name="version" value="(\d+)""#))
        return try await officer.post(
            "/officer/requests/\(id)/approve",
            [("csrf", try #require(review.csrf)), ("version", reviewVersion)] + findings)
    }

    @Test(
        "the officer page approves a conviction with every column and a ban, and the sealed text states them",
        .enabled(if: ExternalTool.isUsable("pdftotext")))
    func pageConvictionReachesSealedText() async throws {
        try await withLiveService { live in
            let person = Person.man(208)
            let submitted = try await live.client.post(
                "/v1/requests", token: try live.token(for: person),
                json: Bodies.criminalRecord(extraRequestMember: #", "statesBans": true"#))
            let id = try #require(submitted.json["id"] as? String, "\(submitted)")
            let findings: [(String, String)] = [
                ("findings.convictions[0].judgmentDate", "2018-11-20"),
                ("findings.convictions[0].judgmentNumber", "77/2018/HS-ST"),
                ("findings.convictions[0].court", "TAND Hoàn Kiếm"), ("findings.convictions[0].crime", "Lừa đảo"),
                ("findings.convictions[0].articles", "Điều 174"),
                ("findings.convictions[0].mainPenalty", "24 tháng tù"),
                ("findings.convictions[0].additionalPenalties", ""),
                ("findings.convictions[0].executionStatus", "Đang chấp hành"),
                ("findings.convictions[0].expunged", "false"), ("findings.bans[0].description", "Cấm làm thủ quỹ"),
                ("findings.bans[0].judgment", "77/2018/HS-ST"), ("findings.bans[0].court", "TAND Hoàn Kiếm"),
                ("findings.bans[0].duration", "02 năm"),
                ("step", "confirm"),
            ]
            // Without the execution status the page is shown again with the message next to the field; nothing is
            // issued.
            let officer = Browser(live)
            let incomplete = try await Self.approveThroughPage(
                id, officer: officer, token: try live.token(for: .justiceOfficer),
                findings: findings.filter { $0.0 != "findings.convictions[0].executionStatus" })
            #expect(incomplete.status == 200, "\(incomplete)")
            #expect(incomplete.text.contains(PageText.vi("findings-required")), "the page does not say what is missing")
            let review = try await officer.get("/officer/requests/\(id)")
            let version = try #require(review.firstMatch(#"name="version" value="(\d+)""#))
            let approved = try await officer.post(
                "/officer/requests/\(id)/approve",
                [("csrf", try #require(review.csrf)), ("version", version)] + findings)
            #expect(approved.status == 303, "\(approved)")
            let text = try await Self.issuedText(live, id, person)
            for fact in [
                "20/11/2018", "77/2018/HS-ST", "Hoàn Kiếm", "Lừa đảo", "Điều 174", "24 tháng tù", "Đang chấp hành",
                "Cấm làm thủ quỹ", "02 năm",
            ] {
                #expect(text.contains(fact), "the sealed text lacks \(fact): \(text)")
            }
            #expect(!text.contains("Không có án tích"))
        }
    }

    @Test(
        "the health-certificate page asks every printed fact; the sealed text states what the officer entered",
        .enabled(if: ExternalTool.isUsable("pdftotext")))
    func pageHealthCertificate() async throws {
        try await withLiveService { live in
            let person = Person.man(209)
            let submitted = try await live.client.post(
                "/v1/requests", token: try live.token(for: person), json: Self.healthBody)
            let id = try #require(submitted.json["id"] as? String, "\(submitted)")
            let officer = Browser(live)
            let findings: [(String, String)] = [
                ("findings.licenceClass", "B"), ("findings.examinedOn", Self.day(-1)),
                ("findings.validityMonths", "12"),
                ("findings.results[0].specialty", "internal-medicine"), ("findings.results[0].finding", "Nhịp tim đều"),
                ("findings.results[0].assessment", "Đạt"), ("findings.results[1].specialty", "eyes"),
                ("findings.results[1].finding", "Thị lực 9/10"),
                ("findings.results[1].assessment", "Đạt"), ("results.rows", "2"),
                ("findings.drugTest", "Âm tính / Negative"), ("findings.conclusion", "Đủ điều kiện lái xe hạng B"),
                ("findings.doctor", "BS. Lý Thị Tâm"),
                ("step", "confirm"),
            ]
            let blankDrug = try await Self.approveThroughPage(
                id, officer: officer, token: try live.token(for: .healthOfficer),
                findings: findings.filter { $0.0 != "findings.drugTest" })
            #expect(blankDrug.status == 200, "\(blankDrug)")
            for name in [
                "findings.drugTest", "findings.examinedOn", "findings.validityMonths", "findings.licenceClass",
                "findings.doctor",
            ] {
                #expect(blankDrug.text.contains(#"name="\#(name)""#), "the page does not ask for \(name)")
            }
            #expect(blankDrug.text.contains(PageText.vi("findings-required")))
            let review = try await officer.get("/officer/requests/\(id)")
            let version = try #require(review.firstMatch(#"name="version" value="(\d+)""#))
            let approved = try await officer.post(
                "/officer/requests/\(id)/approve",
                [("csrf", try #require(review.csrf)), ("version", version)] + findings)
            #expect(approved.status == 303, "\(approved)")
            let text = try await Self.issuedText(live, id, person)
            for fact in [
                "Âm tính / Negative", "Nhịp tim đều", "Internal medicine", "Thị lực 9/10", "Đủ điều kiện lái xe hạng B",
                "BS. Lý Thị Tâm", "(12 tháng / months)",
            ] {
                #expect(text.contains(fact), "the sealed text lacks \(fact): \(text)")
            }
        }
    }
}

import CivicSealServiceTestSupport
import CivicSealTestSupport
import Foundation
import Testing

/// The officer's request page and approve flow (issue 13, findings 5–9 and the officer page's dates): what the page
/// shows to act on, rows added without JavaScript, errors next to their row's field with a summary at the top, the
/// review step before anything is sealed, and the warning when the outcome contradicts an earlier certificate.
@Suite struct OfficerApprovalPageTests {
    /// A criminal-record request (form `form`, bans asked or not) by `person`, claimed by the justice officer through
    /// the pages: the id, the officer's browser and the page after the claim.
    static func claimed(
        _ live: LiveService, _ person: Person, form: Int = 1, extra: String = "", body: String? = nil
    ) async throws -> (String, Browser, ClientResponse) {
        let json =
            body
            ?? Bodies.criminalRecord(extraRequestMember: extra).replacingOccurrences(
                of: #""form": 1"#, with: #""form": \#(form)"#)
        let submitted = try await live.client.post("/v1/requests", token: try live.token(for: person), json: json)
        let id = try #require(submitted.json["id"] as? String, "\(submitted)")
        return try await claim(live, id, as: .justiceOfficer)
    }

    static func post(
        _ officer: Browser, _ id: String, _ page: ClientResponse, _ action: String, _ fields: [(String, String)]
    ) async throws -> ClientResponse {
        let version = try #require(page.firstMatch(#"name="version" value="(\d+)""#))
        return try await officer.post(
            "/officer/requests/\(id)/\(action)", [("csrf", try #require(page.csrf)), ("version", version)] + fields)
    }

    static func conviction(
        _ row: Int, number: String, date: String = "2019-04-02", expunged: Bool = false, additional: String = ""
    ) -> [(String, String)] {
        let path = "findings.convictions[\(row)]."
        return [
            (path + "judgmentDate", date), (path + "judgmentNumber", number), (path + "court", "TAND quận Ba Đình"),
            (path + "crime", "Trộm cắp tài sản"), (path + "articles", "Điều 173 khoản 1"),
            (path + "mainPenalty", "12 tháng tù"),
            (path + "additionalPenalties", additional), (path + "executionStatus", "Đã chấp hành xong"),
            (path + "expunged", expunged ? "true" : "false"),
        ]
    }

    @Test(
        "the request page shows form, purpose, bans, copies, delivery, postal address, residence dates dd/MM/yyyy"
    )
    func requestPageShowsWhatToActOn() async throws {
        try await withLiveService { live in
            let body = Bodies.criminalRecord(extraRequestMember: #", "statesBans": true"#)
                .replacingOccurrences(
                    of: #""delivery": {"method": "electronic"}"#,
                    with:
                        #""delivery": {"method": "postal", "postalAddress": "#
                        + #"{"line": "9 Tràng Tiền, phường Hoàn Kiếm", "provinceCode": "001"}}"#
                )
            let (_, _, page) = try await Self.claimed(live, Person.man(401), body: body)
            let asked = try #require(page.element(id: "asked"), "\(page.text.prefix(2000))")
            for fact in [
                PageText.vi("form-1"), "Xin việc", PageText.vi("officer-bans-asked"), PageText.vi("delivery-postal"),
                "9 Tràng Tiền, phường Hoàn Kiếm",
            ] {
                #expect(asked.contains(fact), "the request page does not show \(fact): \(asked)")
            }
            #expect(page.text.contains("02/03/1985 – …"), "the residence period is not dd/MM/yyyy")
            #expect(page.text.contains("<dt>Quốc tịch</dt><dd>Việt Nam</dd>"), "the nationality is named, not coded")
            #expect(!page.text.contains(">1985-03-02"), "an ISO date is shown")
        }
    }

    @Test(
        "form 2: the page says bans are always stated; form 1 without the request: no ban rows, and the page says why")
    func bansRowsFollowTheRequest() async throws {
        try await withLiveService { live in
            let (_, _, form2) = try await Self.claimed(live, Person.man(402), form: 2)
            #expect(form2.element(id: "asked")?.contains(PageText.vi("officer-bans-form-2")) == true)
            #expect(form2.text.contains(#"name="findings.bans[0].description""#), "form 2 records bans")
            let (_, _, form1) = try await Self.claimed(live, Person.man(403))
            #expect(
                !form1.text.contains(#"name="findings.bans[0].description""#), "bans not asked for are not recorded")
            #expect(form1.element(id: "bans-not-asked") == PageText.vi("officer-bans-not-asked"))
        }
    }

    @Test("\"Add a judgment\" re-renders the form with one more row and keeps everything typed; nothing is approved")
    func addAJudgmentKeepsInput() async throws {
        try await withLiveService { live in
            let (id, officer, page) = try await Self.claimed(live, Person.man(404))
            let added = try await Self.post(
                officer, id, page, "approve",
                Self.conviction(0, number: "11/2019/HS-ST") + [("convictions.rows", "1"), ("step", "add-conviction")])
            #expect(added.status == 200, "\(added)")
            #expect(added.text.contains(#"name="findings.convictions[1].judgmentNumber""#), "a second row")
            #expect(added.text.contains(#"value="11/2019/HS-ST""#), "the first row is kept")
            #expect(added.text.contains(#"name="convictions.rows" value="2""#))
            #expect(PageFlowTests.state(try await officer.get("/officer/requests/\(id)")) == "in_review")
        }
    }

    @Test(
        "a future judgment date and a conviction without court are refused next to that row, listed at the top"
    )
    func rowErrorsLandOnTheRow() async throws {
        try await withLiveService { live in
            let (id, officer, page) = try await Self.claimed(live, Person.man(405))
            var fields =
                Self.conviction(0, number: "11/2019/HS-ST", date: "2099-01-01")
                + Self.conviction(2, number: "12/2020/HS-ST")
            fields.removeAll { $0.0 == "findings.convictions[2].court" }
            let refused = try await Self.post(
                officer, id, page, "approve", fields + [("convictions.rows", "3"), ("step", "review")])
            #expect(refused.status == 200, "\(refused)")
            // Row 2 (index 1) was left blank: the JSON's second conviction is the page's third row.
            #expect(
                refused.element(id: "f-findings-convictions-0--judgmentDate-error")
                    == PageText.vi("findings-date-future"))
            #expect(refused.element(id: "f-findings-convictions-2--court-error") == PageText.vi("findings-required"))
            #expect(refused.text.contains(#"aria-describedby="f-findings-convictions-2--court-error""#))
            let summary = try #require(
                refused.firstMatch(#"(<div class="error-summary"[^>]*id="error-summary"[^>]*>.*?</div>)"#))
            #expect(
                summary.contains("#f-findings-convictions-0--judgmentDate")
                    && summary.contains("#f-findings-convictions-2--court"), "\(summary)")
            #expect(summary.contains("\(PageText.vi("officer-conviction")) 3"), "the summary names the row: \(summary)")
            #expect(PageFlowTests.state(try await officer.get("/officer/requests/\(id)")) == "in_review")
        }
    }

    @Test("reject and request-info without a reason: the error summary at the top links to the reason field")
    func missingReasonSummary() async throws {
        try await withLiveService { live in
            let (id, officer, page) = try await Self.claimed(live, Person.man(406))
            for (action, field) in [("reject", "f-reject-reason"), ("request-info", "f-info-reason")] {
                let refused = try await Self.post(officer, id, page, action, [])
                #expect(refused.status == 200, "\(refused)")
                let summary = try #require(
                    refused.firstMatch(#"(<div class="error-summary"[^>]*tabindex="-1"[^>]*>.*?</div>)"#), "\(action)")
                #expect(
                    summary.contains(##"href="#\##(field)""##)
                        && summary.contains(PageText.vi("field-reason-required")), "\(summary)")
                let summaryAt = try #require(refused.text.range(of: "error-summary")).lowerBound
                let factsAt = try #require(refused.text.range(of: #"id="request-facts""#)).lowerBound
                #expect(summaryAt < factsAt, "the summary is at the top of the page")
            }
        }
    }

    @Test(
        "review shows what form 2 will state (judgments, penalties, execution, bans), seals nothing; confirm seals"
    )
    func reviewThenConfirm() async throws {
        try await withLiveService { live in
            let person = Person.man(407)
            let (id, officer, page) = try await Self.claimed(live, person, form: 2)
            let fields =
                Self.conviction(0, number: "11/2019/HS-ST", additional: "Phạt tiền 5.000.000 đồng")
                + Self.conviction(1, number: "12/2020/HS-ST", expunged: true)
                + [
                    ("findings.bans[0].description", "Cấm làm thủ quỹ"), ("findings.bans[0].judgment", "11/2019/HS-ST"),
                    ("findings.bans[0].court", "TAND quận Ba Đình"), ("findings.bans[0].duration", "02 năm"),
                    ("convictions.rows", "2"), ("bans.rows", "1"),
                ]
            let review = try await Self.post(officer, id, page, "approve", fields + [("step", "review")])
            #expect(review.status == 200, "\(review)")
            #expect(review.element(id: "certified-status") == "Có án tích / Has a criminal record")
            let table = try #require(review.element(id: "certified-convictions"))
            for fact in [
                "11/2019/HS-ST", "12/2020/HS-ST", "Phạt tiền 5.000.000 đồng", "Đã chấp hành xong", "Đã xóa / Yes",
                "Chưa xóa / No", "02/04/2019",
            ] {
                #expect(table.contains(fact), "the review lacks \(fact): \(table)")
            }
            #expect(review.element(id: "certified-bans")?.contains("Cấm làm thủ quỹ") == true)
            #expect(review.element(id: "contradictions") == nil, "no earlier certificate, no warning")
            #expect(
                PageFlowTests.state(try await officer.get("/officer/requests/\(id)")) == "in_review",
                "nothing sealed before confirm")
            // "Edit" brings the form back as typed.
            let edit = try await officer.post(
                "/officer/requests/\(id)/approve", Self.hiddenFields(review) + [("step", "edit")])
            #expect(
                edit.text.contains(#"value="Phạt tiền 5.000.000 đồng""#)
                    && edit.text.contains(#"name="findings.convictions[1].judgmentNumber""#))
            let confirmed = try await officer.post(
                "/officer/requests/\(id)/approve", Self.hiddenFields(review) + [("step", "confirm")])
            #expect(confirmed.status == 303, "\(confirmed)")
            let after = try await officer.get("/officer/requests/\(id)")
            #expect(PageFlowTests.state(after) == "issued")
            #expect(
                after.element(id: "certified-convictions")?.contains("12/2020/HS-ST") == true,
                "the certified findings are shown after issue")
        }
    }

    /// The review page's hidden fields (what "Confirm" and "Edit" send back), with its CSRF token.
    static func hiddenFields(_ page: ClientResponse) -> [(String, String)] {
        page.allMatches(#"(<input type="hidden" name="[^"]+" value="[^"]*">)"#).compactMap { tag in
            guard let name = tag.range(of: #"name="[^"]+""#, options: .regularExpression),
                let value = tag.range(of: #"value="[^"]*""#, options: .regularExpression)
            else { return nil }
            return (String(tag[name].dropFirst(6).dropLast()), String(tag[value].dropFirst(7).dropLast()))
        }
    }

    @Test(
        "a form 1 of \"no criminal record\" after an unexpunged form 2: review warns, sealing needs acknowledging"
    )
    func contradictionWarning() async throws {
        try await withLiveService { live in
            let person = Person.man(408)
            let officerToken = try live.token(for: .justiceOfficer)
            let body = Bodies.criminalRecord().replacingOccurrences(of: #""form": 1"#, with: #""form": 2"#)
            let first = try await live.client.post("/v1/requests", token: try live.token(for: person), json: body)
            let firstID = try #require(first.json["id"] as? String, "\(first)")
            #expect(
                try await live.client.post("/v1/requests/\(firstID)/claim", token: officerToken, json: "").status == 200
            )
            let decision = """
                {"decision": "approve", "findings": {"convictions": [{"judgmentDate": "2019-04-02",
                 "judgmentNumber": "11/2019/HS-ST", "court": "TAND quận Ba Đình", "crime": "Trộm cắp tài sản",
                 "articles": "Điều 173", "mainPenalty": "12 tháng tù",
                 "additionalPenalties": "", "executionStatus": "Đang chấp hành", "expunged": false}], "bans": []}}
                """
            let approved = try await live.client.post(
                "/v1/requests/\(firstID)/decision", token: officerToken, json: decision)
            #expect(approved.json["status"] as? String == "issued", "\(approved)")

            let (id, officer, page) = try await Self.claimed(live, person)
            let review = try await Self.post(
                officer, id, page, "approve", [("convictions.rows", "1"), ("step", "review")])
            #expect(review.element(id: "certified-status") == "Không có án tích / No criminal record")
            let warning = try #require(review.element(id: "contradictions"), "no contradiction warning")
            #expect(
                warning.contains("11/2019/HS-ST")
                    && warning.contains(PageText.vi("officer-contradiction-conviction-left-out")), "\(warning)")
            let unacknowledged = try await officer.post(
                "/officer/requests/\(id)/approve", Self.hiddenFields(review) + [("step", "confirm")])
            #expect(unacknowledged.status == 200)
            #expect(
                unacknowledged.element(id: "f-acknowledge-error")
                    == PageText.vi("officer-contradiction-acknowledge-required"))
            #expect(PageFlowTests.state(try await officer.get("/officer/requests/\(id)")) == "in_review")
            let sealed = try await officer.post(
                "/officer/requests/\(id)/approve",
                Self.hiddenFields(review) + [("acknowledge", "yes"), ("step", "confirm")])
            #expect(sealed.status == 303, "\(sealed)")
        }
    }

    /// `staff` signs in to the pages and claims request `id`: the id, the officer's browser and the page after it.
    static func claim(_ live: LiveService, _ id: String, as staff: StaffMember) async throws
        -> (String, Browser, ClientResponse)
    {
        let officer = Browser(live)
        #expect(try await officer.signIn("/officer/sign-in", token: try live.token(for: staff)).status == 303)
        let detail = try await officer.get("/officer/requests/\(id)")
        let version = try #require(detail.firstMatch(#"name="version" value="(\d+)""#))
        #expect(
            try await officer.post(
                "/officer/requests/\(id)/claim", [("csrf", try #require(detail.csrf)), ("version", version)]
            ).status == 303)
        return (id, officer, try await officer.get("/officer/requests/\(id)"))
    }

    /// A health certificate request of `type` claimed by the health officer through the pages.
    static func claimedHealth(_ live: LiveService, _ person: Person, type: String, licenceClass: String? = nil)
        async throws -> (String, Browser, ClientResponse)
    {
        let body = Bodies.healthCertificate
            .replacingOccurrences(
                of: #""certificateType": "driving-licence", "licenceClass": "B""#,
                with: #""certificateType": "\#(type)""# + (licenceClass.map { #", "licenceClass": "\#($0)""# } ?? ""))
        let submitted = try await live.client.post("/v1/requests", token: try live.token(for: person), json: body)
        let id = try #require(submitted.json["id"] as? String, "\(submitted)")
        return try await claim(live, id, as: .healthOfficer)
    }

    @Test(
        "employment form: health class, no licence class or drug test; driver's: 15 classes, the asked one chosen"
    )
    func healthFormFollowsTheType() async throws {
        try await withLiveService { live in
            let (_, _, employment) = try await Self.claimedHealth(live, Person.man(409), type: "employment")
            #expect(
                !employment.text.contains(#"name="findings.licenceClass""#)
                    && !employment.text.contains(#"name="findings.drugTest""#))
            #expect(employment.text.contains(#"name="findings.classification""#))
            #expect(
                employment.text.contains(#"<option value="internal-medicine">Nội khoa</option>"#), "the specialty list")
            let (_, _, driving) = try await Self.claimedHealth(
                live, Person.man(410), type: "driving-licence", licenceClass: "C1")
            let select = try #require(driving.firstMatch(#"(<select id="f-findings-licenceClass".*?</select>)"#))
            let classes = select.matches(of: /<option value="([A-Z0-9]*)"/).map { String($0.1) }
            #expect(
                classes == [
                    "", "A1", "A", "B1", "B", "C1", "C", "D1", "D2", "D", "BE", "C1E", "CE", "D1E", "D2E", "DE",
                ], "\(classes)")
            #expect(select.contains(#"<option value="C1" selected>"#), "pre-filled with the class asked for: \(select)")
            #expect(driving.element(id: "asked")?.contains("C1") == true)
        }
    }

    @Test(
        "employment certificate through the page: an empty conclusion is asked for; review names the certificate"
    )
    func employmentConclusionAndReview() async throws {
        try await withLiveService { live in
            let (id, officer, page) = try await Self.claimedHealth(live, Person.man(411), type: "employment")
            let yesterday = Calendar(identifier: .gregorian).date(byAdding: .day, value: -2, to: Date())!
            let day = ISO8601DateFormatter.string(
                from: yesterday, timeZone: TimeZone(identifier: "Asia/Ho_Chi_Minh")!, formatOptions: [.withFullDate])
            let fields: [(String, String)] = [
                ("findings.classification", "II"), ("findings.examinedOn", day), ("findings.validityMonths", "12"),
                ("findings.results[0].specialty", "eyes"), ("findings.results[0].finding", "Thị lực 10/10"),
                ("findings.results[0].assessment", "Đạt"),
                ("findings.doctor", "BS. Lý Thị Tâm"), ("results.rows", "1"), ("step", "review"),
            ]
            let missing = try await Self.post(officer, id, page, "approve", fields)
            #expect(missing.element(id: "f-findings-conclusion-error") == PageText.vi("officer-conclusion-required"))
            #expect(PageText.vi("officer-conclusion-required") == "Hãy ghi kết luận.")
            let review = try await Self.post(
                officer, id, page, "approve", fields + [("findings.conclusion", "Đủ sức khỏe làm việc")])
            let certified = try #require(review.element(id: "certified-health"), "\(review.text.prefix(3000))")
            #expect(certified.contains("GIẤY KHÁM SỨC KHỎE ĐI LÀM") && certified.contains("Loại II"), "\(certified)")
            #expect(review.element(id: "certified-results")?.contains("Mắt / Eyes") == true)
            #expect(PageFlowTests.state(try await officer.get("/officer/requests/\(id)")) == "in_review")
        }
    }
}

import CivicSealServiceTestSupport
import CivicSealWorkflow
import Foundation
import Testing

@testable import CivicSealPages

/// Issue #13, findings 2, 3, 12, 17 and 21: how the citizen's posted form becomes a submission. Nothing typed is
/// turned into another answer: a country outside the list, a date not written day/month/year, a province abroad are
/// refused next to their field; form 2 does not read the form-1 bans box; residence rows keep their place.
@Suite("Citizen form: posted fields to a submission")
struct CitizenFormTests {

    /// A filled criminal-record form with the residence `rows` (from, to, address, country, province, occupation).
    static func criminalForm(form: String = "1", bans: Bool = false, nationality: String = "VN", rows: [[String]])
        -> [String: String]
    {
        var values = [
            "request.form": form, "request.purpose": "Xin việc", "particulars.birthPlace": "Hà Nội",
            "particulars.ethnicity": "Kinh",
            "particulars.nationality": nationality, "particulars.permanentResidence.line": "12 Phố Huế, Hà Nội",
            "particulars.currentResidence.line": "12 Phố Huế, Hà Nội", "contact.phone": "0987654321", "copies": "1",
            "delivery.method": "electronic",
        ]
        if bans { values["request.statesBans"] = "yes" }
        for (index, row) in rows.enumerated() {
            for (part, value) in zip(CitizenForm.rowParts, row) { values["residenceHistory[\(index)].\(part)"] = value }
        }
        return values
    }

    static func particulars(_ submission: RequestSubmission) -> Particulars? { submission.particulars }

    // MARK: Dates (finding 21)

    @Test("a day is read as day/month/year whatever the separators, eight digits included; 14052004 is 14 May 2004")
    func datesAreDayMonthYear() {
        #expect(CitizenForm.isoDate("14052004") == "2004-05-14")
        #expect(CitizenForm.isoDate("14/05/2004") == "2004-05-14")
        #expect(CitizenForm.isoDate(" 4/5/2004 ") == "2004-05-04")
        #expect(CitizenForm.isoDate("14-05-2004") == "2004-05-14")
        #expect(CitizenForm.isoDate("14.05.2004") == "2004-05-14")
        #expect(CitizenForm.isoDate("2004-05-14") == "2004-05-14", "an ISO date stays itself")
    }

    @Test("a date that is not a real day/month/year is refused, never read in another order")
    func impossibleDatesAreRefused() {
        for typed in [
            "05142004", "31/02/2004", "14/13/2004", "140504", "2004/05/14", "14/05/04", "ngày 14", "1405200４", "",
        ] {
            #expect(CitizenForm.isoDate(typed) == nil, "\(typed)")
        }
        #expect(CitizenForm.shownDate("2004-05-14") == "14/05/2004")
    }

    // MARK: Nationality (finding 2)

    @Test("a nationality outside the list is refused next to the field, never upper-cased into another country")
    func unknownNationalityIsRefused() {
        for typed in ["Vi", "Việt Nam", "V", "vn", "XX"] {
            let (submission, unreadable) = CitizenForm.submission(
                kind: .criminalRecord,
                values: Self.criminalForm(
                    nationality: typed, rows: [["01/01/2010", "", "Hà Nội", "VN", "001", "Học sinh"]]))
            #expect(unreadable["particulars.nationality"] == "citizen-country-unknown", "\(typed)")
            #expect(Self.particulars(submission)?.nationality == nil, "\(typed) must not become a country")
        }
        let (submission, unreadable) = CitizenForm.submission(
            kind: .criminalRecord,
            values: Self.criminalForm(nationality: "JP", rows: [["01/01/2010", "", "Tokyo", "JP", "", "Kỹ sư"]]))
        #expect(unreadable.isEmpty, "\(unreadable)")
        #expect(Self.particulars(submission)?.nationality == "JP")
    }

    @Test("a blank nationality is required, not defaulted")
    func blankNationalityIsRequired() {
        let (submission, unreadable) = CitizenForm.submission(
            kind: .criminalRecord,
            values: Self.criminalForm(nationality: "", rows: [["01/01/2010", "", "Hà Nội", "VN", "001", "Học sinh"]]))
        #expect(unreadable["particulars.nationality"] == "validation.field.required")
        #expect(Self.particulars(submission)?.nationality == nil)
    }

    // MARK: Bans box (finding 12)

    @Test("form 2 with the bans box unticked states bans (the box is not read); form 1 reads it")
    func form2DoesNotReadTheBansBox() {
        let row = [["01/01/2010", "", "Hà Nội", "VN", "001", "Học sinh"]]
        let (form2, _) = CitizenForm.submission(kind: .criminalRecord, values: Self.criminalForm(form: "2", rows: row))
        guard case .criminalRecord(let details2) = form2.request else {
            Issue.record("not a criminal record")
            return
        }
        #expect(details2.statesBans == nil && details2.effectiveStatesBans)
        let (form1, _) = CitizenForm.submission(kind: .criminalRecord, values: Self.criminalForm(form: "1", rows: row))
        guard case .criminalRecord(let details1) = form1.request else {
            Issue.record("not a criminal record")
            return
        }
        #expect(details1.statesBans == false)
        let (asked, _) = CitizenForm.submission(
            kind: .criminalRecord, values: Self.criminalForm(form: "1", bans: true, rows: row))
        guard case .criminalRecord(let details) = asked.request else {
            Issue.record("not a criminal record")
            return
        }
        #expect(details.statesBans == true)
    }

    @Test("the validator accepts form 2 posted with the bans box unticked")
    func form2UntickedValidates() throws {
        let (submission, unreadable) = CitizenForm.submission(
            kind: .criminalRecord,
            values: Self.criminalForm(form: "2", rows: [["02/03/1985", "", "12 Phố Huế", "VN", "001", "Học sinh"]]))
        #expect(unreadable.isEmpty, "\(unreadable)")
        let validator = SubmissionValidator()
        let applicant = try #require(Self.applicant())
        switch validator.validate(submission, applicant: applicant, today: CalendarDate(year: 2026, month: 12, day: 4)!)
        {
        case .success(let validated):
            guard case .criminalRecord(let details) = validated.submission.request else {
                Issue.record("kind")
                return
            }
            #expect(details.statesBans == true)
        case .failure(let failure):
            #expect(!failure.issues.contains { $0.code == .formForm2StatesBans }, "\(failure.issues)")
            #expect(failure.issues.isEmpty, "\(failure.issues)")
        }
    }

    static func applicant() -> Applicant? {
        let claims = IdentityClaims(
            subject: "citizen-1", personalId: "001085012345", fullName: "Trần Văn Bình", birthDate: "1985-03-02",
            sex: "male",
            assuranceLevel: "level2")
        return try? Applicant.validated(
            from: claims, today: CalendarDate(year: 2026, month: 12, day: 4)!, policy: ValidationPolicy()
        ).get()
    }

    // MARK: Residence rows (findings 3 and 17)

    @Test("each residence row carries its place: a province in Việt Nam, a country abroad")
    func rowsCarryTheirPlace() {
        let (submission, unreadable) = CitizenForm.submission(
            kind: .criminalRecord,
            values: Self.criminalForm(rows: [
                ["01/01/2000", "31/12/2015", "45 Lê Lợi", "VN", "079", "Học sinh"],
                ["01/01/2016", "", "Shinjuku, Tokyo", "JP", "", "Kỹ sư"],
            ]))
        #expect(unreadable.isEmpty, "\(unreadable)")
        let rows = submission.residenceHistory ?? []
        #expect(rows.count == 2)
        #expect(
            rows.first?.provinceCode == "079" && rows.first?.countryCode == "VN" && rows.first?.from == "2000-01-01"
                && rows.first?.to == "2015-12-31")
        #expect(rows.last?.provinceCode == nil && rows.last?.countryCode == "JP")
    }

    @Test(
        "a row in Việt Nam without a province, or abroad with one, is refused next to the province, naming nothing else"
    )
    func provinceFollowsTheCountry() {
        let (_, unreadable) = CitizenForm.submission(
            kind: .criminalRecord,
            values: Self.criminalForm(rows: [
                ["01/01/2000", "31/12/2015", "45 Lê Lợi", "VN", "", "Học sinh"],
                ["01/01/2016", "", "Tokyo", "JP", "079", "Kỹ sư"],
            ]))
        #expect(unreadable["residenceHistory[0].provinceCode"] == "citizen-row-province-required")
        #expect(unreadable["residenceHistory[1].provinceCode"] == "citizen-row-province-abroad")
        #expect(unreadable.count == 2, "\(unreadable)")
    }

    @Test("a row with an address but no date says the date is required, not invalid; a mistyped date says invalid")
    func missingDateIsRequired() {
        let (_, unreadable) = CitizenForm.submission(
            kind: .criminalRecord,
            values: Self.criminalForm(rows: [
                ["01/01/2000", "", "45 Lê Lợi", "VN", "079", "Học sinh"], ["", "", "12 Phố Huế", "VN", "001", "Kỹ sư"],
                ["31/02/2020", "", "Đà Nẵng", "VN", "048", "Kỹ sư"],
            ]), rows: 3)
        #expect(unreadable["residenceHistory[1].from"] == "validation.field.required")
        #expect(unreadable["residenceHistory[2].from"] == "citizen-date-invalid")
    }

    @Test("blank rows are skipped (the country's default is no answer), and issues map back to the row typed")
    func blankRowsAndRowMapping() {
        let values = Self.criminalForm(rows: [
            ["01/01/2000", "", "45 Lê Lợi", "VN", "079", "Học sinh"], ["", "", "", "VN", "", ""],
            ["01/01/2016", "", "Tokyo", "JP", "", "Kỹ sư"],
        ])
        let (submission, _) = CitizenForm.submission(kind: .criminalRecord, values: values, rows: 3)
        #expect(submission.residenceHistory?.count == 2)
        #expect(CitizenForm.keptRows(values: values, rows: 3) == [0, 2])
        let field = CitizenForm.formField(
            for: "residenceHistory[1].from", kind: .criminalRecord, values: values, policy: ValidationPolicy(), rows: 3)
        #expect(field == "residenceHistory[2].from")
        #expect(CitizenForm.rowNumber(of: field) == 3)
    }

    @Test(
        "the row count comes from the form, within 1 and the policy's maximum; the form shows that many numbered rows")
    func rowCount() {
        let policy = ValidationPolicy()
        #expect(CitizenForm.rowCount(posted: nil, policy: policy) == CitizenForm.defaultResidenceRows)
        #expect(CitizenForm.rowCount(posted: "5", policy: policy) == 5)
        #expect(CitizenForm.rowCount(posted: "0", policy: policy) == 1)
        #expect(CitizenForm.rowCount(posted: "100000", policy: policy) == policy.maximumResidencePeriods)
        let sections = CitizenForm.sections(
            for: .criminalRecord, policy: policy, rows: 5, rowLabel: { "Nơi cư trú \($0)" })
        let rows = sections.flatMap(\.rows)
        #expect(rows.map(\.legend) == (1...5).map { "Nơi cư trú \($0)" })
        #expect(rows.allSatisfy { $0.fields.map(\.name).contains { $0.hasSuffix(".provinceCode") } })
    }

    @Test("a stored submission comes back to the form with its dates as day/month/year and every row")
    func storedSubmissionRoundTrips() {
        let (submission, _) = CitizenForm.submission(
            kind: .criminalRecord,
            values: Self.criminalForm(rows: [
                ["14/05/2004", "31/12/2015", "45 Lê Lợi", "VN", "079", "Học sinh"],
                ["01/01/2016", "", "Tokyo", "JP", "", "Kỹ sư"],
                ["", "", "", "VN", "", ""],
            ]), rows: 3)
        let (values, rows) = CitizenForm.values(of: submission)
        #expect(rows == 2)
        #expect(values["residenceHistory[0].from"] == "14/05/2004")
        #expect(
            values["residenceHistory[1].countryCode"] == "JP" && values["residenceHistory[0].provinceCode"] == "079")
    }

    // MARK: Provinces

    @Test("the province list has the 63 codes with names, sorted the Vietnamese way")
    func provinceList() {
        #expect(ProvinceNames.choices.count == ProvinceCode.all.count)
        #expect(ProvinceNames.choices.allSatisfy { $0.label != $0.value })
        let names = ProvinceNames.choices.map(\.label)
        #expect(names.first == "An Giang")
        let haNam = names.firstIndex(of: "Hà Nam")!
        let haNoi = names.firstIndex(of: "Hà Nội")!
        let haiDuong = names.firstIndex(of: "Hải Dương")!
        #expect(haNam < haNoi && haNoi < haiDuong)
        // "Đ" is its own letter, after "D" and before "E": Đà Nẵng after Cần Thơ and before Gia Lai.
        let daNang = names.firstIndex(of: "Đà Nẵng")!
        #expect(daNang > names.firstIndex(of: "Cần Thơ")! && daNang < names.firstIndex(of: "Gia Lai")!)
    }

    @Test("countries are named in the page's language and sorted for it, Việt Nam first")
    func countryOrder() {
        let vietnamese = CitizenForm.countryChoices(.vietnamese).map(\.label)
        let english = CitizenForm.countryChoices(.english).map(\.label)
        #expect(vietnamese.count == Country.all.count && english.count == Country.all.count)
        #expect(vietnamese.first == "Việt Nam" && english.first == "Vietnam")
        func index(_ names: [String], _ name: String) -> Int { names.firstIndex(of: name) ?? -1 }
        // Vietnamese alphabet: A < Ă < Â, tones only break ties; Đ is its own letter after D.
        #expect(index(vietnamese, "Áo") < index(vietnamese, "Ấn Độ"))
        #expect(
            index(vietnamese, "Dominica") < index(vietnamese, "Đài Loan")
                && index(vietnamese, "Đài Loan") < index(vietnamese, "Đan Mạch"))
        #expect(index(vietnamese, "Đức") < index(vietnamese, "Estonia"))
        #expect(index(english, "Åland Islands") < index(english, "Albania"))
        #expect(
            index(english, "Japan") < index(english, "Jordan")
                && index(english, "Austria") < index(english, "Azerbaijan"))
    }
}

import Testing

@testable import CivicSealWorkflow

@Suite("Submission validation")
struct SubmissionValidationTests {
    @Test("a complete form-1 request for oneself is valid and routed by residence province")
    func validForm1() throws {
        let request = try Fixtures.validate(Fixtures.criminalRecord()).get()
        #expect(request.subject == Fixtures.tuyet)
        #expect(request.kind == .criminalRecord)
        #expect(request.criminalRecordForm == .form1)
        #expect(request.routingProvince == .hanoi)
        guard case .criminalRecord(let details) = request.submission.request else {
            Issue.record("kind changed")
            return
        }
        #expect(details.statesBans == false)
    }

    @Test("form 2 always states bans: absent becomes true, false is refused")
    func form2StatesBans() throws {
        let request = try Fixtures.validate(Fixtures.criminalRecord(form: .form2)).get()
        if case .criminalRecord(let details) = request.submission.request { #expect(details.statesBans == true) }
        let failure = Fixtures.issues(Fixtures.validate(Fixtures.criminalRecord(form: .form2, statesBans: false)))
        #expect(failure.contains(.formForm2StatesBans, at: "request.statesBans"))
    }

    @Test("form 2 through an authorised proxy is refused (Art. 46(2))")
    func form2ProxyRefused() {
        var submission = Fixtures.criminalRecord(form: .form2, relation: .authorisedProxy)
        submission.subject = SubjectDetails(
            personalId: "079085000417", fullName: "Trần Văn Minh", birthDate: "1985-03-02", sex: .male)
        submission.proxy = ProxyDetails(kinship: .spouse)
        submission.residenceHistory = [
            ResidencePeriod(from: "1985-03-02", address: "Quận 1", provinceCode: "079", occupation: "Kỹ sư")
        ]
        let failure = Fixtures.issues(Fixtures.validate(submission))
        #expect(failure.codes == [.formForm2NotSelf])
        #expect(failure.issues.first?.field == "relation")

        // The same request for form 1 by a spouse needs no written authorisation.
        submission.request = .criminalRecord(CriminalRecordRequest(form: .form1, purpose: "Xin việc"))
        let request = Fixtures.validated(Fixtures.validate(submission))
        #expect(request?.subject == Fixtures.minh)
    }

    @Test("a proxy outside the family needs a written authorisation reference")
    func proxyAuthorisation() {
        var submission = Fixtures.criminalRecord(relation: .authorisedProxy)
        submission.subject = SubjectDetails(
            personalId: "079085000417", fullName: "Trần Văn Minh", birthDate: "1985-03-02", sex: .male)
        submission.proxy = ProxyDetails(kinship: .other)
        #expect(Fixtures.issues(Fixtures.validate(submission)).codes == [.proxyAuthorisationRequired])
        submission.proxy = ProxyDetails(kinship: .other, authorisationReference: "   ")
        #expect(Fixtures.issues(Fixtures.validate(submission)).codes == [.proxyAuthorisationRequired])
        submission.proxy = ProxyDetails(kinship: .other, authorisationReference: "Giấy ủy quyền số 123/2026")
        #expect(Fixtures.validated(Fixtures.validate(submission)) != nil)
        submission.proxy = nil
        #expect(Fixtures.issues(Fixtures.validate(submission)).contains(.fieldRequired, at: "proxy"))
    }

    @Test("a level-1 account cannot request a criminal record")
    func level1Refused() {
        let failure = Fixtures.issues(
            Fixtures.validate(Fixtures.criminalRecord(), applicant: Fixtures.applicant(level: .level1)))
        #expect(failure.codes == [.assuranceLevel2Required])
        #expect(failure.issues.first?.field == "assuranceLevel")
    }

    @Test("the person must be 16 (configurable) for a criminal record")
    func minimumAge() throws {
        // Born 16 July 2010: 15 on 15 July 2026, 16 the next day. 001 2 10 000123.
        let teen = PersonIdentity(
            personalID: Fixtures.id("001210000123"), fullName: "Đỗ Văn An", birthDate: Fixtures.date("2010-07-16"),
            sex: .male)
        var submission = Fixtures.criminalRecord()
        submission.residenceHistory = [
            ResidencePeriod(from: "2010-07-16", address: "Hà Nội", provinceCode: "001", occupation: "Học sinh")
        ]
        let young = Fixtures.issues(Fixtures.validate(submission, applicant: Fixtures.applicant(teen)))
        #expect(young.codes == [.ageBelowMinimum])
        #expect(young.issues.first?.field == "birthDate")
        #expect(
            Fixtures.validated(
                Fixtures.validate(
                    submission, applicant: Fixtures.applicant(teen), today: Fixtures.date("2026-07-16"))) != nil)
        var policy = ValidationPolicy()
        policy.criminalRecordMinimumAge = 14
        #expect(
            Fixtures.validated(Fixtures.validate(submission, applicant: Fixtures.applicant(teen), policy: policy))
                != nil)
    }

    @Test("a parent may ask form 2 for a minor child, not for an adult")
    func parentOfMinor() throws {
        var submission = Fixtures.criminalRecord(form: .form2, relation: .parentOfMinor)
        submission.subject = Fixtures.maiSubject
        submission.residenceHistory = nil  // Mai is 10: no history since 14 yet
        let request = try Fixtures.validate(submission).get()
        #expect(request.subject.fullName == "Lê Thị Mai")
        #expect(request.applicant.identity == Fixtures.tuyet)

        submission.subject = SubjectDetails(
            personalId: "079085000417", fullName: "Trần Văn Minh", birthDate: "1985-03-02", sex: .male)
        submission.residenceHistory = [
            ResidencePeriod(from: "1985-03-02", address: "Quận 1", provinceCode: "079", occupation: "Kỹ sư")
        ]
        #expect(Fixtures.issues(Fixtures.validate(submission)).codes == [.formSubjectNotMinor])
    }

    @Test("a subject whose ID disagrees with the declared sex and birth year is refused")
    func subjectIDMismatch() {
        var submission = Fixtures.criminalRecord(relation: .parentOfMinor)
        submission.subject = SubjectDetails(
            personalId: "001216000777", fullName: "Lê Thị Mai", birthDate: "2015-07-01", sex: .female)
        submission.residenceHistory = nil
        let failure = Fixtures.issues(Fixtures.validate(submission))
        #expect(failure.contains(.personalIdSexMismatch, at: "subject.personalId"))
        #expect(failure.contains(.personalIdYearMismatch, at: "subject.personalId"))
    }

    @Test("an impossible birth date of the subject is birthDate.invalid")
    func subjectBirthDateInvalid() {
        var submission = Fixtures.criminalRecord(relation: .parentOfMinor)
        submission.subject = SubjectDetails(
            personalId: "001316000777", fullName: "Lê Thị Mai", birthDate: "2015-02-29", sex: .female)
        submission.residenceHistory = nil
        #expect(Fixtures.issues(Fixtures.validate(submission)).contains(.birthDateInvalid, at: "subject.birthDate"))
    }

    @Test("the residence history must start by age 14")
    func historyStartsByFourteen() {
        var submission = Fixtures.criminalRecord()
        submission.residenceHistory = [
            ResidencePeriod(from: "2004-05-15", address: "Hà Nội", provinceCode: "001", occupation: "Học sinh")
        ]
        let failure = Fixtures.issues(Fixtures.validate(submission))
        #expect(failure.codes == [.residenceHistoryStartsAfterAge14])
        #expect(failure.issues.first?.field == "residenceHistory[0].from")
        submission.residenceHistory?[0].from = "2004-05-14"  // the 14th birthday itself
        #expect(Fixtures.validated(Fixtures.validate(submission)) != nil)
        submission.residenceHistory = []
        #expect(Fixtures.issues(Fixtures.validate(submission)).contains(.fieldRequired, at: "residenceHistory"))
    }

    @Test("inverted, overlapping, future and open-but-not-last periods are refused, each where it is")
    func historyPeriods() {
        var submission = Fixtures.criminalRecord()
        submission.residenceHistory = [
            ResidencePeriod(
                from: "1990-05-14", to: "2008-08-31", address: "Hà Nội", provinceCode: "001", occupation: "Học sinh"),
            ResidencePeriod(
                from: "2008-06-01", to: "2010-12-31", address: "Hà Nội", provinceCode: "001", occupation: "Sinh viên"),
            ResidencePeriod(
                from: "2012-01-01", to: "2011-01-01", address: "Hà Nội", provinceCode: "001", occupation: "Kế toán"),
            ResidencePeriod(from: "2013-01-01", address: "Hà Nội", provinceCode: "001", occupation: "Kế toán"),
            ResidencePeriod(
                from: "2020-01-01", to: "2027-01-01", address: "Hà Nội", provinceCode: "003", occupation: "Kế toán"),
        ]
        let failure = Fixtures.issues(Fixtures.validate(submission))
        #expect(failure.contains(.residenceHistoryOverlap, at: "residenceHistory[1].from"))
        #expect(failure.contains(.residenceHistoryInvertedPeriod, at: "residenceHistory[2].to"))
        #expect(failure.contains(.residenceHistoryOverlap, at: "residenceHistory[4].from"))
        #expect(failure.contains(.residenceHistoryInFuture, at: "residenceHistory[4].to"))
        #expect(failure.contains(.provinceUnknown, at: "residenceHistory[4].provinceCode"))
        #expect(failure.issues.count == 5)
    }

    @Test("periods may share the moving day")
    func sharedMovingDay() {
        var submission = Fixtures.criminalRecord()
        submission.residenceHistory = [
            ResidencePeriod(
                from: "1990-05-14", to: "2008-09-01", address: "Hà Nội", provinceCode: "001", occupation: "Học sinh"),
            ResidencePeriod(from: "2008-09-01", address: "Hà Nội", provinceCode: "001", occupation: "Kế toán"),
        ]
        #expect(Fixtures.validated(Fixtures.validate(submission)) != nil)
    }

    @Test(
        "phone, e-mail and copies are checked",
        arguments: [
            ("0912 345 678", nil, 1, [ValidationCode.contactPhoneInvalid]),
            ("912345678", nil, 1, [.contactPhoneInvalid]),
            ("+84912345678", "a@b", 1, [.contactEmailInvalid]),
            ("02438123456", "tuyet..n@example.vn", 1, [.contactEmailInvalid]),
            (nil, "tuyet@example.vn", 0, [.copiesOutOfRange]),
            (nil, "tuyết@example.vn", 11, [.contactEmailInvalid, .copiesOutOfRange]),
            (nil, nil, 10, [.fieldRequired]),
            ("+84912345678", "tuyet.nguyen+llt@mail.example.vn", 10, []),
        ] as [(String?, String?, Int, [ValidationCode])])
    func contactAndCopies(phone: String?, email: String?, copies: Int, expected: [ValidationCode]) {
        var submission = Fixtures.criminalRecord()
        submission.contact = ContactDetails(phone: phone, email: email)
        submission.copies = copies
        #expect(Fixtures.issues(Fixtures.validate(submission)).codes == expected)
    }

    @Test("postal delivery needs an address; unknown fee groups are refused")
    func deliveryAndFeeGroup() {
        var submission = Fixtures.criminalRecord()
        submission.delivery = DeliveryChoice(method: .postal)
        submission.feeGroup = "vip"
        let failure = Fixtures.issues(Fixtures.validate(submission))
        #expect(failure.contains(.fieldRequired, at: "delivery.postalAddress"))
        #expect(failure.contains(.feeGroupUnknown, at: "feeGroup"))
    }

    @Test("a bad request reports all of its problems at once")
    func allErrorsAtOnce() {
        var submission = Fixtures.criminalRecord(form: .form2, statesBans: false)
        submission.particulars?.ethnicity = String(repeating: "K", count: 101)
        submission.particulars?.motherName = "Phạm\tThị Cúc"
        submission.particulars?.nationality = "vn"
        submission.contact = ContactDetails(phone: "12345")
        submission.copies = 99
        let failure = Fixtures.issues(Fixtures.validate(submission, applicant: Fixtures.applicant(level: .level1)))
        #expect(
            Set(failure.codes) == [
                .assuranceLevel2Required, .formForm2StatesBans, .textTooLong, .fullNameControlCharacters,
                .countryInvalid,
                .contactPhoneInvalid, .copiesOutOfRange,
            ])
        #expect(failure.contains(.textTooLong, at: "particulars.ethnicity"))
        #expect(failure.contains(.fullNameControlCharacters, at: "particulars.motherName"))
    }

    @Test("health certificate: known type, no proxy; health book extract: sections and period")
    func healthRequests() throws {
        var certificate = RequestSubmission(
            request: .healthCertificate(
                HealthCertificateRequest(certificateType: "driving-licence", licenceClass: "B")),
            particulars: Particulars(currentResidence: Fixtures.hanoiAddress),
            contact: ContactDetails(phone: "0912345678"))
        let request = try Fixtures.validate(certificate).get()
        #expect(request.kind == .healthCertificate)
        #expect(request.routingProvince == ProvinceCode(rawValue: "001"))
        certificate.request = .healthCertificate(HealthCertificateRequest(certificateType: "pilot"))
        #expect(Fixtures.issues(Fixtures.validate(certificate)).codes == [.healthCertificateTypeUnknown])

        var extract = RequestSubmission(
            request: .healthBookExtract(HealthBookExtractRequest(sections: [], from: "2026-01-01", to: "2025-01-01")),
            particulars: Particulars(currentResidence: Fixtures.hanoiAddress),
            contact: ContactDetails(email: "tuyet@example.vn"))
        let failure = Fixtures.issues(Fixtures.validate(extract))
        #expect(failure.contains(.fieldRequired, at: "request.sections"))
        #expect(failure.contains(.periodInverted, at: "request.to"))
        extract.request = .healthBookExtract(HealthBookExtractRequest(sections: [.vaccinations, .allergies]))
        extract.relation = .authorisedProxy
        extract.subject = Fixtures.maiSubject
        extract.proxy = ProxyDetails(kinship: .parent)
        #expect(Fixtures.issues(Fixtures.validate(extract)).codes == [.formProxyNotAllowed])
    }

    @Test("a driver's health certificate names one of the fifteen 2024 licence classes; the other types name none")
    func licenceClassFollowsTheCertificateType() {
        func submission(_ type: String, _ licenceClass: String?) -> RequestSubmission {
            RequestSubmission(
                request: .healthCertificate(
                    HealthCertificateRequest(certificateType: type, licenceClass: licenceClass)),
                particulars: Particulars(currentResidence: Fixtures.hanoiAddress),
                contact: ContactDetails(phone: "0912345678"))
        }
        #expect(
            LicenceClass.codes == [
                "A1", "A", "B1", "B", "C1", "C", "D1", "D2", "D", "BE", "C1E", "CE", "D1E", "D2E", "DE",
            ])
        for code in LicenceClass.codes {
            #expect(
                Fixtures.validated(Fixtures.validate(submission("driving-licence", code))) != nil, "refused \(code)")
        }
        #expect(
            Fixtures.issues(Fixtures.validate(submission("driving-licence", nil))).contains(
                .licenceClassRequired, at: "request.licenceClass"))
        for stale in ["E", "F", "b", "A3", ""] {
            #expect(
                Fixtures.issues(Fixtures.validate(submission("driving-licence", stale))).contains(
                    .licenceClassUnknown, at: "request.licenceClass"),
                "accepted \(stale)")
        }
        for type in ["general", "employment", "study"] {
            #expect(Fixtures.validated(Fixtures.validate(submission(type, nil))) != nil)
            #expect(
                Fixtures.issues(Fixtures.validate(submission(type, "A1"))).codes == [.licenceClassNotApplicable],
                "\(type) took a licence class")
        }
    }

    @Test("health documents print the residence, so the request must state one")
    func healthRequestsStateTheResidence() {
        for request in [
            RequestDetails.healthCertificate(HealthCertificateRequest(certificateType: "employment")),
            .healthBookExtract(HealthBookExtractRequest(sections: [.vaccinations])),
        ] {
            var submission = RequestSubmission(request: request, contact: ContactDetails(phone: "0912345678"))
            #expect(
                Fixtures.issues(Fixtures.validate(submission)).contains(
                    .fieldRequired, at: "particulars.currentResidence"))
            submission.particulars = Particulars(nationality: "VN")
            #expect(
                Fixtures.issues(Fixtures.validate(submission)).contains(
                    .fieldRequired, at: "particulars.currentResidence"))
            submission.particulars = Particulars(permanentResidence: Fixtures.hanoiAddress)
            #expect(Fixtures.validated(Fixtures.validate(submission)) != nil)
        }
    }

    @Test(
        "nationality and residence countries are assigned ISO 3166-1 codes: XX is unknown, VI is the US Virgin Islands")
    func countriesAreKnownCodes() {
        #expect(Country.all.count == 249)
        #expect(Set(Country.all.map(\.code)).count == 249)
        #expect(Country.named("VN")?.vietnamese == "Việt Nam")
        #expect(Country.named("VI")?.english == "U.S. Virgin Islands")
        #expect(Country.named("JP")?.vietnamese == "Nhật Bản")
        #expect(
            Country.all.allSatisfy {
                !$0.vietnamese.isEmpty && !$0.english.isEmpty && ContactFormat.isCountryCode($0.code)
            })

        var submission = Fixtures.criminalRecord()
        submission.particulars?.nationality = "XX"
        #expect(Fixtures.issues(Fixtures.validate(submission)).codes == [.countryUnknown])
        submission.particulars?.nationality = "Vi"
        #expect(Fixtures.issues(Fixtures.validate(submission)).codes == [.countryInvalid])
        submission.particulars?.nationality = "VI"
        let foreign = Fixtures.validated(Fixtures.validate(submission))
        #expect(foreign?.complexity.reasons == [.foreigner])
        submission.particulars?.nationality = "VN"
        submission.particulars?.currentResidence = Address(line: "1 Main St", countryCode: "QQ")
        #expect(
            Fixtures.issues(Fixtures.validate(submission)).contains(
                .countryUnknown, at: "particulars.currentResidence.countryCode"))
    }

    @Test("each residence row names its place: a province in Việt Nam, a country abroad; errors name the row")
    func residenceRowsNameTheirPlace() {
        var submission = Fixtures.criminalRecord(form: .form2)
        submission.residenceHistory = [
            ResidencePeriod(
                from: "1990-05-14", to: "2008-08-31", address: "12 Phố Huế", provinceCode: "001", occupation: "Học sinh"
            ),
            ResidencePeriod(from: "2008-09-01", to: "2015-12-31", address: "5 Lê Lợi", occupation: "Kế toán"),
            ResidencePeriod(
                from: "2016-01-01", to: "2020-12-31", address: "Shinjuku", provinceCode: "079", countryCode: "JP",
                occupation: "Kế toán"),
            ResidencePeriod(from: "2021-01-01", address: "Somewhere", countryCode: "ZZ", occupation: "Kế toán"),
        ]
        let failure = Fixtures.issues(Fixtures.validate(submission))
        #expect(failure.contains(.fieldRequired, at: "residenceHistory[1].provinceCode"))
        #expect(failure.contains(.residenceProvinceAbroad, at: "residenceHistory[2].provinceCode"))
        #expect(failure.contains(.countryUnknown, at: "residenceHistory[3].countryCode"))
        #expect(failure.issues.count == 3)
    }

    @Test("Hồ Chí Minh City then Tokyo is a complex case (Art. 48): 15 working days, with the reasons labelled")
    func complexityFollowsTheRows() throws {
        var submission = Fixtures.criminalRecord(form: .form2)
        submission.residenceHistory = [
            ResidencePeriod(
                from: "1990-05-14", to: "2015-12-31", address: "1 Lê Duẩn", provinceCode: "079", occupation: "Kỹ sư"),
            ResidencePeriod(from: "2016-01-01", address: "Shinjuku, Tokyo", countryCode: "JP", occupation: "Kỹ sư"),
        ]
        let request = try Fixtures.validate(submission).get()
        #expect(request.complexity.reasons == [.livedAbroad])
        #expect(DeadlinePolicy().workingDays(for: .criminalRecord, complexity: request.complexity) == 15)
        #expect(CaseComplexity.Reason.livedAbroad.label(language: "vi") == "Đã cư trú ở nước ngoài")
        #expect(CaseComplexity.Reason.livedAbroad.label(language: "en") == "Lived abroad")

        submission.residenceHistory = [
            ResidencePeriod(
                from: "1990-05-14", to: "2015-12-31", address: "1 Lê Duẩn", provinceCode: "079", occupation: "Kỹ sư"),
            ResidencePeriod(from: "2016-01-01", address: "12 Phố Huế", provinceCode: "001", occupation: "Kỹ sư"),
        ]
        #expect(try Fixtures.validate(submission).get().complexity.reasons == [.severalProvinces])
        submission.residenceHistory = Fixtures.history
        #expect(try Fixtures.validate(submission).get().complexity.isComplex == false)
    }

    @Test("a citizen's own nationality is the identity token's: filled in when left out, another one refused")
    func nationalityComesFromTheToken() throws {
        var applicant = Fixtures.applicant()
        applicant.nationality = "VN"
        var submission = Fixtures.criminalRecord()
        submission.particulars?.nationality = nil
        let filled = try Fixtures.validate(submission, applicant: applicant).get()
        #expect(filled.submission.particulars?.nationality == "VN")
        #expect(!filled.complexity.reasons.contains(.foreigner))
        submission.particulars?.nationality = "VI"
        #expect(
            Fixtures.issues(Fixtures.validate(submission, applicant: applicant)).codes == [.nationalityTokenMismatch])
        // Someone else's nationality (a child's, an authorising person's) is stated on the form.
        var proxy = Fixtures.criminalRecord(relation: .authorisedProxy)
        proxy.subject = Fixtures.maiSubject
        proxy.proxy = ProxyDetails(kinship: .parent)
        proxy.particulars?.nationality = "LA"
        #expect(!Fixtures.issues(Fixtures.validate(proxy, applicant: applicant)).contains(.nationalityTokenMismatch))
    }
}

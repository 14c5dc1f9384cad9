import Testing

@testable import CivicSealWorkflow

@Suite("Personal ID number (CCCD)")
struct PersonalIDNumberTests {
    /// `001 G 45 000001` for each century/sex digit, with a birth date in the century the digit encodes.
    static func number(centuryDigit: Int) -> (id: String, sex: Sex, birth: CalendarDate) {
        let century = 1900 + 100 * (centuryDigit / 2)
        return (
            "001\(centuryDigit)45000001", centuryDigit % 2 == 0 ? .male : .female,
            CalendarDate(year: century + 45, month: 6, day: 15)!
        )
    }

    @Test("each century digit agrees with its own sex and year", arguments: 0...9)
    func centuryDigitMatches(digit: Int) throws {
        let (text, sex, birth) = Self.number(centuryDigit: digit)
        let id = try PersonalIDNumber(text)
        #expect(id.centuryDigit == digit)
        #expect(id.sex == sex)
        #expect(id.century == 1900 + 100 * (digit / 2))
        #expect(id.birthYear == birth.year)
        #expect(id.provinceCode == .hanoi)
        #expect(id.issues(sex: sex, birthDate: birth).isEmpty)
    }

    @Test("each century digit refuses the other sex", arguments: 0...9)
    func centuryDigitSexMismatch(digit: Int) throws {
        let (text, sex, birth) = Self.number(centuryDigit: digit)
        let other: Sex = sex == .male ? .female : .male
        let codes = try PersonalIDNumber(text).issues(sex: other, birthDate: birth).map(\.code)
        #expect(codes == [.personalIdSexMismatch])
    }

    @Test("each century digit refuses another birth year", arguments: 0...9)
    func centuryDigitYearMismatch(digit: Int) throws {
        let (text, sex, birth) = Self.number(centuryDigit: digit)
        let id = try PersonalIDNumber(text)
        let nextYear = CalendarDate(year: birth.year + 1, month: 6, day: 15)!
        #expect(id.issues(sex: sex, birthDate: nextYear).map(\.code) == [.personalIdYearMismatch])
        let nextCentury = CalendarDate(year: birth.year + 100, month: 6, day: 15)!
        #expect(id.issues(sex: sex, birthDate: nextCentury).map(\.code) == [.personalIdCenturyMismatch])
    }

    @Test("sex, century and year mismatches are all reported together")
    func allMismatchesAtOnce() throws {
        let id = try PersonalIDNumber("001190012345")  // female, 1990
        let codes = id.issues(sex: .male, birthDate: CalendarDate(year: 2091, month: 1, day: 1)!).map(\.code)
        #expect(codes == [.personalIdSexMismatch, .personalIdCenturyMismatch, .personalIdYearMismatch])
    }

    @Test(
        "malformed numbers are refused with personalId.format",
        arguments: [
            "00119001234",  // 11 digits
            "0011900123456",  // 13 digits
            "00119001234A",  // letter
            "001 90012345",  // space
            " 001190012345",  // leading space
            "００１１９００１２３４５",  // full-width digits
            "٠٠١١٩٠٠١٢٣٤٥",  // Arabic-Indic digits
            "",
            "-01190012345",
        ])
    func malformed(text: String) {
        #expect(
            throws: ValidationIssue(
                field: "personalId", code: .personalIdFormat, message: "ID number must be exactly 12 digits 0-9")
        ) {
            try PersonalIDNumber(text)
        }
    }

    @Test("unknown province codes are refused", arguments: ["003", "000", "097", "100", "063", "999"])
    func unknownProvince(province: String) {
        do {
            _ = try PersonalIDNumber(province + "190012345")
            Issue.record("accepted unknown province \(province)")
        } catch {
            #expect(error.code == .personalIdProvinceUnknown)
        }
    }

    @Test("all 63 province codes parse, Hà Nội 001 and TP Hồ Chí Minh 079 among them")
    func knownProvinces() throws {
        #expect(ProvinceCode.all.count == 63)
        #expect(Set(ProvinceCode.all).count == 63)
        for code in ProvinceCode.all { _ = try PersonalIDNumber(code + "190012345") }
        #expect(try PersonalIDNumber("079085000417").provinceCode == .hoChiMinhCity)
    }

    @Test("token claims with a decomposed name and a consistent ID become an applicant in NFC")
    func applicantFromClaims() throws {
        let decomposed = "Nguye\u{0302}\u{0303}n Thi\u{0323} A\u{0301}nh Tuye\u{0302}\u{0301}t"
        let claims = IdentityClaims(
            subject: "sub-1", personalId: "001190012345", fullName: decomposed, birthDate: "1990-05-14",
            sex: "female", assuranceLevel: "level2")
        let applicant = try Applicant.validated(from: claims, today: Fixtures.today).get()
        #expect(applicant.identity.fullName == "Nguyễn Thị Ánh Tuyết")
        #expect(
            Array(applicant.identity.fullName.unicodeScalars)
                == Array("Nguyễn Thị Ánh Tuyết".precomposedStringWithCanonicalMapping.unicodeScalars))
        #expect(applicant.identity.fullName.unicodeScalars.count == 20)
    }

    @Test("token claims report every problem at once")
    func claimsAllProblems() {
        let claims = IdentityClaims(
            subject: "sub-2", personalId: "001090012345", fullName: "Nguyễn\u{0000}Tuyết", birthDate: "2023-02-29",
            sex: "nữ", assuranceLevel: "level3")
        guard case .failure(let failure) = Applicant.validated(from: claims, today: Fixtures.today) else {
            Issue.record("accepted invalid claims")
            return
        }
        #expect(failure.contains(.fullNameControlCharacters, at: "fullName"))
        #expect(failure.contains(.birthDateInvalid, at: "birthDate"))
        #expect(failure.contains(.sexInvalid, at: "sex"))
        #expect(failure.contains(.assuranceUnknown, at: "assuranceLevel"))
    }

    @Test("a claimed sex that disagrees with the ID number is refused")
    func claimsSexMismatch() {
        let claims = IdentityClaims(
            subject: "sub-3", personalId: "001190012345", fullName: "Nguyễn Thị Ánh Tuyết", birthDate: "1990-05-14",
            sex: "male", assuranceLevel: "level2")
        guard case .failure(let failure) = Applicant.validated(from: claims, today: Fixtures.today) else {
            Issue.record("accepted mismatched sex")
            return
        }
        #expect(failure.codes == [.personalIdSexMismatch])
        #expect(failure.issues.first?.field == "personalId")
    }
}

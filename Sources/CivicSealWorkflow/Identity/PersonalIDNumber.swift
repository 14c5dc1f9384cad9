/// The 12-digit personal ID number (số định danh cá nhân, printed on the CCCD card): `PPP G YY RRRRRR`.
///
/// - `PPP`: province of birth registration (``ProvinceCode``),
/// - `G`: century and sex — 1900s male 0 / female 1, 2000s 2/3, 2100s 4/5, 2200s 6/7, 2300s 8/9,
/// - `YY`: last two digits of the birth year,
/// - `RRRRRR`: random.
///
/// There is **no check digit** (Decree 137/2015/NĐ-CP, Art. 7; Circular 59/2021/TT-BCA), so nothing beyond
/// structure and agreement with the declared sex and birth date can be verified offline.
package struct PersonalIDNumber: Sendable, Hashable, CustomStringConvertible {
    /// The twelve ASCII digits.
    package let digits: String

    /// Parses the structure: exactly twelve ASCII digits (`^[0-9]{12}$`; full-width or other Unicode digits are
    /// refused) and a known province code. Agreement with a person is checked by ``issues(sex:birthDate:field:)``.
    package init(_ text: String, field: String = "personalId") throws(ValidationIssue) {
        let bytes = Array(text.utf8)
        guard bytes.count == 12, bytes.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else {
            throw ValidationIssue(
                field: field, code: .personalIdFormat, message: "ID number must be exactly 12 digits 0-9")
        }
        let province = String(text.prefix(3))
        guard ProvinceCode(rawValue: province) != nil else {
            throw ValidationIssue(
                field: field, code: .personalIdProvinceUnknown, message: "unknown province code \(province)")
        }
        self.digits = text
    }

    private func digit(_ offset: Int) -> Int {
        Int(Array(digits.utf8)[offset] - UInt8(ascii: "0"))
    }

    package var provinceCode: ProvinceCode { ProvinceCode(rawValue: String(digits.prefix(3)))! }

    /// The century/sex digit `G`.
    package var centuryDigit: Int { digit(3) }

    /// Sex encoded by `G`: even is male, odd is female.
    package var sex: Sex { centuryDigit % 2 == 0 ? .male : .female }

    /// The first year of the encoded century: 1900, 2000, 2100, 2200 or 2300.
    package var century: Int { 1900 + 100 * (centuryDigit / 2) }

    /// `YY`, the last two digits of the birth year.
    package var birthYearSuffix: Int { digit(4) * 10 + digit(5) }

    /// The birth year the number encodes.
    package var birthYear: Int { century + birthYearSuffix }

    package var description: String { digits }

    /// Everything on which this number disagrees with a declared sex and birth date (empty when consistent).
    package func issues(sex declaredSex: Sex, birthDate: CalendarDate, field: String = "personalId")
        -> [ValidationIssue]
    {
        var issues: [ValidationIssue] = []
        if sex != declaredSex {
            issues.append(
                ValidationIssue(
                    field: field, code: .personalIdSexMismatch,
                    message: "digit \(centuryDigit) encodes \(sex.rawValue), declared \(declaredSex.rawValue)"))
        }
        let declaredCentury = birthDate.year - birthDate.year % 100
        if declaredCentury != century {
            issues.append(
                ValidationIssue(
                    field: field, code: .personalIdCenturyMismatch,
                    message: "digit \(centuryDigit) encodes a birth in the \(century)s, declared \(birthDate.year)"))
        }
        if birthDate.year % 100 != birthYearSuffix {
            issues.append(
                ValidationIssue(
                    field: field, code: .personalIdYearMismatch,
                    message: "year digits \(birthYearSuffix) do not match the declared birth year \(birthDate.year)"))
        }
        return issues
    }
}

extension PersonalIDNumber: Codable {
    package init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try PersonalIDNumber(text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.message)
        }
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(digits)
    }
}

/// A stable, machine-readable reason why a field was refused: `<area>.<rule>`, e.g. `personalId.sex-mismatch`.
///
/// Codes are public API (clients translate them); never rename one, add a new one instead.
package struct ValidationCode: RawRepresentable, Codable, Hashable, Sendable, CustomStringConvertible {
    package let rawValue: String
    package init(rawValue: String) { self.rawValue = rawValue }
    package var description: String { rawValue }

    package init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    // MARK: Structure of the JSON body
    /// The body is not JSON, or not the expected top-level object.
    package static let jsonMalformed = Self(rawValue: "json.malformed")
    /// A required key is absent.
    package static let jsonMissingField = Self(rawValue: "json.missing-field")
    /// A key holds `null` where a value is required.
    package static let jsonNullValue = Self(rawValue: "json.null-value")
    /// A value has the wrong JSON type (e.g. a string where a number is expected).
    package static let jsonTypeMismatch = Self(rawValue: "json.type-mismatch")
    /// A value of the right type outside its allowed set (unknown enum value, impossible date).
    package static let jsonInvalidValue = Self(rawValue: "json.invalid-value")
    /// An object names the same member twice (compared after unescaping: `"copies"` and `"cop\u0069es"`).
    package static let jsonDuplicateMember = Self(rawValue: "json.duplicate-member")
    /// Arrays and objects nested deeper than the reader's limit (64).
    package static let jsonTooDeep = Self(rawValue: "json.too-deep")
    /// A body longer than the reader's limit.
    package static let jsonTooLarge = Self(rawValue: "json.too-large")
    /// A key the model does not know (often a misspelling); all such keys are reported together.
    package static let jsonUnknownField = Self(rawValue: "json.unknown-field")

    // MARK: Generic fields
    /// A required field or section is missing or empty after trimming.
    package static let fieldRequired = Self(rawValue: "field.required")
    /// Free text longer than its bound (counted in characters after NFC normalisation).
    package static let textTooLong = Self(rawValue: "text.too-long")
    /// Free text containing C0 controls, DEL or C1 controls (tabs and newlines included).
    package static let textControlCharacters = Self(rawValue: "text.control-characters")
    /// Text printed on a document containing a Unicode bidirectional control (U+202A–U+202E, U+2066–U+2069), which
    /// could reorder what a reader sees (an RTL override in a birth place).
    package static let textBidiControl = Self(rawValue: "text.bidi-control")
    /// The date of an event that has happened (vaccination, judgment, examination, encounter) lies after today
    /// (the service clock's Hà Nội date).
    package static let dateInFuture = Self(rawValue: "date.in-future")
    /// A date that is not a real calendar date written as `YYYY-MM-DD`.
    package static let dateInvalid = Self(rawValue: "date.invalid")
    /// Too many items in a list (other names, residence periods, sections).
    package static let listTooLong = Self(rawValue: "list.too-long")

    // MARK: Approval findings (what the officer states; every printed fact must be given, never defaulted)
    /// The findings carry a member their kind does not define (`conviction` beside `convictions`).
    package static let findingsUnknownMember = Self(rawValue: "findings.unknown-member")
    /// A fact the document prints is missing from the findings.
    package static let findingsRequired = Self(rawValue: "findings.required")
    /// A findings member has the wrong JSON type.
    package static let findingsTypeMismatch = Self(rawValue: "findings.type-mismatch")
    /// A findings value outside its allowed set (licence class, validity, sections other than the requested ones).
    package static let findingsInvalid = Self(rawValue: "findings.invalid")
    /// The certificate's validity has already ended on the day of approval.
    package static let findingsExpired = Self(rawValue: "findings.expired")
    /// The request does not state a fact the document prints about its holder (a residence, a birth place).
    package static let holderFactMissing = Self(rawValue: "holder.fact-missing")

    // MARK: Identity
    /// Not exactly twelve ASCII digits.
    package static let personalIdFormat = Self(rawValue: "personalId.format")
    /// The first three digits are not one of the 63 province codes.
    package static let personalIdProvinceUnknown = Self(rawValue: "personalId.province-unknown")
    /// The century/sex digit disagrees with the declared sex.
    package static let personalIdSexMismatch = Self(rawValue: "personalId.sex-mismatch")
    /// The century/sex digit disagrees with the century of the declared birth date.
    package static let personalIdCenturyMismatch = Self(rawValue: "personalId.century-mismatch")
    /// The two year digits disagree with the declared birth year.
    package static let personalIdYearMismatch = Self(rawValue: "personalId.year-mismatch")
    /// A person's name longer than its bound.
    package static let fullNameTooLong = Self(rawValue: "fullName.too-long")
    /// A person's name containing control characters.
    package static let fullNameControlCharacters = Self(rawValue: "fullName.control-characters")
    package static let birthDateInvalid = Self(rawValue: "birthDate.invalid")
    package static let birthDateInFuture = Self(rawValue: "birthDate.in-future")
    package static let sexInvalid = Self(rawValue: "sex.invalid")
    package static let assuranceUnknown = Self(rawValue: "assurance.unknown")
    /// The account is level 1; the request needs a level-2 account (criminal records: VNeID online pilot).
    package static let assuranceLevel2Required = Self(rawValue: "assurance.level2-required")
    /// Applicant or subject younger than the minimum age (16 for criminal records from 1 July 2026).
    package static let ageBelowMinimum = Self(rawValue: "age.below-minimum")

    // MARK: Who may ask
    /// Form 2 asked by someone other than the person or a parent of a minor (Art. 46(2)).
    package static let formForm2NotSelf = Self(rawValue: "form.form2-not-self")
    /// Form 2 always states bans; `statesBans: false` contradicts it.
    package static let formForm2StatesBans = Self(rawValue: "form.form2-states-bans")
    /// A parent-of-minor request about a person who is of age.
    package static let formSubjectNotMinor = Self(rawValue: "form.subject-not-minor")
    /// A self request whose `subject` is someone else.
    package static let formSubjectMismatch = Self(rawValue: "form.subject-mismatch")
    /// A request on behalf of someone that names the applicant as the subject.
    package static let formSubjectIsApplicant = Self(rawValue: "form.subject-is-applicant")
    /// A kind of request that cannot be made through an authorised proxy (health documents).
    package static let formProxyNotAllowed = Self(rawValue: "form.proxy-not-allowed")
    /// An authorised proxy outside the family needs a written authorisation reference.
    package static let proxyAuthorisationRequired = Self(rawValue: "proxy.authorisation-required")
    /// An unfinished criminal-record request of the same form already exists.
    package static let requestUnfinishedExists = Self(rawValue: "request.unfinished-exists")

    // MARK: Form contents
    package static let provinceUnknown = Self(rawValue: "province.unknown")
    /// Not an ISO 3166-1 alpha-2 code in capitals.
    package static let countryInvalid = Self(rawValue: "country.invalid")
    /// Two capitals that are not an assigned ISO 3166-1 code (``Country/all``), e.g. `XX`.
    package static let countryUnknown = Self(rawValue: "country.unknown")
    /// A request about oneself stating a nationality other than the one the identity token states.
    package static let nationalityTokenMismatch = Self(rawValue: "nationality.token-mismatch")
    /// A residence row abroad that also names a Vietnamese province.
    package static let residenceProvinceAbroad = Self(rawValue: "residenceHistory.province-abroad")
    /// A driving-licence health certificate request without its licence class.
    package static let licenceClassRequired = Self(rawValue: "healthCertificate.licence-class-required")
    /// A licence class that is not one of the fifteen of the 2024 Road Traffic Order and Safety Law.
    package static let licenceClassUnknown = Self(rawValue: "healthCertificate.licence-class-unknown")
    /// A licence class on a health certificate request that is not for driving.
    package static let licenceClassNotApplicable = Self(rawValue: "healthCertificate.licence-class-not-applicable")
    package static let residenceHistoryStartsAfterAge14 = Self(rawValue: "residenceHistory.starts-after-age-14")
    package static let residenceHistoryOverlap = Self(rawValue: "residenceHistory.overlap")
    package static let residenceHistoryInvertedPeriod = Self(rawValue: "residenceHistory.inverted-period")
    package static let residenceHistoryInFuture = Self(rawValue: "residenceHistory.in-future")
    package static let residenceHistoryBeforeBirth = Self(rawValue: "residenceHistory.before-birth")
    package static let contactPhoneInvalid = Self(rawValue: "contact.phone-invalid")
    package static let contactEmailInvalid = Self(rawValue: "contact.email-invalid")
    package static let copiesOutOfRange = Self(rawValue: "copies.out-of-range")
    package static let feeGroupUnknown = Self(rawValue: "fee.group-unknown")
    package static let healthCertificateTypeUnknown = Self(rawValue: "healthCertificate.type-unknown")
    package static let periodInverted = Self(rawValue: "period.inverted")
    package static let listDuplicate = Self(rawValue: "list.duplicate")

    // MARK: Health book
    /// Not an ICD-10 code such as `E11` or `J45.0`.
    package static let icd10Format = Self(rawValue: "icd10.format")
    package static let doseOutOfRange = Self(rawValue: "vaccination.dose-out-of-range")
    package static let encounterEndsBeforeStart = Self(rawValue: "encounter.ends-before-start")
}

import CivicSealIdentity
import CivicSealWorkflow

/// The lists the citizen's forms choose from, in the visitor's language: ISO 3166-1 countries (``Country``),
/// the provinces behind ``ProvinceCode`` and the licence classes of the 2024 law (``LicenceClass``).
extension WebPages {
    func formChoices(_ visit: WebVisit) -> CitizenForm.Choices {
        CitizenForm.Choices(
            countries: Country.sorted(language: visit.language.rawValue).map { ($0.code, $0.name(language: visit.language.rawValue)) },
            provinces: ProvinceNames.choices, licenceClasses: LicenceClass.codes.map { ($0, $0) })
    }

    /// Every code a country select may send.
    var countryCodes: Set<String> { Set(Country.all.map(\.code)) }

    /// The name of a stored country code in the page's language (the code itself if unknown).
    func countryName(_ code: String, _ visit: WebVisit) -> String {
        Country.named(code)?.name(language: visit.language.rawValue) ?? code
    }
}

extension CitizenPrincipal {
    /// The nationality the identity token states (`VN` for VNeID citizens), pre-selected on the form.
    var nationality: String? { applicant.nationality }
}

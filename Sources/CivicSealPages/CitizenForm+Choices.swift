import CivicSealIdentity
import CivicSealWorkflow
import Foundation

/// The lists the citizen's forms choose from, in the visitor's language: ISO 3166-1 countries (``Country``),
/// the provinces behind ``ProvinceCode`` and the licence classes of the 2024 law (``LicenceClass``).
extension WebPages {
    func formChoices(_ visit: WebVisit) -> CitizenForm.Choices {
        CitizenForm.Choices(
            countries: CitizenForm.countryChoices(visit.language), provinces: ProvinceNames.choices,
            licenceClasses: LicenceClass.codes.map { ($0, $0) })
    }

    /// The name of a stored country code in the page's language (the code itself if unknown).
    func countryName(_ code: String, _ visit: WebVisit) -> String {
        Country.named(code)?.name(language: visit.language.rawValue) ?? code
    }
}

extension CitizenPrincipal {
    /// The nationality the identity token states (`VN` for VNeID citizens), pre-selected on the form.
    var nationality: String? { applicant.nationality }
}

extension CitizenForm {
    /// Every ISO 3166-1 country named in `language`, Việt Nam first (the most frequent answer), the rest sorted for
    /// the language: Vietnamese names in the Vietnamese alphabet order (Áo before Ấn Độ, Đ after D), English names
    /// alphabetically. Computed once per language.
    static func countryChoices(_ language: WebLanguage) -> [(value: String, label: String)] {
        language == .vietnamese ? vietnameseCountries : englishCountries
    }

    private static let vietnameseCountries = sortedCountries("vi") {
        VietnameseOrder.key($0).lexicographicallyPrecedes(VietnameseOrder.key($1))
    }
    private static let englishCountries = sortedCountries("en") { english($0) < english($1) }

    /// English order ignores accents and case: Åland Islands with the A's, Türkiye before Turkmenistan.
    private static func english(_ name: String) -> String {
        name.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil)
    }

    private static func sortedCountries(_ language: String, by precedes: (String, String) -> Bool) -> [(
        value: String, label: String
    )] {
        let rest = Country.all.filter { $0.code != Country.vietnamCode }.map {
            (value: $0.code, label: $0.name(language: language))
        }
        .sorted { precedes($0.label, $1.label) }
        let vietnam = Country.named(Country.vietnamCode)!
        return [(vietnam.code, vietnam.name(language: language))] + rest
    }
}

/// One line of the residence history since age 14 (tờ khai, Circular 13/2011/TT-BTP): period, address, occupation.
///
/// `from` and `to` are inclusive `YYYY-MM-DD` dates; no `to` means "until now". Consecutive periods may share
/// the moving day but must not otherwise overlap.
package struct ResidencePeriod: Codable, Sendable, Hashable {
    package var from: String
    package var to: String?
    package var address: String
    /// Province code when in Việt Nam (drives the "several provinces" complexity).
    package var provinceCode: String?
    /// ISO 3166-1 alpha-2; absent means `VN`.
    package var countryCode: String?
    package var occupation: String

    package init(
        from: String, to: String? = nil, address: String, provinceCode: String? = nil, countryCode: String? = nil,
        occupation: String
    ) {
        self.from = from
        self.to = to
        self.address = address
        self.provinceCode = provinceCode
        self.countryCode = countryCode
        self.occupation = occupation
    }
}

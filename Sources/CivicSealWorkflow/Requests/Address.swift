/// A postal address as written, with the province code used for routing when the address is in Việt Nam.
package struct Address: Codable, Sendable, Hashable {
    package var line: String
    /// One of the 63 ``ProvinceCode`` values; absent abroad.
    package var provinceCode: String?
    /// ISO 3166-1 alpha-2; absent means `VN`.
    package var countryCode: String?

    package init(line: String, provinceCode: String? = nil, countryCode: String? = nil) {
        self.line = line
        self.provinceCode = provinceCode
        self.countryCode = countryCode
    }
}

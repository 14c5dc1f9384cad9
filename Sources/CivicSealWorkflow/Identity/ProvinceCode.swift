/// The three-digit province code that opens a personal ID number: the province where the birth was registered.
///
/// The 63 codes of the Ministry of Public Security's circular on ID numbers (Circular 07/2016/TT-BCA and later).
/// Province mergers in 2025 did not renumber issued IDs, so the list stays valid for parsing.
package struct ProvinceCode: RawRepresentable, Codable, Sendable, Hashable, CustomStringConvertible {
    package let rawValue: String

    /// A known code, or `nil`.
    package init?(rawValue: String) {
        guard Self.known.contains(rawValue) else { return nil }
        self.rawValue = rawValue
    }

    package var description: String { rawValue }

    package static let hanoi = ProvinceCode(rawValue: "001")!
    package static let hoChiMinhCity = ProvinceCode(rawValue: "079")!

    /// All 63 codes, in order.
    package static let all: [String] = [
        "001", "002", "004", "006", "008", "010", "011", "012", "014", "015", "017", "019", "020", "022", "024",
        "025", "026", "027", "030", "031", "033", "034", "035", "036", "037", "038", "040", "042", "044", "045",
        "046", "048", "049", "051", "052", "054", "056", "058", "060", "062", "064", "066", "067", "068", "070",
        "072", "074", "075", "077", "079", "080", "082", "083", "084", "086", "087", "089", "091", "092", "093",
        "094", "095", "096",
    ]

    static let known: Set<String> = Set(all)

    package init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let code = ProvinceCode(rawValue: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "unknown province code \"\(text)\"")
        }
        self = code
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// Why a criminal-record request gets the longer statutory deadline (Art. 48(1), Law on Judicial Records:
/// a Vietnamese citizen who resided in several places or abroad, a foreigner, or a case where the conditions
/// for expungement must be verified).
public struct CaseComplexity: Codable, Sendable, Hashable {
    /// Stable reasons, as stored and shown to officers.
    public enum Reason: String, Codable, Sendable, CaseIterable, Comparable {
        case severalProvinces = "several-provinces"
        case livedAbroad = "lived-abroad"
        case foreigner
        case expungementToVerify = "expungement-to-verify"

        public static func < (lhs: Reason, rhs: Reason) -> Bool { lhs.rawValue < rhs.rawValue }

        /// The reason as shown to citizens and officers in Vietnamese.
        public var labelVietnamese: String {
            switch self {
            case .severalProvinces: "Đã cư trú ở nhiều tỉnh, thành phố"
            case .livedAbroad: "Đã cư trú ở nước ngoài"
            case .foreigner: "Người nước ngoài"
            case .expungementToVerify: "Cần xác minh điều kiện xóa án tích"
            }
        }

        /// The reason as shown in English.
        public var labelEnglish: String {
            switch self {
            case .severalProvinces: "Lived in several provinces"
            case .livedAbroad: "Lived abroad"
            case .foreigner: "Foreign national"
            case .expungementToVerify: "Expungement to be verified"
            }
        }

        /// The label in `language` ("vi", otherwise English).
        public func label(language: String) -> String { language == "vi" ? labelVietnamese : labelEnglish }
    }

    public var reasons: Set<Reason>

    public init(reasons: Set<Reason> = []) { self.reasons = reasons }

    public var isComplex: Bool { !reasons.isEmpty }

    public static let simple = CaseComplexity()
}

/// The health classification of a general, employment or school certificate (Circular 32/2023/TT-BYT,
/// annex on health classification): class I (very good) to V (very poor).
package enum HealthClass: String, CaseIterable, Codable, Sendable, Hashable {
    case i = "I"
    case ii = "II"
    case iii = "III"
    case iv = "IV"
    case v = "V"

    package var labelVietnamese: String {
        switch self {
        case .i: "Loại I – Rất khỏe"
        case .ii: "Loại II – Khỏe"
        case .iii: "Loại III – Trung bình"
        case .iv: "Loại IV – Yếu"
        case .v: "Loại V – Rất yếu"
        }
    }

    package var labelEnglish: String {
        switch self {
        case .i: "Class I – Very good"
        case .ii: "Class II – Good"
        case .iii: "Class III – Average"
        case .iv: "Class IV – Poor"
        case .v: "Class V – Very poor"
        }
    }
}

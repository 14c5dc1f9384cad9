/// The kinds of health certificate a citizen may ask for (``HealthCertificateRequest/certificateType``), each
/// with its own document title and template (`health-certificate-<rawValue>`).
///
/// Driving: Circular 36/2024/TT-BYT (licence class, drug test). General, employment and school certificates:
/// Circular 32/2023/TT-BYT (health classification I–V).
package enum HealthCertificateType: String, CaseIterable, Codable, Sendable, Hashable {
    case drivingLicence = "driving-licence"
    case general
    case employment
    /// The "school" certificate (khám sức khỏe đi học).
    case study

    /// Whether the request names a licence class and the findings state a drug test.
    package var isDriving: Bool { self == .drivingLicence }

    /// The document title in Vietnamese, as printed.
    package var titleVietnamese: String {
        switch self {
        case .drivingLicence: "GIẤY KHÁM SỨC KHỎE CỦA NGƯỜI LÁI XE"
        case .general: "GIẤY KHÁM SỨC KHỎE"
        case .employment: "GIẤY KHÁM SỨC KHỎE ĐI LÀM"
        case .study: "GIẤY KHÁM SỨC KHỎE ĐI HỌC"
        }
    }

    /// The document title in English, as printed.
    package var titleEnglish: String {
        switch self {
        case .drivingLicence: "DRIVER'S HEALTH CERTIFICATE"
        case .general: "HEALTH CERTIFICATE"
        case .employment: "HEALTH CERTIFICATE FOR EMPLOYMENT"
        case .study: "HEALTH CERTIFICATE FOR SCHOOL"
        }
    }

    /// The type as a citizen reads it on a page.
    package var labelVietnamese: String {
        switch self {
        case .drivingLicence: "Khám sức khỏe lái xe"
        case .general: "Khám sức khỏe tổng quát"
        case .employment: "Khám sức khỏe đi làm"
        case .study: "Khám sức khỏe đi học"
        }
    }

    package var labelEnglish: String {
        switch self {
        case .drivingLicence: "Driver's health check"
        case .general: "General health check"
        case .employment: "Health check for employment"
        case .study: "Health check for school"
        }
    }

    /// The template that prints this type.
    package var templateID: String { "health-certificate-" + rawValue }
}

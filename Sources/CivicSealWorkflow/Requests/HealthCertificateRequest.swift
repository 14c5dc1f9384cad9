/// A health certificate request (JSON: `"kind": "health-certificate"`): the driver's certificate (Circular
/// 36/2024/TT-BYT, with the licence class asked for) or a general, employment or school certificate (Circular
/// 32/2023/TT-BYT). Each type has its own document (``HealthCertificateType``).
package struct HealthCertificateRequest: Codable, Sendable, Hashable {
    /// One of ``ValidationPolicy/healthCertificateTypes``, e.g. `driving-licence` (see ``HealthCertificateType``).
    package var certificateType: String
    /// The licence class examined for (one of ``LicenceClass``): required for `driving-licence`, refused otherwise.
    package var licenceClass: String?
    package var purpose: String?

    package init(certificateType: String, licenceClass: String? = nil, purpose: String? = nil) {
        self.certificateType = certificateType
        self.licenceClass = licenceClass
        self.purpose = purpose
    }

    /// The typed certificate type, nil for a type this build does not know.
    package var type: HealthCertificateType? { HealthCertificateType(rawValue: certificateType) }
}

/// A health certificate request (JSON: `"kind": "health-certificate"`), e.g. the driver's certificate, which is
/// valid 12 months (Circular 36/2024/TT-BYT).
public struct HealthCertificateRequest: Codable, Sendable, Hashable {
    /// One of ``ValidationPolicy/healthCertificateTypes``, e.g. `driving-licence`.
    public var certificateType: String
    public var purpose: String?

    public init(certificateType: String, purpose: String? = nil) {
        self.certificateType = certificateType
        self.purpose = purpose
    }
}

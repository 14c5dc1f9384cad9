/// How the office reaches the applicant; at least one of phone and e-mail.
public struct ContactDetails: Codable, Sendable, Hashable {
    /// `0…` or `+84…`, digits only (see ``ContactFormat/isValidPhone(_:)``).
    public var phone: String?
    public var email: String?

    public init(phone: String? = nil, email: String? = nil) {
        self.phone = phone
        self.email = email
    }
}

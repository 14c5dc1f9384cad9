/// How the office reaches the applicant; at least one of phone and e-mail.
package struct ContactDetails: Codable, Sendable, Hashable {
    /// `0…` or `+84…`, digits only (see ``ContactFormat/isValidPhone(_:)``).
    package var phone: String?
    package var email: String?

    package init(phone: String? = nil, email: String? = nil) {
        self.phone = phone
        self.email = email
    }
}

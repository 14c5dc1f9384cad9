/// How the result reaches the applicant. Electronic delivery puts the signed PDF in the citizen's account.
package struct DeliveryChoice: Codable, Sendable, Hashable {
    package enum Method: String, Codable, Sendable, CaseIterable {
        case electronic
        case postal
        case inPerson = "in-person"
    }

    package var method: Method
    /// Required for `postal`.
    package var postalAddress: Address?

    package init(method: Method, postalAddress: Address? = nil) {
        self.method = method
        self.postalAddress = postalAddress
    }
}

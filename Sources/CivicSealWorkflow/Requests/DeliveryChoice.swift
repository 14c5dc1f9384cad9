/// How the result reaches the applicant. Electronic delivery puts the signed PDF in the citizen's account.
public struct DeliveryChoice: Codable, Sendable, Hashable {
    public enum Method: String, Codable, Sendable, CaseIterable {
        case electronic
        case postal
        case inPerson = "in-person"
    }

    public var method: Method
    /// Required for `postal`.
    public var postalAddress: Address?

    public init(method: Method, postalAddress: Address? = nil) {
        self.method = method
        self.postalAddress = postalAddress
    }
}

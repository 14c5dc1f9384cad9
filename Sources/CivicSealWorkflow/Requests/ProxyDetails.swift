/// How an authorised proxy relates to the person. Parents, spouse and children need no written authorisation
/// for form 1 (Art. 45(2), Law on Judicial Records); anyone else must reference one.
public struct ProxyDetails: Codable, Sendable, Hashable {
    /// Family ties that need no written authorisation, and everyone else.
    public enum Kinship: String, Codable, Sendable, CaseIterable {
        case parent, spouse, child, other
    }

    public var kinship: Kinship
    /// Reference of the (notarised) written authorisation, required when `kinship` is `other`.
    public var authorisationReference: String?

    public init(kinship: Kinship, authorisationReference: String? = nil) {
        self.kinship = kinship
        self.authorisationReference = authorisationReference
    }
}

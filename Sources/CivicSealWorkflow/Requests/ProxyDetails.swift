/// How an authorised proxy relates to the person. Parents, spouse and children need no written authorisation
/// for form 1 (Art. 45(2), Law on Judicial Records); anyone else must reference one.
package struct ProxyDetails: Codable, Sendable, Hashable {
    /// Family ties that need no written authorisation, and everyone else.
    package enum Kinship: String, Codable, Sendable, CaseIterable {
        case parent, spouse, child, other
    }

    package var kinship: Kinship
    /// Reference of the (notarised) written authorisation, required when `kinship` is `other`.
    package var authorisationReference: String?

    package init(kinship: Kinship, authorisationReference: String? = nil) {
        self.kinship = kinship
        self.authorisationReference = authorisationReference
    }
}

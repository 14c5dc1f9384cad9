/// Who the applicant is to the person the document is about (Art. 45–46, Law on Judicial Records).
package enum RequesterRelation: String, Codable, Sendable, CaseIterable {
    /// The person themself (JSON `"self"`).
    case oneself = "self"
    /// A parent asking for a minor child; allowed for both forms (Art. 46(2)).
    case parentOfMinor = "parent-of-minor"
    /// Someone the person authorised; form 1 only (Art. 45(2)).
    case authorisedProxy = "authorised-proxy"
}

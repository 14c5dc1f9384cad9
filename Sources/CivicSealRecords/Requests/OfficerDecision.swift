/// What an officer decides about a request in review.
package enum OfficerDecision: Sendable, Hashable {
    /// Approve, attaching the findings (a JSON object, e.g. `{"convictions": []}`) the certificate will state.
    case approve(findingsJSON: String)
    /// Refuse, with the reasons the citizen will read (required).
    case reject(reason: String)
    /// Ask the citizen to supplement the dossier, saying what is missing (required).
    case requestInfo(reason: String)
}

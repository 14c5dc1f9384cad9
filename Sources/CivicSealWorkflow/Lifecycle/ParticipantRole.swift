/// Who may perform an action: the citizen who owns the request, an officer of the department it is routed to,
/// a clinician of a health facility (health-book entries only; no request step), or the system (issuing the signed
/// document after approval). Stored audit entries keep the role string they were written with.
package enum ParticipantRole: String, Codable, Sendable, CaseIterable {
    case citizen
    case officer
    case clinician
    case system
}

import CivicSealJSON
import CivicSealWorkflow

/// Approval findings checked with the typed decoder (``ApprovalFindings``) before anything is stored, together with the
/// request facts the document prints: a missing or unknown member is a 422 naming it.
package enum FindingsShape {
    /// The typed findings (stored as their ``ApprovalFindings/canonicalJSON``), or every issue of the findings and
    /// of the request's printed facts together.
    package static func check(
        _ findings: JSONValue, for kind: RequestKind, submission: RequestSubmission, today: CalendarDate
    ) throws(ValidationFailure) -> ApprovalFindings {
        var requested: [HealthBookSection] = []
        var certificateType: HealthCertificateType?
        if case .healthBookExtract(let details) = submission.request { requested = details.sections }
        if case .healthCertificate(let details) = submission.request { certificateType = details.type }
        var issues: [ValidationIssue] = []
        var decoded: ApprovalFindings?
        do {
            decoded = try ApprovalFindings.decode(
                findings, kind: kind, certificateType: certificateType, requestedSections: requested, today: today)
        } catch {
            issues += error.issues
        }
        do { try DocumentHolder.checkFacts(particulars: submission.particulars, kind: kind) } catch {
            issues += error.issues
        }
        guard issues.isEmpty, let decoded else { throw ValidationFailure(issues: issues) }
        return decoded
    }
}

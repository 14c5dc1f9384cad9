import CivicSealWorkflow
import Foundation

/// One step in a request's history, as shown to its citizen and its department.
package struct RequestHistoryEvent: Sendable, Hashable, Codable {
    /// 1 for the submission, then one per transition.
    package let number: Int
    package let occurredAt: Date
    /// `submit` or a ``CivicSealWorkflow/LifecycleAction`` raw value.
    package let action: String
    package let fromState: RequestState?
    package let toState: RequestState
    package let actorRole: ParticipantRole
    package let actorID: String
    package let reason: String?
    /// The audit entry written in the same transaction.
    package let auditSequence: Int64
    /// The officer's name as their staff token gave it when they took the step; nil for citizens, the system and
    /// steps recorded before names were kept.
    package var actorName: String? = nil
}

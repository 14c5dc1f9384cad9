import CivicSealWorkflow
import Foundation

/// One step in a request's history, as shown to its citizen and its department.
public struct RequestHistoryEvent: Sendable, Hashable, Codable {
    /// 1 for the submission, then one per transition.
    public let number: Int
    public let occurredAt: Date
    /// `submit` or a ``CivicSealWorkflow/LifecycleAction`` raw value.
    public let action: String
    public let fromState: RequestState?
    public let toState: RequestState
    public let actorRole: ActorRole
    public let actorID: String
    public let reason: String?
    /// The audit entry written in the same transaction.
    public let auditSequence: Int64
    /// The officer's name as their staff token gave it when they took the step; nil for citizens, the system and
    /// steps recorded before names were kept.
    public var actorName: String? = nil
}

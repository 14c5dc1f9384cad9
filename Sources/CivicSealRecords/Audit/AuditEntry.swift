import CivicSealCrypto

/// One entry of the append-only audit trail: who did what to which request, when and why, chained to the
/// previous entry by its hash.
public struct AuditEntry: Sendable, Hashable {
    /// 1, 2, 3 … without gaps.
    public let sequence: Int64
    /// Milliseconds since 1970-01-01 UTC.
    public let recordedAtMilliseconds: Int64
    public let actorID: String
    /// ``CivicSealWorkflow/ActorRole`` raw value.
    public let actorRole: String
    /// `submit`, a ``CivicSealWorkflow/LifecycleAction`` raw value, or `health-book.record`.
    public let action: String
    public let requestID: String?
    public let fromState: String?
    public let toState: String?
    /// Only what the actor typed (normalised), never anything else.
    public let reason: String?
    /// Lowercase hex SHA-256 of the previous entry; ``AuditEntry/genesisHash`` for the first.
    public let previousHash: String
    /// Lowercase hex SHA-256 of ``AuditCanonicalEncoding/encode(_:)`` of this entry.
    public private(set) var hash: String

    /// The `previousHash` of entry 1: 64 zeros.
    public static let genesisHash = String(repeating: "0", count: 64)

    /// Builds an entry; `hash` defaults to the SHA-256 of its ``AuditCanonicalEncoding``. Passing a stored hash
    /// keeps it as read, which is what ``AuditVerifier`` compares against ``computedHash``.
    public init(
        sequence: Int64, recordedAtMilliseconds: Int64, actorID: String, actorRole: String, action: String,
        requestID: String?, fromState: String?, toState: String?, reason: String?, previousHash: String,
        hash: String? = nil
    ) {
        self.sequence = sequence
        self.recordedAtMilliseconds = recordedAtMilliseconds
        self.actorID = actorID
        self.actorRole = actorRole
        self.action = action
        self.requestID = requestID
        self.fromState = fromState
        self.toState = toState
        self.reason = reason
        self.previousHash = previousHash
        self.hash = ""
        self.hash = hash ?? computedHash
    }

    /// The hash this entry's fields give (equal to ``hash`` unless the row was altered).
    public var computedHash: String { Hex.encode(Digest.sha256(AuditCanonicalEncoding.encode(self))) }
}

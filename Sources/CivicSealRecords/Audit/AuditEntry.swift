import CivicSealCrypto

/// One entry of the append-only audit trail: who did what to which request, when and why, chained to the
/// previous entry by its hash.
package struct AuditEntry: Sendable, Hashable {
    /// 1, 2, 3 … without gaps.
    package let sequence: Int64
    /// Milliseconds since 1970-01-01 UTC.
    package let recordedAtMilliseconds: Int64
    package let actorID: String
    /// ``CivicSealWorkflow/ParticipantRole`` raw value.
    package let actorRole: String
    /// `submit`, a ``CivicSealWorkflow/LifecycleAction`` raw value, or `health-book.record`.
    package let action: String
    package let requestID: String?
    package let fromState: String?
    package let toState: String?
    /// Only what the actor typed (normalised), never anything else.
    package let reason: String?
    /// Lowercase hex SHA-256 of the previous entry; ``AuditEntry/genesisHash`` for the first.
    package let previousHash: String
    /// Lowercase hex SHA-256 of ``AuditCanonicalEncoding/encode(_:)`` of this entry.
    package private(set) var hash: String

    /// The `previousHash` of entry 1: 64 zeros.
    package static let genesisHash = String(repeating: "0", count: 64)

    /// Builds an entry; `hash` defaults to the SHA-256 of its ``AuditCanonicalEncoding``. Passing a stored hash
    /// keeps it as read, which is what ``AuditVerifier`` compares against ``computedHash``.
    package init(
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
    package var computedHash: String { Hex.encode(Digest.sha256(AuditCanonicalEncoding.encode(self))) }
}

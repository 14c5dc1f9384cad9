/// The result of checking the audit chain: intact, or the first damaged entry and why.
///
/// Damage is an expected outcome of verification, so it is a value, not a thrown error.
public struct AuditVerdict: Sendable, Hashable, CustomStringConvertible {
    /// Why an entry fails verification.
    public enum Problem: String, Sendable, Hashable {
        /// The entry's fields do not hash to its stored hash (a field was edited).
        case hashMismatch = "hash-mismatch"
        /// The entry's `previous_hash` is not the previous entry's hash (an entry was replaced or re-chained).
        case brokenLink = "broken-link"
        /// The sequence number is not the previous one plus one (an entry was deleted or renumbered).
        case gap
        /// History rows point at audit entries beyond the end of the log (the tail was cut off).
        case truncated
    }

    /// The first damaged entry.
    public struct Damage: Sendable, Hashable {
        /// The sequence number of the first damaged entry (for ``Problem/truncated``, the first missing one).
        public let sequence: Int64
        public let problem: Problem

        public init(sequence: Int64, problem: Problem) {
            self.sequence = sequence
            self.problem = problem
        }
    }

    /// Entries read.
    public let entryCount: Int
    /// The hash of the last entry, to anchor the chain elsewhere (genesis hash when empty).
    public let headHash: String
    /// `nil` when the chain verifies.
    public let damage: Damage?
    /// Append-only triggers that are missing from the schema (an UPDATE or DELETE is then possible).
    public let missingTriggers: [String]

    public var isIntact: Bool { damage == nil && missingTriggers.isEmpty }

    public var description: String {
        var lines: [String] = []
        if let damage {
            lines.append("DAMAGED at entry \(damage.sequence): \(damage.problem.rawValue) (\(entryCount) entries read)")
        } else {
            lines.append("OK \(entryCount) entries, head \(headHash)")
        }
        if !missingTriggers.isEmpty {
            lines.append("append-only triggers missing: \(missingTriggers.joined(separator: ", "))")
        }
        return lines.joined(separator: "\n")
    }
}

/// The result of checking the audit chain: intact, or the first damaged entry and why.
///
/// Damage is an expected outcome of verification, so it is a value, not a thrown error.
package struct AuditVerdict: Sendable, Hashable, CustomStringConvertible {
    /// Why an entry fails verification.
    package enum Problem: String, Sendable, Hashable {
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
    package struct Damage: Sendable, Hashable {
        /// The sequence number of the first damaged entry (for ``Problem/truncated``, the first missing one).
        package let sequence: Int64
        package let problem: Problem

        package init(sequence: Int64, problem: Problem) {
            self.sequence = sequence
            self.problem = problem
        }
    }

    /// A document whose row in `documents` disagrees with the audit chain (its status was changed without an audited
    /// transition, or its issuance is not in the chain).
    package struct DocumentMismatch: Sendable, Hashable, CustomStringConvertible {
        package enum Problem: String, Sendable, Hashable {
            /// `documents.status` is not what the chain's issue and revoke entries give.
            case statusDisagrees = "status-disagrees"
            /// Revoked in both, but the stored grounds or time differ from the revoke entry's.
            case revocationDisagrees = "revocation-disagrees"
            /// The row's `audit_sequence` does not point at an `issue` entry.
            case issuanceNotInChain = "issuance-not-in-chain"
        }

        /// The document id.
        package let documentID: String
        package let problem: Problem
        /// What the table says and what the chain says, for the operator.
        package let detail: String

        package init(documentID: String, problem: Problem, detail: String) {
            self.documentID = documentID
            self.problem = problem
            self.detail = detail
        }

        package var description: String { "document \(documentID): \(problem.rawValue) (\(detail))" }
    }

    /// Entries read.
    package let entryCount: Int
    /// The hash of the last entry, to anchor the chain elsewhere (genesis hash when empty).
    package let headHash: String
    /// `nil` when the chain verifies.
    package let damage: Damage?
    /// Append-only triggers that are missing from the schema (an UPDATE or DELETE is then possible).
    package let missingTriggers: [String]
    /// Documents whose registry row disagrees with the chain, in registry order.
    package let documentMismatches: [DocumentMismatch]

    package init(
        entryCount: Int, headHash: String, damage: Damage?, missingTriggers: [String],
        documentMismatches: [DocumentMismatch] = []
    ) {
        self.entryCount = entryCount
        self.headHash = headHash
        self.damage = damage
        self.missingTriggers = missingTriggers
        self.documentMismatches = documentMismatches
    }

    package var isIntact: Bool { damage == nil && missingTriggers.isEmpty && documentMismatches.isEmpty }

    package var description: String {
        var lines: [String] = []
        if let damage {
            lines.append("DAMAGED at entry \(damage.sequence): \(damage.problem.rawValue) (\(entryCount) entries read)")
        } else {
            lines.append("OK \(entryCount) entries, head \(headHash)")
        }
        if !documentMismatches.isEmpty {
            lines.append("DOCUMENTS disagree with the audit chain: \(documentMismatches.count)")
            lines += documentMismatches.prefix(50).map { "  \($0)" }
            if documentMismatches.count > 50 { lines.append("  … and \(documentMismatches.count - 50) more") }
        }
        if !missingTriggers.isEmpty {
            lines.append("append-only triggers missing: \(missingTriggers.joined(separator: ", "))")
        }
        return lines.joined(separator: "\n")
    }
}

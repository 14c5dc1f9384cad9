import CivicSealPDF
import CivicSealWorkflow
import Foundation

/// The answer of ``DocumentVerifier``: an outcome and every named check with a message in Vietnamese and
/// English (Decree 23/2025 requires verification software to explain itself in Vietnamese). A failed check is
/// a value, never a throw.
package struct DocumentVerdict: Sendable {
    /// `valid` when every check passed; `revoked` when the document is genuine but the registry revoked it;
    /// `invalid` otherwise.
    package enum Outcome: String, Sendable {
        case valid, invalid, revoked
    }

    /// The checks, in the order they are reported. The last three run only online (with a registry).
    package enum CheckName: String, Sendable, CaseIterable {
        case structure
        case byteRange = "byte-range"
        case modifications
        case digest
        case signature
        case signingCertificate = "signing-certificate"
        case chain
        case validityAtSigningTime = "validity-at-signing-time"
        case keyUsage = "key-usage"
        case registered
        case hashMatches = "hash-matches"
        case notRevoked = "not-revoked"

        /// The checks that need only the file and the trust anchors.
        package static let offline: [CheckName] = [
            .structure, .byteRange, .modifications, .digest, .signature, .signingCertificate, .chain,
            .validityAtSigningTime, .keyUsage,
        ]
        /// The checks that also need the registry.
        package static let online: [CheckName] = [.registered, .hashMatches, .notRevoked]
    }

    /// One named check and what it found, in both languages.
    package struct Check: Sendable {
        package let name: CheckName
        package let passed: Bool
        package let vietnamese: String
        package let english: String
        /// False when the check could not run because an earlier one failed (then ``passed`` is false too, so the
        /// outcome is unchanged, but pages say "not checked" rather than "failed").
        package let wasRun: Bool

        package init(name: CheckName, passed: Bool, vietnamese: String, english: String, wasRun: Bool = true) {
            self.name = name
            self.passed = passed
            self.vietnamese = vietnamese
            self.english = english
            self.wasRun = wasRun
        }
    }

    package let outcome: Outcome
    package let checks: [Check]
    /// The signer certificate's common name.
    package let signer: String?
    /// The signer certificate's organisational unit (the department id), else its organisation.
    package let department: String?
    /// The signing time: the CMS signing-time attribute when present, else the signature dictionary's `/M`.
    package let signingTime: Date?
    package let documentID: String?
    package let documentKind: String?
    /// When the registry says the document is revoked: the date and the public reason code (never the grounds).
    package let revocation: Revocation?

    /// A revocation as verdicts show it.
    package struct Revocation: Sendable, Equatable {
        package let date: Date
        package let reason: RevocationReason

        package init(date: Date, reason: RevocationReason) {
            self.date = date
            self.reason = reason
        }
    }

    package var isValid: Bool { outcome == .valid }

    package init(
        outcome: Outcome, checks: [Check], signer: String?, department: String?, signingTime: Date?,
        documentID: String?, documentKind: String?,
        revocation: Revocation? = nil
    ) {
        self.revocation = revocation
        self.outcome = outcome
        self.checks = checks
        self.signer = signer
        self.department = department
        self.signingTime = signingTime
        self.documentID = documentID
        self.documentKind = documentKind
    }

    /// The check named `name`, when it was run.
    package func check(_ name: CheckName) -> Check? { checks.first { $0.name == name } }

    /// The names of the checks that failed, in report order.
    package var failedChecks: [CheckName] { checks.filter { !$0.passed }.map(\.name) }

    /// The verdict for the API (`JSONSerialization`-ready): `outcome`, `checks` (`name`, `passed`,
    /// `messages.vi`/`messages.en`), `signer`, `department`, `signingTime` (ISO 8601, UTC), `documentID`,
    /// `documentKind`, `revocation` (`{"date", "reason"}`: ISO 8601 and a ``RevocationReason`` code); absent values are
    /// JSON `null`.
    package func jsonObject() -> [String: Any] {
        func orNull(_ value: String?) -> Any { value ?? NSNull() }
        return [
            "outcome": outcome.rawValue,
            "checks": checks.map { check -> [String: Any] in
                [
                    "name": check.name.rawValue, "passed": check.passed,
                    "messages": ["vi": check.vietnamese, "en": check.english],
                ]
            },
            "signer": orNull(signer),
            "department": orNull(department),
            "signingTime": orNull(signingTime.map(Self.iso8601)),
            "documentID": orNull(documentID),
            "documentKind": orNull(documentKind),
            "revocation": revocation.map {
                ["date": Self.iso8601($0.date), "reason": $0.reason.rawValue] as [String: Any]
            } ?? NSNull(),
        ]
    }

    /// `2026-05-01T08:30:00Z` (UTC). Computed by hand: a formatter per verdict costs more than the signature check.
    package static func iso8601(_ date: Date) -> String {
        let (year, month, day, hour, minute, second) = PDFDateFormat.components(date)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let yearText = String(year)
        let paddedYear = String(repeating: "0", count: max(0, 4 - yearText.count)) + yearText
        return "\(paddedYear)-\(two(month))-\(two(day))T\(two(hour)):\(two(minute)):\(two(second))Z"
    }
}

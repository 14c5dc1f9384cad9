import CivicSealJSON
import CivicSealPDF
import CivicSealWorkflow
import Foundation

/// The answer of ``DocumentVerifier``: an outcome and every named check with a message in Vietnamese and
/// English (Decree 23/2025 requires verification software to explain itself in Vietnamese), and a report for each
/// signature and document timestamp. A failed check is a value, never a throw.
///
/// **Documents issued before long-term signatures** (one approval signature, PAdES B-B, no timestamp) cannot pass
/// `timestamp`, `revocation-at-signing-time`, `long-term`, `officer-signature` or `seal-signature`: nothing proves
/// when they were signed and they carry no officer's signature. The verdict says so: those checks fail with a
/// message that names the reason, and when they are the only ones that failed the outcome is ``Outcome/basic``, not
/// ``Outcome/valid`` — the seal is intact and trusted, but only at the time the signer claims. Any other failed
/// check makes the outcome ``Outcome/invalid`` as before.
package struct DocumentVerdict: Sendable {
    /// `valid` when every check passed; `basic` when the only failures are the long-term checks a single-signature
    /// B-B document cannot pass (see above); `revoked` when the document is otherwise acceptable but the registry
    /// revoked it; `invalid` otherwise.
    package enum Outcome: String, Sendable {
        case valid, invalid, revoked, basic
    }

    /// The checks, in the order they are reported. The last three run only online (with a registry).
    package enum CheckName: String, Sendable, CaseIterable {
        case structure
        case byteRange = "byte-range"
        case allowedUpdates = "allowed-updates"
        case digest
        case signature
        case signingCertificate = "signing-certificate"
        case chain
        case validityAtSigningTime = "validity-at-signing-time"
        case keyUsage = "key-usage"
        case timestamp
        case revocationAtSigningTime = "revocation-at-signing-time"
        case longTerm = "long-term"
        case officerSignature = "officer-signature"
        case sealSignature = "seal-signature"
        case registered
        case hashMatches = "hash-matches"
        case notRevoked = "not-revoked"

        /// The checks that need only the file and the trust anchors.
        package static let offline: [CheckName] = [
            .structure, .byteRange, .allowedUpdates, .digest, .signature, .signingCertificate, .chain,
            .validityAtSigningTime, .keyUsage, .timestamp, .revocationAtSigningTime, .longTerm, .officerSignature,
            .sealSignature,
        ]
        /// The checks that also need the registry.
        package static let online: [CheckName] = [.registered, .hashMatches, .notRevoked]
        /// The checks a single-signature B-B document cannot pass (its outcome is then ``Outcome/basic``).
        package static let longTermOnly: Set<CheckName> = [
            .timestamp, .revocationAtSigningTime, .longTerm, .officerSignature, .sealSignature,
        ]
    }

    /// The PAdES baseline level the file shows (ETSI EN 319 142-1 §6): signatures only, with signature timestamps,
    /// with validation data (DSS), with a document timestamp over it all.
    package enum Level: String, Sendable {
        case basic = "B-B"
        case timestamp = "B-T"
        case longTerm = "B-LT"
        case longTermArchive = "B-LTA"
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

        /// `{"name", "passed", "messages": {"vi", "en"}}`.
        package func jsonValue() -> JSONValue {
            [
                "name": .string(name.rawValue), "passed": .bool(passed),
                "messages": ["vi": .string(vietnamese), "en": .string(english)],
            ]
        }
    }

    package let outcome: Outcome
    package let checks: [Check]
    /// The seal's (last approval signature's) certificate common name.
    package let signer: String?
    /// The seal certificate's organisational unit (the department id), else its organisation.
    package let department: String?
    /// The seal's signing time: its signature timestamp's time when it has one, else the CMS signing-time, else
    /// the signature dictionary's `/M` (a claim).
    package let signingTime: Date?
    package let documentID: String?
    package let documentKind: String?
    /// When the registry says the document is revoked: the date and the public reason code (never the grounds).
    package let revocation: Revocation?
    /// Every approval signature and document timestamp, in the order they were made.
    package let signatures: [SignatureReport]
    /// The officer's (first approval signature's) certificate common name, when the document has two.
    package let officer: String?
    /// The PAdES level the file shows; nil when no signature could be read.
    package let level: Level?

    /// A revocation as verdicts show it.
    package struct Revocation: Sendable, Equatable {
        package let date: Date
        package let reason: RevocationReason
        /// The document that replaces it (re-issued after a seal key compromise), when the registry names one.
        package let supersededBy: String?

        package init(date: Date, reason: RevocationReason, supersededBy: String? = nil) {
            self.date = date
            self.reason = reason
            self.supersededBy = supersededBy
        }

        /// `revoked: key compromise; superseded by ‹id›` (English) — or without the second part.
        package var english: String {
            "revoked: \(reason.english)" + (supersededBy.map { "; superseded by \($0)" } ?? "")
        }

        /// `đã thu hồi: khóa ký bị lộ; được thay thế bằng ‹id›`.
        package var vietnamese: String {
            "đã thu hồi: \(reason.vietnamese)" + (supersededBy.map { "; được thay thế bằng \($0)" } ?? "")
        }
    }

    package var isValid: Bool { outcome == .valid }

    package init(
        outcome: Outcome, checks: [Check], signer: String?, department: String?, signingTime: Date?,
        documentID: String?, documentKind: String?,
        revocation: Revocation? = nil, signatures: [SignatureReport] = [], officer: String? = nil, level: Level? = nil
    ) {
        self.revocation = revocation
        self.outcome = outcome
        self.checks = checks
        self.signer = signer
        self.department = department
        self.signingTime = signingTime
        self.documentID = documentID
        self.documentKind = documentKind
        self.signatures = signatures
        self.officer = officer
        self.level = level
    }

    /// The check named `name`, when it was run.
    package func check(_ name: CheckName) -> Check? { checks.first { $0.name == name } }

    /// The names of the checks that failed, in report order.
    package var failedChecks: [CheckName] { checks.filter { !$0.passed }.map(\.name) }

    /// The verdict for the API: `outcome`, `level` (`B-B` … `B-LTA`), `checks` (`name`, `passed`,
    /// `messages.vi`/`messages.en`), `signer`, `department`, `officer`, `signingTime` (ISO 8601, UTC), `documentID`,
    /// `documentKind`, `revocation` (`{"date", "reason", "supersededBy"}`: ISO 8601, a ``RevocationReason`` code and
    /// the replacing document's id or null), `signatures`
    /// (see ``SignatureReport/jsonValue()``); absent values are JSON `null`.
    package func jsonValue() -> JSONValue {
        func orNull(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        return [
            "outcome": .string(outcome.rawValue),
            "level": orNull(level?.rawValue),
            "checks": .array(checks.map { $0.jsonValue() }),
            "signer": orNull(signer),
            "department": orNull(department),
            "officer": orNull(officer),
            "signingTime": orNull(signingTime.map(Self.iso8601)),
            "documentID": orNull(documentID),
            "documentKind": orNull(documentKind),
            "revocation": revocation.map {
                [
                    "date": .string(Self.iso8601($0.date)), "reason": .string($0.reason.rawValue),
                    "supersededBy": orNull($0.supersededBy),
                ]
            } ?? .null,
            "signatures": .array(signatures.map { $0.jsonValue() }),
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

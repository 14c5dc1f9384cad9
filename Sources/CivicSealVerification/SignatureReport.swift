import CivicSealJSON
import Foundation

/// One signature of a document as the verifier found it: who made it, in which role, when (as claimed and as a
/// timestamp proves), which revision it covers, and the checks that concern it alone.
package struct SignatureReport: Sendable {
    /// What the signature is for. An approval signature's role comes from its certificate's policy
    /// (``DocumentVerifier/officerPolicy``, ``DocumentVerifier/sealPolicy``); a certificate with neither takes the
    /// role of its place: the last approval signature is the seal, an earlier one the officer.
    package enum Role: String, Sendable {
        case officer, seal
        case documentTimestamp = "document-timestamp"
    }

    package let role: Role
    /// The signature field's name (`/T`), when a field refers to it.
    package let field: String?
    /// The signer certificate's (for a document timestamp: the TSA certificate's) common name.
    package let signer: String?
    /// The signer certificate's `title` attribute (an officer's title), when present.
    package let title: String?
    /// The signer certificate's organisational unit (the department id), else its organisation.
    package let department: String?
    /// The time the signature is judged at: the timestamp's time when one proves it, else the claimed time.
    package let signingTime: Date?
    /// The signature timestamp's (or the document timestamp's) `genTime`, when there is one.
    package let timestampTime: Date?
    /// The revision whose end the signature covers, counting from 1 (the original file); nil when none.
    package let revision: Int?
    /// The checks of this signature alone (byte range, digest, signature, certificate, timestamp, revocation).
    package let checks: [DocumentVerdict.Check]

    package init(
        role: Role, field: String?, signer: String?, title: String? = nil, department: String?, signingTime: Date?,
        timestampTime: Date?, revision: Int?, checks: [DocumentVerdict.Check]
    ) {
        self.role = role
        self.field = field
        self.signer = signer
        self.title = title
        self.department = department
        self.signingTime = signingTime
        self.timestampTime = timestampTime
        self.revision = revision
        self.checks = checks
    }

    /// Whether every check of this signature passed.
    package var passed: Bool { checks.allSatisfy(\.passed) }

    /// `{"role", "field", "signer", "title", "department", "signingTime", "timestampTime", "revision", "passed",
    /// "checks"}`; absent values are JSON `null`, times ISO 8601 UTC.
    package func jsonValue() -> JSONValue {
        func orNull(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        return [
            "role": .string(role.rawValue),
            "field": orNull(field),
            "signer": orNull(signer),
            "title": orNull(title),
            "department": orNull(department),
            "signingTime": orNull(signingTime.map(DocumentVerdict.iso8601)),
            "timestampTime": orNull(timestampTime.map(DocumentVerdict.iso8601)),
            "revision": revision.map { .number(String($0)) } ?? .null,
            "passed": .bool(passed),
            "checks": .array(checks.map { $0.jsonValue() }),
        ]
    }

    /// The role in words, for messages and pages.
    package var roleName: (vietnamese: String, english: String) {
        switch role {
        case .officer: ("chữ ký của người có thẩm quyền", "the officer's signature")
        case .seal: ("chữ ký của cơ quan (con dấu)", "the department's seal")
        case .documentTimestamp: ("dấu thời gian tài liệu", "the document timestamp")
        }
    }
}

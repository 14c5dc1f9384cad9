/// Why a document was revoked, from a fixed list (after RFC 5280 §5.3.1's reason codes): the only reason anyone
/// without a staff token sees. The officer's free-text grounds stay internal (history, audit trail).
/// Raw values are stable: stored in `documents.revocation_code` and shown in public verdicts.
package enum RevocationReason: String, Sendable, CaseIterable, Codable, Hashable {
    /// The document should never have been issued (wrong person, wrong facts).
    case issuedInError = "issued-in-error"
    /// A corrected or newer document replaces it.
    case superseded
    /// The holder asked for it to be withdrawn.
    case holderRequest = "holder-request"
    /// The seal's private key is, or may be, compromised.
    case keyCompromise = "key-compromise"
    /// What the document attests no longer holds, or the issuing office ceased the activity it attested.
    case cessationOfOperation = "cessation-of-operation"
    /// Recorded before reasons were coded; never accepted for a new revocation.
    case unspecified

    /// The codes an officer may choose for a new revocation (everything but ``unspecified``).
    package static let selectable: [RevocationReason] = allCases.filter { $0 != .unspecified }

    /// A new revocation's reason from its code; nil for an unknown code or ``unspecified``.
    package init?(selectable code: String) {
        guard let reason = RevocationReason(rawValue: code), reason != .unspecified else { return nil }
        self = reason
    }

    /// The reason in Vietnamese, as verdicts and pages print it.
    package var vietnamese: String {
        switch self {
        case .issuedInError: "cấp nhầm"
        case .superseded: "đã được thay thế bằng văn bản khác"
        case .holderRequest: "theo yêu cầu của người được cấp"
        case .keyCompromise: "khóa ký bị lộ"
        case .cessationOfOperation: "nội dung xác nhận không còn hiệu lực"
        case .unspecified: "không nêu"
        }
    }

    /// The reason in English.
    package var english: String {
        switch self {
        case .issuedInError: "issued in error"
        case .superseded: "superseded by another document"
        case .holderRequest: "at the holder's request"
        case .keyCompromise: "key compromise"
        case .cessationOfOperation: "what it attests no longer holds"
        case .unspecified: "unspecified"
        }
    }
}

extension RevocationReason {
    /// The text a revocation's audit entry records: `"[code] grounds"`, so the public code is covered by the audit
    /// chain's hash together with the internal grounds, and `audit verify` can check `documents.revocation_code`.
    package static func auditText(code: RevocationReason, grounds: String) -> String {
        "[\(code.rawValue)] \(grounds)"
    }

    /// The code and grounds of an audit entry's text written by ``auditText(code:grounds:)``; nil for any other text
    /// (revocations recorded before codes existed).
    package static func parseAuditText(_ text: String) -> (code: RevocationReason, grounds: String)? {
        guard text.hasPrefix("["), let close = text.firstIndex(of: "]") else { return nil }
        let code = text[text.index(after: text.startIndex)..<close]
        let rest = text[text.index(after: close)...]
        guard let reason = RevocationReason(rawValue: String(code)), rest.hasPrefix(" ") else { return nil }
        return (reason, String(rest.dropFirst()))
    }
}

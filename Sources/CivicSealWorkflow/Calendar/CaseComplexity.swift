/// Why a criminal-record request gets the longer statutory deadline (Art. 48(1), Law on Judicial Records:
/// a Vietnamese citizen who resided in several places or abroad, a foreigner, or a case where the conditions
/// for expungement must be verified).
package struct CaseComplexity: Codable, Sendable, Hashable {
    /// Stable reasons, as stored and shown to officers.
    package enum Reason: String, Codable, Sendable, CaseIterable, Comparable {
        case severalProvinces = "several-provinces"
        case livedAbroad = "lived-abroad"
        case foreigner
        case expungementToVerify = "expungement-to-verify"

        package static func < (lhs: Reason, rhs: Reason) -> Bool { lhs.rawValue < rhs.rawValue }

        /// The reason as shown to citizens and officers in Vietnamese.
        package var labelVietnamese: String {
            switch self {
            case .severalProvinces: "Đã cư trú ở nhiều tỉnh, thành phố"
            case .livedAbroad: "Đã cư trú ở nước ngoài"
            case .foreigner: "Người nước ngoài"
            case .expungementToVerify: "Cần xác minh điều kiện xóa án tích"
            }
        }

        /// The reason as shown in English.
        package var labelEnglish: String {
            switch self {
            case .severalProvinces: "Lived in several provinces"
            case .livedAbroad: "Lived abroad"
            case .foreigner: "Foreign national"
            case .expungementToVerify: "Expungement to be verified"
            }
        }

        /// The label in `language` ("vi", otherwise English).
        package func label(language: String) -> String { language == "vi" ? labelVietnamese : labelEnglish }
    }

    package var reasons: Set<Reason>

    package init(reasons: Set<Reason> = []) { self.reasons = reasons }

    package var isComplex: Bool { !reasons.isEmpty }

    package static let simple = CaseComplexity()
}

extension CaseComplexity {
    /// The reasons as stored (`requests.complexity_override`): raw values sorted and comma-separated; `""` is simple.
    package var storedText: String { reasons.sorted().map(\.rawValue).joined(separator: ",") }

    /// The complexity a stored text names; nil for text ``storedText`` never writes (an unknown or repeated reason).
    package init?(storedText: String) {
        guard !storedText.isEmpty else {
            self.init()
            return
        }
        let parts = storedText.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let reasons = parts.compactMap(Reason.init(rawValue:))
        guard reasons.count == parts.count, Set(reasons).count == reasons.count else { return nil }
        self.init(reasons: Set(reasons))
    }

    /// The text an officer's complexity step records in the audit trail: `"[several-provinces,lived-abroad] reason"`
    /// (`"[simple] reason"` for none), so the complexity set is covered by the chain's hash with the reason given.
    package static func auditText(_ complexity: CaseComplexity, reason: String) -> String {
        "[\(complexity.isComplex ? complexity.storedText : "simple")] \(reason)"
    }

    /// The complexity and reason of a text written by ``auditText(_:reason:)``; nil for any other text.
    package static func parseAuditText(_ text: String) -> (complexity: CaseComplexity, reason: String)? {
        guard text.hasPrefix("["), let close = text.firstIndex(of: "]") else { return nil }
        let inner = String(text[text.index(after: text.startIndex)..<close])
        let rest = text[text.index(after: close)...]
        guard rest.hasPrefix(" "), inner != "",
            let complexity = inner == "simple" ? CaseComplexity() : CaseComplexity(storedText: inner)
        else { return nil }
        return (complexity, String(rest.dropFirst()))
    }
}

/// Why a criminal-record request gets the longer statutory deadline (Art. 48(1), Law on Judicial Records:
/// a Vietnamese citizen who resided in several places or abroad, a foreigner, or a case where the conditions
/// for expungement must be verified).
public struct CaseComplexity: Codable, Sendable, Hashable {
    /// Stable reasons, as stored and shown to officers.
    public enum Reason: String, Codable, Sendable, CaseIterable, Comparable {
        case severalProvinces = "several-provinces"
        case livedAbroad = "lived-abroad"
        case foreigner
        case expungementToVerify = "expungement-to-verify"

        public static func < (lhs: Reason, rhs: Reason) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    public var reasons: Set<Reason>

    public init(reasons: Set<Reason> = []) { self.reasons = reasons }

    public var isComplex: Bool { !reasons.isEmpty }

    public static let simple = CaseComplexity()
}

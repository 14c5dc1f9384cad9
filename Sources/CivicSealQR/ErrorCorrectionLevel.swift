/// The four error-correction levels of ISO/IEC 18004:2015 §5.3.8 (Table 13 gives their format bits).
///
/// Roughly 7 % (L), 15 % (M), 25 % (Q) and 30 % (H) of the codewords can be restored.
package enum ErrorCorrectionLevel: Int, CaseIterable, Sendable, Hashable, CustomStringConvertible {
    case low = 0
    case medium = 1
    case quartile = 2
    case high = 3

    /// The two-bit level indicator placed in the format information (§7.9.1, Table 12): L = 01, M = 00, Q = 11, H = 10.
    var formatBits: Int {
        switch self {
        case .low: 0b01
        case .medium: 0b00
        case .quartile: 0b11
        case .high: 0b10
        }
    }

    /// The one-letter name used by the standard: L, M, Q or H.
    package var description: String {
        switch self {
        case .low: "L"
        case .medium: "M"
        case .quartile: "Q"
        case .high: "H"
        }
    }
}

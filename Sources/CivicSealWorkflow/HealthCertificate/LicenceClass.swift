/// A driving-licence class of the Road Traffic Order and Safety Law 2024 (36/2024/QH15, Art. 57, in force from
/// 1 January 2025): exactly these fifteen. The older class E no longer exists and is refused.
package enum LicenceClass: String, CaseIterable, Codable, Sendable, Hashable {
    case a1 = "A1"
    case a = "A"
    case b1 = "B1"
    case b = "B"
    case c1 = "C1"
    case c = "C"
    case d1 = "D1"
    case d2 = "D2"
    case d = "D"
    case be = "BE"
    case c1e = "C1E"
    case ce = "CE"
    case d1e = "D1E"
    case d2e = "D2E"
    case de = "DE"

    /// The class codes in the law's order, as the pages list them.
    package static let codes: [String] = allCases.map(\.rawValue)
}

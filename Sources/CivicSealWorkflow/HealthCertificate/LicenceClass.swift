/// A driving-licence class of the Road Traffic Order and Safety Law 2024 (36/2024/QH15, Art. 57, in force from
/// 1 January 2025): exactly these fifteen. The older class E no longer exists and is refused.
public enum LicenceClass: String, CaseIterable, Codable, Sendable, Hashable {
    case a1 = "A1", a = "A", b1 = "B1", b = "B", c1 = "C1", c = "C", d1 = "D1", d2 = "D2", d = "D"
    case be = "BE", c1e = "C1E", ce = "CE", d1e = "D1E", d2e = "D2E", de = "DE"

    /// The class codes in the law's order, as the pages list them.
    public static let codes: [String] = allCases.map(\.rawValue)
}

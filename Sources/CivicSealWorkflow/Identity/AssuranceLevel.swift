/// Assurance level of a national identity (VNeID) account (Decree 69/2024/NĐ-CP): level 1 is self-registered,
/// level 2 was verified in person with face and fingerprints.
package enum AssuranceLevel: String, Codable, Sendable, CaseIterable, Comparable {
    case level1
    case level2

    package static func < (lhs: AssuranceLevel, rhs: AssuranceLevel) -> Bool {
        lhs == .level1 && rhs == .level2
    }
}

/// An agency that decides requests, as configuration data.
///
/// Authorities change: criminal records moved from the provincial Department of Justice to provincial police on
/// 1 March 2025. A new authority is a new `Department` plus routing rules, not code.
public struct Department: Codable, Sendable, Hashable, Identifiable {
    /// Stable id, e.g. `justice-hanoi`.
    public var id: String
    public var nameVietnamese: String
    public var nameEnglish: String
    public var roles: [DepartmentRole]

    public init(id: String, nameVietnamese: String, nameEnglish: String, roles: [DepartmentRole] = DepartmentRole.allCases) {
        self.id = id
        self.nameVietnamese = nameVietnamese
        self.nameEnglish = nameEnglish
        self.roles = roles
    }

    public static let justiceHanoi = Department(
        id: "justice-hanoi", nameVietnamese: "Sở Tư pháp thành phố Hà Nội", nameEnglish: "Hanoi Department of Justice")
    public static let healthHanoi = Department(
        id: "health-hanoi", nameVietnamese: "Sở Y tế thành phố Hà Nội", nameEnglish: "Hanoi Department of Health")
}

/// Requests of `kind` from `province` go to `department`. `province` is a ``ProvinceCode`` or `*` for any.
public struct RoutingRule: Codable, Sendable, Hashable {
    public static let anyProvince = "*"

    public var kind: RequestKind
    public var province: String
    public var department: String

    public init(kind: RequestKind, province: String = RoutingRule.anyProvince, department: String) {
        self.kind = kind
        self.province = province
        self.department = department
    }
}

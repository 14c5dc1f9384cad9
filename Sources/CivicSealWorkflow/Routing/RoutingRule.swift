/// Requests of `kind` from `province` go to `department`. `province` is a ``ProvinceCode`` or `*` for any.
package struct RoutingRule: Codable, Sendable, Hashable {
    package static let anyProvince = "*"

    package var kind: RequestKind
    package var province: String
    package var department: String

    package init(kind: RequestKind, province: String = RoutingRule.anyProvince, department: String) {
        self.kind = kind
        self.province = province
        self.department = department
    }
}

/// Maps (kind, province) to the department queue that decides the request.
///
/// An exact province rule wins over the `*` rule of the same kind; the first matching rule in list order wins
/// among equals. Defaults: criminal records to `justice-hanoi`, health documents to `health-hanoi`.
package struct RoutingTable: Codable, Sendable, Hashable {
    package var rules: [RoutingRule]

    package init(rules: [RoutingRule] = RoutingTable.defaultRules) { self.rules = rules }

    package static let defaultRules: [RoutingRule] = [
        RoutingRule(kind: .criminalRecord, department: Department.justiceHanoi.id),
        RoutingRule(kind: .healthCertificate, department: Department.healthHanoi.id),
        RoutingRule(kind: .healthBookExtract, department: Department.healthHanoi.id),
    ]

    /// The department id, or `nil` when no rule matches. A `nil` province (abroad, unknown) matches only `*`.
    package func departmentID(for kind: RequestKind, province: ProvinceCode?) -> String? {
        let ofKind = rules.filter { $0.kind == kind }
        if let province, let exact = ofKind.first(where: { $0.province == province.rawValue }) {
            return exact.department
        }
        return ofKind.first { $0.province == RoutingRule.anyProvince }?.department
    }

    /// The kinds some rule sends to `department` (its queue's kinds).
    package func kinds(handledBy department: String) -> Set<RequestKind> {
        Set(rules.filter { $0.department == department }.map(\.kind))
    }
}

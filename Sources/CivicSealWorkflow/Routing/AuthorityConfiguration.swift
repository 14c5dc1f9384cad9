/// Departments and routing together: the whole "who decides" configuration, loaded from JSON.
package struct AuthorityConfiguration: Codable, Sendable, Hashable {
    package var departments: [Department]
    package var routing: RoutingTable

    package init(
        departments: [Department] = [.justiceHanoi, .healthHanoi], routing: RoutingTable = RoutingTable()
    ) {
        self.departments = departments
        self.routing = routing
    }

    package func department(id: String) -> Department? { departments.first { $0.id == id } }

    /// The department deciding a request of `kind` from `province`.
    package func route(_ kind: RequestKind, province: ProvinceCode?) -> Department? {
        routing.departmentID(for: kind, province: province).flatMap(department(id:))
    }

    /// Configuration mistakes: duplicate department ids, rules naming unknown departments or provinces,
    /// kinds with no `*` rule.
    package func problems() -> [ValidationIssue] {
        var issues = IssueCollector()
        var seen: Set<String> = []
        for (index, department) in departments.enumerated() where !seen.insert(department.id).inserted {
            issues.add("departments[\(index)].id", .listDuplicate, "department \(department.id) defined twice")
        }
        for (index, rule) in routing.rules.enumerated() {
            if department(id: rule.department) == nil {
                issues.add("routing.rules[\(index)].department", .fieldRequired, "no department \(rule.department)")
            }
            if rule.province != RoutingRule.anyProvince && ProvinceCode(rawValue: rule.province) == nil {
                issues.add("routing.rules[\(index)].province", .provinceUnknown, "unknown province \(rule.province)")
            }
        }
        for kind in RequestKind.allCases
        where !routing.rules.contains(where: { $0.kind == kind && $0.province == RoutingRule.anyProvince }) {
            issues.add("routing.rules", .fieldRequired, "no default (*) rule for \(kind.rawValue)")
        }
        return issues.issues
    }
}

/// Every problem found in one input, reported together so a citizen can fix the form in one pass.
package struct ValidationFailure: Error, Codable, Sendable, Hashable, CustomStringConvertible {
    package var issues: [ValidationIssue]

    package init(issues: [ValidationIssue]) { self.issues = issues }

    package var codes: [ValidationCode] { issues.map(\.code) }

    package func contains(_ code: ValidationCode, at field: String? = nil) -> Bool {
        issues.contains { $0.code == code && (field == nil || $0.field == field) }
    }

    package var description: String { issues.map(\.description).joined(separator: "; ") }
}

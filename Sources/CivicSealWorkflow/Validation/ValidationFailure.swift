/// Every problem found in one input, reported together so a citizen can fix the form in one pass.
public struct ValidationFailure: Error, Codable, Sendable, Hashable, CustomStringConvertible {
    public var issues: [ValidationIssue]

    public init(issues: [ValidationIssue]) { self.issues = issues }

    public var codes: [ValidationCode] { issues.map(\.code) }

    public func contains(_ code: ValidationCode, at field: String? = nil) -> Bool {
        issues.contains { $0.code == code && (field == nil || $0.field == field) }
    }

    public var description: String { issues.map(\.description).joined(separator: "; ") }
}

/// One refused field: where (a path such as `residenceHistory[2].to`), why (a stable ``ValidationCode``)
/// and a message for people (English; clients translate by code).
public struct ValidationIssue: Error, Codable, Sendable, Hashable, CustomStringConvertible {
    public var field: String
    public var code: ValidationCode
    public var message: String

    public init(field: String, code: ValidationCode, message: String) {
        self.field = field
        self.code = code
        self.message = message
    }

    public var description: String { "\(field): \(code) (\(message))" }
}

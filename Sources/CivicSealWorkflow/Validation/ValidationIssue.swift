/// One refused field: where (a path such as `residenceHistory[2].to`), why (a stable ``ValidationCode``)
/// and a message for people (English; clients translate by code).
package struct ValidationIssue: Error, Codable, Sendable, Hashable, CustomStringConvertible {
    package var field: String
    package var code: ValidationCode
    package var message: String

    package init(field: String, code: ValidationCode, message: String) {
        self.field = field
        self.code = code
        self.message = message
    }

    package var description: String { "\(field): \(code) (\(message))" }
}

/// A template refused at load: a stable ``Code``, the template file, the place inside it as a JSON path
/// (`blocks[3].rows[1].field`), and a message that names the offending value.
package struct DocumentTemplateError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Stable codes; compare errors by code, not by message.
    package enum Code: String, Sendable {
        case unreadable = "template.unreadable"
        case invalidJSON = "template.invalid-json"
        case missingMember = "template.missing-member"
        case unknownMember = "template.unknown-member"
        case wrongType = "template.wrong-type"
        case invalidValue = "template.invalid-value"
        case unknownBlockType = "template.unknown-block-type"
        case unknownField = "template.unknown-field"
        case unclosedPlaceholder = "template.unclosed-placeholder"
        case missingVocabulary = "template.missing-vocabulary"
        case outsidePage = "template.outside-page"
        case duplicateTemplate = "template.duplicate-id"
    }

    package let code: Code
    /// The template file's name (e.g. `criminal-record-form-1.json`).
    package let file: String
    /// A JSON path to the offending value; empty for the whole file.
    package let path: String
    package let message: String

    package init(_ code: Code, file: String, path: String, _ message: String) {
        self.code = code
        self.file = file
        self.path = path
        self.message = message
    }

    /// `criminal-record-form-1.json: blocks[3].rows[1].field: unknown field "holder.fullname"`.
    package var description: String { path.isEmpty ? "\(file): \(message)" : "\(file): \(path): \(message)" }

    package static func == (lhs: DocumentTemplateError, rhs: DocumentTemplateError) -> Bool { lhs.code == rhs.code }
}

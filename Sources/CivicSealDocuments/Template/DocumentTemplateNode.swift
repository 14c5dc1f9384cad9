import CivicSealJSON

/// A JSON value with its path in the template file, so every complaint can say where it is.
struct DocumentTemplateNode {
    let value: JSONValue
    let path: String
    let file: String

    func error(_ code: DocumentTemplateError.Code, _ message: String, at path: String? = nil) -> DocumentTemplateError {
        DocumentTemplateError(code, file: file, path: path ?? self.path, message)
    }

    func child(_ name: String) -> String { path.isEmpty ? name : "\(path).\(name)" }

    /// The members of an object, refusing members not in `allowed` (a misspelt `widht` must not be ignored).
    func object(allowed: Set<String>) throws(DocumentTemplateError) -> [String: JSONValue] {
        guard case .object(let members) = value else {
            throw error(.wrongType, "expected an object, found \(value.typeName)")
        }
        for name in members.keys.sorted() where !allowed.contains(name) {
            throw error(
                .unknownMember, "unknown member \"\(name)\" (allowed: \(allowed.sorted().joined(separator: ", ")))",
                at: child(name))
        }
        return members
    }

    func member(_ name: String) throws(DocumentTemplateError) -> DocumentTemplateNode {
        guard let node = optionalMember(name) else {
            throw error(.missingMember, "missing member \"\(name)\"", at: child(name))
        }
        return node
    }

    func optionalMember(_ name: String) -> DocumentTemplateNode? {
        guard case .object(let members) = value, let member = members[name], member != .null else { return nil }
        return DocumentTemplateNode(value: member, path: child(name), file: file)
    }

    func string() throws(DocumentTemplateError) -> String {
        guard case .string(let text) = value else {
            throw error(.wrongType, "expected a string, found \(value.typeName)")
        }
        return text
    }

    func nonEmptyString() throws(DocumentTemplateError) -> String {
        let text = try string()
        guard !text.isEmpty else { throw error(.invalidValue, "must not be empty") }
        return text
    }

    func bool() throws(DocumentTemplateError) -> Bool {
        guard case .bool(let flag) = value else {
            throw error(.wrongType, "expected true or false, found \(value.typeName)")
        }
        return flag
    }

    func number() throws(DocumentTemplateError) -> Double {
        guard case .number = value, let number = value.doubleValue, number.isFinite else {
            throw error(.wrongType, "expected a number, found \(value.typeName)")
        }
        return number
    }

    /// A size or distance: a number ≥ 0 (or > 0 when `positive`).
    func size(positive: Bool = false) throws(DocumentTemplateError) -> Double {
        let number = try number()
        guard positive ? number > 0 : number >= 0 else {
            throw error(.invalidValue, "must be \(positive ? "positive" : "zero or positive"), found \(number)")
        }
        return number
    }

    func array() throws(DocumentTemplateError) -> [DocumentTemplateNode] {
        guard case .array(let elements) = value else {
            throw error(.wrongType, "expected an array, found \(value.typeName)")
        }
        return elements.enumerated().map { DocumentTemplateNode(value: $1, path: "\(path)[\($0)]", file: file) }
    }

    func optionalSize(_ name: String, default fallback: Double, positive: Bool = false) throws(DocumentTemplateError)
        -> Double
    {
        guard let node = optionalMember(name) else { return fallback }
        return try node.size(positive: positive)
    }

    func choice<T: RawRepresentable>(_ name: String, default fallback: T) throws(DocumentTemplateError) -> T
    where T.RawValue == String {
        guard let node = optionalMember(name) else { return fallback }
        let text = try node.string()
        guard let choice = T(rawValue: text) else {
            throw node.error(.invalidValue, "\"\(text)\" is not a valid \(name)")
        }
        return choice
    }
}

extension JSONValue {
    var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

import CivicSealJSON
import Foundation

/// The JSON conventions of the workflow model (camelCase keys, ISO 8601 instants) and decoding that turns
/// `DecodingError` into ``ValidationFailure`` with a precise field path such as `residenceHistory[1].from`.
package enum WorkflowJSON {
    /// `value` as compact JSON with sorted members: the bytes Foundation's `JSONEncoder` (`.sortedKeys`,
    /// `.iso8601`) wrote for the rows stored before the JSON module had its own encoder, byte for byte
    /// (``CivicSealJSON/JSONWriter/Escaping/foundation``).
    package static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        try JSONValueEncoder().encodeText(value, escaping: .foundation)
    }

    /// Decodes JSON this service wrote itself (stored rows) with the strict reader, without the size limit meant
    /// for request bodies; untrusted input goes through ``decode(_:from:rejectingUnknownKeys:limits:)``.
    package static func decodeStored<T: Decodable>(_ type: T.Type, from bytes: some ContiguousBytes) throws -> T {
        try JSONValueDecoder().decode(type, from: bytes, limits: JSONLimits(maximumDepth: 256, maximumBytes: .max))
    }

    /// Decodes `bytes` with the one strict reader (``CivicSealJSON/StrictJSONParser``: duplicate members refused
    /// after unescaping, depth and size bounded) and ``CivicSealJSON/JSONValueDecoder``; Foundation's `JSONDecoder`
    /// never sees the input. A structural error becomes one issue with a stable `json.*` code and the path of the
    /// member (`json.duplicate-member` at `copies`).
    ///
    /// With `rejectingUnknownKeys` (the default), every key the model does not know is reported as
    /// `json.unknown-field`, so a misspelt `"statesBan": true` is not silently dropped, and a member whose value is
    /// `null` as `json.null-value` (an optional member is left out, never null). Detection re-encodes the decoded value
    /// (our own output) and looks for input keys that the model did not keep.
    package static func decode<T: Codable>(
        _ type: T.Type, from bytes: some ContiguousBytes, rejectingUnknownKeys: Bool = true,
        limits: JSONLimits = .standard
    ) -> Result<T, ValidationFailure> {
        let input: JSONValue
        do { input = try JSONValue(parsing: bytes, limits: limits) } catch {
            return .failure(
                ValidationFailure(issues: [
                    ValidationIssue(
                        field: error.path, code: ValidationCode(rawValue: error.code.rawValue), message: error.message)
                ]))
        }
        do {
            let value = try JSONValueDecoder().decode(type, from: input)
            if rejectingUnknownKeys {
                let kept = try JSONValueEncoder().encode(value)
                var unknown: [ValidationIssue] = []
                collectUnknownKeys(input: input, kept: kept, path: "", into: &unknown)
                if !unknown.isEmpty { return .failure(ValidationFailure(issues: unknown)) }
            }
            return .success(value)
        } catch let error as DecodingError {
            return .failure(ValidationFailure(issues: [issue(for: error)]))
        } catch {
            return .failure(
                ValidationFailure(issues: [
                    ValidationIssue(field: "", code: .jsonMalformed, message: "body could not be decoded")
                ]))
        }
    }

    static func issue(for error: DecodingError) -> ValidationIssue {
        switch error {
        case .keyNotFound(let key, let context):
            return ValidationIssue(
                field: path(context.codingPath + [key]), code: .jsonMissingField, message: "required key is missing")
        case .valueNotFound(let type, let context):
            return ValidationIssue(
                field: path(context.codingPath), code: .jsonNullValue, message: "expected \(type), found null")
        case .typeMismatch(let type, let context):
            return ValidationIssue(
                field: path(context.codingPath), code: .jsonTypeMismatch, message: "expected \(jsonName(type))")
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                return ValidationIssue(field: "", code: .jsonMalformed, message: "body is not valid JSON")
            }
            return ValidationIssue(
                field: path(context.codingPath), code: .jsonInvalidValue, message: context.debugDescription)
        @unknown default:
            return ValidationIssue(field: "", code: .jsonMalformed, message: "body could not be decoded")
        }
    }

    private static func collectUnknownKeys(
        input: JSONValue, kept: JSONValue, path: String, into issues: inout [ValidationIssue]
    ) {
        if case .object(let object) = input {
            let keptObject = kept.objectValue ?? [:]
            for key in object.keys.sorted() {
                let value = object[key]!
                let field = path.isEmpty ? key : path + "." + key
                if let keptValue = keptObject[key] {
                    collectUnknownKeys(input: value, kept: keptValue, path: field, into: &issues)
                } else if value == .null {
                    // An optional member left out is absent, not null: the OpenAPI document types no member as
                    // nullable, and an unknown member is refused whatever its value.
                    issues.append(
                        ValidationIssue(
                            field: field, code: .jsonNullValue,
                            message: "null is not a value here: leave the member out"))
                } else {
                    issues.append(ValidationIssue(field: field, code: .jsonUnknownField, message: "unknown key"))
                }
            }
        } else if case .array(let array) = input, case .array(let keptArray) = kept {
            for (index, element) in array.enumerated() where index < keptArray.count {
                collectUnknownKeys(input: element, kept: keptArray[index], path: path + "[\(index)]", into: &issues)
            }
        }
    }

    /// `a.b[2].c` from a coding path.
    static func path(_ keys: [any CodingKey]) -> String {
        var result = ""
        for key in keys {
            if let index = key.intValue {
                result += "[\(index)]"
            } else {
                result += result.isEmpty ? key.stringValue : "." + key.stringValue
            }
        }
        return result
    }

    private static func jsonName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "a boolean"
        case is Int.Type, is Double.Type: "a number"
        case is [Any].Type: "an array"
        default: "a value of type \(type)"
        }
    }
}

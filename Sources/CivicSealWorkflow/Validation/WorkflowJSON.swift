import Foundation

/// The JSON conventions of the workflow model (camelCase keys, ISO 8601 instants) and decoding that turns
/// `DecodingError` into ``ValidationFailure`` with a precise field path such as `residenceHistory[1].from`.
public enum WorkflowJSON {
    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }

    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }

    /// Decodes `data`; a structural error becomes one issue with a stable `json.*` code and the path of the key.
    ///
    /// With `rejectingUnknownKeys` (the default), every key the model does not know is reported as
    /// `json.unknown-field`, so a misspelt `"statesBan": true` is not silently dropped. Detection re-encodes the
    /// decoded value and looks for input keys with non-null values that the model did not keep.
    public static func decode<T: Codable>(
        _ type: T.Type, from data: Data, rejectingUnknownKeys: Bool = true
    ) -> Result<T, ValidationFailure> {
        do {
            let value = try decoder().decode(type, from: data)
            if rejectingUnknownKeys {
                let input = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
                let kept = try JSONSerialization.jsonObject(with: encoder().encode(value), options: [.fragmentsAllowed])
                var unknown: [ValidationIssue] = []
                collectUnknownKeys(input: input, kept: kept, path: "", into: &unknown)
                if !unknown.isEmpty { return .failure(ValidationFailure(issues: unknown)) }
            }
            return .success(value)
        } catch let error as DecodingError {
            return .failure(ValidationFailure(issues: [issue(for: error)]))
        } catch {
            return .failure(ValidationFailure(issues: [
                ValidationIssue(field: "", code: .jsonMalformed, message: "body is not valid JSON")
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

    private static func collectUnknownKeys(input: Any, kept: Any, path: String, into issues: inout [ValidationIssue]) {
        if let object = input as? [String: Any] {
            let keptObject = kept as? [String: Any] ?? [:]
            for key in object.keys.sorted() {
                let value = object[key]!
                let field = path.isEmpty ? key : path + "." + key
                if let keptValue = keptObject[key] {
                    collectUnknownKeys(input: value, kept: keptValue, path: field, into: &issues)
                } else if !(value is NSNull) {
                    issues.append(ValidationIssue(field: field, code: .jsonUnknownField, message: "unknown key"))
                }
            }
        } else if let array = input as? [Any], let keptArray = kept as? [Any] {
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

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
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) -> Result<T, ValidationFailure> {
        do {
            return .success(try decoder().decode(type, from: data))
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

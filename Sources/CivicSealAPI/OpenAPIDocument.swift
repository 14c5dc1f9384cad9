import CivicSealJSON
import Foundation

/// The OpenAPI 3.1 description of the whole API: one data file, `Templates/api/openapi.json`, read once at start
/// (like the pages' templates) and served at `GET /openapi.json` byte for byte.
///
/// Loading is strict: the one JSON reader (a member named twice is refused), an `openapi` version of 3.1, `info` and
/// `paths` objects, and every local `$ref` (`#/components/...`) pointing at something. A document that fails any of
/// these stops the start with a ``LoadError`` naming the file, instead of serving a contract that lies.
package struct OpenAPIDocument: Sendable {
    /// Why the document could not be loaded: a stable code, the file and what is wrong.
    package struct LoadError: Error, Sendable, CustomStringConvertible, Equatable {
        /// A stable, machine-readable reason.
        package enum Code: String, Sendable {
            /// The file cannot be read.
            case missing = "openapi.missing"
            /// Not one strict JSON object (syntax, a member named twice, too deep or too large).
            case malformed = "openapi.malformed"
            /// Valid JSON, but not an OpenAPI 3.1 document (`openapi`, `info` or `paths` missing or wrong).
            case notOpenAPI31 = "openapi.not-3.1"
            /// A `$ref` names a part of the document that does not exist.
            case danglingReference = "openapi.dangling-reference"
        }

        package let code: Code
        package let file: String
        package let message: String

        package var description: String { "\(file): \(message) (\(code.rawValue))" }

        /// Errors compare by code and file only.
        package static func == (left: LoadError, right: LoadError) -> Bool {
            left.code == right.code && left.file == right.file
        }
    }

    /// The file as read: what `GET /openapi.json` answers.
    package let bytes: [UInt8]
    /// Every documented operation as `METHOD /path` (`POST /v1/requests`).
    package let operations: Set<String>

    /// The HTTP methods an OpenAPI path item may hold (OpenAPI 3.1, 4.8.9).
    static let methods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    /// Reads and checks `file`.
    package init(file: String) throws(LoadError) {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw LoadError(code: .missing, file: file, message: "the OpenAPI document cannot be read")
        }
        try self.init(bytes: Array(data), file: file)
    }

    /// Checks `bytes` (`file` names them in errors).
    package init(bytes: [UInt8], file: String) throws(LoadError) {
        let value: JSONValue
        do {
            // The document is far larger than a request body, and nests deeper than one.
            value = try JSONValue(parsing: bytes, limits: JSONLimits(maximumDepth: 128, maximumBytes: 8 << 20))
        } catch {
            throw LoadError(code: .malformed, file: file, message: error.description)
        }
        guard let document = value.objectValue else {
            throw LoadError(code: .malformed, file: file, message: "the document is not a JSON object")
        }
        guard let version = document["openapi"]?.stringValue, version.hasPrefix("3.1.") else {
            throw LoadError(code: .notOpenAPI31, file: file, message: "`openapi` must be a 3.1.x version")
        }
        guard document["info"]?.objectValue?["title"]?.stringValue != nil else {
            throw LoadError(code: .notOpenAPI31, file: file, message: "`info.title` is missing")
        }
        guard let paths = document["paths"]?.objectValue else {
            throw LoadError(code: .notOpenAPI31, file: file, message: "`paths` must be an object")
        }
        var operations: Set<String> = []
        for (path, item) in paths {
            guard path.hasPrefix("/"), let item = item.objectValue else {
                throw LoadError(code: .notOpenAPI31, file: file, message: "path \(path) is not a path item")
            }
            for method in item.keys where Self.methods.contains(method) {
                operations.insert("\(method.uppercased()) \(path)")
            }
        }
        if let dangling = Self.firstDanglingReference(in: value, root: value) {
            throw LoadError(code: .danglingReference, file: file, message: "$ref \(dangling) points at nothing")
        }
        self.bytes = bytes
        self.operations = operations
    }

    /// The repository's `Templates/api/openapi.json`, given the templates directory (`Templates/`).
    package static func file(templates: String) -> String { "\(templates)/api/openapi.json" }

    /// The first local `$ref` under `value` that does not resolve in `root` (JSON Pointer, RFC 6901).
    static func firstDanglingReference(in value: JSONValue, root: JSONValue) -> String? {
        switch value {
        case .object(let members):
            if let reference = members["$ref"]?.stringValue, reference.hasPrefix("#"),
                resolve(pointer: String(reference.dropFirst()), in: root) == nil
            {
                return reference
            }
            for key in members.keys.sorted() {
                if let found = firstDanglingReference(in: members[key]!, root: root) { return found }
            }
            return nil
        case .array(let elements):
            for element in elements {
                if let found = firstDanglingReference(in: element, root: root) { return found }
            }
            return nil
        default:
            return nil
        }
    }

    /// The value `pointer` (`/components/schemas/Problem`) names in `root`, or nil.
    static func resolve(pointer: String, in root: JSONValue) -> JSONValue? {
        var current = root
        for token in pointer.split(separator: "/", omittingEmptySubsequences: false).dropFirst() {
            let name = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            switch current {
            case .object(let members):
                guard let next = members[name] else { return nil }
                current = next
            case .array(let elements):
                guard let index = Int(name), elements.indices.contains(index) else { return nil }
                current = elements[index]
            default:
                return nil
            }
        }
        return current
    }
}

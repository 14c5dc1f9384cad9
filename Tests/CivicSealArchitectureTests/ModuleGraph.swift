/// The product's module graph as `Package.swift` declares it, and its picture (a Mermaid flowchart) for README.
///
/// The manifest is read as text: each `.target(`, `.executableTarget(` and `.systemLibrary(` call gives a node (its
/// `name:`) and its edges (the string literals of its `dependencies:` list). Test targets are not part of the picture.
struct ModuleGraph: Equatable {
    /// Each module with the modules it depends on directly.
    var dependencies: [String: Set<String>]

    init(dependencies: [String: Set<String>]) { self.dependencies = dependencies }

    /// Reads the graph out of the text of `Package.swift`.
    init(manifest: String) throws {
        var dependencies: [String: Set<String>] = [:]
        let characters = Array(manifest)
        for opener in [".target(", ".executableTarget(", ".systemLibrary("] {
            var searchFrom = manifest.startIndex
            while let range = manifest.range(of: opener, range: searchFrom..<manifest.endIndex) {
                searchFrom = range.upperBound
                let start = manifest.distance(from: manifest.startIndex, to: range.upperBound)
                let call = try Self.balancedCall(characters, from: start)
                // Test support lives under Tests/: not part of the product's picture.
                if call.contains("path: \"Tests/") { continue }
                guard let name = Self.firstString(after: "name:", in: call) else {
                    throw ManifestError(description: "a \(opener) call without a name")
                }
                var edges: Set<String> = []
                if let list = Self.bracketed(after: "dependencies:", in: call) {
                    edges = Set(Self.strings(in: list))
                }
                dependencies[name] = edges
            }
        }
        self.dependencies = dependencies
    }

    struct ManifestError: Error, CustomStringConvertible {
        let description: String
    }

    /// The edges left once every edge implied by a longer path is dropped (the transitive reduction): the layers
    /// read at a glance, and an import that only repeats what a lower module already brings is not drawn.
    var reduced: [String: Set<String>] {
        var result: [String: Set<String>] = [:]
        for (module, direct) in dependencies {
            let implied = direct.reduce(into: Set<String>()) { implied, dependency in
                implied.formUnion(reachable(from: dependency))
            }
            result[module] = direct.subtracting(implied)
        }
        return result
    }

    /// Every module reachable from `module` by one or more edges.
    func reachable(from module: String) -> Set<String> {
        var seen: Set<String> = []
        var stack = Array(dependencies[module] ?? [])
        while let next = stack.popLast() {
            guard seen.insert(next).inserted else { continue }
            stack.append(contentsOf: dependencies[next] ?? [])
        }
        return seen
    }

    /// The picture: a Mermaid flowchart, top (executables) to bottom (C libraries), one line per edge, sorted.
    var mermaid: String {
        var lines = ["```mermaid", "flowchart TD"]
        for module in dependencies.keys.sorted() {
            let edges = reduced[module] ?? []
            if edges.isEmpty && !dependencies.values.contains(where: { $0.contains(module) }) {
                lines.append("    \(Self.node(module))")
            }
            for dependency in edges.sorted() { lines.append("    \(Self.node(module)) --> \(Self.node(dependency))") }
        }
        lines.append("```")
        return lines.joined(separator: "\n")
    }

    /// A node id Mermaid accepts (letters and digits), labelled with the module's name.
    static func node(_ module: String) -> String {
        let id = module.filter { $0.isLetter || $0.isNumber }
        return "\(id)[\(module)]"
    }

    // MARK: Reading the manifest

    /// The text of a call from just after its `(` to just before its matching `)`, skipping string literals.
    static func balancedCall(_ characters: [Character], from start: Int) throws -> String {
        var depth = 1
        var index = start
        var inString = false
        while index < characters.count {
            let character = characters[index]
            if inString {
                if character == "\\" {
                    index += 1
                } else if character == "\"" {
                    inString = false
                }
            } else if character == "\"" {
                inString = true
            } else if character == "(" || character == "[" {
                depth += 1
            } else if character == ")" || character == "]" {
                depth -= 1
                if depth == 0 { return String(characters[start..<index]) }
            }
            index += 1
        }
        throw ManifestError(description: "an unbalanced call in Package.swift")
    }

    /// The first string literal after `label` in `text`.
    static func firstString(after label: String, in text: String) -> String? {
        guard let range = text.range(of: label) else { return nil }
        return strings(in: String(text[range.upperBound...])).first
    }

    /// The text inside the `[...]` that follows `label`.
    static func bracketed(after label: String, in text: String) -> String? {
        guard let range = text.range(of: label), let open = text[range.upperBound...].firstIndex(of: "[") else {
            return nil
        }
        let characters = Array(text)
        let start = text.distance(from: text.startIndex, to: open) + 1
        return try? balancedCall(characters, from: start)
    }

    /// The string literals of `text`, in order.
    static func strings(in text: String) -> [String] {
        var result: [String] = []
        var current: String?
        for character in text {
            if var literal = current {
                if character == "\"" {
                    result.append(literal)
                    current = nil
                } else {
                    literal.append(character)
                    current = literal
                }
            } else if character == "\"" {
                current = ""
            }
        }
        return result
    }
}

import Foundation

/// The repository as the architecture tests read it: its root, its Swift files, its manifest and README.
enum SourceTree {
    /// The package root (this file is `Tests/CivicSealArchitectureTests/SourceTree.swift`).
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// `Package.swift` and every `.swift` file under `Sources/` and `Tests/`, relative to the root, sorted.
    static func swiftFiles() throws -> [String] {
        var files: [String] = ["Package.swift"]
        for top in ["Sources", "Tests"] {
            let base = root + "/" + top
            guard let walker = FileManager.default.enumerator(atPath: base) else { continue }
            while let relative = walker.nextObject() as? String {
                if relative.hasSuffix(".swift") { files.append(top + "/" + relative) }
            }
        }
        return files.sorted()
    }

    /// The text of `relative` (a path from the root).
    static func read(_ relative: String) throws -> String {
        try String(contentsOfFile: root + "/" + relative, encoding: .utf8)
    }

    /// The lines of `relative`, without their terminators.
    static func lines(_ relative: String) throws -> [Substring] {
        try read(relative).split(separator: "\n", omittingEmptySubsequences: false)
    }
}

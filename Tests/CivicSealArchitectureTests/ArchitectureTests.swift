import CivicSealTestSupport
import Foundation
import Testing

/// The shape of the repository itself: formatting, line and file lengths, and the module graph README draws.
@Suite("Architecture")
struct ArchitectureTests {
    static let maximumColumns = 120
    static let maximumLines = 600

    @Test func everySwiftLineFitsIn120Columns() throws {
        var long: [String] = []
        for file in try SourceTree.swiftFiles() {
            for (index, line) in try SourceTree.lines(file).enumerated() where line.count > Self.maximumColumns {
                long.append("\(file):\(index + 1) has \(line.count) columns")
            }
        }
        #expect(
            long.isEmpty, "\(long.count) lines over \(Self.maximumColumns) columns:\n\(long.joined(separator: "\n"))")
    }

    @Test func noSwiftFileIsLongerThan600Lines() throws {
        var long: [String] = []
        for file in try SourceTree.swiftFiles() {
            var lines = try SourceTree.lines(file)
            if lines.last?.isEmpty == true { lines.removeLast() }
            if lines.count > Self.maximumLines { long.append("\(file) has \(lines.count) lines") }
        }
        #expect(long.isEmpty, "split these by Type+Feature.swift:\n\(long.joined(separator: "\n"))")
    }

    /// `swift format lint --strict` with the checked-in configuration finds nothing. The toolchain ships swift-format.
    @Test(.enabled(if: ExternalTool.isUsable("swift-format")))
    func swiftFormatFindsNothing() throws {
        let output = try ExternalTool.run(
            "swift-format",
            [
                "lint", "--strict", "--configuration", ".ci/swift-format.json", "--recursive", "--parallel",
                "Package.swift", "Sources", "Tests",
            ],
            directory: SourceTree.root)
        #expect(output.status == 0, "swift format lint:\n\(output.errorText.suffix(6000))")
        #expect(output.errorText.isEmpty, "\(output.errorText.suffix(6000))")
    }

    /// README's architecture section draws the graph `Package.swift` declares, between two markers; regenerate it
    /// from the expected text this test prints when a target or a dependency changes.
    @Test func readmeDrawsTheModuleGraphOfPackageSwift() throws {
        let graph = try ModuleGraph(manifest: SourceTree.read("Package.swift"))
        let readme = try SourceTree.read("README.md")
        let begin = "<!-- module-graph: generated from Package.swift by ArchitectureTests; do not edit -->\n"
        let end = "\n<!-- end of module-graph -->"
        let drawn = readme.range(of: begin).flatMap { start in
            readme.range(of: end, range: start.upperBound..<readme.endIndex).map {
                String(readme[start.upperBound..<$0.lowerBound])
            }
        }
        #expect(
            drawn == graph.mermaid, "README's module graph is stale; it should read:\n\(begin)\(graph.mermaid)\(end)")
    }

    @Test func theManifestReaderSeesEveryProductModuleAndItsEdges() throws {
        let graph = try ModuleGraph(manifest: SourceTree.read("Package.swift"))
        // Every folder of Sources/ is a module of the picture, and nothing else is.
        let folders = try FileManager.default.contentsOfDirectory(atPath: SourceTree.root + "/Sources")
            .filter { !$0.hasPrefix(".") }
        #expect(Set(graph.dependencies.keys) == Set(folders))
        // Every edge ends at a module of the graph.
        for (module, edges) in graph.dependencies {
            #expect(edges.isSubset(of: Set(graph.dependencies.keys)), "\(module) → \(edges)")
        }
    }

    @Test func transitiveReductionDropsOnlyImpliedEdges() {
        let graph = ModuleGraph(dependencies: ["app": ["api", "store"], "api": ["store"], "store": []])
        #expect(graph.reduced == ["app": ["api"], "api": ["store"], "store": []])
        #expect(
            graph.mermaid
                == "```mermaid\nflowchart TD\n    api[api] --> store[store]\n    app[app] --> api[api]\n```")
    }
}

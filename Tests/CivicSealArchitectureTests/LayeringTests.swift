import Foundation
import Testing

/// Where the rules live: the use cases in the casework module, HTTP in the adapters, wiring in the app.
@Suite("Layering")
struct LayeringTests {
    /// The adapters: the JSON API and the pages turn HTTP into one casework call and its answer back into HTTP.
    static let adapters = ["CivicSealAPI", "CivicSealPages"]

    /// What only a use case may touch: every change to the records, the authorization table, issuance and
    /// sealing, the findings' check. An adapter that names one of these is deciding something itself. (Reads for
    /// display, `store.request(_:by:)` and the queue listings, still go to the store, which applies its own
    /// ownership and department checks.)
    static let ruleHolders = [
        "AuthorizationPolicy", "casework.policy", "IssuanceService", "PAdESSealer", "Keyring",
        "FindingsShape", "issueNow(", "store.submit", "store.supplement", "store.cancel", "store.claim",
        "store.decide", "store.setComplexity", "store.revoke", "store.register", "store.record",
    ]

    @Test func adaptersHoldNoBusinessRule() throws {
        var found: [String] = []
        for file in try SourceTree.swiftFiles()
        where Self.adapters.contains(where: { file.hasPrefix("Sources/\($0)/") }) {
            for (index, line) in try SourceTree.lines(file).enumerated() {
                let code = line.components(separatedBy: "//").first ?? ""
                for name in Self.ruleHolders where code.contains(name) {
                    found.append("\(file):\(index + 1) uses \(name)")
                }
            }
        }
        #expect(found.isEmpty, "business rules belong to CivicSealCasework:\n\(found.joined(separator: "\n"))")
    }

    @Test func theUseCasesKnowNothingOfHTTP() throws {
        let graph = try ModuleGraph(manifest: SourceTree.read("Package.swift"))
        let below = graph.reachable(from: "CivicSealCasework")
        #expect(graph.dependencies["CivicSealCasework"] != nil)
        for module in ["CivicSealHTTP", "CivicSealWebKit", "CivicSealAPI", "CivicSealPages", "CivicSealApp"] {
            #expect(!below.contains(module), "CivicSealCasework reaches \(module)")
        }
    }

    @Test func theAdaptersAreSiblingsOverTheCasework() throws {
        let graph = try ModuleGraph(manifest: SourceTree.read("Package.swift"))
        for adapter in Self.adapters {
            let below = graph.reachable(from: adapter)
            #expect(below.contains("CivicSealCasework"), "\(adapter) does not use the casework")
            #expect(!below.contains("CivicSealApp"), "\(adapter) calls up into the app")
            for other in Self.adapters where other != adapter {
                #expect(!below.contains(other), "\(adapter) depends on \(other)")
            }
        }
    }

    /// The records layer is written once against Storage's SQLStore; the PostgreSQL backend sits beside it and only
    /// the app chooses between them (`--database`).
    @Test func theRecordsLayerKnowsNoBackend() throws {
        let graph = try ModuleGraph(manifest: SourceTree.read("Package.swift"))
        let below = graph.reachable(from: "CivicSealRecords")
        #expect(below.contains("CivicSealStorage"))
        for module in ["CivicSealPostgres", "CivicSealPostgresStore"] {
            #expect(!below.contains(module), "CivicSealRecords reaches \(module)")
        }
        #expect(
            graph.reachable(from: "CivicSealPostgresStore").isSuperset(of: ["CivicSealStorage", "CivicSealPostgres"]))
    }

    @Test func onlyTheExecutablesDependOnTheApp() throws {
        let graph = try ModuleGraph(manifest: SourceTree.read("Package.swift"))
        let users = graph.dependencies.filter { $0.value.contains("CivicSealApp") }.keys.sorted()
        #expect(users == ["civicseal", "civicseal-bench"])
    }
}

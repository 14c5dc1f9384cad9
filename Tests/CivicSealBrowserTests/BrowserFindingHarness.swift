import CivicSealApp
import CivicSealHTTP
import CivicSealJSON
import CivicSealTestSupport
import CivicSealWorkflow
import Foundation
import Testing

/// The Swift side of the browser finding tests: starts the real service on 127.0.0.1, mints a pool of fresh
/// citizens and the officers, writes the context file `harness.py` reads, runs one findings file in headless
/// Chromium and returns what it printed. Screenshots and the axe-core report land in
/// `.build/test-artefacts/browser-findings/<stamp>/` so a person can look at them.
enum BrowserFindingHarness {
    static let languages = ["vi", "en"]

    /// Selenium and axe-selenium-python are Python packages, not programs on PATH: ask the interpreter.
    static var pythonPackagesInstalled: Bool {
        (try? ExternalTool.run("python3", ["-c", "import selenium, axe_selenium_python"]).status) == 0
    }

    /// In CI every browser test runs (and fails when a tool is missing); elsewhere only when the tools are here.
    static var usable: Bool {
        ExternalTool.isCI
            || (ExternalTool.isUsable("python3", "chromium", "chromedriver", "pdftotext") && pythonPackagesInstalled)
    }

    static var packageRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }

    struct Run {
        let output: ExternalTool.Output
        let artefacts: String

        /// The `FINDING <id> <lang> ok` lines printed.
        var passed: Set<String> {
            Set(
                output.text.split(separator: "\n").filter { $0.hasPrefix("FINDING ") && $0.hasSuffix(" ok") }
                    .map { String($0.dropFirst("FINDING ".count).dropLast(" ok".count)) })
        }
    }

    /// Runs `file` (in Tests/CivicSealBrowserTests) against a fresh service and records an issue for each listed
    /// finding that did not pass in both languages. `now` fixes the service's clock (and the tokens' issue time)
    /// for findings about time; `configure` adjusts the service's options.
    static func check(
        file: String, findings: [String], citizens: Int = 30, now: Date? = nil,
        configure: (inout ServeOptions) -> Void = { _ in }
    ) async throws {
        guard pythonPackagesInstalled else {
            Issue.record(
                "Python's selenium or axe-selenium-python package is not installed (run .ci/run to install them)")
            return
        }
        let run = try await self.run(file: file, citizens: citizens, now: now, configure: configure)
        let expected = Set(findings.flatMap { id in languages.map { "\(id) \($0)" } })
        let missing = expected.subtracting(run.passed).sorted()
        // One expectation carries the whole output, so a failure prints it once.
        let clean = run.output.status == 0 && run.output.text.contains("FINDINGS DONE: 0 failed")
        let output = "\(run.output.text)\n\(run.output.errorText.suffix(4000))"
        #expect(
            missing.isEmpty && clean, "findings that did not pass: \(missing); exit \(run.output.status)\n\(output)")
        let screenshots =
            (try? FileManager.default.subpathsOfDirectory(atPath: run.artefacts).filter { $0.hasSuffix(".png") }) ?? []
        for id in findings {
            for language in languages {
                #expect(
                    screenshots.contains { ($0 as NSString).lastPathComponent.hasPrefix("\(id)-\(language)-") },
                    "a screenshot of finding \(id) in \(language)")
            }
        }
        print("browser finding screenshots and axe report: \(run.artefacts)")
    }

    /// The real service on 127.0.0.1 (port chosen by the system) over a fresh data folder and development PKI in
    /// `folder`; `now` fixes its clock. The caller stops it.
    static func startService(
        in folder: TemporaryDirectory, now: Date? = nil, configure: (inout ServeOptions) -> Void = { _ in }
    ) throws -> (Service, ServeOptions) {
        // Keys made at the service's clock, so a fixed clock in the past still finds its seal certificates valid.
        _ = try DevelopmentPKI.initialize(directory: folder.path + "/keys", now: now ?? Date())
        var options = ServeOptions()
        options.host = "127.0.0.1"
        options.port = 0
        options.dataDirectory = folder.path + "/data"
        options.keysDirectory = folder.path + "/keys"
        options.eventLoops = 2
        options.logSink = DiscardingLogSink()
        if let now { options.clock = { now } }
        configure(&options)
        return (try Service.start(options), options)
    }

    static func run(
        file: String, citizens: Int, now: Date?, configure: (inout ServeOptions) -> Void
    ) async throws -> Run {
        let folder = TemporaryDirectory("civicseal-browser-findings")
        let (service, options) = try startService(in: folder, now: now, configure: configure)
        defer { Task { await service.stop(deadline: .seconds(2)) } }

        let mintedAt = now ?? Date()
        let lifetime = DevelopmentTokens.maximumLifetime
        var pool: [JSONValue] = []
        for index in 0..<citizens {
            // Every third citizen is level 1 (for step-up findings); the rest level 2. Distinct, well-formed IDs:
            // Hà Nội (001), born 1990, the century/sex digit agreeing with the sex.
            let female = index % 2 == 0
            let level: AssuranceLevel = index % 3 == 2 ? .level1 : .level2
            let personalID = "001\(female ? 1 : 0)90\(String(format: "%06d", 100_000 + index * 7919 % 900_000))"
            let name = female ? "Nguyễn Thị Ánh Tuyết \(index)" : "Trần Văn Minh \(index)"
            let birthDate = "1990-05-\(String(format: "%02d", 1 + index % 28))"
            let sex = female ? "female" : "male"
            let token = try DevelopmentTokens.mint(
                DevelopmentTokens.Citizen(
                    personalID: personalID, name: name, birthdate: birthDate, gender: sex, level: level),
                directory: options.keysDirectory, lifetime: lifetime, now: mintedAt)
            pool.append(
                .object([
                    "token": .string(token), "personalId": .string(personalID), "name": .string(name),
                    "birthDate": .string(birthDate), "sex": .string(sex),
                    "level": .number(level == .level1 ? "1" : "2"),
                ]))
        }
        func staff(_ roles: [String], _ department: String, _ name: String) throws -> JSONValue {
            let token = try DevelopmentTokens.mint(
                DevelopmentTokens.Staff(roles: roles, department: department, name: name),
                directory: options.keysDirectory, lifetime: lifetime, now: mintedAt)
            return .object(["token": .string(token), "name": .string(name)])
        }
        let officers: [String: JSONValue] = [
            "justice": try staff(["justice.officer", "justice.revoker"], "justice-hanoi", "Trần Đức Lương"),
            "justice2": try staff(["justice.officer"], "justice-hanoi", "Lê Thị Hồng Hạnh"),
            "health": try staff(
                ["health.officer", "health.revoker", "health.clinician"], "health-hanoi", "Phạm Minh Châu"),
        ]
        let stamp = ISO8601DateFormatter().string(from: Date()).replacingOccurrences(of: ":", with: "")
        let name = file.replacingOccurrences(of: ".py", with: "")
        let artefacts = "\(packageRoot)/.build/test-artefacts/browser-findings/\(stamp)-\(name)"
        try FileManager.default.createDirectory(atPath: artefacts, withIntermediateDirectories: true)
        let context = JSONValue.object([
            "base": .string("http://127.0.0.1:\(service.port)"), "artefacts": .string(artefacts),
            "citizens": .array(pool), "officers": .object(officers),
        ])
        let contextFile = try folder.write("context.json", text: context.serialized())
        let arguments = ["\(packageRoot)/Tests/CivicSealBrowserTests/\(file)", "--context", contextFile]
        // The browser run blocks for minutes: keep it off the cooperative pool the in-process server relies on.
        let output = try await withCheckedThrowingContinuation {
            (continuation: CheckedContinuation<ExternalTool.Output, any Error>) in
            Thread.detachNewThread {
                continuation.resume(with: Result { try ExternalTool.run("python3", arguments) })
            }
        }
        return Run(output: output, artefacts: artefacts)
    }
}

import CivicSealApp
import CivicSealHTTP
import CivicSealTestSupport
import Foundation
import Testing

/// The pages in a real browser: headless Chromium driven by chromedriver through Selenium (all three from outside
/// this repository), against the real service on 127.0.0.1. The walk itself is `browser_flows.py`; screenshots of
/// every page land in `.build/test-artefacts/browser/` (printed at the end of the run) so a person can look at them.
@Suite struct BrowserFlowTests {
    static let citizen = (
        personalID: "001190012345", name: "Nguyễn Thị Ánh Tuyết", birthDate: "1990-05-14", sex: "female"
    )

    /// Selenium is a Python package, not a program on PATH: ask the interpreter.
    static var seleniumInstalled: Bool {
        (try? ExternalTool.run("python3", ["-c", "import selenium, axe_selenium_python"]).status) == 0
    }

    static var browserToolsUsable: Bool {
        ExternalTool.isCI || (ExternalTool.isUsable("python3", "chromium", "chromedriver") && seleniumInstalled)
    }

    static var packageRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }

    @Test(
        "submit, approve, verify valid, revoke, verify revoked: Chromium, no console errors or serious axe findings",
        .enabled(if: browserToolsUsable), .timeLimit(.minutes(5)), arguments: ["vi", "en"])
    func wholeStoryInABrowser(language: String) async throws {
        guard Self.seleniumInstalled else {
            Issue.record(
                "Python's selenium or axe-selenium-python package is not installed (run .ci/run to install them)")
            return
        }
        let folder = TemporaryDirectory("civicseal-browser")
        let (service, options) = try BrowserFindingHarness.startService(in: folder)
        defer { Task { await service.stop(deadline: .seconds(2)) } }

        let person = Self.citizen
        let citizenToken = try DevelopmentTokens.mint(
            DevelopmentTokens.Citizen(
                personalID: person.personalID, name: person.name, birthdate: person.birthDate, gender: person.sex),
            directory: options.keysDirectory)
        let officerToken = try DevelopmentTokens.mint(
            // Deciding and revoking are separate roles; this officer (the department head) holds both.
            DevelopmentTokens.Staff(
                roles: ["justice.officer", "justice.revoker"], department: "justice-hanoi", name: "Trần Đức Lương"),
            directory: options.keysDirectory)
        let citizenFile = try folder.write("citizen.token", text: citizenToken)
        let officerFile = try folder.write("officer.token", text: officerToken)
        let stamp = ISO8601DateFormatter().string(from: Date()).replacingOccurrences(of: ":", with: "")
        let artefacts = "\(Self.packageRoot)/.build/test-artefacts/browser/\(stamp)-\(language)"
        try FileManager.default.createDirectory(atPath: artefacts, withIntermediateDirectories: true)

        let arguments = [
            "\(Self.packageRoot)/Tests/CivicSealBrowserTests/browser_flows.py", "--base",
            "http://127.0.0.1:\(service.port)",
            "--citizen-token", citizenFile, "--officer-token", officerFile, "--artefacts", artefacts, "--name",
            person.name,
            "--personal-id", person.personalID, "--birth-date", person.birthDate, "--sex", person.sex,
            "--residence-from", "2004-05-01",
            "--language", language,
        ]
        // The browser run blocks for a while: keep it off the cooperative pool the in-process server relies on.
        let output = try await withCheckedThrowingContinuation {
            (continuation: CheckedContinuation<ExternalTool.Output, any Error>) in
            Thread.detachNewThread {
                continuation.resume(with: Result { try ExternalTool.run("python3", arguments) })
            }
        }
        let steps = output.text.split(separator: "\n").filter { $0.hasPrefix("STEP ") }.map { String($0.dropFirst(5)) }
        #expect(output.status == 0, "browser flows failed:\n\(output.text)\n\(output.errorText.suffix(4000))")
        #expect(output.text.contains("FLOWS OK"), "\(output.text)")
        #expect(
            steps == [
                "language-switch ok", "citizen-sign-in ok", "citizen-form-errors ok", "citizen-submits ok",
                "officer-approves ok",
                "citizen-downloads ok", "verifier-valid ok", "verifier-confirms-details ok", "officer-revokes ok",
                "verifier-revoked ok",
                "phone-layout ok",
            ], "\(output.text)")
        let screenshots =
            (try? FileManager.default.contentsOfDirectory(atPath: artefacts).filter { $0.hasSuffix(".png") }) ?? []
        #expect(screenshots.count >= 20, "a screenshot of each page: \(screenshots.sorted())")
        print("browser screenshots: \(artefacts)")
    }
}

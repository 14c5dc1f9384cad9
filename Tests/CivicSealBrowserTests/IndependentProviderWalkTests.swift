import CivicSealApp
import CivicSealHTTP
import CivicSealProcess
import CivicSealServiceTestSupport
import CivicSealTestSupport
import Foundation
import Testing

/// The issue's browser walk against an OpenID provider nobody here wrote: Authlib's (``IndependentProvider``) on
/// 127.0.0.1 with TLS under a generated test CA, configured as CivicSeal's citizen and staff provider exactly as an
/// operator would (`trusted-issuers.json`: discovery, client id, private_key_jwt client key, CA bundle, claim
/// names, acr values). Chromium trusts the provider's certificate by its key alone. The walk is `provider_walk.py`;
/// its screenshots land in `.build/test-artefacts/provider-walk/`.
@Suite struct IndependentProviderWalkTests {
    static var usable: Bool { BrowserFlowTests.browserToolsUsable && IndependentProvider.isUsable }

    @Test(
        "Chromium: a citizen signs in at the independent provider, files, signs out; an officer signs in, approves",
        .enabled(if: usable), .timeLimit(.minutes(5)))
    func citizenAndOfficerAtTheIndependentProvider() async throws {
        guard BrowserFlowTests.seleniumInstalled else {
            Issue.record("Python's selenium or axe-selenium-python package is not installed (run .ci/run)")
            return
        }
        // The provider must know our callback address before the service starts.
        let port = try LoopbackPort.free()
        let base = "http://127.0.0.1:\(port)"
        var providerOptions = IndependentProvider.Options()
        providerOptions.redirectURIs = [base + "/sign-in/callback"]
        providerOptions.postLogoutRedirectURIs = [base + "/"]
        let provider = try await IndependentProvider.start(providerOptions)
        defer { provider.stop() }

        let folder = TemporaryDirectory("civicseal-provider-walk")
        let keys = folder.path + "/keys"
        _ = try DevelopmentPKI.initialize(directory: keys)
        try provider.trustAsOnlyProvider(keysDirectory: keys)
        var options = ServeOptions()
        options.host = "127.0.0.1"
        options.port = port
        options.publicBaseURL = base
        options.dataDirectory = folder.path + "/data"
        options.keysDirectory = keys
        options.eventLoops = 2
        options.logSink = DiscardingLogSink()
        let service = try Service.start(options)
        defer { Task { await service.stop(deadline: .seconds(2)) } }

        let stamp = ISO8601DateFormatter().string(from: Date()).replacingOccurrences(of: ":", with: "")
        let artefacts = "\(BrowserFlowTests.packageRoot)/.build/test-artefacts/provider-walk/\(stamp)"
        try FileManager.default.createDirectory(atPath: artefacts, withIntermediateDirectories: true)
        let arguments = [
            "\(BrowserFlowTests.packageRoot)/Tests/CivicSealBrowserTests/provider_walk.py", "--base", base,
            "--issuer", provider.issuer, "--spki", provider.certificateSPKISHA256, "--artefacts", artefacts,
            "--residence-from", "2004-05-01",
        ]
        let output = try await withCheckedThrowingContinuation {
            (continuation: CheckedContinuation<ExternalTool.Output, any Error>) in
            Thread.detachNewThread { continuation.resume(with: Result { try ExternalTool.run("python3", arguments) }) }
        }
        let steps = output.text.split(separator: "\n").filter { $0.hasPrefix("STEP ") }.map { String($0.dropFirst(5)) }
        let log = (try? String(contentsOfFile: provider.logPath, encoding: .utf8)) ?? ""
        #expect(
            output.status == 0, "walk failed:\n\(output.text)\n\(output.errorText.suffix(4000))\n\(log.suffix(4000))")
        #expect(
            steps == [
                "citizen-signs-in ok", "citizen-files-criminal-record ok", "citizen-signs-out ok",
                "officer-approves ok",
            ], "\(output.text)")
        #expect(output.text.contains("WALK OK"))
        print("provider walk screenshots: \(artefacts)")
    }
}

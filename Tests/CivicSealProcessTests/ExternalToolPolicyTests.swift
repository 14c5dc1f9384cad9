import CivicSealTestSupport
import Testing

/// When the tests that need tools nobody here wrote (openssl, pdfsig, chromium…) must run rather than skip.
@Suite("External tools: which CI values require them")
struct ExternalToolPolicyTests {
    @Test(
        "any non-empty CI other than false or 0 requires the tools",
        arguments: [
            "true", "TRUE", "True", "1", "yes", "on", "woodpecker", " true ", "2",
        ])
    func ciValuesRequireTools(_ value: String) {
        #expect(ExternalTool.requiresTools(ci: value), "CI=\(value) must not silently skip the tool tests")
    }

    @Test(
        "an unset or empty CI, false or 0 lets a missing tool skip its test",
        arguments: [
            nil, "", "   ", "false", "FALSE", "False", "0", " 0 ",
        ] as [String?])
    func otherValuesDoNot(_ value: String?) {
        #expect(!ExternalTool.requiresTools(ci: value), "CI=\(value ?? "<unset>")")
    }
}

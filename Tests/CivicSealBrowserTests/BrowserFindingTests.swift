import Testing

/// Issue #13's findings in a real browser, each shown corrected on a live server, in Vietnamese and in English,
/// with a screenshot of every page and axe-core finding no serious or critical violation on any of them. Each
/// area's walks are one Python file run by `harness.py`; the lists below are the finding ids each file must pass.
@Suite(.serialized) struct BrowserFindingTests {
    @Test("the officer's request page: approve forms per type, bans, convictions, review, details, errors in sight",
          .enabled(if: BrowserFindingHarness.usable), .timeLimit(.minutes(20)))
    func officerFindings() async throws {
        try await BrowserFindingHarness.check(file: "findings_officer.py", findings: ["01", "05", "06", "07", "08", "09"])
    }

    @Test("the citizen's pages: nationality, residence rows, form 2, withdrawal, what was submitted, phone width",
          .enabled(if: BrowserFindingHarness.usable), .timeLimit(.minutes(20)))
    func citizenFindings() async throws {
        try await BrowserFindingHarness.check(
            file: "findings_citizen.py", findings: ["02", "03", "12", "15", "16", "17", "20", "21"])
    }

    @Test("the verifier and site pages, the queue, complexity correction, revoke confirmation",
          .enabled(if: BrowserFindingHarness.usable), .timeLimit(.minutes(20)))
    func siteFindings() async throws {
        try await BrowserFindingHarness.check(
            file: "findings_site.py", findings: ["03o", "10", "11", "13", "14", "18", "19", "20o", "21v"])
    }
}

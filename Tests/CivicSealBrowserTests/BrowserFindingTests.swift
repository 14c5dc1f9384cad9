import Foundation
import Testing

/// Issue #13's findings in a real browser, each shown corrected on a live server, in Vietnamese and in English,
/// with a screenshot of every page and axe-core finding no serious or critical violation on any of them. Each
/// area's walks are one Python file run by `harness.py`; the lists below are the finding ids each file must pass.
@Suite(.serialized) struct BrowserFindingTests {
    @Test(
        "the officer's request page: approve forms per type, bans, convictions, review, details, errors in sight",
        .enabled(if: BrowserFindingHarness.usable), .timeLimit(.minutes(20)))
    func officerFindings() async throws {
        try await BrowserFindingHarness.check(
            file: "findings_officer.py", findings: ["01", "05", "06", "07", "08", "09"])
    }

    @Test(
        "the citizen's pages: nationality, residence rows, form 2, withdrawal, what was submitted, phone width",
        .enabled(if: BrowserFindingHarness.usable), .timeLimit(.minutes(20)))
    func citizenFindings() async throws {
        try await BrowserFindingHarness.check(
            file: "findings_citizen.py", findings: ["02", "03", "12", "15", "16", "17", "20", "21"])
    }

    @Test(
        "the verifier and site pages, the queue, complexity correction, revoke confirmation",
        .enabled(if: BrowserFindingHarness.usable), .timeLimit(.minutes(20)))
    func siteFindings() async throws {
        try await BrowserFindingHarness.check(
            file: "findings_site.py", findings: ["03o", "10", "11", "13", "14", "18", "19", "20o", "21v"], citizens: 45)
    }

    @Test(
        "one Hà Nội time: a document issued and revoked at 17:58 on 04/12 (10:58 UTC) says 04/12 everywhere",
        .enabled(if: BrowserFindingHarness.usable), .timeLimit(.minutes(10)))
    func timeFindings() async throws {
        // The service's clock and the tokens' issue time are fixed at 2026-12-04T10:58:00Z, 17:58 in Hà Nội.
        try await BrowserFindingHarness.check(
            file: "findings_time.py", findings: ["04"], citizens: 4, now: Date(timeIntervalSince1970: 1_796_381_880))
    }
}

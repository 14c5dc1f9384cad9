import CivicSealApp
import CivicSealProcess
import CivicSealRecords
import CivicSealStorage
import CivicSealTestSupport
import Foundation
import Testing

/// The issue's acceptance: the playbook on 1,000 issued documents, SIGKILLed in the middle, then run again.
@Suite struct KeyCompromiseResumeTests {
    /// Runs `civicseal keys compromise` and SIGKILLs it once its progress (standard error) reports `killAt`
    /// documents re-issued. Returns the progress lines it printed and how it ended.
    static func compromiseKilled(_ fixture: KeyCompromiseFixture, seal: String, killAt: Int) throws -> (
        lines: [String], termination: ChildProcess.Termination
    ) {
        let executable = try #require(RecordsCommandTests.executable, "civicseal binary not built")
        // The shell only swaps the streams (progress to the pipe, the report to /dev/null) and execs the binary:
        // the signal reaches civicseal itself.
        let child = try ChildProcess(
            "/bin/sh",
            [
                "-c", #"exec "$0" "$@" 2>&1 >/dev/null"#, executable, "keys", "compromise", "--seal", seal, "--data",
                fixture.data, "--keys", fixture.keys, "--by", "operator:acceptance",
            ], error: .discard)
        var printed: [UInt8] = []
        var killed = false
        while true {
            let chunk = try child.readOutput()
            if chunk.isEmpty { break }
            printed += chunk
            guard !killed else { continue }
            let lines = String(decoding: printed, as: UTF8.self).split(
                separator: "\n", omittingEmptySubsequences: false)
            let done =
                lines.dropLast().compactMap { line -> Int? in
                    guard line.contains("] reissued "), let open = line.firstIndex(of: "["),
                        let slash = line.firstIndex(of: "/")
                    else { return nil }
                    return Int(line[line.index(after: open)..<slash].trimmingCharacters(in: .whitespaces))
                }.max() ?? 0
            if done >= killAt {
                child.signal(SIGKILL)
                killed = true
            }
        }
        let lines = String(decoding: printed, as: UTF8.self).split(separator: "\n").map(String.init)
        return (lines, child.wait())
    }

    @Test("killed after 200 of 500 re-issues, a rerun finishes: each document revoked once, re-issued once")
    func sigkillMidwayThenRerunDoesNothingTwice() throws {
        let fixture = try KeyCompromiseFixture()
        let issued = try fixture.issue(justice: 500, health: 500)
        let affected = try #require(issued["justice-hanoi"])
        let untouched = try #require(issued["health-hanoi"])
        #expect(affected.count == 500 && untouched.count == 500)
        let compromised = try fixture.sealFingerprint("justice-hanoi")
        let untouchedBefore = try KeyCompromiseTests.footprints(untouched, fixture)

        let (lines, termination) = try Self.compromiseKilled(fixture, seal: compromised, killAt: 200)
        #expect(termination == .signalled(SIGKILL), "\(lines.suffix(3))")
        #expect(lines.filter { $0.contains("] reissued ") }.count >= 200)

        // Where the kill left the run: every document revoked (they all are before the first re-issue), some
        // re-issued, a document possibly re-issued but not yet notified.
        let store = try RequestStore.open(path: fixture.database)
        let states = try store.database.read { connection in
            try connection.query("SELECT state, count(*) FROM compromise_items GROUP BY state").reduce(
                into: [String: Int]()
            ) { $0[$1[0].string ?? "?"] = Int($1[1].int64 ?? 0) }
        }
        try store.close()
        let notifiedAtKill = states["notified"] ?? 0
        let reissuedAtKill = notifiedAtKill + (states["reissued"] ?? 0)
        #expect(states.values.reduce(0, +) == 500)
        #expect(states["found"] == nil)
        #expect(notifiedAtKill >= 200 && notifiedAtKill < 500, "\(states)")

        let rerun = try fixture.compromise(["--seal", compromised, "--by", "operator:acceptance"])
        #expect(rerun.status == 0, "\(rerun.error.suffix(500))")
        #expect(!rerun.error.contains("] revoked "))
        #expect(!rerun.error.contains("FAILED"))
        #expect(rerun.error.split(separator: "\n").filter { $0.contains("] reissued ") }.count == 500 - notifiedAtKill)

        let report = try KeyCompromiseTests.report(fixture, run: 1)
        #expect(
            report["thisRun"]
                == KeyCompromiseTests.counts(
                    found: 0, revoked: 0, reissued: 500 - reissuedAtKill, notified: 500 - notifiedAtKill,
                    skipped: notifiedAtKill))
        #expect(
            report["totals"]
                == KeyCompromiseTests.counts(found: 500, revoked: 500, reissued: 500, notified: 500, skipped: nil))
        #expect(report["finished"] == .bool(true))

        try KeyCompromiseTests.expectOutcome(
            fixture, affected: affected, compromised: compromised,
            newSeal: try fixture.sealFingerprint("justice-hanoi"), untouchedBefore: untouchedBefore)
        let keyrings = try Keyring(directory: fixture.keys)
        // One fresh seal, whatever the kill interrupted: the compromised one and its successor.
        #expect(keyrings.department("justice-hanoi")?.seals.count == 2)
        #expect(keyrings.department("health-hanoi")?.seals.count == 1)
    }
}

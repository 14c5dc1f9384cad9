import CivicSealJSON
import CivicSealRecords
import Foundation

/// What one invocation of `civicseal keys compromise` did, and where its run stands: the JSON file (0600) and the
/// human text on stdout.
package struct CompromiseReport: Sendable {
    /// Counts of one invocation.
    package struct Tally: Sendable, Equatable {
        /// Documents newly listed by this invocation (a rerun lists only what appeared since).
        package var found = 0
        package var revoked = 0
        package var reissued = 0
        package var notified = 0
        /// Documents of the run that were already complete (revoked, re-issued, notified) when it started.
        package var skippedAlreadyDone = 0
        /// Documents an officer revoked between the listing and the playbook's revocation: not re-issued.
        package var withdrawn = 0
        package var failed = 0
    }

    /// The run's totals, from its items' states (every state implies the ones before it).
    package struct Totals: Sendable, Equatable {
        package var found = 0
        package var revoked = 0
        package var reissued = 0
        package var notified = 0
        package var withdrawn = 0
        /// Items whose last attempt failed and that are not complete.
        package var failed = 0
    }

    package let run: CompromiseRun
    package let newSealFingerprint: String
    package let thisRun: Tally
    package let totals: Totals
    package let items: [CompromiseItem]
    package let finished: Bool
    package let generatedAt: Date

    init(
        run: CompromiseRun, newSealFingerprint: String, thisRun: Tally, items: [CompromiseItem], finished: Bool,
        generatedAt: Date
    ) {
        self.run = run
        self.newSealFingerprint = newSealFingerprint
        self.thisRun = thisRun
        self.items = items
        self.finished = finished
        self.generatedAt = generatedAt
        var totals = Totals()
        totals.found = items.count
        let progressed = items.filter { $0.state != .skipped }
        totals.revoked = progressed.filter { $0.state >= .revoked }.count
        totals.reissued = progressed.filter { $0.state >= .reissued }.count
        totals.notified = progressed.filter { $0.state >= .notified }.count
        totals.withdrawn = items.count - progressed.count
        totals.failed = items.filter { !$0.state.isFinal && $0.lastError != nil }.count
        self.totals = totals
    }

    package var json: String {
        let formatter = ISO8601DateFormatter()
        func number(_ value: Int) -> JSONValue { .number(String(value)) }
        let this: JSONValue = [
            "found": number(thisRun.found), "revoked": number(thisRun.revoked), "reissued": number(thisRun.reissued),
            "notified": number(thisRun.notified), "skippedAlreadyDone": number(thisRun.skippedAlreadyDone),
            "skippedWithdrawn": number(thisRun.withdrawn), "failed": number(thisRun.failed),
        ]
        let all: JSONValue = [
            "found": number(totals.found), "revoked": number(totals.revoked), "reissued": number(totals.reissued),
            "notified": number(totals.notified), "skippedWithdrawn": number(totals.withdrawn),
            "failed": number(totals.failed),
        ]
        let documents = items.map { item -> JSONValue in
            var object: [String: JSONValue] = [
                "documentId": .string(item.documentID), "state": .string(item.state.rawValue),
            ]
            if let new = item.newDocumentID { object["supersededBy"] = .string(new) }
            if let error = item.lastError, item.state != .notified { object["lastError"] = .string(error) }
            return .object(object)
        }
        let value: JSONValue = [
            "run": number(Int(run.id)), "sealFingerprint": .string(run.sealFingerprint),
            "department": .string(run.departmentID), "newSealFingerprint": .string(newSealFingerprint),
            "since": run.since.map { .string(formatter.string(from: $0)) } ?? .null,
            "startedAt": .string(formatter.string(from: run.startedAt)), "startedBy": .string(run.startedBy),
            "generatedAt": .string(formatter.string(from: generatedAt)), "finished": .bool(finished),
            "thisRun": this, "totals": all, "documents": .array(documents),
        ]
        return value.serialized() + "\n"
    }

    package var text: String {
        func row(_ name: String, _ this: Int, _ total: Int?) -> String {
            let padded = name.padding(toLength: 22, withPad: " ", startingAt: 0)
            let left = String(repeating: " ", count: max(0, 8 - String(this).count)) + String(this)
            let right =
                total.map { String(repeating: " ", count: max(0, 8 - String($0).count)) + String($0) } ?? "       –"
            return "  \(padded)\(left)  \(right)"
        }
        return [
            "keys compromise: run \(run.id) for seal \(run.sealFingerprint) (\(run.departmentID)) — "
                + (finished ? "finished" : "NOT finished: run the same command again to resume"),
            "  fresh seal \(newSealFingerprint)",
            "  " + "".padding(toLength: 22, withPad: " ", startingAt: 0) + "this run     total",
            row("found", thisRun.found, totals.found),
            row("revoked", thisRun.revoked, totals.revoked),
            row("reissued", thisRun.reissued, totals.reissued),
            row("notified", thisRun.notified, totals.notified),
            row("skipped-already-done", thisRun.skippedAlreadyDone, nil),
            row("skipped-withdrawn", thisRun.withdrawn, totals.withdrawn),
            row("failed", thisRun.failed, totals.failed),
        ].joined(separator: "\n")
    }
}

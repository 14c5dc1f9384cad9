import CivicSealApp
import CivicSealCrypto
import CivicSealRecords
import CivicSealStorage
import CivicSealTestSupport
import CivicSealVerification
import Foundation
import Testing

/// Crash atomicity of issuance with the real `civicseal` binary: SIGKILL during a burst of approvals and
/// issuances, restart (the sweeper), and check that no request is ever `issued` without a complete document.
@Suite struct IssuanceCrashTests {
    /// Runs `dev issue-burst` and SIGKILLs it once `killAfter` lines were reported; returns the complete lines.
    static func burstKilled(data: String, keys: String, killAfter: Int) throws -> [String] {
        let (lines, termination) = try ExternalTool.killedAfter(
            lines: killAfter, try #require(RecordsCommandTests.executable, "civicseal binary not built"),
            ["dev", "issue-burst", "--data", data, "--keys", keys, "--count", "1000000"])
        #expect(termination == .signalled(SIGKILL))
        return lines
    }

    static func issuedWithoutDocument(_ store: RequestStore) throws -> Int64 {
        try store.database.read { connection in
            try connection.scalar(
                """
                SELECT count(*) FROM requests r WHERE r.state IN ('issued', 'revoked')
                AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.request_seq = r.seq AND length(d.pdf) > 0)
                """
            ).int64 ?? -1
        }
    }

    @Test func sigkillDuringIssuanceLeavesApprovedWithoutDocumentOrIssuedWithACompleteOne() throws {
        let folder = TemporaryDirectory("civicseal-issue-crash")
        let data = folder.path + "/data"
        let keys = folder.path + "/keys"
        _ = try DevelopmentPKI.initialize(directory: keys)
        var approved: Set<String> = []
        var issued: [String: String] = [:]
        // Three bursts, each killed at a random point (a line count between 5 and 60): mid-render, mid-seal or
        // mid-transaction, wherever the kill lands.
        for _ in 0..<3 {
            let lines = try Self.burstKilled(data: data, keys: keys, killAfter: Int.random(in: 5...60))
            for line in lines {
                let parts = line.split(separator: " ").map(String.init)
                if parts.first == "approved", parts.count == 2 { approved.insert(parts[1]) }
                if parts.first == "issued", parts.count == 3 { issued[parts[1]] = parts[2] }
            }
        }
        #expect(approved.count >= 10)

        // Before the restart: every request is approved without a document or issued with one — never issued without.
        let keyring = try Keyring(directory: keys)
        let verifier = try DocumentVerifier(trustAnchors: keyring.trustAnchors)
        var pendingBeforeSweep: Set<String> = []
        do {
            let store = try RequestStore.open(path: data + "/civicseal.sqlite")
            for id in approved {
                let entry = try store.documentEntry(forRequest: id)
                let state = try store.storedRequest(id, by: .system(), now: Date()).summary.state
                switch state {
                case .approved:
                    #expect(entry == nil, "approved \(id) has a document")
                    pendingBeforeSweep.insert(id)
                case .issued: #expect(entry != nil, "issued \(id) has no document")
                default: Issue.record("request \(id) is \(state)")
                }
                if let documentID = issued[id] {
                    #expect(entry?.documentID == documentID, "reported document of \(id) is not registered")
                }
            }
            // Approvals that committed just before a kill, unreported, are approved without a document too.
            let stillApproved = Set(try store.approvedRequestIDs(limit: 10_000))
            #expect(pendingBeforeSweep.isSubset(of: stillApproved))
            for id in stillApproved { #expect(try store.documentEntry(forRequest: id) == nil) }
            pendingBeforeSweep = stillApproved
            #expect(try Self.issuedWithoutDocument(store) == 0)
            try store.close()
        }

        // Restart: the sweeper issues what the crashes left approved.
        let sweep = try RecordsCommandTests.civicseal(["dev", "sweep", "--data", data, "--keys", keys])
        #expect(sweep.status == 0, "\(sweep.error)")
        let swept = Set(
            sweep.output.split(separator: "\n").compactMap {
                $0.split(separator: " ").dropFirst().first.map(String.init)
            })
        #expect(swept == pendingBeforeSweep, "the sweeper issued exactly the approved-without-document requests")

        let store = try RequestStore.open(path: data + "/civicseal.sqlite")
        defer { try? store.close() }
        #expect(try store.approvedRequestIDs(limit: 10_000).isEmpty)
        #expect(try Self.issuedWithoutDocument(store) == 0)
        for id in approved {
            #expect(try store.storedRequest(id, by: .system(), now: Date()).summary.state == .issued)
            let entry = try #require(try store.documentEntry(forRequest: id), "no document for \(id)")
            let pdf = try #require(try store.documentPDF(id: entry.documentID))
            #expect(Hex.encode(Digest.sha256(pdf)) == entry.pdfSHA256, "stored PDF of \(id) is not the registered one")
            let verdict = verifier.verify(pdf, registry: nil)
            #expect(verdict.isValid, "document of \(id) does not verify: \(verdict.jsonObject())")
        }
        #expect(try store.verifyAudit().isIntact)
    }
}

import CivicSealApp
import CivicSealCasework
import CivicSealCrypto
import CivicSealJSON
import CivicSealRecords
import CivicSealStorage
import CivicSealTestSupport
import CivicSealVerification
import CivicSealWorkflow
import Foundation
import Testing

/// `civicseal keys compromise` with the real binary on documents issued through the pipeline.
@Suite struct KeyCompromiseTests {
    @Test("keys compromise revokes the seal and every document it sealed, re-issues them under a fresh seal, notifies")
    func compromiseRevokesReissuesAndNotifies() throws {
        let fixture = try KeyCompromiseFixture()
        let issued = try fixture.issue(justice: 14, health: 6)
        let affected = try #require(issued["justice-hanoi"])
        let untouched = try #require(issued["health-hanoi"])
        let compromised = try fixture.sealFingerprint("justice-hanoi")

        let unknown = try fixture.compromise(["--seal", String(repeating: "ab", count: 32)])
        #expect(unknown.status == 64)
        #expect(unknown.error.contains("is not the SHA-256 of a seal certificate of this keyring"))

        // The dry run says what would happen and changes nothing.
        let before = try fixture.snapshot()
        let dry = try fixture.compromise(["--seal", compromised, "--dry-run"])
        #expect(dry.status == 0, "\(dry.error)")
        #expect(dry.output.contains("14 affected"))
        #expect(dry.output.contains("would revoke 14, re-issue 14, notify 14"))
        #expect(dry.output.contains(affected[0]))
        #expect(try fixture.snapshot() == before)
        let untouchedBefore = try Self.footprints(untouched, fixture)

        let run = try fixture.compromise(["--seal", compromised, "--by", "operator:test"])
        #expect(run.status == 0, "\(run.error)")
        let progress = run.error.split(separator: "\n")
        #expect(progress.filter { $0.contains("] revoked ") }.count == 14)
        #expect(progress.filter { $0.contains("] reissued ") }.count == 14)
        #expect(progress.last?.hasPrefix("[   14/14] reissued ") == true)
        #expect(run.output.contains("finished"))

        let report = try Self.report(fixture, run: 1)
        #expect(report["thisRun"] == Self.counts(found: 14, revoked: 14, reissued: 14, notified: 14, skipped: 0))
        #expect(report["totals"] == Self.counts(found: 14, revoked: 14, reissued: 14, notified: 14, skipped: nil))
        #expect(SecureFile.mode(fixture.data + "/compromise-1.json") == 0o600)

        let newSeal = try fixture.sealFingerprint("justice-hanoi")
        #expect(newSeal != compromised)
        try Self.expectOutcome(
            fixture, affected: affected, compromised: compromised, newSeal: newSeal, untouchedBefore: untouchedBefore)

        // A second run has nothing left to do and changes nothing.
        let settled = try fixture.snapshot()
        let again = try fixture.compromise(["--seal", compromised])
        #expect(again.status == 0, "\(again.error)")
        #expect(again.output.contains("nothing left to do"))
        #expect(try fixture.snapshot() == settled)

        // A service that kept the leaked seal loaded sealed two more (B-B: no status check): a new run takes them,
        // and only them.
        let keyring = try Keyring(directory: fixture.keys)
        let leaked = try #require(
            keyring.department("justice-hanoi")?.seals.first { $0.certificate.fingerprintHex == compromised })
        let late = try #require(
            try fixture.issue(justice: 2, health: 0, firstPerson: 500, sealing: leaked)["justice-hanoi"])
        let more = try fixture.compromise(["--seal", compromised])
        #expect(more.status == 0, "\(more.error)")
        #expect(more.error.split(separator: "\n").filter { $0.contains("] reissued ") }.count == 2)
        let second = try Self.report(fixture, run: 2)
        #expect(second["totals"] == Self.counts(found: 2, revoked: 2, reissued: 2, notified: 2, skipped: nil))
        #expect(
            try Keyring(directory: fixture.keys).department("justice-hanoi")?.seals.count == 2, "no second rotation")
        let store = try RequestStore.open(path: fixture.database)
        defer { try? store.close() }
        for id in late { #expect(try store.documentEntry(id: id)?.supersededBy != nil) }
        #expect(try store.verifyAudit().isIntact)
    }

    @Test("--since selects the documents issued from then on; earlier and withdrawn documents are left alone")
    func sinceSelectsDocuments() async throws {
        let fixture = try KeyCompromiseFixture()
        let early = try #require(try fixture.issue(justice: 2, health: 0)["justice-hanoi"])
        let since = Date()
        let late = try #require(try fixture.issue(justice: 3, health: 0, firstPerson: 100)["justice-hanoi"])
        let compromised = try fixture.sealFingerprint("justice-hanoi")
        do {
            // An officer withdraws one of them before the playbook runs: it stays withdrawn, never re-issued.
            let store = try RequestStore.open(path: fixture.database)
            defer { try? store.close() }
            _ = try await store.revokeDocument(
                late[0], reason: "Nhập nhầm", code: .issuedInError,
                by: .officer("officer-justice-hanoi", department: "justice-hanoi"), now: Date())
        }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let run = try fixture.compromise(["--seal", compromised, "--since", formatter.string(from: since)])
        #expect(run.status == 0, "\(run.error)")
        let report = try Self.report(fixture, run: 1)
        #expect(report["totals"] == Self.counts(found: 2, revoked: 2, reissued: 2, notified: 2, skipped: nil))
        #expect(report["since"] != .null)

        let store = try RequestStore.open(path: fixture.database)
        defer { try? store.close() }
        for id in early {
            let entry = try #require(try store.documentEntry(id: id))
            #expect(entry.status == .valid && entry.supersededBy == nil, "\(id) was touched")
        }
        let withdrawn = try #require(try store.documentEntry(id: late[0]))
        guard case .revoked(_, let code, _) = withdrawn.status else {
            Issue.record("the withdrawn document is no longer revoked")
            return
        }
        #expect(code == .issuedInError && withdrawn.supersededBy == nil)
        for id in late.dropFirst() {
            #expect(try store.documentEntry(id: id)?.supersededBy != nil, "\(id) was not re-issued")
        }
        #expect(try await store.verifyAudit().isIntact)
    }

    // MARK: Shared checks

    static func counts(found: Int, revoked: Int, reissued: Int, notified: Int, skipped: Int?, failed: Int = 0)
        -> JSONValue
    {
        var object: [String: JSONValue] = [
            "found": .number(String(found)), "revoked": .number(String(revoked)),
            "reissued": .number(String(reissued)), "notified": .number(String(notified)),
            "failed": .number(String(failed)), "skippedWithdrawn": .number("0"),
        ]
        if let skipped { object["skippedAlreadyDone"] = .number(String(skipped)) }
        return .object(object)
    }

    static func report(_ fixture: KeyCompromiseFixture, run: Int) throws -> [String: JSONValue] {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: fixture.data + "/compromise-\(run).json"))
        return try #require(try JSONValue(parsing: Array(bytes)).objectValue)
    }

    static func footprints(_ documents: [String], _ fixture: KeyCompromiseFixture) throws -> [String: String] {
        let store = try RequestStore.open(path: fixture.database)
        defer { try? store.close() }
        return try store.database.read { connection in
            var found: [String: String] = [:]
            for id in documents {
                found[id] = try KeyCompromiseFixture.footprint(of: id, in: connection)
                let audit = try connection.scalar(
                    "SELECT count(*) FROM audit_log a JOIN documents d ON d.id = ? JOIN requests r ON r.seq = "
                        + "d.request_seq WHERE a.request_id = coalesce(r.legacy_id, a.request_id) AND "
                        + "a.sequence IN (SELECT value FROM json_each(r.history))", [.text(id)]
                ).int64
                found[id]! += " / audit \(audit ?? -1)"
            }
            return found
        }
    }

    /// What a user of the registry must see after a completed run: every affected document revoked (key compromise)
    /// exactly once and superseded by exactly one new document that verifies under the fresh seal; one notice per
    /// holder; the unaffected documents untouched; the audit trail intact.
    static func expectOutcome(
        _ fixture: KeyCompromiseFixture, affected: [String], compromised: String, newSeal: String,
        untouchedBefore: [String: String]
    ) throws {
        let keyring = try Keyring(directory: fixture.keys)
        let oldSeal = try #require(
            keyring.department("justice-hanoi")?.seals.first { $0.certificate.fingerprintHex == compromised })
        let freshSeal = try #require(keyring.department("justice-hanoi")?.active)
        #expect(freshSeal.certificate.fingerprintHex == newSeal)
        let verifier = try DocumentVerifier(trustAnchors: keyring.trustAnchors)
        let store = try RequestStore.open(path: fixture.database)
        defer { try? store.close() }

        // The seal certificate is revoked for key compromise (OCSP and the CRL read this row).
        let certificate = try #require(try store.certificateRecord(fingerprint: compromised))
        #expect(certificate.revocation?.reason == .keyCompromise)

        var newIDs: Set<String> = []
        for (index, oldID) in affected.enumerated() {
            let old = try #require(try store.documentEntry(id: oldID))
            guard case .revoked(_, let code, _) = old.status else {
                Issue.record("\(oldID) is not revoked")
                continue
            }
            #expect(code == .keyCompromise)
            let newID = try #require(old.supersededBy, "\(oldID) names no successor")
            newIDs.insert(newID)
            let new = try #require(try store.documentEntry(id: newID))
            #expect(new.status == .valid && new.supersedes == oldID && new.requestID == old.requestID)
            #expect(new.signerCertificateSHA256 == newSeal)
            #expect(try store.documentEntry(forRequest: old.requestID)?.documentID == newID)

            // The chain: exactly one key-compromise revocation and one re-issue of this request.
            let (revocations, reissues, notices) = try store.database.read { connection in
                (
                    try connection.scalar(
                        "SELECT count(*) FROM audit_log WHERE request_id = ? AND action = 'revoke' AND reason LIKE "
                            + "'[key-compromise]%'", [.text(old.requestID)]
                    ).int64,
                    try connection.scalar(
                        "SELECT count(*) FROM audit_log WHERE request_id = ? AND action = 'issue' AND from_state = "
                            + "'revoked'", [.text(old.requestID)]
                    ).int64,
                    try connection.scalar(
                        "SELECT count(*) FROM outbox WHERE json_extract(payload, '$.oldDocumentId') = ? AND "
                            + "json_extract(payload, '$.newDocumentId') = ? AND kind = 'document-reissued'",
                        [.text(oldID), .text(newID)]
                    ).int64
                )
            }
            #expect(
                revocations == 1 && reissues == 1 && notices == 1, "\(oldID): \(revocations!) \(reissues!) \(notices!)")

            // Verify a sample thoroughly (every document would take as long as the run).
            guard index % max(1, affected.count / 12) == 0 else { continue }
            let newPDF = try #require(try store.documentPDF(id: newID))
            let verdict = verifier.verify(newPDF, registry: store)
            #expect(verdict.isValid, "\(newID): \(verdict.jsonValue().serialized())")
            let sealCMS = try #require(IssuancePipeline.signatureContents(in: newPDF).dropFirst().first).contents
            #expect(
                KeyCompromiseFixture.contains(sealCMS, freshSeal.certificate.der), "\(newID) not sealed by the new seal"
            )
            #expect(!KeyCompromiseFixture.contains(newPDF, oldSeal.certificate.der))

            let oldPDF = try #require(try store.documentPDF(id: oldID))
            let oldVerdict = verifier.verify(oldPDF, registry: store)
            #expect(oldVerdict.outcome != .valid)
            #expect(oldVerdict.revocation?.english == "revoked: key compromise; superseded by \(newID)")
            #expect(oldVerdict.revocation?.reason == .keyCompromise)
            #expect(
                oldVerdict.checks.contains {
                    $0.name == .notRevoked && $0.english.contains("Superseded by document \(newID)")
                })
        }
        #expect(newIDs.count == affected.count)
        let outbox = try store.database.read { try $0.scalar("SELECT count(*) FROM outbox").int64 }
        #expect(outbox == Int64(affected.count))

        // Nothing else was touched.
        #expect(try footprints(Array(untouchedBefore.keys), fixture) == untouchedBefore)
        let audit = try RecordsCommandTests.civicseal(["audit", "verify", "--data", fixture.data])
        #expect(audit.status == 0, "\(audit.output) \(audit.error)")
    }
}

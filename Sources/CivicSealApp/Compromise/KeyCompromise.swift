import CivicSealCasework
import CivicSealCrypto
import CivicSealDocuments
import CivicSealRecords
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `civicseal keys compromise --seal FINGERPRINT [--since TIME] [--dry-run] [--by OPERATOR] [--data DIR]
/// [--database URL] [--keys DIR] [--report FILE]`: the playbook for the day a department seal's private key leaks.
///
/// 1. revoke the seal certificate, reason keyCompromise, at the time of the run (OCSP answers `revoked` at once,
///    the CRL from its next issue). `--since` does NOT back-date the revocation: it only selects documents;
/// 2. make a fresh seal active for the department (``DevelopmentPKI/rotate``; a PEM key for a PEM key, a key
///    pair generated in the same PKCS#11 token for a token key), unless the compromised seal is already retired;
/// 3. list every valid, current document the seal sealed (issued at or after `--since`, or ever);
/// 4. revoke each, reason `key-compromise` — all of them first, since every minute a forged-looking document still
///    verifies counts;
/// 5. re-issue each as a new document (same request, findings and approval; the recorded approver's officer key
///    signs again as in normal issuance and the fresh seal seals), linked old ↔ new;
/// 6. queue one `document-reissued` notice per document for its holder in the outbox.
///
/// Every step is recorded (``CompromiseRun``, ``CompromiseItem``) and idempotent, each document step in its own
/// transaction, so a run killed at any point is resumed by running the same command again: nothing happens twice.
/// Audit entries name the operator (`--by`, default `operator:$USER`).
package enum KeyCompromise {
    package struct Options: Sendable {
        package var seal: String
        package var since: Date?
        package var dryRun = false
        package var operatorName: String?
        package var dataDirectory: String = RecordsCommands.defaultDataDirectory
        /// `--database URL` (nil: the data directory's SQLite file), as on `serve` and `audit verify`.
        package var database: String?
        package var keysDirectory: String = "Keys"
        package var reportPath: String?

        package init(seal: String) { self.seal = seal }
    }

    /// Runs the playbook (or, with `dryRun`, says what it would do and changes nothing). `progress` gets one line
    /// per document step (`[  120/1000] reissued OLD → NEW`); `output` the human report.
    @discardableResult
    package static func run(
        _ options: Options, now clock: @escaping @Sendable () -> Date = { Date() }, progress: (String) -> Void,
        output: (String) -> Void
    ) throws(AppError) -> CompromiseReport? {
        let fingerprint = try KeyringCertificates.fingerprint(options.seal)
        let store = try RecordsCommands.openExisting(dataDirectory: options.dataDirectory, database: options.database)
        defer { try? store.close() }
        // One run at a time per data directory, taken before the keyring is read: two would both rotate the seal
        // (the keyring file is no transaction).
        // On PostgreSQL the data directory may not exist yet on this machine: the lock file needs it. Across machines
        // the database's unique index on unfinished runs (one per seal) refuses a second run.
        if !options.dryRun, !SecureFile.exists(options.dataDirectory) {
            try SecureFile.makeDirectory(options.dataDirectory, mode: 0o700)
        }
        let lock = options.dryRun ? -1 : try exclusiveLock("\(options.dataDirectory)/compromise.lock")
        defer { if lock >= 0 { close(lock) } }
        var keyring = try Keyring(directory: options.keysDirectory)
        guard
            let department = keyring.departments.first(where: { department in
                department.seals.contains { $0.certificate.fingerprintHex == fingerprint }
            }),
            let seal = department.seals.first(where: { $0.certificate.fingerprintHex == fingerprint })
        else {
            throw AppError(
                .usage, "refused: \(fingerprint) is not the SHA-256 of a seal certificate of this keyring")
        }
        if options.dryRun {
            try dryRun(
                options, fingerprint: fingerprint, department: department, store: store, now: clock(), output: output)
            return nil
        }
        let actor =
            options.operatorName
            ?? ProcessInfo.processInfo.environment["USER"].map { "operator:\($0)" } ?? "operator"
        let run = try startOrResume(
            options, fingerprint: fingerprint, departmentID: department.id, actor: actor, store: store, now: clock())
        guard run.finishedAt == nil else {
            output(
                "keys compromise: run \(run.id) for \(fingerprint) finished at "
                    + "\(ISO8601DateFormatter().string(from: run.finishedAt!)); nothing left to do")
            return nil
        }
        var tally = CompromiseReport.Tally()

        // Step 1: the certificate.
        try KeyringCertificates.register(keyring, in: store, now: clock())
        if run.certificateRevokedAt == nil {
            let revokedAt = try revokeCertificate(fingerprint, by: actor, store: store, now: clock())
            try storage { () throws(RecordsError) in
                try store.recordCompromiseRunStep(run.id, certificateRevokedAt: revokedAt)
            }
            output("revoked the seal certificate \(fingerprint) (keyCompromise); OCSP answers revoked at once")
        }
        // Step 2: a fresh seal. The keyring file is changed first and the run records what is active after it: a
        // crash in between is seen on the rerun (the active seal is no longer the compromised one).
        if department.active.certificate.fingerprintHex == fingerprint {
            // Same place as the compromised key: a PEM file, or a new key pair generated in the same token.
            let name = try DevelopmentPKI.rotate(
                directory: options.keysDirectory, departmentID: department.id, algorithm: seal.algorithm, now: clock(),
                token: seal.token?.naming(object: nil))
            keyring = try Keyring(directory: options.keysDirectory)
            try KeyringCertificates.register(keyring, in: store, now: clock())
            // Running instances reload the keyring: at once on PostgreSQL (NOTIFY), within a minute on SQLite (they
            // poll keyring.json). Until then their issuances fail the status check (the old seal is revoked) and wait,
            // approved, for the sweeper.
            let notified = try KeyringNotice.notify(store)
            output(
                "\(department.id): new active seal \(name); running instances take it "
                    + (notified ? "now (NOTIFY \(KeyringNotice.channel))" : "within a minute (they poll keyring.json)"))
        }
        guard let fresh = keyring.department(department.id)?.active,
            fresh.certificate.fingerprintHex != fingerprint
        else { throw AppError(.keyMaterial, "\(department.id) has no active seal other than the compromised one") }
        if run.newSealFingerprint == nil {
            try storage { () throws(RecordsError) in
                try store.recordCompromiseRunStep(run.id, newSealFingerprint: fresh.certificate.fingerprintHex)
            }
        }
        // Step 3: the documents.
        tally.found = try storage { () throws(RecordsError) in try store.collectCompromiseItems(run, now: clock()) }
        var items = try storage { () throws(RecordsError) in try store.compromiseItems(runID: run.id) }
        tally.skippedAlreadyDone = items.filter(\.state.isFinal).count

        // Step 4: revoke them all.
        let total = items.count
        let grounds =
            "seal key compromised: the seal certificate SHA-256 \(fingerprint) is revoked (keyCompromise); "
            + "compromise run \(run.id)"
        var revokedSoFar = items.filter { $0.state >= .revoked }.count
        for item in items where item.state == .found {
            do {
                switch try store.revokeCompromised(item, grounds: grounds, by: actor, now: clock()) {
                case .revoked:
                    tally.revoked += 1
                    revokedSoFar += 1
                    progress("[\(counter(revokedSoFar, total))] revoked \(item.documentID)")
                case .skipped:
                    tally.withdrawn += 1
                    progress(
                        "[\(counter(revokedSoFar, total))] skipped \(item.documentID): withdrawn meanwhile, "
                            + "not re-issued")
                case .alreadyDone: break
                }
            } catch {
                tally.failed += 1
                try? store.recordCompromiseFailure(item, message: "revoke: \(error.message)", now: clock())
                progress("[\(counter(revokedSoFar, total))] FAILED to revoke \(item.documentID): \(error.message)")
            }
        }

        // Steps 5 and 6: re-issue with the fresh seal, then queue the holder's notice.
        items = try storage { () throws(RecordsError) in try store.compromiseItems(runID: run.id) }
        var doneSoFar = items.filter { $0.state == .notified }.count
        let reissuable = items.filter { $0.state != .skipped }.count
        if items.contains(where: { $0.state == .revoked || $0.state == .reissued }) {
            let issuance = try issuanceService(keyring: keyring, store: store, options: options, clock: clock)
            for item in items where item.state == .revoked || item.state == .reissued {
                do {
                    if item.state == .revoked, try issuance.reissue(item, by: actor) != nil { tally.reissued += 1 }
                    if let newID = try store.queueReissueNotice(item, by: actor, now: clock()) {
                        tally.notified += 1
                        doneSoFar += 1
                        progress(
                            "[\(counter(doneSoFar, reissuable))] reissued \(item.documentID) → \(newID), "
                                + "holder notice queued")
                    }
                } catch {
                    tally.failed += 1
                    try? store.recordCompromiseFailure(item, message: "\(error)", now: clock())
                    progress("[\(counter(doneSoFar, reissuable))] FAILED to re-issue \(item.documentID): \(error)")
                }
            }
        }

        items = try storage { () throws(RecordsError) in try store.compromiseItems(runID: run.id) }
        let finished = items.allSatisfy(\.state.isFinal)
        if finished {
            try storage { () throws(RecordsError) in try store.finishCompromiseRun(run.id, now: clock()) }
        }
        let report = CompromiseReport(
            run: run, newSealFingerprint: fresh.certificate.fingerprintHex, thisRun: tally, items: items,
            finished: finished, generatedAt: clock())
        let path = options.reportPath ?? "\(options.dataDirectory)/compromise-\(run.id).json"
        try SecureFile.replace(path, text: report.json, mode: SecureFile.privateMode)
        output(report.text + "\nreport: \(path)")
        return report
    }

    /// The unfinished run for the seal; or a new run when there is none, or when documents sealed with the key
    /// appeared after the last one finished; else the last finished run (nothing to do).
    static func startOrResume(
        _ options: Options, fingerprint: String, departmentID: String, actor: String, store: RequestStore, now: Date
    ) throws(AppError) -> CompromiseRun {
        if let run = try storage({ () throws(RecordsError) in
            try store.latestCompromiseRun(sealFingerprint: fingerprint)
        }) {
            if let since = options.since, run.finishedAt == nil,
                run.since.map({ abs($0.timeIntervalSince(since)) >= 0.001 }) ?? true
            {
                throw AppError(
                    .usage,
                    "refused: run \(run.id) for this seal is unfinished with "
                        + (run.since.map { "--since \(ISO8601DateFormatter().string(from: $0))" } ?? "no --since")
                        + "; rerun it with the same --since (or none) to finish it")
            }
            // A finished run stays finished unless documents sealed with the key appeared since (a service that went
            // on sealing with it until restarted, under a profile without the status check): a new run takes them;
            // its certificate and seal steps are found done.
            let since = options.since ?? run.since
            let appeared = try storage { () throws(RecordsError) in
                try store.compromisedDocumentIDs(sealFingerprint: fingerprint, since: since)
            }
            guard run.finishedAt != nil, !appeared.isEmpty else { return run }
            return try storage { () throws(RecordsError) in
                try store.startCompromiseRun(
                    sealFingerprint: fingerprint, departmentID: departmentID, since: since, by: actor, now: now)
            }
        }
        return try storage { () throws(RecordsError) in
            try store.startCompromiseRun(
                sealFingerprint: fingerprint, departmentID: departmentID, since: options.since, by: actor, now: now)
        }
    }

    /// Revokes the seal certificate now (reason keyCompromise); an earlier revocation (a crash after it, or an
    /// operator who ran `keys revoke` first) counts as done. Returns the revocation time.
    static func revokeCertificate(_ fingerprint: String, by actor: String, store: RequestStore, now: Date)
        throws(AppError) -> Date
    {
        do {
            return try store.revokeCertificate(
                fingerprint: fingerprint, reason: .keyCompromise, at: now, by: actor, now: now
            ).revocation?.at ?? now
        } catch  where error.code == .transitionRefused {
            let record = try storage { () throws(RecordsError) in try store.certificateRecord(fingerprint: fingerprint)
            }
            return record?.revocation?.at ?? now
        } catch {
            throw AppError(.storage, "cannot revoke the seal certificate: \(error.message)")
        }
    }

    /// Issuance as `civicseal dev sweep` builds it (B-LTA with the keyring's TSA and OCSP responder), on `store`.
    static func issuanceService(
        keyring: Keyring, store: RequestStore, options: Options, clock: @escaping @Sendable () -> Date
    ) throws(AppError) -> IssuanceService {
        let renderer: DocumentRenderer
        do { renderer = try DocumentRenderer(templateDirectory: DocumentRenderer.repositoryTemplateDirectory()) } catch
        {
            throw AppError(.configuration, "cannot load templates or fonts: \(error)")
        }
        let authority = try TimeStampServer.authority(
            keyring: keyring, dataDirectory: options.dataDirectory, store: store, clock: clock)
        return try IssuanceWiring(keyring: keyring, store: store, timeStamping: authority, clock: clock).service(
            store: store, keyring: keyring, renderer: renderer, clock: clock)
    }

    /// `--dry-run`: what a run would do, from reads only.
    static func dryRun(
        _ options: Options, fingerprint: String, department: Keyring.Department, store: RequestStore, now: Date,
        output: (String) -> Void
    ) throws(AppError) {
        let run = try storage { () throws(RecordsError) in try store.latestCompromiseRun(sealFingerprint: fingerprint) }
        var pending: [CompromiseItem] = []
        if let run, run.finishedAt == nil {
            pending = try storage { () throws(RecordsError) in try store.compromiseItems(runID: run.id) }
        }
        let fresh = try storage { () throws(RecordsError) in
            try store.compromisedDocumentIDs(sealFingerprint: fingerprint, since: run?.since ?? options.since)
        }
        let certificate = try storage { () throws(RecordsError) in
            try store.certificateRecord(fingerprint: fingerprint)
        }
        let unfinished = pending.filter { !$0.state.isFinal }
        let toRevoke = fresh + unfinished.filter { $0.state == .found }.map(\.documentID)
        let toReissue = fresh + unfinished.filter { $0.state <= .revoked }.map(\.documentID)
        let formatter = ISO8601DateFormatter()
        var lines = ["keys compromise --dry-run: nothing was changed"]
        lines.append("  seal:        \(fingerprint) (\(department.id))")
        if let run, run.finishedAt == nil {
            lines.append(
                "  resumes run \(run.id), started \(formatter.string(from: run.startedAt)) by \(run.startedBy)")
        }
        lines.append(
            "  certificate: "
                + (certificate?.revocation.map { "already revoked at \(formatter.string(from: $0.at))" }
                    ?? "would be revoked now (keyCompromise)"))
        lines.append(
            "  fresh seal:  "
                + (department.active.certificate.fingerprintHex == fingerprint
                    ? "a new seal would be made active" : "already active: \(department.active.name)"))
        let sinceText = (run?.since ?? options.since).map { "issued since \(formatter.string(from: $0))" } ?? "ever"
        lines.append("  documents:   \(fresh.count + unfinished.count) affected (\(sinceText))")
        lines.append(
            "  would revoke \(toRevoke.count), re-issue \(toReissue.count), notify \(unfinished.count + fresh.count)")
        let first = (unfinished.map(\.documentID) + fresh).prefix(10)
        if !first.isEmpty { lines.append("  first:       " + first.joined(separator: ", ")) }
        output(lines.joined(separator: "\n"))
    }

    /// An exclusive `flock` on `path` (created 0600), held until the descriptor is closed; refused at once when
    /// another process holds it.
    static func exclusiveLock(_ path: String) throws(AppError) -> Int32 {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, SecureFile.privateMode)
        guard descriptor >= 0 else { throw AppError(.fileSystem, "cannot open \(path)") }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw AppError(.usage, "refused: another keys compromise is running on this data directory (\(path))")
        }
        return descriptor
    }

    static func counter(_ done: Int, _ total: Int) -> String {
        let width = String(total).count
        return String(repeating: " ", count: max(0, max(5, width) - String(done).count)) + "\(done)/\(total)"
    }
}

/// Runs a records operation, turning its error into a storage error for the operator.
func storage<T>(_ body: () throws(RecordsError) -> T) throws(AppError) -> T {
    do { return try body() } catch { throw AppError(.storage, error.message) }
}

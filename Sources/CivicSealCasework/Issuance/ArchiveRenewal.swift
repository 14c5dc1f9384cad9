import CivicSealCrypto
import CivicSealRecords
import Foundation

/// Archive renewal (PAdES B-LTA, ETSI EN 319 142-1 §5.5): before the TSA certificate of a document's latest
/// document timestamp expires, append a DSS update (a fresh OCSP response for that TSA certificate, and the CA's
/// CRL) and a new document timestamp from the current TSA, as an incremental update that leaves every earlier
/// signature's bytes untouched. The new file is published as the document's next version (downloads serve it; every
/// version still verifies as the registered document), audited as `archive-renewal`.
///
/// Resumable and idempotent: a run walks the documents whose latest version is due in row order; each renewal is
/// computed outside any transaction and published only if the latest version is still the one it extended (a crash
/// before the commit leaves nothing; a second runner's renewal is refused and dropped). A document is renewed only by
/// a TSA certificate that outlives the one it replaces, so without a TSA rotation the job reports and waits.
package final class ArchiveRenewal: Sendable {
    package struct Report: Sendable {
        /// Documents due (a dry run lists them without renewing).
        package var due: [String] = []
        /// Documents renewed, with their new version.
        package var renewed: [(documentID: String, version: Int)] = []
        /// Documents left for later, with why.
        package var skipped: [(documentID: String, reason: String)] = []
    }

    package let store: RequestStore
    package let trust: any IssuanceTrustServices
    /// Renew when the TSA certificate expires within this many seconds (default 90 days; configurable).
    package let horizon: TimeInterval
    let clock: @Sendable () -> Date

    package init(
        store: RequestStore, trust: any IssuanceTrustServices, horizon: TimeInterval = 90 * 86400,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.trust = trust
        self.horizon = horizon
        self.clock = clock
    }

    /// One pass over every due document. Blocking (PDF work and SQLite writes): run it off the cooperative pool.
    package func run(now: Date? = nil, dryRun: Bool = false) throws(CaseworkError) -> Report {
        let now = now ?? clock()
        var report = Report()
        var cursor: Int64 = 0
        while true {
            let page: (candidates: [RequestStore.ArchiveCandidate], cursor: Int64)
            do {
                page = try store.documentsDueForArchiveRenewal(before: now.addingTimeInterval(horizon), after: cursor)
            } catch {
                throw CaseworkError(.storage, "cannot list documents due for archive renewal: \(error.message)")
            }
            if page.candidates.isEmpty { break }
            cursor = page.cursor
            for candidate in page.candidates {
                report.due.append(candidate.documentID)
                if dryRun { continue }
                do {
                    let version = try renew(candidate, now: now)
                    report.renewed.append((candidate.documentID, version))
                } catch {
                    report.skipped.append((candidate.documentID, error.message))
                }
            }
        }
        return report
    }

    /// Renews one document; returns its new version.
    func renew(_ candidate: RequestStore.ArchiveCandidate, now: Date) throws(CaseworkError) -> Int {
        let trust = trust.pinned()
        let tsaCertificate = trust.timeStampingCertificate
        // A renewal by a certificate that would itself be due at once gains nothing: the TSA must outlive the horizon.
        guard tsaCertificate.notAfter > max(candidate.timestampExpiresAt, now.addingTimeInterval(horizon)),
            tsaCertificate.isValid(at: now)
        else {
            throw CaseworkError(
                .issuanceFailed,
                "the current TSA certificate does not outlive the renewal horizon (rotate the TSA first)")
        }
        let found: (version: Int, pdf: [UInt8])?
        do {
            found = try store.latestDocumentVersion(id: candidate.documentID)
        } catch {
            throw CaseworkError(.storage, "cannot read document \(candidate.documentID): \(error.message)")
        }
        guard let latest = found else { throw CaseworkError.notFound }
        guard latest.version == candidate.version else {
            throw CaseworkError(.issuanceFailed, "already renewed (version \(latest.version))")
        }
        // The TSA certificate of the latest document timestamp: its revocation status goes into the DSS.
        guard let contents = IssuancePipeline.lastSignatureContents(in: latest.pdf),
            let token = try? TimeStampToken(der: contents), let previousTSA = token.signerCertificate
        else {
            throw CaseworkError(.issuanceFailed, "the latest file has no readable document timestamp")
        }
        let evidence = try trust.revocationEvidence(for: [], tsa: [previousTSA], at: now)
        let output = try IssuancePipeline.archiveTimeStamp(
            latest.pdf, evidence: evidence, version: latest.version + 1, timeStamping: trust.timeStamping)
        do {
            return try store.publishArchiveRenewal(
                id: candidate.documentID, previousVersion: latest.version, pdf: output.pdf,
                timestampExpiresAt: output.timestampExpiresAt, now: now)
        } catch {
            throw CaseworkError(.storage, "cannot publish the renewal: \(error.message)")
        }
    }

    /// Runs ``run(now:dryRun:)`` now and then every `interval` (default daily) until the task is cancelled.
    package func start(every interval: Duration = .seconds(86400)) -> Task<Void, Never> {
        Task.detached(priority: .utility) { [self] in
            while !Task.isCancelled {
                let report = await withCheckedContinuation { continuation in
                    DispatchQueue.global(qos: .utility).async { continuation.resume(returning: try? self.run()) }
                }
                if let report, !report.renewed.isEmpty || !report.skipped.isEmpty {
                    FileHandle.standardError.write(
                        Data(
                            ("civicseal: archive renewal: \(report.renewed.count) renewed, "
                                + "\(report.skipped.count) left for later\n").utf8))
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}

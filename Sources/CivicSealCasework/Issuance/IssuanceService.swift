import CivicSealCrypto
import CivicSealDocuments
import CivicSealRecords
import CivicSealSealing
import CivicSealWorkflow
import Foundation
import Synchronization

/// Issues the document of an approved request: build the record, render it with the approving officer's visible
/// signature placeholder, then sign it in ``IssuancePipeline``'s order — the officer's personal signature, the
/// department's ACTIVE seal (locking every field) as an incremental update, each with a signature-time-stamp, then a
/// DSS and a document timestamp (PAdES B-LTA by default) — and register it: document row and its first version +
/// `approved` → `issued` + audit, in one write transaction (``CivicSealRecords/RequestStore/register(_:now:)``).
/// Without officer keys (component tests of the registry) the seal alone signs, as PAdES B-B.
///
/// Crash atomicity: the approval commits first, on its own; rendering and sealing run outside any lock; the
/// registration transaction is atomic. So after a crash at any point a request is either `approved` with no document
/// (``sweep()`` issues it on the next start, and periodically) or `issued` with its complete, sealed document —
/// never `issued` without one. Two issuers racing for one request (the decision handler and the sweeper) are
/// harmless: the loser's transaction is refused because the request is no longer `approved`, and its render is
/// dropped; an in-flight set avoids even that waste within one process.
///
/// Blocking work (rendering, sealing, the SQLite write): run it on a thread that may block (an HTTP handler thread,
/// the sweeper's task), never on the cooperative pool for long.
package final class IssuanceService: Sendable {
    package struct Issued: Sendable {
        package let documentID: String
        package let summary: RequestSummary
        package let pdf: [UInt8]
    }

    package let store: RequestStore
    package let keyring: any SealingKeyring
    /// Loads the templates and fonts on first use (a service that never issues never pays for them).
    let rendererFactory: @Sendable () throws -> DocumentRenderer
    let loadedRenderer = Mutex<DocumentRenderer?>(nil)
    let clock: @Sendable () -> Date
    /// Issuances running in this process, by request id: a second caller can wait for the first instead of racing it.
    let inFlight = Mutex<[String: InFlightIssuance]>([:])
    /// The last failure message per request (for logs and tests); cleared on success.
    let failures = Mutex<[String: String]>([:])
    /// The officers' personal signing keys; nil: the seal signs alone (B-B).
    package let officerKeys: (any OfficerSigningKeys)?
    /// The TSA and revocation evidence for B-T and beyond; nil: no timestamps.
    package let trust: (any IssuanceTrustServices)?
    /// How far documents go; lowered to ``IssuanceProfile/bb`` without ``trust``.
    package let profile: IssuanceProfile

    package convenience init(
        store: RequestStore, keyring: any SealingKeyring, renderer: DocumentRenderer,
        officerKeys: (any OfficerSigningKeys)? = nil, trust: (any IssuanceTrustServices)? = nil,
        profile: IssuanceProfile = .blta, clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.init(
            store: store, keyring: keyring, loadingRenderer: { renderer }, officerKeys: officerKeys, trust: trust,
            profile: profile, clock: clock)
    }

    /// - Parameter loadingRenderer: called once, on the first issuance.
    package init(
        store: RequestStore, keyring: any SealingKeyring,
        loadingRenderer: @escaping @Sendable () throws -> DocumentRenderer,
        officerKeys: (any OfficerSigningKeys)? = nil, trust: (any IssuanceTrustServices)? = nil,
        profile: IssuanceProfile = .blta, clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.keyring = keyring
        rendererFactory = loadingRenderer
        self.officerKeys = officerKeys
        self.trust = trust
        self.profile = trust == nil ? .bb : profile
        self.clock = clock
    }

    /// The renderer, loaded on first use.
    package func renderer() throws -> DocumentRenderer {
        try loadedRenderer.withLock { cached in
            if let cached { return cached }
            let renderer = try rendererFactory()
            cached = renderer
            return renderer
        }
    }

    /// One issuance in flight: later callers that join it wait for `done` and read its outcome.
    final class InFlightIssuance: Sendable {
        let done = DispatchGroup()
        let outcome = Mutex<Issued?>(nil)
        /// Callers waiting for this issuance (observed by tests).
        let joiners = Atomic<Int>(0)
        init() { done.enter() }
    }

    /// Issues `requestID` if it is `approved`; `nil` when there is nothing to do (not approved, already issued, or
    /// being issued by another caller in this process). Blocking: rendering, sealing and the SQLite write.
    ///
    /// - Parameter joiningInFlight: when another caller in this process is issuing the same request, wait for it
    ///   and return its outcome instead of `nil` (the decision handlers answer with the request as issued, even
    ///   when the sweeper happened to pick it up first).
    /// - Parameter approval: the approval's findings as checked and the submission as read at approval (both read
    ///   from the store when nil).
    package func issueNow(
        _ requestID: String, joiningInFlight: Bool = false,
        approval: (findings: ApprovalFindings, submission: RequestSubmission)? = nil
    ) throws(CaseworkError) -> Issued? {
        let ticket = InFlightIssuance()
        let running = inFlight.withLock { running -> InFlightIssuance? in
            if let other = running[requestID] { return other }
            running[requestID] = ticket
            return nil
        }
        if let running {
            ticket.done.leave()
            guard joiningInFlight else { return nil }
            running.joiners.add(1, ordering: .sequentiallyConsistent)
            running.done.wait()
            return running.outcome.withLock { $0 }
        }
        defer {
            _ = inFlight.withLock { $0.removeValue(forKey: requestID) }
            ticket.done.leave()
        }
        let issued = try issueClaimed(requestID, approval: approval)
        ticket.outcome.withLock { $0 = issued }
        return issued
    }

    /// The work of ``issueNow(_:joiningInFlight:)`` once this caller holds the request's in-flight ticket.
    private func issueClaimed(
        _ requestID: String, approval: (findings: ApprovalFindings, submission: RequestSubmission)?
    ) throws(CaseworkError) -> Issued? {
        let source: IssuanceSource
        do {
            guard let found = try store.issuanceSource(requestID) else { return nil }
            source = found
        } catch {
            throw CaseworkError(.storage, "cannot read request \(requestID): \(error.message)")
        }
        let document = try sealedDocument(for: source, approval: approval)
        do {
            let summary = try store.register(document, now: document.issuedAt)
            failures.withLock { $0[requestID] = nil }
            return Issued(documentID: document.documentID, summary: summary, pdf: document.pdf)
        } catch  where error.code == .transitionRefused {
            return nil  // another issuer registered it first; our render is dropped
        } catch {
            throw CaseworkError(.storage, "cannot register the document of \(requestID): \(error.message)")
        }
    }

    /// Builds, renders and seals a new document for `source` with the department's ACTIVE seal, under a fresh id,
    /// without registering it (issuance registers it with `approved` → `issued`; a re-issue after a key compromise
    /// with the link to the document it supersedes). `healthBookAsOf`: a health-book extract states the entries
    /// recorded by then (a re-issue states what the original did); nil: every entry.
    func sealedDocument(
        for source: IssuanceSource, approval: (findings: ApprovalFindings, submission: RequestSubmission)?,
        healthBookAsOf: Date? = nil
    ) throws(CaseworkError) -> NewDocument {
        let requestID = source.requestID
        guard let keys = keyring.seal(forDepartment: source.departmentID) else {
            throw CaseworkError(.sealNotConfigured, "no seal is configured for department \(source.departmentID)")
        }
        let department =
            store.configuration.authority.department(id: source.departmentID)
            ?? Department(id: keys.departmentID, nameVietnamese: keys.name, nameEnglish: keys.englishName)
        let documentID = DocumentID.generate()
        let issuedAt = clock()
        let sealed: IssuancePipeline.Output
        let rendered: RenderedDocument
        let record: DocumentRecord
        let canonical: String
        do {
            let built = try DocumentRecordBuilder.record(
                for: source, findings: approval?.findings, submission: approval?.submission, documentID: documentID,
                issuedAt: issuedAt, department: department,
                healthBook: { [store] in
                    let person = try PersonalIDNumber(source.ownerID)
                    guard let healthBookAsOf else { return try store.healthBookForIssuance(person) }
                    return try store.healthBookForIssuance(person, recordedBy: healthBookAsOf)
                })
            record = built.record
            (rendered, sealed) = try sign(record, source: source, department: department, keys: keys)
            canonical = DocumentRecordBuilder.canonicalJSON(record, findings: built.findings, rendered: rendered)
        } catch {
            let message = "cannot issue request \(requestID): \(error)"
            failures.withLock { $0[requestID] = message }
            if let unavailable = CaseworkError.keyUnavailable(error, message) {
                // Tokens are found and logged in to again on the next attempt (the sweeper's, or the next approval).
                keyring.tokenFailed()
                officerKeys?.tokenFailed()
                throw unavailable
            }
            throw CaseworkError(.issuanceFailed, message)
        }
        return NewDocument(
            documentID: documentID, requestID: requestID, kind: source.kind, departmentID: source.departmentID,
            templateID: rendered.templateID, templateVersion: rendered.templateVersion,
            templateSHA256: rendered.templateSHA256,
            recordJSON: canonical, pdf: sealed.pdf, signerCertificateSHA256: keys.certificateSHA256,
            issuedAt: issuedAt, timestampExpiresAt: sealed.timestampExpiresAt)
    }

    /// Issues `requestID` right after its approval committed, on the caller's thread (one blocking step, no hop to
    /// another queue), joining an issuance of the same request already in flight (the sweeper's). A failure is
    /// logged and left to the sweeper; the approval stands. `findings` and `submission` are the approval's, already
    /// typed: the stored copies are not read back. A signing key whose token cannot be reached is the one failure
    /// thrown (``CaseworkError/Code/keyUnavailable``): the caller answers 503 with Retry-After, the approval standing.
    package func issueAfterApproval(_ requestID: String, findings: ApprovalFindings, submission: RequestSubmission)
        throws(CaseworkError) -> Issued?
    {
        do {
            return try issueNow(requestID, joiningInFlight: true, approval: (findings, submission))
        } catch {
            FileHandle.standardError.write(Data("civicseal: issuance deferred to the sweeper: \(error)\n".utf8))
            if error.code == .keyUnavailable { throw error }
            return nil
        }
    }

    /// Issues every approved request that has no document yet (after a crash, or after a failed attempt).
    /// Returns the documents issued.
    @discardableResult
    package func sweep(limit: Int = 1000) -> [Issued] {
        guard let ids = try? store.approvedRequestIDs(limit: limit) else { return [] }
        var issued: [Issued] = []
        for id in ids {
            if let document = try? issueNow(id) { issued.append(document) }
        }
        return issued
    }

    /// Runs ``sweep(limit:)`` now and then every `interval` on a background task until the task is cancelled.
    /// - Parameter leads: asked before each run; the run is skipped when it answers false (several instances on one
    ///   database: only the leader sweeps, see `AdvisoryLeadership`). Nil: always run (one instance, SQLite).
    package func startSweeper(
        every interval: Duration = .seconds(30), leads: (@Sendable () async -> Bool)? = nil
    ) -> Task<Void, Never> {
        Task.detached(priority: .utility) { [self] in
            while !Task.isCancelled {
                // Only when something waits: a quiet service never loads templates or fonts for the sweeper.
                if await leads?() ?? true, let pending = try? store.approvedRequestIDs(limit: 1), !pending.isEmpty {
                    _ = await withCheckedContinuation { continuation in
                        DispatchQueue.global(qos: .utility).async { continuation.resume(returning: self.sweep().count) }
                    }
                }
                try? await Task.sleep(for: interval)
            }
        }
    }

    /// The last failure of `requestID`, if its issuance failed and has not succeeded since.
    package func lastFailure(of requestID: String) -> String? { failures.withLock { $0[requestID] } }

    static func reason(for kind: RequestKind) -> String {
        switch kind {
        case .criminalRecord: "Phiếu lý lịch tư pháp"
        case .healthCertificate: "Giấy khám sức khỏe"
        case .healthBookExtract: "Trích lục sổ sức khỏe điện tử"
        }
    }
}

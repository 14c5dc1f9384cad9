import CivicSealCasework
import CivicSealCrypto
import Foundation
import Synchronization

/// The keyring a running `serve` seals with, swapped for a new snapshot without a restart when `keyring.json`
/// changes (`keys rotate`, `keys compromise`): polled every minute by content hash, and at once on PostgreSQL's
/// `NOTIFY civicseal_keyring`.
///
/// - A snapshot is an immutable ``Keyring`` held under a mutex: an issuance takes its department's seal once
///   (``seal(forDepartment:)``) and finishes with it, whatever is swapped in meanwhile.
/// - A keyring that fails to load or check (half-written or bad JSON, a missing key or certificate, a key that does
///   not match, a token that cannot be reached, another CA) is refused: the old snapshot stays, one log line says
///   why (paths and codes, never a secret), and ``status`` says it until a good keyring is taken. The same refused
///   content is tried again at the next check (a token may come back) but logged once.
/// - The seals and the service identities (TSA, OCSP responder, status signer: ``ServiceIdentities``) change live;
///   the identity provider, the public URL and officer-key settings are built once at start, and a change to them is
///   logged as waiting for a restart.
package final class KeyringReloader: SealingKeyring, Sendable {
    /// What one check did.
    package enum Outcome: Sendable, Equatable {
        /// Not time to poll yet (``poll(at:)`` only).
        case notDue
        /// `keyring.json` holds what the current snapshot was loaded from.
        case unchanged
        /// A new snapshot is in use; the lines say what changed.
        case applied([String])
        /// The keyring on disk was refused; the old snapshot stays.
        case refused(String)
    }

    /// What the reloads did so far (for `/metrics` and tests).
    package struct Status: Sendable, Equatable {
        package var applied = 0
        package var refused = 0
        /// Why the keyring on disk is refused now; nil when the snapshot in use is what the file holds.
        package var failure: String?

        package init(applied: Int = 0, refused: Int = 0, failure: String? = nil) {
            self.applied = applied
            self.refused = refused
            self.failure = failure
        }
    }

    private struct State {
        var keyring: Keyring
        /// SHA-256 of the `keyring.json` bytes the snapshot was loaded from.
        var digest: [UInt8]
        /// The last refusal (content and message), logged once.
        var refused: (digest: [UInt8], message: String)?
        var nextPoll: Date?
        var status = Status()
    }

    /// How often ``poll(at:)`` reads `keyring.json` (a few kilobytes, hashed whole).
    package let interval: TimeInterval
    package let directory: String
    private let state: Mutex<State>
    /// One check at a time (the NOTIFY listener and the poller may both ask): held across the load.
    private let checking = Mutex<Void>(())
    private let prepare: @Sendable (Keyring) throws(AppError) -> Void
    private let log: @Sendable (String) -> Void

    /// - Parameters:
    ///   - keyring: the snapshot in use, loaded from `keyring.json` content whose SHA-256 is `digest`
    ///     (``manifestDigest(directory:)`` read before loading).
    ///   - prepare: runs on a new snapshot before it is taken (serve records its certificates in the revocation
    ///     store, so that OCSP answers `good` for a new seal); a throw refuses the snapshot, tried again next time.
    ///   - log: one line per reload, and per distinct refusal.
    package init(
        keyring: Keyring, digest: [UInt8], interval: TimeInterval = 60,
        prepare: @escaping @Sendable (Keyring) throws(AppError) -> Void = { _ in },
        log: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        directory = keyring.directory
        self.interval = interval
        self.prepare = prepare
        self.log = log
        state = Mutex(State(keyring: keyring, digest: digest))
    }

    /// The snapshot in use now.
    package var current: Keyring { state.withLock { $0.keyring } }

    package var status: Status { state.withLock { $0.status } }

    /// SHA-256 of `keyring.json` as it is now (nil when it cannot be read).
    package static func manifestDigest(directory: String) -> [UInt8]? {
        guard let data = FileManager.default.contents(atPath: "\(directory)/\(DevelopmentPKI.manifestName)") else {
            return nil
        }
        return Digest.sha256(data)
    }

    /// The polling path: checks when `now` reaches the next poll (the first call checks, then every ``interval``).
    /// The caller's loop wakes about once per interval; the clock is injected so tests move it.
    @discardableResult
    package func poll(at now: Date) -> Outcome {
        let due = state.withLock { state -> Bool in
            if let next = state.nextPoll, now < next { return false }
            state.nextPoll = now.addingTimeInterval(interval)
            return true
        }
        return due ? check() : .notDue
    }

    /// Reads `keyring.json` now and takes a new snapshot when its content changed (a NOTIFY, the poller). Blocking:
    /// file reads, perhaps a token, and `prepare`; call it off the cooperative pool.
    @discardableResult
    package func check() -> Outcome {
        checking.withLock { _ in load() }
    }

    private func load() -> Outcome {
        let path = "\(directory)/\(DevelopmentPKI.manifestName)"
        guard let digest = Self.manifestDigest(directory: directory) else {
            return refuse("cannot read \(path)", digest: [])
        }
        let (old, loadedDigest) = state.withLock { ($0.keyring, $0.digest) }
        if digest == loadedDigest {
            state.withLock { state in
                if state.status.failure != nil { state.status.failure = nil }
                state.refused = nil
            }
            return .unchanged
        }
        let fresh: Keyring
        do throws(AppError) {
            fresh = try Keyring(directory: directory)
            // Issuance, OCSP and the TSA were built on the CA at start: a keyring under another CA needs a restart.
            guard fresh.certificateAuthority.certificate == old.certificateAuthority.certificate else {
                throw AppError(.configuration, "its CA differs from the one this instance started with: restart it")
            }
            try prepare(fresh)
        } catch {
            // Load errors name their file (keyring.json or a key or certificate); others get keyring.json's.
            return refuse(
                error.message.contains(directory) ? error.message : "\(path): \(error.message)", digest: digest)
        }
        let changes = Self.changes(from: old, to: fresh)
        state.withLock { state in
            state.keyring = fresh
            state.digest = digest
            state.refused = nil
            state.status.applied += 1
            state.status.failure = nil
        }
        log("civicseal: keyring reloaded from \(path): " + changes.joined(separator: "; "))
        return .applied(changes)
    }

    private func refuse(_ message: String, digest: [UInt8]) -> Outcome {
        let repeated = state.withLock { state -> Bool in
            state.status.refused += 1
            state.status.failure = message
            let repeated = state.refused?.digest == digest && state.refused?.message == message
            state.refused = (digest, message)
            return repeated
        }
        if !repeated {
            log("civicseal: keyring reload REFUSED, still using the keys loaded before: \(message)")
        }
        return .refused(message)
    }

    /// What differs between two snapshots, one phrase each: new active seals, and the parts that wait for a restart.
    static func changes(from old: Keyring, to new: Keyring) -> [String] {
        var lines: [String] = []
        for department in new.departments {
            let before = old.department(department.id)?.active.certificate.fingerprintHex
            let now = department.active.certificate.fingerprintHex
            if before != now {
                lines.append("\(department.id) seals with \(department.active.name) (SHA-256 \(now.prefix(16))…)")
            }
        }
        for (label, before, after) in [
            ("the time-stamp authority", old.timeStampingSigner, new.timeStampingSigner),
            ("the OCSP responder", old.ocspResponderSigner, new.ocspResponderSigner),
            ("the status signer", old.statusSigner, new.statusSigner),
        ] where before?.certificate != after?.certificate {
            lines.append(
                "\(label) signs as "
                    + (after.map { "SHA-256 \($0.certificate.fingerprintHex.prefix(16))…" } ?? "nobody"))
        }
        var unchangedParts = new.manifest
        unchangedParts.departments = old.manifest.departments
        unchangedParts.services = old.manifest.services
        if unchangedParts.trustAnchors != old.manifest.trustAnchors {
            lines.append("trust anchors changed (verification of uploaded PDFs uses the new ones after a restart)")
        }
        unchangedParts.trustAnchors = old.manifest.trustAnchors
        if unchangedParts != old.manifest {
            lines.append(
                "the identity provider, public URL or officer keys changed: they take effect when this instance "
                    + "restarts")
        }
        return lines.isEmpty ? ["no key changed"] : lines
    }

    // MARK: SealingKeyring

    /// The department's active seal in the snapshot in use now (an issuance keeps what it got).
    package func seal(forDepartment departmentID: String) -> DepartmentSeal? {
        current.seal(forDepartment: departmentID)
    }

    package func tokenFailed() { current.tokenFailed() }
}

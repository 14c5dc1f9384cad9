import CivicSealAPI
import CivicSealCasework
import CivicSealCrypto
import CivicSealRecords
import Foundation
import Synchronization

/// The PKI service identities a running `serve` signs with — the time-stamp authority (`POST /pki/tsa` and
/// issuance), the delegated OCSP responder (`/pki/ocsp` and issuance's revocation evidence) — replaced without a
/// restart when a reloaded keyring names new ones (`keys rotate-services`; see ``KeyringReloader``).
///
/// Issuance and archive renewal see it as their ``IssuanceTrustServices``: each takes the set in force once
/// (``pinned()``) and finishes with it. The TSA keeps drawing serials from the one persisted source of the process.
final class ServiceIdentities: IssuanceTrustServices {
    private struct Current {
        var timeStamping: TimeStampAuthority?
        var trust: KeyringTrustServices?
        var responderCertificate: Certificate?
    }

    private let current: Mutex<Current>
    private let serials: Mutex<(any TimeStampSerialSource)?>
    private let store: RequestStore
    private let dataDirectory: String
    private let policy: String
    private let clock: @Sendable () -> Date
    /// The publisher behind `/pki/ocsp` and the API (`GET /v1/trust`, signed statuses), built after issuance and
    /// attached before any reload.
    private let attached = Mutex<(publisher: RevocationPublisher?, api: APIService?)>((nil, nil))

    /// The identities of `keyring` at start, and the wiring issuance is built from (officer keys, trust services).
    static func start(
        keyring: Keyring, store: RequestStore, dataDirectory: String, policy: String,
        clock: @escaping @Sendable () -> Date
    ) throws(AppError) -> (identities: ServiceIdentities, wiring: IssuanceWiring) {
        let serials: (any TimeStampSerialSource)? =
            keyring.timeStampingSigner == nil
            ? nil : try TimeStampServer.serialSource(dataDirectory: dataDirectory, store: store)
        let timeStamping = try serials.flatMap { (serials) throws(AppError) in
            try TimeStampServer.authority(keyring: keyring, serials: serials, policy: policy, clock: clock)
        }
        let wiring = try IssuanceWiring(keyring: keyring, store: store, timeStamping: timeStamping, clock: clock)
        let identities = ServiceIdentities(
            current: Current(
                timeStamping: timeStamping, trust: wiring.trust,
                responderCertificate: keyring.ocspResponderSigner?.certificate),
            serials: serials, store: store, dataDirectory: dataDirectory, policy: policy, clock: clock)
        return (identities, wiring)
    }

    private init(
        current: Current, serials: (any TimeStampSerialSource)?, store: RequestStore, dataDirectory: String,
        policy: String, clock: @escaping @Sendable () -> Date
    ) {
        self.current = Mutex(current)
        self.serials = Mutex(serials)
        self.store = store
        self.dataDirectory = dataDirectory
        self.policy = policy
        self.clock = clock
    }

    /// The authority `POST /pki/tsa` answers with now.
    var timeStampAuthority: TimeStampAuthority? { current.withLock { $0.timeStamping } }

    func attach(publisher: RevocationPublisher?, api: APIService) { attached.withLock { $0 = (publisher, api) } }

    /// Builds the identities `keyring` names and puts them in force, then publishes its trust list and status signer;
    /// a throw leaves everything as it was (the reload is refused). Identities that did not change are kept.
    func install(from keyring: Keyring) throws(AppError) {
        try installSigners(from: keyring)
        guard let api = attached.withLock({ $0.api }) else { return }
        api.publishTrust(keyring.publication())
        api.replaceStatusSigner(keyring.statusSigner)
    }

    private func installSigners(from keyring: Keyring) throws(AppError) {
        let before = current.withLock { $0 }
        let newTSA = keyring.timeStampingSigner?.certificate
        let newResponder = keyring.ocspResponderSigner?.certificate
        if before.timeStamping?.signer.certificate == newTSA && before.responderCertificate == newResponder { return }
        guard newTSA != nil || before.timeStamping == nil, newResponder != nil || before.responderCertificate == nil
        else {
            throw AppError(.configuration, "it names no time-stamp authority or OCSP responder any more")
        }
        var timeStamping = before.timeStamping
        if let newTSA, newTSA != before.timeStamping?.signer.certificate {
            let source = try serialSource()
            timeStamping = try TimeStampServer.authority(
                keyring: keyring, serials: source, policy: policy, clock: clock)
        }
        let trust = try IssuanceWiring(keyring: keyring, store: store, timeStamping: timeStamping, clock: clock).trust
        if before.trust != nil && trust == nil {
            throw AppError(.configuration, "its time-stamp authority and OCSP responder cannot issue evidence")
        }
        if newResponder != before.responderCertificate, let publisher = attached.withLock({ $0.publisher }) {
            try crypto { () throws(CryptoError) in try publisher.replaceResponder(signer: keyring.ocspResponderSigner) }
        }
        current.withLock {
            $0 = Current(timeStamping: timeStamping, trust: trust ?? before.trust, responderCertificate: newResponder)
        }
    }

    private func serialSource() throws(AppError) -> any TimeStampSerialSource {
        if let existing = serials.withLock({ $0 }) { return existing }
        let created = try TimeStampServer.serialSource(dataDirectory: dataDirectory, store: store)
        return serials.withLock { value in
            if let value { return value }
            value = created
            return created
        }
    }

    // MARK: IssuanceTrustServices (only used when the keyring had trust services at start)

    private var trust: KeyringTrustServices {
        // Issuance is given this object only when `start` built trust services, and a reload never removes them.
        current.withLock { $0.trust }!
    }

    func pinned() -> any IssuanceTrustServices { trust }
    var timeStamping: any TimeStamping { trust.timeStamping }
    var timeStampingCertificate: Certificate { trust.timeStampingCertificate }

    func revocationEvidence(for certificates: [Certificate], tsa: [Certificate], at time: Date)
        throws(CaseworkError) -> RevocationEvidence
    {
        try trust.revocationEvidence(for: certificates, tsa: tsa, at: time)
    }
}

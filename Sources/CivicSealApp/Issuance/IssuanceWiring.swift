import CivicSealCasework
import CivicSealCrypto
import CivicSealDocuments
import CivicSealRecords
import Foundation

/// Builds issuance from the keyring: the officers' keys (development root), and the trust services B-T … B-LTA
/// need — the timestamp authority (the keyring's TSA identity, policy ARC.1, accuracy 1 s; `serve` shares the one
/// behind `POST /pki/tsa`, with its persistent serials) and the revocation evidence (the keyring's delegated OCSP
/// responder and the CA's CRL, from the records store's revocations through ``RevocationPublisher``). A keyring
/// without a root key or without service identities issues what it can: no officer keys means the seal signs alone,
/// no TSA or responder means B-B.
package struct IssuanceWiring: Sendable {
    package let officerKeys: DevelopmentOfficerKeys?
    package let trust: KeyringTrustServices?

    /// - Parameters:
    ///   - timeStamping: the authority to use; nil builds one from the keyring's TSA identity with random 128-bit
    ///     serials (tools and the bench; `serve` passes the route's, whose serials are persisted).
    ///   - clock: the time tokens, OCSP responses and CRLs state (tests move it).
    package init(
        keyring: Keyring, store: RequestStore, timeStamping: TimeStampAuthority? = nil,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) throws(AppError) {
        // The responder answers `unknown` for what the store never recorded: the keyring's certificates first.
        try KeyringCertificates.register(keyring, in: store, now: clock())
        let authority = keyring.certificateAuthority
        if let rootKey = authority.key {
            let urls = keyring.serviceURLs
            officerKeys = DevelopmentOfficerKeys(
                directory: keyring.directory, rootKey: rootKey, rootCertificate: authority.certificate,
                token: keyring.officerKeysToken,
                decorate: { urls.decorate(&$0) },
                // Recorded as issued before first use: the responder answers `unknown` for what it never saw.
                record: { certificate in
                    try store.recordIssuedCertificates([(certificate, "officer")], now: clock())
                })
        } else {
            officerKeys = nil
        }
        let publisher = try crypto { () throws(CryptoError) in
            try RevocationPublisher(
                authority: authority.certificate, authorityKey: authority.key,
                responderSigner: keyring.ocspResponderSigner, store: store, clock: clock)
        }
        guard let tsaSigner = keyring.timeStampingSigner, let responder = publisher.responder,
            let responderCertificate = keyring.ocspResponderSigner?.certificate, authority.key != nil
        else {
            trust = nil
            return
        }
        let tsa: TimeStampAuthority
        if let timeStamping {
            tsa = timeStamping
        } else {
            tsa = try crypto { () throws(CryptoError) in
                try TimeStampAuthority(
                    signer: tsaSigner, policy: TimeStampServer.defaultPolicy, serials: RandomTimeStampSerialSource(),
                    clock: clock)
            }
        }
        let issuer = authority.certificate.subject.description
        trust = KeyringTrustServices(
            authority: tsa, responder: responder, root: authority.certificate,
            responderCertificate: responderCertificate,
            currentStatus: { certificate in
                (try? store.certificateRecord(issuer: issuer, serial: certificate.serialNumberBytes))??.status
                    ?? .unknown
            },
            revocationList: {
                guard let crl = publisher.currentCRL() else {
                    throw AppError(.keyMaterial, "the CA's CRL cannot be issued (no CA key, or the store failed)")
                }
                return crl
            })
    }

    /// An issuance service for `store` with these keys and services.
    package func service(
        store: RequestStore, keyring: any SealingKeyring,
        loadingRenderer: @escaping @Sendable () throws -> DocumentRenderer, profile: IssuanceProfile = .blta,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) -> IssuanceService {
        IssuanceService(
            store: store, keyring: keyring, loadingRenderer: loadingRenderer, officerKeys: officerKeys, trust: trust,
            profile: profile, clock: clock)
    }

    package func service(
        store: RequestStore, keyring: any SealingKeyring, renderer: DocumentRenderer,
        profile: IssuanceProfile = .blta, clock: @escaping @Sendable () -> Date = { Date() }
    ) -> IssuanceService {
        service(store: store, keyring: keyring, loadingRenderer: { renderer }, profile: profile, clock: clock)
    }
}

/// The development PKI's trust services, in-process: the TSA, the delegated OCSP responder and the root's CRL.
///
/// Every document gets fresh OCSP answers (thisUpdate at its signing time: an answer produced before the signature
/// would not show the certificate was good when it signed). Before asking, the store's status is read: a revoked
/// officer, seal or TSA certificate, or one the CA never recorded, stops the issuance and the request stays approved.
package final class KeyringTrustServices: IssuanceTrustServices {
    let authority: TimeStampAuthority
    let responder: OCSPResponder
    let root: Certificate
    let responderCertificate: Certificate
    let currentStatus: @Sendable (Certificate) -> CertificateStatus
    let revocationList: @Sendable () throws -> [UInt8]

    init(
        authority: TimeStampAuthority, responder: OCSPResponder, root: Certificate, responderCertificate: Certificate,
        currentStatus: @escaping @Sendable (Certificate) -> CertificateStatus,
        revocationList: @escaping @Sendable () throws -> [UInt8]
    ) {
        self.authority = authority
        self.responder = responder
        self.root = root
        self.responderCertificate = responderCertificate
        self.currentStatus = currentStatus
        self.revocationList = revocationList
    }

    package var timeStamping: any TimeStamping { authority }
    package var timeStampingCertificate: Certificate { authority.certificate }

    package func revocationEvidence(for certificates: [Certificate], tsa: [Certificate], at time: Date)
        throws(CaseworkError) -> RevocationEvidence
    {
        var all: [Certificate] = []
        for certificate in certificates + tsa + [authority.certificate, responderCertificate, root]
        where !all.contains(where: { $0.der == certificate.der }) {
            all.append(certificate)
        }
        var responses: [[UInt8]] = []
        for certificate in certificates + tsa {
            // The responder reads the same store: what it would answer is known before it signs.
            let status = currentStatus(certificate)
            guard status == .good else {
                throw CaseworkError(
                    .issuanceFailed, "the CA does not hold \(certificate.subject) good (\(status)): not issuing")
            }
            do { responses.append(try responder.response(for: certificate)) } catch {
                throw CaseworkError.keyUnavailable(error, "the OCSP responder's key: \(error.message)")
                    ?? CaseworkError(.issuanceFailed, "cannot ask the OCSP responder: \(error.message)")
            }
        }
        do {
            return RevocationEvidence(certificates: all, ocspResponses: responses, crls: [try revocationList()])
        } catch {
            throw CaseworkError(.issuanceFailed, "cannot issue the CRL: \(error)")
        }
    }
}

import CivicSealCasework
import CivicSealCrypto
import CivicSealDocuments
import CivicSealRecords
import Foundation
import Synchronization

/// Builds issuance from the keyring: the officers' keys (development root), and the trust services B-T … B-LTA
/// need — an in-process timestamp authority (the keyring's TSA identity, policy ARC.1, accuracy 1 s) and the
/// revocation evidence (the keyring's delegated OCSP responder and the root's CRL). A keyring without a root key or
/// without service identities issues what it can: no officer keys means the seal signs alone, no TSA means B-B.
package struct IssuanceWiring: Sendable {
    /// TSA policy: ARC.1.
    package static let timeStampPolicy = "2.25.213434514593947064134081311862153508573.1"

    package let officerKeys: DevelopmentOfficerKeys?
    package let trust: KeyringTrustServices?

    /// - Parameters:
    ///   - status: the revocation status of a certificate the CA issued, by serial (the records store's revocations
    ///     in `serve`); every certificate is good when nil.
    ///   - revocationList: the CA's current CRL (DER) at a time; a fresh empty one signed by the root when nil.
    ///   - clock: the time tokens and OCSP responses state (tests move it).
    ///   - recordCertificate: records an officer certificate as issued (the responder's source); nothing when nil.
    package init(
        keyring: Keyring, status: (@Sendable (_ serial: [UInt8]) -> CertificateStatus)? = nil,
        revocationList: (@Sendable (_ at: Date) throws -> [UInt8])? = nil,
        recordCertificate: (@Sendable (Certificate) throws -> Void)? = nil,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) throws(AppError) {
        let authority = keyring.certificateAuthority
        if let rootKey = authority.key {
            let urls = keyring.serviceURLs
            officerKeys = DevelopmentOfficerKeys(
                directory: keyring.directory, rootKey: rootKey, rootCertificate: authority.certificate,
                decorate: { urls.decorate(&$0) }, record: recordCertificate ?? { _ in })
        } else {
            officerKeys = nil
        }
        guard let tsaSigner = keyring.timeStampingSigner, let responderSigner = keyring.ocspResponderSigner else {
            trust = nil
            return
        }
        let tsa = try crypto { () throws(CryptoError) in
            try TimeStampAuthority(
                signer: tsaSigner, policy: Self.timeStampPolicy, serials: RandomTimeStampSerialSource(), clock: clock)
        }
        let responder = try crypto { () throws(CryptoError) in
            try OCSPResponder(
                signer: responderSigner, issuer: authority.certificate, clock: clock, status: status ?? { _ in .good })
        }
        let rootKey = authority.key
        let root = authority.certificate
        let crl: @Sendable (Date) throws -> [UInt8] =
            revocationList ?? { time in
                guard let rootKey else { throw AppError(.keyMaterial, "no root key to sign a CRL") }
                return try CertificateRevocationList.issue(
                    by: root, key: rootKey, entries: [], number: UInt64(time.timeIntervalSince1970),
                    thisUpdate: time, nextUpdate: time.addingTimeInterval(7 * 86400)
                ).der
            }
        trust = KeyringTrustServices(
            authority: tsa, responder: responder, root: root, responderCertificate: responderSigner.certificate,
            revocationList: crl)
    }

    /// Wiring whose OCSP responder and CRL read the certificate revocations recorded in `store`.
    package init(keyring: Keyring, store: RequestStore, clock: @escaping @Sendable () -> Date = { Date() })
        throws(AppError)
    {
        let authority = keyring.certificateAuthority
        let issuer = authority.certificate.subject.description
        let crlCache = LastRevocationList()
        try self.init(
            keyring: keyring,
            status: { serial in
                // Not recorded as issued: unknown (RFC 6960 §2.2); a store that cannot answer: unknown too.
                (try? store.certificateRecord(issuer: issuer, serial: serial))??.status ?? .unknown
            },
            revocationList: { time in
                guard let key = authority.key else { throw AppError(.keyMaterial, "no CA key to sign a CRL") }
                let entries = try store.revokedCertificates(issuer: issuer).compactMap { record in
                    record.revocation.map {
                        CertificateRevocationList.Entry(
                            serialNumber: record.serialBytes, revocationDate: $0.at, reason: $0.reason)
                    }
                }
                // One CRL serves every document for up to an hour while nothing is revoked (a new CRL number is a
                // write); a revocation, or a clock that moved, issues a fresh one.
                let revoked = entries.map(\.serialNumber)
                if let cached = crlCache.value.withLock({ $0 }), cached.revoked == revoked,
                    (0..<3600).contains(time.timeIntervalSince(cached.at))
                {
                    return cached.der
                }
                let der = try CertificateRevocationList.issue(
                    by: authority.certificate, key: key, entries: entries,
                    number: try store.nextCRLNumber(issuer: issuer), thisUpdate: time,
                    nextUpdate: time.addingTimeInterval(7 * 86400)
                ).der
                crlCache.value.withLock { $0 = (revoked, time, der) }
                return der
            },
            recordCertificate: { certificate in
                try store.recordIssuedCertificates([(certificate, "officer")], now: clock())
            }, clock: clock)
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
package final class KeyringTrustServices: IssuanceTrustServices {
    let authority: TimeStampAuthority
    let responder: OCSPResponder
    let root: Certificate
    let responderCertificate: Certificate
    let revocationList: @Sendable (Date) throws -> [UInt8]

    init(
        authority: TimeStampAuthority, responder: OCSPResponder, root: Certificate, responderCertificate: Certificate,
        revocationList: @escaping @Sendable (Date) throws -> [UInt8]
    ) {
        self.authority = authority
        self.responder = responder
        self.root = root
        self.responderCertificate = responderCertificate
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
        do {
            var responses: [[UInt8]] = []
            for certificate in certificates + tsa {
                responses.append(try responder.response(for: certificate))
            }
            return RevocationEvidence(certificates: all, ocspResponses: responses, crls: [try revocationList(time)])
        } catch {
            throw CaseworkError(.issuanceFailed, "cannot gather revocation evidence: \(error)")
        }
    }
}

/// The CRL last issued for documents: which serials it lists, when, and its DER.
final class LastRevocationList: Sendable {
    let value = Mutex<(revoked: [[UInt8]], at: Date, der: [UInt8])?>(nil)
}

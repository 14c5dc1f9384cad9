import CivicSealCrypto
import CivicSealRecords
import Foundation
import Synchronization

/// What the CA publishes about revocation: OCSP answers from the revocation store and its CRL.
///
/// The responder reads the store on every request (one primary-key lookup per CertID), so a revocation made by
/// `civicseal keys revoke` in another process is answered at once. The CRL is re-issued, with the next CRL number,
/// when the revocations changed or it is an hour old; thisUpdate is then now and nextUpdate a week later.
package final class RevocationPublisher: Sendable {
    /// CRLs are re-issued at least this often even when nothing changed.
    static let crlRefresh: TimeInterval = 3600
    /// nextUpdate − thisUpdate of a CRL.
    package static let crlValidity: TimeInterval = 7 * 86400

    /// The CA certificate (`GET /pki/ca/root.cer`).
    package let authority: Certificate
    let authorityKey: PrivateKey?
    /// The delegated responder; nil when the keyring has none. Replaced by ``replaceResponder(signer:)``.
    package var responder: OCSPResponder? { responders.withLock { $0 } }
    private let responders: Mutex<OCSPResponder?>
    let store: RequestStore
    let clock: @Sendable () -> Date
    private let crlCache = Mutex<(revocations: [String], issuedAt: Date, der: [UInt8])?>(nil)

    /// - Parameters:
    ///   - authorityKey: signs CRLs; without it ``currentCRL()`` answers nil.
    ///   - responderSigner: the delegated OCSP responder; without it ``ocspResponse(to:)`` answers nil.
    package init(
        authority: Certificate, authorityKey: PrivateKey?, responderSigner: CMSSigner?, store: RequestStore,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) throws(CryptoError) {
        self.authority = authority
        self.authorityKey = authorityKey
        self.store = store
        self.clock = clock
        responders = Mutex(
            try Self.responder(signer: responderSigner, authority: authority, store: store, clock: clock))
    }

    /// Answers OCSP with `signer` from now on (a responder identity rotated without a restart).
    package func replaceResponder(signer: CMSSigner?) throws(CryptoError) {
        let fresh = try Self.responder(signer: signer, authority: authority, store: store, clock: clock)
        responders.withLock { $0 = fresh }
    }

    private static func responder(
        signer: CMSSigner?, authority: Certificate, store: RequestStore, clock: @escaping @Sendable () -> Date
    ) throws(CryptoError) -> OCSPResponder? {
        let issuerName = authority.subject.description
        return try signer.map { (signer) throws(CryptoError) in
            try OCSPResponder(signer: signer, issuer: authority, clock: clock) { serial in
                // A serial the CA never issued is unknown; a store that cannot answer makes the response tryLater.
                try store.certificateRecord(issuer: issuerName, serial: serial)?.status ?? .unknown
            }
        }
    }

    /// The DER `OCSPResponse` for a DER request (malformedRequest for anything else); nil without a responder.
    package func ocspResponse(to request: [UInt8]) -> [UInt8]? { responder?.respond(to: request) }

    /// Seconds a successful OCSP answer stays fresh (its nextUpdate − thisUpdate).
    package var ocspValidity: Int { Int(responder?.validity.components.seconds ?? 0) }

    /// The CA's current CRL (DER), or nil when the CA key is absent or the store cannot be read.
    package func currentCRL() -> [UInt8]? {
        guard let authorityKey else { return nil }
        let issuer = authority.subject.description
        let now = clock()
        guard let revoked = try? store.revokedCertificates(issuer: issuer) else { return nil }
        let key = revoked.map { "\($0.serial)/\($0.revocation?.auditSequence ?? 0)" }
        if let cached = crlCache.withLock({ $0 }), cached.revocations == key, now >= cached.issuedAt,
            now.timeIntervalSince(cached.issuedAt) < Self.crlRefresh
        {
            return cached.der
        }
        do {
            let number = try store.nextCRLNumber(issuer: issuer)
            let crl = try CertificateRevocationList.issue(
                by: authority, key: authorityKey,
                entries: revoked.compactMap { record in
                    record.revocation.map {
                        .init(serialNumber: record.serialBytes, revocationDate: $0.at, reason: $0.reason)
                    }
                },
                number: number, thisUpdate: now, nextUpdate: now.addingTimeInterval(Self.crlValidity))
            crlCache.withLock { $0 = (key, now, crl.der) }
            return crl.der
        } catch {
            return nil
        }
    }
}

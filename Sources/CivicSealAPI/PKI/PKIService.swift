import CivicSealCasework
import CivicSealCrypto
import CivicSealHTTP
import CivicSealRecords
import Foundation
import Synchronization

/// The CA's public PKI routes: OCSP (RFC 6960 Appendix A, GET and POST), the CRL and the CA certificate.
///
/// No sign-in; small bodies (an OCSP request is at most 8 KiB); a fixed window per client address like the other
/// public endpoints (600 requests a minute by default, then 429 with `Retry-After`). The responder reads the
/// revocation store on every request, so a revocation made by `civicseal keys revoke` in another process is
/// answered at once; the CRL is re-issued (with a higher CRL number) when the revocations change or it is an hour old.
package final class PKIService: Sendable {
    /// `GET /pki/ocsp/{request}`: the base64 of an 8 KiB request, URL-encoded, fits in this many characters.
    static let maximumEncodedRequest = 12 * 1024
    /// CRLs are re-issued at least this often even when nothing changed.
    static let crlRefresh: TimeInterval = 3600
    static let crlValidity: TimeInterval = 7 * 86400

    let authority: Certificate
    let authorityKey: PrivateKey?
    let responder: OCSPResponder?
    let store: RequestStore
    let limiter: RateLimiter
    let clock: @Sendable () -> Date
    private let crlCache = Mutex<(revocations: [String], issuedAt: Date, der: [UInt8])?>(nil)

    /// - Parameters:
    ///   - authority: the CA certificate (`GET /pki/ca/root.cer`), the issuer the responder answers for.
    ///   - authorityKey: signs CRLs; without it `GET /pki/crl/root.crl` answers 503.
    ///   - responderSigner: the delegated OCSP responder; without it the OCSP routes answer 503.
    package init(
        authority: Certificate, authorityKey: PrivateKey?, responderSigner: CMSSigner?, store: RequestStore,
        clock: @escaping @Sendable () -> Date = { Date() }, limiter: RateLimiter = RateLimiter(limit: 600, window: 60)
    ) throws(CryptoError) {
        self.authority = authority
        self.authorityKey = authorityKey
        self.store = store
        self.clock = clock
        self.limiter = limiter
        let issuerName = authority.subject.description
        responder = try responderSigner.map { (signer) throws(CryptoError) in
            try OCSPResponder(signer: signer, issuer: authority, clock: clock) { serial in
                // One primary-key lookup whatever the serial; a serial the CA never issued is unknown. A store that
                // cannot answer says unknown too: never good without evidence.
                guard let record = try? store.certificateRecord(issuer: issuerName, serial: serial) else {
                    return .unknown
                }
                return record.status
            }
        }
    }

    /// Adds the PKI routes to `builder`.
    package func register(_ builder: inout HTTPRouter.Builder) {
        builder.add(.get, "/pki/ca/root.cer") { [self] _, context in
            try limit(context)
            var response = HTTPResponse(status: .ok, body: authority.der)
            response.headers.replaceOrAdd(name: "Content-Type", value: "application/pkix-cert")
            response.headers.replaceOrAdd(name: "Cache-Control", value: "public, max-age=86400")
            return response
        }
        builder.add(.get, "/pki/crl/root.crl") { [self] _, context in
            try limit(context)
            var response = HTTPResponse(status: .ok, body: try currentCRL())
            response.headers.replaceOrAdd(name: "Content-Type", value: "application/pkix-crl")
            response.headers.replaceOrAdd(name: "Cache-Control", value: "public, max-age=300")
            return response
        }
        builder.add(.post, "/pki/ocsp") { [self] request, context in
            try limit(context)
            let mediaType = request.headers.first(name: "Content-Type")?.split(separator: ";", maxSplits: 1).first.map {
                $0.trimmingCharacters(in: .whitespaces).lowercased()
            }
            guard mediaType == "application/ocsp-request" else {
                throw PKIError(status: HTTPStatus(code: 415), "Send the OCSP request as application/ocsp-request.")
            }
            guard request.body.count <= OCSPResponder.maximumRequestSize else {
                throw PKIError(status: .contentTooLarge, "An OCSP request is at most 8 KiB.")
            }
            return try ocspResponse(to: request.body, cacheable: false)
        }
        builder.add(.get, "/pki/ocsp/{request}") { [self] _, context in
            try limit(context)
            let encoded = context.parameter("request") ?? ""
            guard encoded.utf8.count <= Self.maximumEncodedRequest else {
                throw PKIError(status: .uriTooLong, "An OCSP request is at most 8 KiB.")
            }
            return try ocspResponse(to: Self.base64Decoded(encoded) ?? [], cacheable: true)
        }
    }

    // MARK: - Answers

    private func limit(_ context: RequestContext) throws(PKIError) {
        if let wait = limiter.attempt(context.clientAddress.clientKey, now: clock()) {
            throw PKIError(
                status: .tooManyRequests, "Too many PKI requests from this address.",
                headers: ["Retry-After": String(wait)])
        }
    }

    private func ocspResponse(to request: [UInt8], cacheable: Bool) throws(PKIError) -> HTTPResponse {
        guard let responder else { throw PKIError(status: .serviceUnavailable, "No OCSP responder is configured.") }
        let answer = responder.respond(to: request)
        var response = HTTPResponse(status: .ok, body: answer)
        response.headers.replaceOrAdd(name: "Content-Type", value: "application/ocsp-response")
        // RFC 5019 §6: a GET answer may be cached until its nextUpdate; failures and POST answers are not.
        if cacheable, answer.count > 5 {
            let seconds = Int(responder.validity.components.seconds)
            response.headers.replaceOrAdd(
                name: "Cache-Control", value: "max-age=\(seconds), public, no-transform, must-revalidate")
        } else {
            response.headers.replaceOrAdd(name: "Cache-Control", value: "no-store")
        }
        return response
    }

    /// The CA's CRL: the cached one while the revocations are unchanged and it is under an hour old, else a new one
    /// with the next CRL number (thisUpdate now, nextUpdate in 7 days).
    func currentCRL() throws(PKIError) -> [UInt8] {
        guard let authorityKey else { throw PKIError(status: .serviceUnavailable, "No CRL signer is configured.") }
        let issuer = authority.subject.description
        let now = clock()
        let revoked: [CertificateRecord]
        do { revoked = try store.revokedCertificates(issuer: issuer) } catch {
            throw PKIError(status: .serviceUnavailable, "The revocation store is unavailable.")
        }
        let key = revoked.map { "\($0.serial)/\($0.revocation?.auditSequence ?? 0)" }
        if let cached = crlCache.withLock({ $0 }), cached.revocations == key,
            now.timeIntervalSince(cached.issuedAt) < Self.crlRefresh, now >= cached.issuedAt
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
            throw PKIError(status: .serviceUnavailable, "The CRL cannot be issued now.")
        }
    }

    /// Standard or URL-safe base64, padded or not (RFC 6960 Appendix A.1 GET; clients differ), else nil.
    static func base64Decoded(_ text: String) -> [UInt8]? {
        var normalized = String(
            text.compactMap { character -> Character? in
                switch character {
                case "-": "+"
                case "_": "/"
                case " ", "\n", "\r": nil
                default: character
                }
            })
        while normalized.utf8.count % 4 != 0 { normalized.append("=") }
        return Data(base64Encoded: normalized).map { Array($0) }
    }
}

/// A PKI route's refusal as a problem document.
struct PKIError: Error, HTTPProblemConvertible {
    let problem: ProblemDetails
    let problemHeaders: HTTPHeaders

    init(status: HTTPStatus, _ detail: String, headers: HTTPHeaders = [:]) {
        problem = ProblemDetails(
            slug: status.code == 429 ? "too-many-requests" : "pki-request-refused", title: "PKI request refused",
            status: status, detail: detail)
        problemHeaders = headers
    }
}

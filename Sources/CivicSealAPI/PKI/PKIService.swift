import CivicSealCasework
import CivicSealCrypto
import CivicSealHTTP
import Foundation

/// The CA's public PKI routes: OCSP (RFC 6960 Appendix A, GET and POST), the CRL and the CA certificate. An adapter
/// over ``CivicSealCasework/RevocationPublisher``.
///
/// No sign-in; small bodies (an OCSP request is at most 8 KiB); a fixed window per client address like the other
/// public endpoints (600 requests a minute by default, then 429 with `Retry-After`).
package final class PKIService: Sendable {
    /// `GET /pki/ocsp/{request}`: the base64 of an 8 KiB request, URL-encoded, fits in this many characters.
    static let maximumEncodedRequest = 12 * 1024

    let publisher: RevocationPublisher
    let limiter: RateLimiter
    let clock: @Sendable () -> Date

    package init(
        publisher: RevocationPublisher, clock: @escaping @Sendable () -> Date = { Date() },
        limiter: RateLimiter = RateLimiter(limit: 600, window: 60)
    ) {
        self.publisher = publisher
        self.clock = clock
        self.limiter = limiter
    }

    /// Adds the PKI routes to `builder`.
    package func register(_ builder: inout HTTPRouter.Builder) {
        builder.add(.get, "/pki/ca/root.cer") { [self] _, context in
            try limit(context)
            var response = HTTPResponse(status: .ok, body: publisher.authority.der)
            response.headers.replaceOrAdd(name: "Content-Type", value: "application/pkix-cert")
            response.headers.replaceOrAdd(name: "Cache-Control", value: "public, max-age=86400")
            return response
        }
        builder.add(.get, "/pki/crl/root.crl") { [self] _, context in
            try limit(context)
            guard let crl = publisher.currentCRL() else {
                throw PKIError(status: .serviceUnavailable, "The CRL cannot be issued now.")
            }
            var response = HTTPResponse(status: .ok, body: crl)
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
        guard let answer = publisher.ocspResponse(to: request) else {
            throw PKIError(status: .serviceUnavailable, "No OCSP responder is configured.")
        }
        var response = HTTPResponse(status: .ok, body: answer)
        response.headers.replaceOrAdd(name: "Content-Type", value: "application/ocsp-response")
        // RFC 5019 §6: a GET answer may be cached until its nextUpdate; failures and POST answers are not.
        if cacheable, answer.count > 5 {
            response.headers.replaceOrAdd(
                name: "Cache-Control",
                value: "max-age=\(publisher.ocspValidity), public, no-transform, must-revalidate")
        } else {
            response.headers.replaceOrAdd(name: "Cache-Control", value: "no-store")
        }
        return response
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

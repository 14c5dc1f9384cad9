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
    /// `GET /pki/ocsp/{request}`: at most this many base64 characters, so that even fully percent-encoded the request
    /// line stays under the server's 8 KiB (RFC 5019 §5: GET for requests under 255 bytes, POST beyond).
    static let maximumEncodedRequest = 640

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
            try await limit(context)
            var response = HTTPResponse(status: .ok, body: publisher.authority.der)
            response.headers.replaceOrAdd(name: "Content-Type", value: "application/pkix-cert")
            response.headers.replaceOrAdd(name: "Cache-Control", value: "public, max-age=86400")
            return response
        }
        builder.add(.get, "/pki/crl/root.crl") { [self] _, context in
            try await limit(context)
            guard let crl = publisher.currentCRL() else {
                throw PKIError(status: .serviceUnavailable, "The CRL cannot be issued now.")
            }
            var response = HTTPResponse(status: .ok, body: crl)
            response.headers.replaceOrAdd(name: "Content-Type", value: "application/pkix-crl")
            response.headers.replaceOrAdd(name: "Cache-Control", value: "public, max-age=300")
            return response
        }
        builder.add(.post, "/pki/ocsp") { [self] request, context in
            try await limit(context)
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
            try await limit(context)
            let encoded = context.parameter("request") ?? ""
            guard encoded.utf8.count <= Self.maximumEncodedRequest,
                encoded.utf8.allSatisfy({ Self.base64Alphabet.contains($0) })
            else {
                throw PKIError(
                    status: .badRequest,
                    "A GET OCSP request is at most \(Self.maximumEncodedRequest) base64 characters; POST larger ones.")
            }
            return try ocspResponse(to: Self.base64Decoded(encoded) ?? [], cacheable: true)
        }
    }

    // MARK: - Answers

    private func limit(_ context: RequestContext) async throws(PKIError) {
        if let wait = await limiter.attempt(context.clientAddress.clientKey, now: clock()) {
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

    /// Standard and URL-safe base64 characters, padding included.
    static let base64Alphabet = Set(Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_".utf8))

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

/// A PKI route's refusal (`/pki/ocsp`, `/pki/crl`, `/pki/tsa`) as a problem document.
struct PKIError: Error, HTTPProblemConvertible {
    let problem: ProblemDetails
    let problemHeaders: HTTPHeaders

    /// `title` names the service that refused (the OCSP responder and CRL, or the time-stamp authority).
    init(title: String = "PKI request refused", status: HTTPStatus, _ detail: String, headers: HTTPHeaders = [:]) {
        let slug =
            switch status.code {
            case 400: "malformed-request"
            case 413: "content-too-large"
            case 415: "unsupported-media-type"
            case 429: "too-many-requests"
            default: "service-unavailable"
            }
        problem = ProblemDetails(slug: slug, title: title, status: status, detail: detail)
        problemHeaders = headers
    }
}

import CivicSealCasework
import CivicSealCrypto
import CivicSealHTTP
import Foundation

/// `POST /pki/tsa`: the RFC 3161 time-stamp authority over HTTP (RFC 3161 §3.4): a DER `TimeStampReq` as
/// `application/timestamp-query` in, a DER `TimeStampResp` as `application/timestamp-reply` out.
///
/// Public, no sign-in. A request is at most 4 KiB (413 beyond). Like the other public PKI endpoints, a fixed window
/// per client address (600 a minute by default, then 429 with `Retry-After`). A malformed query is still answered
/// 200 with a rejection `TimeStampResp` (badDataFormat, badAlg, unacceptedPolicy), as the RFC's transport does;
/// only the HTTP framing (media type, size, rate) gets problem+json. `serve` registers it beside the API's routes,
/// `civicseal tsa` serves it alone.
package struct TimeStampHandler: Sendable {
    package static let path = "/pki/tsa"
    /// nil: the keyring has no TSA identity, and the route answers 503.
    package var authority: TimeStampAuthority? { current() }
    /// The authority in force, asked per request (`serve` replaces it when the TSA is rotated without a restart).
    let current: @Sendable () -> TimeStampAuthority?
    let limiter: RateLimiter
    let clock: @Sendable () -> Date

    package init(
        authority: TimeStampAuthority?, limiter: RateLimiter = RateLimiter(limit: 600, window: 60),
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.init(current: { authority }, limiter: limiter, clock: clock)
    }

    /// - Parameter current: the authority in force now, asked once per request.
    package init(
        current: @escaping @Sendable () -> TimeStampAuthority?,
        limiter: RateLimiter = RateLimiter(limit: 600, window: 60), clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.current = current
        self.limiter = limiter
        self.clock = clock
    }

    /// Adds `POST /pki/tsa` to `builder`; it runs on the handler threads (one ECDSA signature per request).
    package func register(_ builder: inout HTTPRouter.Builder) {
        builder.add(.post, Self.path) { [self] request, context in try await respond(request, context) }
    }

    /// The problem title of this route's refusals.
    static let refused = "Time-stamp request refused"

    func respond(_ request: HTTPRequest, _ context: RequestContext) async throws(PKIError) -> HTTPResponse {
        if let wait = await limiter.attempt(context.clientAddress.clientKey, now: clock()) {
            throw PKIError(
                title: Self.refused,
                status: .tooManyRequests, "Too many time-stamp requests from this address.",
                headers: ["Retry-After": String(wait)])
        }
        let mediaType = request.headers.values(for: "Content-Type").first?.split(separator: ";", maxSplits: 1).first
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard mediaType == "application/timestamp-query" else {
            throw PKIError(
                title: Self.refused,
                status: HTTPStatus(code: 415), "Send the request as application/timestamp-query (RFC 3161 §3.4).")
        }
        guard request.body.count <= TimeStampRequest.maximumSize else {
            throw PKIError(title: Self.refused, status: .contentTooLarge, "A time-stamp request is at most 4 KiB.")
        }
        guard let authority else {
            throw PKIError(title: Self.refused, status: .serviceUnavailable, "No time-stamp authority is configured.")
        }
        var response = HTTPResponse(status: .ok, body: authority.respond(to: request.body))
        response.headers.replaceOrAdd(name: "Content-Type", value: "application/timestamp-reply")
        response.headers.replaceOrAdd(name: "Cache-Control", value: "no-store")
        return response
    }
}

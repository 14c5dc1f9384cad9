import CivicSealCrypto
import CivicSealHTTPClient
import CivicSealIdentity
import CivicSealJSON
import Foundation
import Synchronization

/// One OpenID Provider as seen from CivicSeal: its discovery document (fetched once, again when older than
/// ``RelyingPartyPolicy/metadataLifetime``, single-flight) and the fetcher of its JWK set that feeds the
/// issuer's ``IssuerKeys`` (so the relying party and API bearer-token verification use the same keys).
package final class OpenIDProvider: Sendable {
    struct State: Sendable {
        var metadata: ProviderMetadata?
        var fetchedAt: Date?
        var inFlight: Task<Result<ProviderMetadata, SignInError>, Never>?
        /// The last failed discovery: within the back-off it is answered again without asking the provider.
        var lastFailure: (at: Date, error: SignInError)?
        var discoveryFetches = 0
        var keyFetches = 0
    }

    package let issuer: TrustedIssuer
    package let policy: RelyingPartyPolicy
    let transport: any OutboundHTTPTransport
    let clock: @Sendable () -> Date
    private let state = Mutex(State())

    /// A provider reached through `transport`; when the issuer uses discovery, its keys are connected to
    /// `jwks_uri` (a static `jwks` file stays as it is).
    package init(
        issuer: TrustedIssuer, transport: any OutboundHTTPTransport, policy: RelyingPartyPolicy = RelyingPartyPolicy(),
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.issuer = issuer
        self.transport = transport
        self.policy = policy
        self.clock = clock
        if issuer.usesDiscovery {
            // The fetch closure holds the provider; the provider holds the issuer and so the keys: the cycle is
            // intended (both live as long as the configuration) and small.
            issuer.keys.connect { [self] () async throws -> IssuerKeys.Fetched in try await fetchKeys() }
        }
    }

    /// How many discovery documents and JWK sets were fetched (for tests and the bench).
    package var fetchCounts: (discovery: Int, keys: Int) { state.withLock { ($0.discoveryFetches, $0.keyFetches) } }

    /// `<issuer>/.well-known/openid-configuration` (Discovery §4.1: the path is appended to the issuer, a trailing
    /// slash removed first).
    package var discoveryURL: URL? {
        var base = issuer.issuer
        if base.hasSuffix("/") { base.removeLast() }
        return URL(string: base + "/.well-known/openid-configuration")
    }

    /// The provider's metadata, fetched when missing or older than the metadata lifetime.
    package func metadata() async throws(SignInError) -> ProviderMetadata {
        let now = clock()
        let task = state.withLock { (state) -> Task<Result<ProviderMetadata, SignInError>, Never>? in
            if state.metadata != nil, let fetchedAt = state.fetchedAt,
                now.timeIntervalSince(fetchedAt) < policy.metadataLifetime
            {
                return nil
            }
            if let running = state.inFlight { return running }
            if let failure = state.lastFailure, now.timeIntervalSince(failure.at) < policy.failureBackoff {
                return nil
            }
            state.discoveryFetches += 1
            let task = Task { await self.fetchMetadata() }
            state.inFlight = task
            return task
        }
        guard let task else {
            let (metadata, failure) = state.withLock { ($0.metadata, $0.lastFailure) }
            if let failure, metadata == nil || failure.error.code != .providerUnreachable { throw failure.error }
            if let metadata { return metadata }
            throw SignInError(.providerUnreachable, "no provider metadata")
        }
        switch await task.value {
        case .success(let metadata): return metadata
        case .failure(let error):
            // A stale document is better than none when the provider blips.
            if let metadata = state.withLock({ $0.metadata }), error.code == .providerUnreachable { return metadata }
            throw error
        }
    }

    private func fetchMetadata() async -> Result<ProviderMetadata, SignInError> {
        let result: Result<ProviderMetadata, SignInError>
        do {
            guard let url = discoveryURL else { throw SignInError(.notConfigured, "the issuer is not a URL") }
            let body = try await getJSON(url, maximumBytes: policy.maximumDocumentBytes, what: "discovery")
            result = .success(
                try ProviderMetadata.parse(
                    body.body, expectedIssuer: issuer.issuer, allowLoopbackHTTP: policy.allowLoopbackHTTP))
        } catch let error as SignInError {
            result = .failure(error)
        } catch {
            result = .failure(SignInError(.providerUnreachable, "discovery failed"))
        }
        let now = clock()
        state.withLock { state in
            state.inFlight = nil
            switch result {
            case .success(let metadata):
                state.metadata = metadata
                state.fetchedAt = now
                state.lastFailure = nil
            case .failure(let error):
                // A provider that is down (or misconfigured) is not asked again for every sign-in attempt.
                state.lastFailure = (now, error)
            }
        }
        return result
    }

    /// Fetches the JWK set at `jwks_uri`: bounded in size and key count, cached as `Cache-Control` allows.
    func fetchKeys() async throws -> IssuerKeys.Fetched {
        state.withLock { $0.keyFetches += 1 }
        let metadata = try await metadata()
        let keysPolicy = issuer.keys.policy
        let response = try await getJSON(metadata.jwksURI, maximumBytes: keysPolicy.maximumDocumentBytes, what: "JWKS")
        let keySet: JSONWebKeySet
        do { keySet = try JSONWebKeySet(json: response.body) } catch {
            throw SignInError(.invalidResponse, "the JWK set is not valid (\(error.code))")
        }
        guard keySet.keys.count + keySet.ignoredKeys.count <= keysPolicy.maximumKeys else {
            throw SignInError(.invalidResponse, "the JWK set has more than \(keysPolicy.maximumKeys) keys")
        }
        return IssuerKeys.Fetched(
            keySet: keySet, maximumAge: IssuerKeysPolicy.maximumAge(cacheControl: response.header("Cache-Control")))
    }

    /// A GET answered with 200 and at most `maximumBytes`.
    func getJSON(_ url: URL, maximumBytes: Int, what: String) async throws(SignInError) -> OutboundResponse {
        let response = try await send(
            OutboundRequest(method: "GET", url: url, headers: [("Accept", "application/json")]))
        guard response.status == 200 else {
            throw SignInError(.providerUnreachable, "the provider answered \(what) with HTTP \(response.status)")
        }
        guard response.body.count <= maximumBytes else {
            throw SignInError(.invalidResponse, "the \(what) document is larger than \(maximumBytes) bytes")
        }
        return response
    }

    /// Sends through the transport, with its failures as sign-in errors (TLS problems apart).
    func send(_ request: OutboundRequest) async throws(SignInError) -> OutboundResponse {
        do { return try await transport.send(request) } catch { throw Self.mapped(error) }
    }

    static func mapped(_ error: OutboundHTTPError) -> SignInError {
        switch error.code {
        case .tlsHandshake, .certificateUntrusted, .certificateExpired, .hostnameMismatch:
            SignInError(.tlsFailure, "the provider's TLS connection failed (\(error.code.rawValue))")
        case .responseTooLarge, .malformedResponse, .redirectRefused:
            SignInError(.invalidResponse, "the provider's answer was refused (\(error.code.rawValue))")
        default:
            SignInError(.providerUnreachable, "the provider could not be reached (\(error.code.rawValue))")
        }
    }
}

/// Limits and lifetimes of the relying party.
package struct RelyingPartyPolicy: Sendable {
    /// How long a discovery document is used before it is fetched again (seconds).
    package var metadataLifetime: Double
    /// Largest discovery document or token response accepted, in bytes.
    package var maximumDocumentBytes: Int
    /// How long a pending sign-in stays valid (seconds).
    package var pendingLifetime: Double
    /// After a failed discovery, how long the failure is answered without asking the provider again (seconds).
    package var failureBackoff: Double
    /// Accept `http` endpoints on loopback hosts (the development provider on the server's own origin).
    package var allowLoopbackHTTP: Bool
    /// Lifetime of a `private_key_jwt` client assertion (seconds).
    package var assertionLifetime: Double

    package init(
        metadataLifetime: Double = 3600, maximumDocumentBytes: Int = 64 * 1024, pendingLifetime: Double = 600,
        allowLoopbackHTTP: Bool = false, assertionLifetime: Double = 60, failureBackoff: Double = 30
    ) {
        self.failureBackoff = failureBackoff
        self.metadataLifetime = metadataLifetime
        self.maximumDocumentBytes = maximumDocumentBytes
        self.pendingLifetime = pendingLifetime
        self.allowLoopbackHTTP = allowLoopbackHTTP
        self.assertionLifetime = assertionLifetime
    }
}

import CivicSealHTTPClient
import CivicSealIdentity
import Foundation

extension OpenIDProvider {
    /// The outbound client for `issuer`: HTTPS, trusting its configured CA bundle or else the system store, with
    /// a response limit sized for discovery, JWK sets and token responses.
    package static func httpsTransport(for issuer: TrustedIssuer, policy: RelyingPartyPolicy = RelyingPartyPolicy())
        throws(OutboundHTTPError) -> HTTPSClient
    {
        let trust: HTTPClientConfiguration.Trust = issuer.relyingParty?.caBundle.map { .caBundle($0) } ?? .system
        return try HTTPSClient(
            configuration: HTTPClientConfiguration(
                trust: trust,
                maximumResponseBytes: max(policy.maximumDocumentBytes, issuer.keys.policy.maximumDocumentBytes),
                allowPlainHTTPToLoopback: policy.allowLoopbackHTTP))
    }

    /// Connects every discovery issuer of `issuers` to its provider (so API bearer tokens are verified against the
    /// fetched keys) and makes a relying party for each issuer configured with a client. `transport` chooses how
    /// each provider is reached (``httpsTransport(for:policy:)``, or the development provider's in-process one).
    /// `clock` is the service's: ID tokens and pending sign-ins are judged at the time the rest of the service keeps.
    package static func connect(
        _ issuers: TrustedIssuers, verifier: TokenVerifier, policy: RelyingPartyPolicy = RelyingPartyPolicy(),
        clock: @escaping @Sendable () -> Date = { Date() },
        transport: (TrustedIssuer) throws(OutboundHTTPError) -> any OutboundHTTPTransport
    ) throws(OutboundHTTPError) -> ConnectedProviders {
        var providers: [OpenIDProvider] = []
        var parties: [String: RelyingParty] = [:]
        for issuer in issuers.issuers where issuer.usesDiscovery {
            let provider = OpenIDProvider(
                issuer: issuer, transport: try transport(issuer), policy: policy, clock: clock)
            providers.append(provider)
            if issuer.relyingParty != nil, let party = try? RelyingParty(provider: provider, verifier: verifier) {
                parties[issuer.issuer] = party
            }
        }
        return ConnectedProviders(providers: providers, relyingParties: parties)
    }

    /// Fetches the discovery document and the keys now (at start, so the first sign-in and the first bearer
    /// token do not wait); the error when the provider cannot be reached (the service still starts: keys are
    /// fetched again on demand).
    package func prefetch() async -> SignInError? {
        do { _ = try await metadata() } catch { return error }
        _ = await issuer.keys.fresh()
        return issuer.keys.isLoaded
            ? nil : SignInError(.providerUnreachable, "the provider's keys could not be fetched")
    }
}

/// The providers of a configuration, connected: every discovery issuer, and the relying parties by issuer.
package struct ConnectedProviders: Sendable {
    package let providers: [OpenIDProvider]
    package let relyingParties: [String: RelyingParty]

    /// The first relying party whose issuer may vouch for `kind` (the citizens' or the staff's provider).
    package func relyingParty(for kind: PrincipalKind, in issuers: TrustedIssuers) -> RelyingParty? {
        issuers.issuers.lazy.filter { $0.principals.contains(kind) }.compactMap { self.relyingParties[$0.issuer] }
            .first
    }

    /// ``OpenIDProvider/prefetch()`` for each provider; the issuers that could not be reached, with why.
    package func prefetch() async -> [(issuer: String, error: SignInError)] {
        var failures: [(issuer: String, error: SignInError)] = []
        for provider in providers {
            if let error = await provider.prefetch() { failures.append((provider.issuer.issuer, error)) }
        }
        return failures
    }
}

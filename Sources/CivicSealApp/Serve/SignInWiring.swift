import CivicSealDevelopmentProvider
import CivicSealHTTPClient
import CivicSealIdentity
import CivicSealOIDC
import CivicSealPages
import Foundation

/// The relying parties of the sign-in pages, built once at start from the trusted issuers.
///
/// - Every issuer of `trusted-issuers.json` with `discovery` is connected to its provider over HTTPS (its
///   `caBundle`, else the system store): API bearer tokens are then verified against its fetched keys too, and an
///   issuer with a `clientID` becomes a relying party.
/// - In development mode the development issuer is the built-in provider's: a relying party reaching it in process
///   (``DevelopmentProviderTransport``), authenticating as the development client (private_key_jwt with the
///   development client key); its keys stay the development key `civicseal token` signs with.
/// - The citizen pages use the first relying party whose issuer vouches for citizens, a configured provider before
///   the development one; the officer pages likewise for staff.
enum SignInWiring {
    struct Wired {
        let providers: SignInProviders
        let connected: ConnectedProviders
    }

    static func wire(
        issuers: TrustedIssuers, verifier: TokenVerifier, development: DevelopmentProvider?, keysDirectory: String,
        origin: @escaping @Sendable () -> String, clock: @escaping @Sendable () -> Date
    ) throws(AppError) -> Wired {
        let connected: ConnectedProviders
        do {
            connected = try OpenIDProvider.connect(issuers, verifier: verifier) {
                (issuer) throws(OutboundHTTPError) -> any OutboundHTTPTransport in
                try OpenIDProvider.httpsTransport(for: issuer)
            }
        } catch {
            throw AppError(.configuration, "the outbound HTTPS client for the identity providers: \(error)")
        }
        var citizen = connected.relyingParty(for: .citizen, in: issuers)
        var staff = connected.relyingParty(for: .staff, in: issuers)
        if let development, let trusted = issuers.development, citizen == nil || staff == nil {
            let party = try developmentRelyingParty(
                trusted, provider: development, verifier: verifier, keysDirectory: keysDirectory, clock: clock)
            if citizen == nil && trusted.principals.contains(.citizen) { citizen = party }
            if staff == nil && trusted.principals.contains(.staff) { staff = party }
        }
        return Wired(
            providers: SignInProviders(citizen: citizen, staff: staff, origin: origin), connected: connected)
    }

    /// The relying party of the built-in development provider (its client id is the development issuer's audience).
    /// Its browser endpoints are on this server's own origin, plain HTTP on a loopback address in development.
    static func developmentRelyingParty(
        _ trusted: TrustedIssuer, provider: DevelopmentProvider, verifier: TokenVerifier, keysDirectory: String,
        clock: @escaping @Sendable () -> Date
    ) throws(AppError) -> RelyingParty {
        let client = try DevelopmentSignIn.clientKey(directory: keysDirectory)
        let issuer = TrustedIssuer(
            issuer: trusted.issuer, audience: trusted.audience, keys: trusted.keys, algorithms: trusted.algorithms,
            principals: trusted.principals, isDevelopment: true,
            relyingParty: RelyingPartySettings(
                clientID: trusted.audience, clientAuthentication: .privateKeyJWT(key: client.key, keyID: client.kid),
                caBundle: nil, scopes: []),
            claimMapping: trusted.claimMapping)
        do {
            return try RelyingParty(
                provider: OpenIDProvider(
                    issuer: issuer, transport: DevelopmentProviderTransport(provider: provider),
                    policy: RelyingPartyPolicy(allowLoopbackHTTP: true), clock: clock),
                verifier: verifier)
        } catch {
            throw AppError(.configuration, "the development provider's relying party: \(error)")
        }
    }
}

import CivicSealCrypto
import CivicSealIdentity
import CivicSealServiceTestSupport
import CivicSealTestSupport
import CivicSealWorkflow
import Foundation
import Testing

@testable import CivicSealOIDC

/// What only the independent provider can be made to do: misbehave on purpose, present bad certificates, rotate
/// its keys, expire codes, authenticate us by client secret.
@Suite(.enabled(if: IndependentProvider.isUsable), .serialized)
struct IndependentProviderRefusalTests {
    typealias P = ProviderRelyingPartyTests

    @Test("client_secret_basic signs in as well as private_key_jwt")
    func clientSecretBasic() async throws {
        let harness = try await IndependentHarness.start(secret: true)
        let citizen = try await P.signIn(harness, .citizenLevel2, acr: .level2).principal.requireCitizen()
        #expect(citizen.assuranceLevel == .level2)
    }

    @Test("A wrong nonce from the provider is refused")
    func wrongNonce() async throws {
        let harness = try await IndependentHarness.start()
        try await harness.provider.setMisbehaviour(.init(wrongNonce: true))
        #expect(await P.refusal { _ = try await P.signIn(harness, .citizenLevel2) } == .nonceMismatch)
    }

    @Test("A token for another audience is refused")
    func wrongAudience() async throws {
        let harness = try await IndependentHarness.start()
        try await harness.provider.setMisbehaviour(.init(wrongAudience: true))
        #expect(await P.refusal { _ = try await P.signIn(harness, .citizenLevel2) } == .wrongAudience)
    }

    @Test("A discovery document whose issuer differs is refused")
    func discoveryIssuerDiffers() async throws {
        let harness = try await IndependentHarness.start()
        try await harness.provider.setMisbehaviour(.init(discoveryIssuer: .some(harness.issuer.issuer + "/other")))
        let code = await P.refusal { _ = try await harness.party.begin(acr: nil, redirectURI: harness.redirectURI) }
        #expect(code == .issuerMismatch)
    }

    @Test(
        "A TLS certificate for another host, or expired, is refused",
        arguments: [IndependentProvider.ServerCertificate.otherHost, .expired])
    func badCertificate(certificate: IndependentProvider.ServerCertificate) async throws {
        let harness = try await IndependentHarness.start(certificate: certificate)
        let code = await P.refusal { _ = try await harness.party.begin(acr: nil, redirectURI: harness.redirectURI) }
        #expect(code == .tlsFailure)
        // Nor are its keys fetched for API bearer tokens.
        #expect(
            await OpenIDProvider(
                issuer: harness.issuer,
                transport: try OpenIDProvider.httpsTransport(
                    for: harness.issuer)
            ).prefetch()?.code == .tlsFailure)
    }

    @Test("An expired code is refused")
    func expiredCode() async throws {
        let harness = try await IndependentHarness.start()
        let (url, pending) = try await harness.party.begin(acr: nil, redirectURI: harness.redirectURI)
        let query = try await harness.signIn(.citizenLevel2, authorizationURL: url)
        try await harness.provider.expireCodes()
        let code = await P.refusal {
            _ = try await harness.party.complete(query: query, pending: pending, redirectURI: harness.redirectURI)
        }
        #expect(code == .codeRejected)
    }

    /// The provider rotates (and then drops the old key) between two sign-ins: the same relying party signs the
    /// second one in, and API bearer verification follows the new keys; no restart.
    @Test("A key rotated at the provider between two sign-ins needs no restart", arguments: [false, true])
    func keyRotation(dropPrevious: Bool) async throws {
        let harness = try await IndependentHarness.start()
        let first = try await P.signIn(harness, .citizenLevel2)
        let oldKeyIDs = Set(harness.issuer.keys.current.keys.compactMap(\.keyID))
        let newKeyID = try await harness.provider.rotate(dropPrevious: dropPrevious)
        #expect(!oldKeyIDs.contains(newKeyID))
        let second = try await P.signIn(harness, .citizenLevel2)
        #expect(harness.issuer.keys.current.keys(withID: newKeyID).count == 1)
        #expect(try harness.verifier.verify(token: second.idToken) == second.principal)
        if dropPrevious {
            // The first token's key is gone: the verified-token cache does not serve it any more.
            #expect(throws: IdentityError.self) { try harness.verifier.verify(token: first.idToken) }
        }
    }

    @Test("The JWK set is cached as Cache-Control allows, within bounds")
    func keysCachedPerCacheControl() async throws {
        let harness = try await IndependentHarness.start()
        try await harness.provider.setMisbehaviour(.init(jwksMaxAge: 0))
        _ = try await P.signIn(harness, .citizenLevel2)
        let fetches = try await harness.jwksFetches()
        _ = try await P.signIn(harness, .citizenLevel2)
        _ = try await P.signIn(harness, .justiceOfficer)
        // max-age=0 still keeps the set for the one-minute minimum.
        #expect(try await harness.jwksFetches() == fetches)
    }
}

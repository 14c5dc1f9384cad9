import CivicSealApp
import CivicSealDevelopmentProvider
import CivicSealIdentity
import CivicSealOIDC
import CivicSealServiceTestSupport
import CivicSealTestSupport
import Foundation
import Testing

/// `serve` in development mode: its own provider answers under `/dev-idp/`, the development issuer is a sign-in
/// provider reached in-process, and `civicseal token` tokens still verify on the API.
struct DevelopmentModeSignInTests {
    @Test("serve in development mode signs a citizen in through its own provider, with no outside system")
    func citizenSignsInThroughTheBuiltInProvider() async throws {
        let live = try LiveService.start()
        let service = live.service
        let provider = try #require(service.developmentProvider)
        #expect(SecureFile.mode(live.keysDirectory + "/" + DevelopmentSignIn.clientKeyPath).map { $0 & 0o777 } == 0o600)

        let party = try #require(service.signIn.relyingParty(for: .citizen, in: service.api.verifier.issuers))
        let origin = provider.configuration.browserOrigin()
        let redirectURI = origin + "/sign-in/callback"
        let (authorizationURL, pending) = try await party.begin(acr: .level2, redirectURI: redirectURI)
        #expect(authorizationURL.hasPrefix(origin + "/dev-idp/authorize?"))
        let target = String(authorizationURL.dropFirst(origin.count))

        let page = try await live.client.get(target)
        #expect(page.status == 200)
        #expect(page.text.contains("Nguyễn Thị Ánh Tuyết"))
        let callback = try await live.developmentProviderCallback(
            authorizationURL: authorizationURL, preset: "citizen-tuyet")
        #expect(callback["state"] == pending.state)
        let signedIn = try await party.complete(query: callback, pending: pending, redirectURI: redirectURI)
        let citizen = try signedIn.principal.requireCitizen()
        #expect(citizen.personalID.digits == "001190012345")
        #expect(citizen.assuranceLevel == .level2)

        // The same code again is refused: the provider spent it.
        let replay = await #expect(throws: SignInError.self) {
            _ = try await party.complete(query: callback, pending: pending, redirectURI: redirectURI)
        }
        #expect(replay != nil)
        await live.stop()
    }

    @Test("A token minted by civicseal token still verifies on the API in development mode")
    func mintedTokensStillVerify() async throws {
        let live = try LiveService.start()
        let token = try live.token(for: .tuyet)
        let response = try await live.client.get("/v1/requests", token: token)
        #expect(response.status == 200, "\(response)")
        await live.stop()
    }
}

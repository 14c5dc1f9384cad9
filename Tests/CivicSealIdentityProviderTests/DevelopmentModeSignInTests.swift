import CivicSealApp
import CivicSealDevelopmentProvider
import CivicSealIdentity
import CivicSealOIDC
import CivicSealServiceTestSupport
import CivicSealTestSupport
import Dispatch
import Foundation
import Synchronization
import Testing

/// `serve` in development mode: its own provider answers under `/dev-idp/`, the development issuer is a sign-in
/// provider reached in-process, and `civicseal token` tokens still verify on the API.
struct DevelopmentModeSignInTests {
    @Test("instances starting at once on one keys directory agree on one development client key, created once, 0600")
    func concurrentStartsShareOneClientKey() throws {
        let folder = TemporaryDirectory("civicseal-dev-client")
        let results = Mutex<[(kid: String, created: Bool)]>([])
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            do {
                let key = try DevelopmentSignIn.clientKey(directory: folder.path)
                results.withLock { $0.append((key.kid, key.created)) }
            } catch {
                failures.withLock { $0.append("\(error)") }
            }
        }
        #expect(failures.withLock { $0 }.isEmpty, "\(failures.withLock { $0 })")
        let seen = results.withLock { $0 }
        #expect(seen.count == 8)
        #expect(Set(seen.map(\.kid)).count == 1, "the instances use different client keys: \(seen)")
        #expect(seen.filter(\.created).count == 1)
        let path = folder.path + "/" + DevelopmentSignIn.clientKeyPath
        #expect(SecureFile.mode(path).map { $0 & 0o777 } == 0o600)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path + "/private")
        #expect(leftovers == ["dev-oidc-client.key.pem"], "temporary files left behind: \(leftovers)")
    }

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

    @Test("An officer picked at the built-in provider signs in with roles and department; sign-out returns home")
    func officerSignsInAndOut() async throws {
        let live = try LiveService.start()
        let service = live.service
        let party = try #require(service.signIn.relyingParty(for: .staff, in: service.api.verifier.issuers))
        let origin = try #require(live.developmentOrigin)
        let redirectURI = origin + "/sign-in/callback"
        let (authorizationURL, pending) = try await party.begin(acr: nil, redirectURI: redirectURI)
        let callback = try await live.developmentProviderCallback(
            authorizationURL: authorizationURL, preset: "justice-officer")
        let signedIn = try await party.complete(query: callback, pending: pending, redirectURI: redirectURI)
        let officer = try signedIn.principal.requireStaff(role: .justiceOfficer)
        #expect(officer.department == "justice-hanoi")
        #expect(officer.name == "Trần Đức Lương")

        let endSession = try #require(
            await party.endSessionURL(idTokenHint: signedIn.idToken, postLogoutRedirectURI: origin + "/"))
        #expect(endSession.hasPrefix(origin + "/dev-idp/end-session?"))
        let back = try await live.client.get(String(endSession.dropFirst(origin.count)))
        #expect(back.status == 302)
        #expect(back.header("Location")?.hasPrefix(origin + "/") == true)
        await live.stop()
    }

    @Test("A level-1 citizen asked for level 2 comes back level 1, and the relying party refuses the step")
    func levelOneCitizenIsRefusedLevelTwo() async throws {
        let live = try LiveService.start()
        let service = live.service
        let party = try #require(service.signIn.relyingParty(for: .citizen, in: service.api.verifier.issuers))
        let redirectURI = try #require(live.developmentOrigin) + "/sign-in/callback"
        let (authorizationURL, pending) = try await party.begin(acr: .level2, redirectURI: redirectURI)
        let callback = try await live.developmentProviderCallback(
            authorizationURL: authorizationURL, preset: "citizen-hung-level1")
        let error = await #expect(throws: SignInError.self) {
            _ = try await party.complete(query: callback, pending: pending, redirectURI: redirectURI)
        }
        #expect(error?.code == .insufficientAssurance)
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

import CivicSealCrypto
import CivicSealIdentity
import CivicSealJSON
import CivicSealServiceTestSupport
import CivicSealTestSupport
import CivicSealWorkflow
import Foundation
import Testing

@testable import CivicSealOIDC

/// The relying party against providers: Authlib's (nobody here wrote it; TLS under a test CA, reached with our own
/// HTTPS client) and CivicSeal's built-in development provider, with the same tests wherever they apply.
@Suite(.enabled(if: IndependentProvider.isUsable), .serialized)
struct ProviderRelyingPartyTests {
    static func signIn(_ harness: any ProviderHarness, _ user: TestUser, acr: AssuranceLevel? = nil) async throws
        -> SignedIn
    {
        let (url, pending) = try await harness.party.begin(acr: acr, redirectURI: harness.redirectURI)
        let query = try await harness.signIn(user, authorizationURL: url)
        return try await harness.party.complete(query: query, pending: pending, redirectURI: harness.redirectURI)
    }

    static func refusal(_ body: () async throws -> Void) async -> SignInError.Code? {
        do {
            try await body()
            return nil
        } catch let error as SignInError {
            return error.code
        } catch {
            Issue.record("unexpected \(error)")
            return nil
        }
    }

    @Test(
        "A citizen and an officer sign in; the ID token also verifies as an API bearer token",
        arguments: ProviderKind.allCases)
    func citizenAndOfficerSignIn(kind: ProviderKind) async throws {
        let harness = try await kind.start()
        let citizen = try await Self.signIn(harness, .citizenLevel2, acr: .level2).principal.requireCitizen()
        #expect(citizen.assuranceLevel == .level2 && citizen.identity.fullName == "Nguyễn Thị Ánh Tuyết")
        #expect(citizen.token.issuer == harness.issuer.issuer)
        let signedIn = try await Self.signIn(harness, .justiceOfficer)
        let officer = try signedIn.principal.requireStaff(role: .justiceOfficer)
        #expect(officer.department == "justice-hanoi" && officer.name == "Trần Đức Lương")
        #expect(try harness.verifier.verify(token: signedIn.idToken) == signedIn.principal)
    }

    @Test(
        "A level-1 account asked for level 2 is refused; asked for level 1 it signs in",
        arguments: ProviderKind.allCases)
    func levelOneAccountAskedForLevelTwo(kind: ProviderKind) async throws {
        let harness = try await kind.start()
        let code = await Self.refusal { _ = try await Self.signIn(harness, .citizenLevel1, acr: .level2) }
        #expect(code == .insufficientAssurance)
        let citizen = try await Self.signIn(harness, .citizenLevel1, acr: .level1).principal.requireCitizen()
        #expect(citizen.assuranceLevel == .level1)
    }

    @Test("A wrong state is refused before the code is used", arguments: ProviderKind.allCases)
    func wrongState(kind: ProviderKind) async throws {
        let harness = try await kind.start()
        let (url, pending) = try await harness.party.begin(acr: nil, redirectURI: harness.redirectURI)
        var query = try await harness.signIn(.citizenLevel2, authorizationURL: url)
        let good = query
        query["state"] = PKCE.randomToken()
        let code = await Self.refusal {
            _ = try await harness.party.complete(query: query, pending: pending, redirectURI: harness.redirectURI)
        }
        #expect(code == .stateMismatch)
        // The code was not spent by the refused callback: the right browser still completes.
        _ = try await harness.party.complete(query: good, pending: pending, redirectURI: harness.redirectURI)
    }

    @Test("A replayed code is refused by the token endpoint", arguments: ProviderKind.allCases)
    func replayedCode(kind: ProviderKind) async throws {
        let harness = try await kind.start()
        let (url, pending) = try await harness.party.begin(acr: nil, redirectURI: harness.redirectURI)
        let query = try await harness.signIn(.citizenLevel2, authorizationURL: url)
        _ = try await harness.party.complete(query: query, pending: pending, redirectURI: harness.redirectURI)
        let code = await Self.refusal {
            _ = try await harness.party.complete(query: query, pending: pending, redirectURI: harness.redirectURI)
        }
        #expect(code == .codeRejected)
    }

    /// An ID token minted for another sign-in (its nonce) brought to this one: the browser's pending state holds
    /// this sign-in's nonce.
    @Test("An ID token with another sign-in's nonce is refused", arguments: ProviderKind.allCases)
    func nonceOfAnotherSignIn(kind: ProviderKind) async throws {
        let harness = try await kind.start()
        let (url, pending) = try await harness.party.begin(acr: nil, redirectURI: harness.redirectURI)
        let query = try await harness.signIn(.citizenLevel2, authorizationURL: url)
        let other = PendingSignIn(
            state: pending.state, nonce: PKCE.randomToken(), codeVerifier: pending.codeVerifier,
            issuer: pending.issuer, acr: nil, createdAt: pending.createdAt)
        let code = await Self.refusal {
            _ = try await harness.party.complete(query: query, pending: other, redirectURI: harness.redirectURI)
        }
        #expect(code == .nonceMismatch)
    }

    @Test("1,000 tokens with random kids cause at most one JWKS fetch per interval", arguments: ProviderKind.allCases)
    func randomKeyIDFlood(kind: ProviderKind) async throws {
        let harness = try await kind.start()
        _ = try await Self.signIn(harness, .citizenLevel2)
        let before = try await harness.jwksFetches()
        #expect(before >= 1, "the sign-in fetched the keys")
        let forger = try PrivateKey.generate(.ecP256)
        let issuer = harness.issuer.issuer
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<1000 {
                group.addTask {
                    let signer = try! JWSSigner(
                        privateKey: forger, keyID: "forged-\(index)-" + PKCE.randomToken(byteCount: 6),
                        algorithm: .es256)
                    let token = try! signer.sign(claims: ["iss": .string(issuer), "aud": "civicseal"])
                    // Half through the sign-in path (waits for a refresh when one is allowed), half as API bearers.
                    if index.isMultiple(of: 2) {
                        _ = try? await harness.party.verifiedSignature(token)
                    } else {
                        _ = try? harness.verifier.verify(token: token)
                    }
                }
            }
        }
        // Let any refresh the bearer path asked for finish before counting.
        _ = await harness.issuer.keys.fresh()
        let after = try await harness.jwksFetches()
        #expect(after - before <= 1, "\(after - before) fetches for 1,000 unknown kids")
    }

    @Test("RP-initiated logout goes to the provider's end_session_endpoint", arguments: ProviderKind.allCases)
    func endSession(kind: ProviderKind) async throws {
        let harness = try await kind.start()
        let signedIn = try await Self.signIn(harness, .citizenLevel2)
        let url = try #require(
            await harness.party.endSessionURL(idTokenHint: signedIn.idToken, postLogoutRedirectURI: "http://127.0.0.1/")
        )
        let components = try #require(URLComponents(string: url))
        #expect(components.path.hasSuffix("end-session"))
        let items = Dictionary(uniqueKeysWithValues: (components.queryItems ?? []).map { ($0.name, $0.value ?? "") })
        #expect(items["id_token_hint"] == signedIn.idToken && items["post_logout_redirect_uri"] == "http://127.0.0.1/")
    }
}

import CivicSealCrypto
import CivicSealIdentity
import CivicSealJSON
import CivicSealTestSupport
import CivicSealWorkflow
import Foundation
import Testing

@testable import CivicSealOIDC

/// The relying party against the in-process provider: the whole code flow, each refusal the issue lists, key
/// rotation without a restart, and the bounded refresh under a flood of unknown `kid`s.
@Suite struct RelyingPartyTests {
    static let redirectURI = "https://civicseal.example/sign-in/callback"
    static let citizen: [String: JSONValue] = [
        "sub": "vneid-8f14e45f", "personal_id": "001090012345", "name": "Nguyễn Văn An",
        "birthdate": "1990-05-17", "gender": "male",
    ]
    static let officer: [String: JSONValue] = [
        "sub": "staff-0042", "name": "Trần Thị Bình", "groups": ["justice.officer", "intranet.user"],
        "org": "justice-hanoi",
    ]

    struct Setup {
        let provider: InMemoryProvider
        let party: RelyingParty
        let verifier: TokenVerifier
    }

    static func setup(secret: Bool = false, keysPolicy: IssuerKeysPolicy = IssuerKeysPolicy()) throws -> Setup {
        let provider =
            secret
            ? InMemoryProvider(clientKey: nil, secret: "s3cret:with/odd+chars")
            : InMemoryProvider(clientKey: try PrivateKey.generate(.ecP256), secret: nil)
        let issuer = provider.trustedIssuer(keysPolicy: keysPolicy)
        let verifier = TokenVerifier(issuers: TrustedIssuers([issuer]))
        let party = try RelyingParty(issuer: issuer, transport: provider, verifier: verifier)
        return Setup(provider: provider, party: party, verifier: verifier)
    }

    static func signIn(_ setup: Setup, claims: [String: JSONValue] = citizen, acr: AssuranceLevel? = .level2)
        async throws -> SignedIn
    {
        let (url, pending) = try await setup.party.begin(acr: acr, redirectURI: redirectURI)
        let query = try setup.provider.authorize(url, claims: claims)
        return try await setup.party.complete(query: query, pending: pending, redirectURI: redirectURI)
    }

    static func expectRefusal(
        _ code: SignInError.Code, _ body: () async throws -> Void, sourceLocation: SourceLocation = #_sourceLocation
    ) async {
        do {
            try await body()
            Issue.record("accepted; expected \(code)", sourceLocation: sourceLocation)
        } catch let error as SignInError {
            #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: [false, true])
    func citizenSignsInWithPKCEAndClientAuthentication(secret: Bool) async throws {
        let setup = try Self.setup(secret: secret)
        let (url, pending) = try await setup.party.begin(acr: .level2, redirectURI: Self.redirectURI)
        let query = try #require(URLComponents(string: url)?.queryItems).reduce(into: [String: String]()) {
            $0[$1.name] = $1.value
        }
        #expect(url.hasPrefix("https://op.test/realm/authorize?"))
        #expect(query["response_type"] == "code" && query["client_id"] == "civicseal")
        #expect(query["scope"] == "openid profile" && query["acr_values"] == "urn:test:loa:2")
        #expect(query["state"] == pending.state && query["nonce"] == pending.nonce && pending.state.count == 43)
        #expect(query["code_challenge"] == PKCE.challenge(for: pending.codeVerifier))
        #expect(query["code_challenge_method"] == "S256" && query["redirect_uri"] == Self.redirectURI)

        let signedIn = try await setup.party.complete(
            query: try setup.provider.authorize(url, claims: Self.citizen), pending: pending,
            redirectURI: Self.redirectURI)
        let citizen = try signedIn.principal.requireCitizen()
        #expect(citizen.assuranceLevel == .level2 && citizen.identity.fullName == "Nguyễn Văn An")
        #expect(signedIn.assuranceLevel == .level2 && !signedIn.idToken.isEmpty)
        if secret {
            #expect(setup.provider.state.withLock { $0.lastBasic }?.hasPrefix("Basic ") == true)
        } else {
            let assertion = try #require(setup.provider.state.withLock { $0.lastAssertion })
            #expect(assertion["aud"]?.stringValue == "https://op.test/realm/token")
        }
    }

    @Test func officerRolesAndDepartmentComeFromConfiguredClaims() async throws {
        let setup = try Self.setup()
        let staff = try await Self.signIn(setup, claims: Self.officer, acr: nil).principal.requireStaff()
        #expect(staff.roles == [.justiceOfficer] && staff.department == "justice-hanoi")
    }

    @Test func wrongStateIsRefused() async throws {
        let setup = try Self.setup()
        let (url, pending) = try await setup.party.begin(acr: nil, redirectURI: Self.redirectURI)
        var query = try setup.provider.authorize(url, claims: Self.citizen)
        query["state"] = PKCE.randomToken()
        await Self.expectRefusal(.stateMismatch) {
            _ = try await setup.party.complete(query: query, pending: pending, redirectURI: Self.redirectURI)
        }
        query["state"] = nil
        await Self.expectRefusal(.stateMismatch) {
            _ = try await setup.party.complete(query: query, pending: pending, redirectURI: Self.redirectURI)
        }
    }

    @Test func replayedCodeIsRefused() async throws {
        let setup = try Self.setup()
        let (url, pending) = try await setup.party.begin(acr: nil, redirectURI: Self.redirectURI)
        let query = try setup.provider.authorize(url, claims: Self.citizen)
        _ = try await setup.party.complete(query: query, pending: pending, redirectURI: Self.redirectURI)
        await Self.expectRefusal(.codeRejected) {
            _ = try await setup.party.complete(query: query, pending: pending, redirectURI: Self.redirectURI)
        }
    }

    @Test func wrongNonceIsRefused() async throws {
        let setup = try Self.setup()
        setup.provider.misbehave { $0.nonce = PKCE.randomToken() }
        await Self.expectRefusal(.nonceMismatch) { _ = try await Self.signIn(setup) }
    }

    @Test func tokenForAnotherAudienceIsRefused() async throws {
        let setup = try Self.setup()
        setup.provider.misbehave { $0.audience = "another-client" }
        await Self.expectRefusal(.wrongAudience) { _ = try await Self.signIn(setup) }
    }

    @Test func discoveryNamingAnotherIssuerIsRefused() async throws {
        let setup = try Self.setup()
        setup.provider.misbehave { $0.discoveryIssuer = "https://op.test/other" }
        await Self.expectRefusal(.issuerMismatch) {
            _ = try await setup.party.begin(acr: nil, redirectURI: Self.redirectURI)
        }
    }

    @Test func lowerAssuranceThanAskedIsRefused() async throws {
        let setup = try Self.setup()
        setup.provider.misbehave { $0.acr = "urn:test:loa:1" }
        await Self.expectRefusal(.insufficientAssurance) { _ = try await Self.signIn(setup, acr: .level2) }
        let level1 = try await Self.signIn(setup, acr: .level1)
        #expect(try level1.principal.requireCitizen().assuranceLevel == .level1)
    }

    @Test func atHashMismatchIsRefused() async throws {
        let setup = try Self.setup()
        setup.provider.misbehave { $0.atHash = "AAAAAAAAAAAAAAAAAAAAAA" }
        await Self.expectRefusal(.invalidToken) { _ = try await Self.signIn(setup) }
    }

    @Test func providerErrorAndExpiredPendingAreRefused() async throws {
        let setup = try Self.setup()
        let (_, pending) = try await setup.party.begin(acr: nil, redirectURI: Self.redirectURI)
        do {
            _ = try await setup.party.complete(
                query: ["error": "access_denied", "error_description": "<b>no</b>", "state": pending.state],
                pending: pending, redirectURI: Self.redirectURI)
            Issue.record("accepted")
        } catch {
            #expect(error.code == .providerError && error.providerCode == "access_denied")
            #expect(!error.description.contains("<b>"))
        }
        let old = PendingSignIn(
            state: pending.state, nonce: pending.nonce, codeVerifier: pending.codeVerifier, issuer: pending.issuer,
            acr: nil, createdAt: pending.createdAt - 601)
        await Self.expectRefusal(.expiredPending) {
            _ = try await setup.party.complete(
                query: ["code": "x", "state": pending.state], pending: old, redirectURI: Self.redirectURI)
        }
    }

    @Test func tokenEndpointFailureIsProviderUnreachable() async throws {
        let setup = try Self.setup()
        setup.provider.misbehave { $0.status = 503 }
        await Self.expectRefusal(.providerUnreachable) { _ = try await Self.signIn(setup) }
    }

    /// A key rotated at the provider between two sign-ins: the second succeeds with the same relying party, and
    /// API bearer verification uses the same refreshed keys.
    @Test func keyRotatedBetweenSignInsNeedsNoRestart() async throws {
        let setup = try Self.setup()
        let first = try await Self.signIn(setup)
        setup.provider.rotate()
        let second = try await Self.signIn(setup)
        #expect(try second.principal.requireCitizen().subject == first.principal.requireCitizen().subject)
        #expect(setup.provider.jwksFetches == 2)
        _ = try setup.verifier.verify(token: second.idToken)
    }

    /// 1,000 ID tokens naming random `kid`s cause at most one JWKS fetch per refresh interval.
    @Test func randomKeyIDFloodFetchesTheKeySetAtMostOncePerInterval() async throws {
        let setup = try Self.setup()
        _ = try await Self.signIn(setup)
        let before = setup.provider.jwksFetches
        let forger = InMemoryProvider.newSigner()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<1000 {
                group.addTask {
                    let signer = try! JWSSigner(
                        privateKey: forger.privateKey, keyID: PKCE.randomToken(byteCount: 8), algorithm: .es256)
                    let token = try! signer.sign(claims: ["iss": "https://op.test/realm", "aud": "civicseal"])
                    _ = try? await setup.party.verifiedSignature(token)
                    _ = try? setup.verifier.verify(token: token)
                }
            }
        }
        #expect(setup.provider.jwksFetches - before <= 1)
    }

    /// A provider that is down is asked again only after the back-off, not for every sign-in attempt.
    @Test func unreachableDiscoveryIsNotRetriedForEveryAttempt() async throws {
        let clock = MovingClock()
        let provider = InMemoryProvider(clientKey: try PrivateKey.generate(.ecP256), secret: nil)
        let issuer = provider.trustedIssuer()
        let party = try RelyingParty(
            issuer: issuer, transport: provider, verifier: TokenVerifier(issuers: TrustedIssuers([issuer])),
            clock: clock.function)
        provider.misbehave { $0.discoveryStatus = 503 }
        for _ in 0..<20 {
            await Self.expectRefusal(.providerUnreachable) {
                _ = try await party.begin(acr: nil, redirectURI: Self.redirectURI)
            }
        }
        #expect(provider.state.withLock { $0.discoveryFetches } == 1)
        provider.misbehave { $0.discoveryStatus = nil }
        clock.advance(31)
        _ = try await party.begin(acr: nil, redirectURI: Self.redirectURI)
        #expect(provider.state.withLock { $0.discoveryFetches } == 2)
    }

    @Test func endSessionURLCarriesHintRedirectAndClient() async throws {
        let setup = try Self.setup()
        let url = try #require(
            await setup.party.endSessionURL(idTokenHint: "a.b.c", postLogoutRedirectURI: "https://civicseal.example/"))
        #expect(
            url == "https://op.test/realm/logout?id_token_hint=a.b.c&post_logout_redirect_uri="
                + "https%3A%2F%2Fcivicseal.example%2F&client_id=civicseal")
    }
}

/// The app's wiring helper: every discovery issuer connected, a relying party for each issuer with a client.
@Suite struct ConnectedProvidersTests {
    @Test func connectMakesRelyingPartiesAndFeedsBearerKeys() async throws {
        let provider = InMemoryProvider(clientKey: try PrivateKey.generate(.ecP256), secret: nil)
        let signIn = provider.trustedIssuer()
        let bearerOnly = TrustedIssuer(
            issuer: "https://op.test/bearer-only", audience: "civicseal", keys: IssuerKeys(), algorithms: [.es256],
            principals: [.staff], usesDiscovery: true)
        let fixed = TrustedIssuer(
            issuer: "https://static.test", audience: "civicseal", keySet: JSONWebKeySet(keys: []),
            algorithms: [.es256], principals: [.citizen])
        let issuers = TrustedIssuers([fixed, bearerOnly, signIn])
        let connected = try OpenIDProvider.connect(
            issuers, verifier: TokenVerifier(issuers: issuers), transport: { _ in provider })
        #expect(connected.providers.map(\.issuer.issuer) == [bearerOnly.issuer, signIn.issuer])
        #expect(Array(connected.relyingParties.keys) == [signIn.issuer])
        #expect(connected.relyingParty(for: .citizen, in: issuers) === connected.relyingParties[signIn.issuer])
        #expect(connected.relyingParty(for: .staff, in: issuers) === connected.relyingParties[signIn.issuer])
        let failures = await connected.prefetch()
        // Nothing answers the bearer-only issuer's discovery (404): reported, and the service still starts.
        #expect(failures.map(\.issuer) == [bearerOnly.issuer])
        #expect(signIn.keys.isLoaded && signIn.keys.current.keys.count == 1)
    }
}

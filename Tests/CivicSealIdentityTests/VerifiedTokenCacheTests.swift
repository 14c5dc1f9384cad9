import CivicSealCrypto
import CivicSealIdentity
import Foundation
import Testing

@Suite struct VerifiedTokenCacheTests {
    @Test func secondVerificationIsACacheHit() throws {
        let verifier = F.verifier()
        let token = F.token(F.citizenClaims())
        let first = try verifier.verify(token: token)
        let second = try verifier.verify(authorization: "Bearer " + token)
        #expect(first == second)
        #expect(verifier.cache.count == 1)
        #expect(verifier.cache.statistics.hits == 1 && verifier.cache.statistics.misses == 1)
    }

    @Test func cachedTokenIsNotServedAfterExpiryPlusLeeway() throws {
        let clock = TestClock()
        let verifier = F.verifier(clock: clock.function)
        let token = F.token(F.citizenClaims(["exp": .number(String(F.nowSeconds + 100))]))
        _ = try verifier.verify(token: token)
        clock.advance(150)  // exp + 50 s: still inside the 60 s leeway
        _ = try verifier.verify(token: token)
        #expect(verifier.cache.statistics.hits == 1)
        clock.advance(11)  // exp + 61 s
        let error = expectRefusal(.expired) { () throws(IdentityError) in try verifier.verify(token: token) }
        #expect(error?.claim == "exp")
        #expect(verifier.cache.count == 0, "the expired entry is dropped")
    }

    @Test func cachedTokenIsNotServedPastTheMaximumAge() throws {
        let clock = TestClock()
        let verifier = F.verifier(policy: TokenPolicy(maximumAge: 300), clock: clock.function)
        let token = F.token(F.citizenClaims(["exp": .number(String(F.nowSeconds + 3600))]))
        _ = try verifier.verify(token: token)
        clock.advance(400)
        expectRefusal(.tooOld) { () throws(IdentityError) in try verifier.verify(token: token) }
    }

    @Test func failuresAreNotCached() throws {
        let clock = TestClock()
        let verifier = F.verifier(clock: clock.function)
        let token = F.token(F.citizenClaims(["nbf": .number(String(F.nowSeconds + 300))]))
        expectRefusal(.notYetValid) { () throws(IdentityError) in try verifier.verify(token: token) }
        #expect(verifier.cache.count == 0)
        clock.advance(300)
        _ = try verifier.verify(token: token).requireCitizen()
        #expect(verifier.cache.count == 1)
    }

    @Test func cacheIsBoundedAndEvictsTheOldest() throws {
        let verifier = F.verifier(policy: TokenPolicy(cacheCapacity: 3))
        let tokens = (0..<5).map { F.token(F.citizenClaims(["sub": .string("subject-\($0)")])) }
        for token in tokens { _ = try verifier.verify(token: token) }
        #expect(verifier.cache.count == 3)
        _ = try verifier.verify(token: tokens[4])
        #expect(verifier.cache.statistics.hits == 1)
        _ = try verifier.verify(token: tokens[0])
        #expect(verifier.cache.statistics.hits == 1, "the oldest entry was evicted")
        #expect(verifier.cache.count == 3)
    }

    @Test func boundHoldsUnderChurn() throws {
        let verifier = F.verifier(policy: TokenPolicy(cacheCapacity: 16))
        for round in 0..<200 {
            _ = try verifier.verify(token: F.token(F.citizenClaims(["sub": .string("s\(round % 40)")])))
        }
        #expect(verifier.cache.count == 16)
    }

    @Test func changingTheIssuerSetInvalidatesTheCache() throws {
        let verifier = F.verifier()
        let token = F.token(F.citizenClaims())
        _ = try verifier.verify(token: token)
        let rotated = JSONWebKeySet(keys: [
            try JSONWebKey(publicKey: F.otherKey.publicKey, keyID: "idp-2027", algorithm: .es256)
        ])
        verifier.replaceIssuers(
            TrustedIssuers([
                TrustedIssuer(
                    issuer: F.issuer, audience: F.audience, keySet: rotated, algorithms: [.es256],
                    principals: [.citizen])
            ]))
        #expect(verifier.cache.count == 0)
        expectRefusal(.unknownKeyID) { () throws(IdentityError) in try verifier.verify(token: token) }
        verifier.replaceIssuers(TrustedIssuers([]))
        expectRefusal(.unknownIssuer) { () throws(IdentityError) in try verifier.verify(token: token) }
    }

    @Test func disabledCacheStillVerifies() throws {
        let verifier = F.verifier(policy: TokenPolicy(cacheCapacity: 0))
        let token = F.token(F.citizenClaims())
        _ = try verifier.verify(token: token)
        _ = try verifier.verify(token: token)
        #expect(verifier.cache.count == 0)
    }

    @Test func concurrentVerificationsShareTheCacheSafely() async throws {
        let verifier = F.verifier(policy: TokenPolicy(cacheCapacity: 8))
        let tokens = (0..<12).map { F.token(F.citizenClaims(["sub": .string("c\($0)")])) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<400 {
                let token = tokens[index % tokens.count]
                group.addTask { _ = try verifier.verify(token: token).requireCitizen() }
            }
            try await group.waitForAll()
        }
        #expect(verifier.cache.count <= 8)
        let statistics = verifier.cache.statistics
        #expect(statistics.hits + statistics.misses == 400)
    }
}

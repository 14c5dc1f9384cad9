import CivicSealCrypto
import CivicSealIdentity
import CivicSealTestSupport
import Foundation
import Synchronization
import Testing

/// A JWKS endpoint stand-in: counts fetches, can be held (to test single-flight) and can fail.
final class CountingFetch: Sendable {
    struct State {
        var fetches = 0
        var keySet: JSONWebKeySet
        var maximumAge: Double?
        var failing = false
    }
    let state: Mutex<State>
    let gate = Mutex<CheckedContinuation<Void, Never>?>(nil)
    let holding = Mutex(false)

    init(_ keySet: JSONWebKeySet, maximumAge: Double? = nil) {
        state = Mutex(State(keySet: keySet, maximumAge: maximumAge))
    }

    var fetches: Int { state.withLock { $0.fetches } }

    var function: IssuerKeys.Fetch {
        { [self] in
            let snapshot = state.withLock { state in
                state.fetches += 1
                return state
            }
            if holding.withLock({ $0 }) {
                await withCheckedContinuation { continuation in gate.withLock { $0 = continuation } }
            }
            if snapshot.failing { throw CancellationError() }
            return IssuerKeys.Fetched(keySet: snapshot.keySet, maximumAge: snapshot.maximumAge)
        }
    }

    func release() {
        holding.withLock { $0 = false }
        gate.withLock {
            $0?.resume()
            $0 = nil
        }
    }
}

final class MovingClock: Sendable {
    private let seconds = Mutex(1_795_000_000.0)
    var now: Date { Date(timeIntervalSince1970: seconds.withLock { $0 }) }
    func advance(_ interval: Double) { seconds.withLock { $0 += interval } }
    var function: @Sendable () -> Date { { [self] in now } }
}

@Suite struct IssuerKeysTests {
    static func keySet(_ kid: String) -> JSONWebKeySet {
        let signer = try! JWSSigner(privateKey: try! PrivateKey.generate(.ecP256), keyID: kid, algorithm: .es256)
        return JSONWebKeySet(keys: [try! signer.publicJWK()])
    }

    @Test func fetchedKeysAreCachedForMaxAgeWithinBounds() async {
        let clock = MovingClock()
        let fetch = CountingFetch(Self.keySet("a"), maximumAge: 600)
        let keys = IssuerKeys(clock: clock.function, fetch: fetch.function)
        #expect(!keys.isLoaded)
        #expect(await keys.fresh().keys(withID: "a").count == 1)
        _ = await keys.fresh()
        #expect(fetch.fetches == 1)
        clock.advance(599)
        _ = await keys.fresh()
        #expect(fetch.fetches == 1)
        clock.advance(2)
        _ = await keys.fresh()
        #expect(fetch.fetches == 2)
        // max-age=0 still keeps the set one minute.
        fetch.state.withLock { $0.maximumAge = 0 }
        clock.advance(601)
        _ = await keys.fresh()
        clock.advance(59)
        _ = await keys.fresh()
        #expect(fetch.fetches == 3)
    }

    @Test func unknownKeyIDsRefreshAtMostOncePerInterval() async {
        let clock = MovingClock()
        let fetch = CountingFetch(Self.keySet("a"))
        let keys = IssuerKeys(clock: clock.function, fetch: fetch.function)
        _ = await keys.fresh()
        for _ in 0..<1000 { _ = await keys.refreshed(forUnknownKeyID: UUID().uuidString) }
        #expect(fetch.fetches == 2, "the first unknown kid may refresh, the 999 others wait for the interval")
        clock.advance(30)
        for _ in 0..<1000 { keys.requestRefresh(unknownKeyID: true) }
        #expect(await eventually { fetch.fetches == 3 })
        _ = await keys.refreshed(forUnknownKeyID: "x")
        #expect(fetch.fetches == 3)
    }

    @Test func concurrentMissesShareOneFetch() async {
        let fetch = CountingFetch(Self.keySet("a"))
        fetch.holding.withLock { $0 = true }
        let keys = IssuerKeys(fetch: fetch.function)
        await withTaskGroup(of: Int.self) { group in
            for _ in 0..<50 { group.addTask { await keys.fresh().keys.count } }
            #expect(await eventually { fetch.gate.withLock { $0 != nil } })
            fetch.release()
            for await count in group { #expect(count == 1) }
        }
        #expect(fetch.fetches == 1)
    }

    @Test func failedRefreshKeepsTheOldKeysAndMovesNoGeneration() async {
        let clock = MovingClock()
        let fetch = CountingFetch(Self.keySet("a"))
        let keys = IssuerKeys(clock: clock.function, fetch: fetch.function)
        _ = await keys.fresh()
        let generation = keys.generation
        fetch.state.withLock { $0.failing = true }
        clock.advance(301)
        #expect(await keys.fresh().keys(withID: "a").count == 1)
        #expect(keys.generation == generation && keys.statistics.failures == 1)
        // After a failure the next attempt waits for the refresh interval.
        _ = await keys.fresh()
        #expect(fetch.fetches == 2)
        fetch.state.withLock {
            $0.failing = false
            $0.keySet = Self.keySet("b")
        }
        clock.advance(30)
        #expect(await keys.fresh().keys(withID: "b").count == 1)
        #expect(keys.generation == generation + 1)
    }

    @Test func unconnectedKeysAreEmptyUntilConnected() async {
        let keys = IssuerKeys()
        #expect(await keys.fresh().keys.isEmpty)
        keys.connect(CountingFetch(Self.keySet("a")).function)
        #expect(await keys.fresh().keys.count == 1)
    }

    /// A token verified with a key that the provider then drops is not served from the verified-token cache.
    @Test func verifiedTokenCacheForgetsTokensOfDroppedKeys() async throws {
        let clock = MovingClock()
        let signer = try JWSSigner(privateKey: try PrivateKey.generate(.ecP256), keyID: "a", algorithm: .es256)
        let fetch = CountingFetch(JSONWebKeySet(keys: [try signer.publicJWK()]))
        let keys = IssuerKeys(clock: clock.function, fetch: fetch.function)
        let issuer = TrustedIssuer(
            issuer: "https://op.example", audience: "civicseal", keys: keys, algorithms: [.es256],
            principals: [.staff], usesDiscovery: true)
        let verifier = TokenVerifier(issuers: TrustedIssuers([issuer]), clock: clock.function)
        _ = await keys.fresh()
        let now = Int64(clock.now.timeIntervalSince1970)
        let token = try signer.sign(claims: [
            "iss": "https://op.example", "aud": "civicseal", "sub": "staff-1", "iat": .number(String(now)),
            "exp": .number(String(now + 3600)), "name": "Trần Thị Bình", "roles": ["justice.officer"],
            "department": "justice-hanoi",
        ])
        _ = try verifier.verify(token: token)
        _ = try verifier.verify(token: token)
        #expect(verifier.cache.statistics.hits == 1)
        fetch.state.withLock { $0.keySet = Self.keySet("b") }
        clock.advance(301)
        _ = await keys.fresh()
        #expect(throws: IdentityError(.unknownKeyID, "")) { try verifier.verify(token: token) }
    }

    /// The API's synchronous path asks for a refresh on an unknown kid and picks the new key up without a restart.
    @Test func bearerVerificationPicksUpARotatedKey() async throws {
        let clock = MovingClock()
        let old = try JWSSigner(privateKey: try PrivateKey.generate(.ecP256), keyID: "old", algorithm: .es256)
        let new = try JWSSigner(privateKey: try PrivateKey.generate(.ecP256), keyID: "new", algorithm: .es256)
        let fetch = CountingFetch(JSONWebKeySet(keys: [try old.publicJWK()]))
        let keys = IssuerKeys(clock: clock.function, fetch: fetch.function)
        let issuer = TrustedIssuer(
            issuer: "https://op.example", audience: "civicseal", keys: keys, algorithms: [.es256],
            principals: [.staff], usesDiscovery: true)
        let verifier = TokenVerifier(issuers: TrustedIssuers([issuer]), clock: clock.function)
        _ = await keys.fresh()
        fetch.state.withLock { $0.keySet = JSONWebKeySet(keys: [try! old.publicJWK(), try! new.publicJWK()]) }
        let now = Int64(clock.now.timeIntervalSince1970)
        let token = try new.sign(claims: [
            "iss": "https://op.example", "aud": "civicseal", "sub": "staff-1", "iat": .number(String(now)),
            "exp": .number(String(now + 3600)), "name": "Trần Thị Bình", "roles": ["justice.officer"],
            "department": "justice-hanoi",
        ])
        #expect(throws: IdentityError(.unknownKeyID, "")) { try verifier.verify(token: token) }
        #expect(await eventually { (try? verifier.verify(token: token)) != nil })
        #expect(fetch.fetches == 2)
    }
}

import CivicSealCrypto
import CivicSealWebKit
import Synchronization
import Testing

/// A clock the test moves by hand.
final class ManualClock: Sendable {
    private let start = ContinuousClock.now
    private let offset = Mutex<Duration>(.zero)

    func advance(_ duration: Duration) { offset.withLock { $0 += duration } }
    func advance(seconds: Int) { advance(.seconds(seconds)) }
    var now: ContinuousClock.Instant { start + offset.withLock { $0 } }
}

extension SessionStore {
    /// A session with an owner of its own: for the tests where whose session it is does not matter (the store is
    /// never full in them).
    func create(_ payload: Payload) async -> Session<Payload> {
        guard let session = try? await create(payload, owner: SecureRandom.identifier()) else {
            fatalError("session store full")
        }
        return session
    }
}

@Suite("Session store")
struct SessionStoreTests {
    private let clock = ManualClock()

    private func store(idle: Int = 60, absolute: Int = 300, capacity: Int = 100, perOwner: Int = 10) -> SessionStore<
        String
    > {
        let clock = clock
        return SessionStore(
            idleTimeout: .seconds(idle), absoluteTimeout: .seconds(absolute), capacity: capacity,
            sessionsPerOwner: perOwner,
            clock: { clock.now })
    }

    private static func isBase64URL(_ text: String) -> Bool {
        text.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2D
                || byte == 0x5F
        }
    }

    @Test func createdSessionIsFoundByItsIdWithItsPayload() async throws {
        let store = store()
        let session = await store.create("officer-17")
        #expect(session.id.count == 43 && Self.isBase64URL(session.id))
        #expect(session.csrfToken.count == 43 && Self.isBase64URL(session.csrfToken))
        #expect(session.id != session.csrfToken)
        #expect(try Base64URL.decode(session.id).count == 32)
        let found = try #require(await store.lookup(session.id))
        #expect(found.payload == "officer-17")
        #expect(found.csrfToken == session.csrfToken)
        #expect(await store.count == 1)
    }

    @Test func unknownOrMalformedIdFindsNothing() async {
        let store = store()
        let session = await store.create("p")
        #expect(await store.lookup(Base64URL.encode(SecureRandom.bytes(32))) == nil)
        #expect(await store.lookup("") == nil)
        #expect(await store.lookup(String(session.id.dropLast())) == nil)
        #expect(await store.lookup(session.id + "A") == nil)
        #expect(await store.lookup(String(session.id.dropLast()) + "=") == nil)
    }

    @Test func everySessionGetsItsOwnIdAndToken() async {
        let store = store(capacity: 1000)
        var sessions: [Session<String>] = []
        for index in 0..<200 { sessions.append(await store.create("\(index)")) }
        #expect(Set(sessions.map(\.id)).count == 200)
        #expect(Set(sessions.map(\.csrfToken)).count == 200)
    }

    @Test func idleSessionExpiresButUseKeepsItAlive() async {
        let store = store(idle: 60)
        let session = await store.create("p")
        clock.advance(seconds: 59)
        #expect(await store.lookup(session.id) != nil)
        clock.advance(seconds: 59)
        #expect(await store.lookup(session.id)?.lastSeen == clock.now)
        clock.advance(seconds: 60)
        #expect(await store.lookup(session.id) == nil)
        #expect(await store.count == 0)
    }

    @Test func busySessionStillEndsAtTheAbsoluteTimeout() async {
        let store = store(idle: 60, absolute: 300)
        let session = await store.create("p")
        for _ in 0..<5 {
            clock.advance(seconds: 50)
            #expect(await store.lookup(session.id) != nil)
        }
        clock.advance(seconds: 49)  // 299 s after creation
        #expect(await store.lookup(session.id) != nil)
        clock.advance(seconds: 1)
        #expect(await store.lookup(session.id) == nil)
    }

    @Test func updateChangesThePayloadSeenByLaterLookups() async {
        let store = store()
        let session = await store.create("draft")
        let updated = await store.update(session.id) { $0 += "+signed" }
        #expect(updated?.payload == "draft+signed")
        #expect(await store.lookup(session.id)?.payload == "draft+signed")
    }

    @Test func updateOfUnknownOrExpiredSessionDoesNotRunTheBody() async {
        let store = store(idle: 60)
        let session = await store.create("p")
        clock.advance(seconds: 60)
        var called = false
        #expect(await store.update(session.id) { _ in called = true } == nil)
        #expect(!called)
    }

    @Test func removedSessionIsGone() async {
        let store = store()
        let session = await store.create("p")
        await store.remove(session.id)
        #expect(await store.lookup(session.id) == nil)
        #expect(await store.count == 0)
        await store.remove(session.id)  // a second sign-out is harmless
    }

    @Test func rotationInvalidatesTheOldIdAndIssuesANewToken() async throws {
        let store = store()
        let anonymous = await store.create("cart")
        let rotated = try #require(await store.rotate(anonymous.id))
        #expect(rotated.id != anonymous.id)
        #expect(rotated.csrfToken != anonymous.csrfToken)
        #expect(rotated.payload == "cart")
        #expect(await store.lookup(anonymous.id) == nil)
        #expect(await store.lookup(rotated.id)?.payload == "cart")
        #expect(await store.count == 1)
        #expect(await store.rotate(anonymous.id) == nil)
    }

    @Test func rotatedSessionStartsANewLifetime() async throws {
        let store = store(idle: 60, absolute: 300)
        var session = await store.create("p")
        for _ in 0..<5 {
            clock.advance(seconds: 50)
            #expect(await store.lookup(session.id) != nil)
        }
        session = try #require(await store.rotate(session.id))  // sign-in at 250 s
        clock.advance(seconds: 50)
        #expect(await store.lookup(session.id) != nil)
    }

    @Test func aFullStoreRefusesANewSessionAndKeepsEveryExistingOne() async throws {
        let store = store(capacity: 3)
        var held: [Session<String>] = []
        for owner in ["a", "b", "c"] {
            held.append(try await store.create(owner, owner: owner))
            clock.advance(seconds: 1)
        }
        // Someone new, and an attacker trying again and again: refused every time, nobody is evicted.
        for attempt in 0..<50 {
            await #expect(throws: SessionStoreError(.full, "")) {
                try await store.create("x", owner: "intruder-\(attempt % 5)")
            }
        }
        #expect(await store.count == 3)
        for session in held { #expect(await store.lookup(session.id)?.payload == session.payload) }
        // Once a session ends, a sign-in fits again.
        await store.remove(held[1].id)
        let d = try await store.create("d", owner: "d")
        #expect(await store.lookup(d.id)?.payload == "d")
        #expect(await store.lookup(held[0].id) != nil)
        #expect(await store.lookup(held[2].id) != nil)
    }

    @Test func aFullStoreMakesRoomOnlyByDroppingExpiredSessions() async throws {
        let store = store(idle: 60, capacity: 2)
        let old = try await store.create("old", owner: "a")
        clock.advance(seconds: 30)
        let live = try await store.create("live", owner: "b")
        await #expect(throws: SessionStoreError.self) { try await store.create("c", owner: "c") }
        clock.advance(seconds: 31)  // old is idle past 60 s, live is not
        let c = try await store.create("c", owner: "c")
        #expect(await store.lookup(old.id) == nil)
        #expect(await store.lookup(live.id)?.payload == "live")
        #expect(await store.lookup(c.id)?.payload == "c")
    }

    @Test func manySignInsOfOnePrincipalEndOnlyTheirOwnOldestSessions() async throws {
        let store = store(capacity: 100, perOwner: 10)
        let officer = try await store.create("officer", owner: "staff:idp officer-1")
        var citizenSessions: [Session<String>] = []
        for index in 0..<500 {  // bounded flood of sign-ins with one citizen token
            clock.advance(.milliseconds(10))
            citizenSessions.append(try await store.create("citizen-\(index)", owner: "citizen:idp flooder"))
        }
        #expect(await store.lookup(officer.id)?.payload == "officer", "another person's sign-ins evicted the officer")
        #expect(await store.count(owner: "citizen:idp flooder") == 10)
        #expect(await store.count == 11)
        // The flooder keeps their ten most recent sessions; every earlier one has ended.
        for session in citizenSessions.suffix(10) { #expect(await store.lookup(session.id) != nil) }
        for session in citizenSessions.prefix(490) { #expect(await store.lookup(session.id) == nil) }
    }

    @Test func aPrincipalAtTheirLimitLosesTheLeastRecentlyUsedOfTheirSessions() async throws {
        let store = store(perOwner: 2)
        let first = try await store.create("phone", owner: "p")
        clock.advance(seconds: 1)
        let second = try await store.create("laptop", owner: "p")
        clock.advance(seconds: 1)
        #expect(await store.lookup(first.id) != nil)  // the phone is used again: the laptop is now the least recent
        clock.advance(seconds: 1)
        let third = try await store.create("tablet", owner: "p")
        #expect(await store.lookup(second.id) == nil)
        #expect(await store.lookup(first.id)?.payload == "phone")
        #expect(await store.lookup(third.id)?.payload == "tablet")
        // Rotation keeps the owner: still two sessions for p.
        _ = try #require(await store.rotate(first.id))
        #expect(await store.count(owner: "p") == 2)
    }

    @Test func creatingDropsIdleSessions() async {
        let store = store(idle: 60)
        _ = await store.create("a")
        _ = await store.create("b")
        clock.advance(seconds: 61)
        let c = await store.create("c")
        #expect(await store.count == 1)
        #expect(await store.lookup(c.id) != nil)
    }

    @Test func creatingDropsSessionsPastTheirAbsoluteLifetimeEvenIfRecentlySeen() async {
        let store = store(idle: 60, absolute: 300)
        let b = await store.create("b")  // t = 0
        clock.advance(seconds: 10)
        let a = await store.create("a")  // t = 10
        for _ in 0..<6 {
            clock.advance(seconds: 40)  // t = 50 … 250
            #expect(await store.lookup(a.id) != nil)
            #expect(await store.lookup(b.id) != nil)
        }
        clock.advance(seconds: 30)
        #expect(await store.lookup(a.id) != nil)  // t = 280
        clock.advance(seconds: 10)
        #expect(await store.lookup(b.id) != nil)  // t = 290: b is the most recently seen, a the least
        clock.advance(seconds: 15)  // t = 305: b is past 300 s of age, a is not
        #expect(await store.count == 2)
        _ = await store.create("c")
        #expect(await store.count == 2)
        #expect(await store.lookup(a.id) != nil)
    }

    @Test func concurrentUseNeverExceedsCapacityAndRefusesRatherThanEvicts() async {
        let store = SessionStore<Int>(capacity: 50)
        let refusals = await withTaskGroup(of: Int.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    var refused = 0
                    for index in 0..<100 {
                        guard
                            let session = try? await store.create(
                                worker * 1000 + index, owner: "worker-\(worker)-\(index % 20)")
                        else {
                            refused += 1
                            continue
                        }
                        _ = await store.update(session.id) { $0 += 1 }
                        if index % 3 == 0 { await store.remove(session.id) }
                    }
                    return refused
                }
            }
            return await group.reduce(0, +)
        }
        #expect(await store.count <= 50)
        #expect(await store.count > 0)
        #expect(refusals > 0, "800 sign-ins into 50 places: some must have been refused")
    }

    // MARK: CSRF

    @Test func csrfTokenMatchesOnlyItself() async throws {
        let store = store()
        let session = await store.create("p")
        let other = await store.create("q")
        #expect(SessionStore<String>.csrfMatches(session, session.csrfToken))
        #expect(!SessionStore<String>.csrfMatches(session, nil))
        #expect(!SessionStore<String>.csrfMatches(session, ""))
        #expect(!SessionStore<String>.csrfMatches(session, other.csrfToken))
        #expect(!SessionStore<String>.csrfMatches(session, String(session.csrfToken.dropLast())))
        #expect(!SessionStore<String>.csrfMatches(session, session.csrfToken + "x"))
        let flipped = String(session.csrfToken.dropLast()) + (session.csrfToken.hasSuffix("A") ? "B" : "A")
        #expect(!SessionStore<String>.csrfMatches(session, flipped))
    }

    @Test func rotatedSessionRefusesTheOldToken() async throws {
        let store = store()
        let before = await store.create("p")
        let after = try #require(await store.rotate(before.id))
        #expect(!SessionStore<String>.csrfMatches(after, before.csrfToken))
        #expect(SessionStore<String>.csrfMatches(after, after.csrfToken))
    }
}

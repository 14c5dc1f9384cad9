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
    func create(_ payload: Payload) -> Session<Payload> {
        guard let session = try? create(payload, owner: SecureRandom.identifier()) else {
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

    @Test func createdSessionIsFoundByItsIdWithItsPayload() throws {
        let store = store()
        let session = store.create("officer-17")
        #expect(session.id.count == 43 && Self.isBase64URL(session.id))
        #expect(session.csrfToken.count == 43 && Self.isBase64URL(session.csrfToken))
        #expect(session.id != session.csrfToken)
        #expect(try Base64URL.decode(session.id).count == 32)
        let found = try #require(store.lookup(session.id))
        #expect(found.payload == "officer-17")
        #expect(found.csrfToken == session.csrfToken)
        #expect(store.count == 1)
    }

    @Test func unknownOrMalformedIdFindsNothing() {
        let store = store()
        let session = store.create("p")
        #expect(store.lookup(Base64URL.encode(SecureRandom.bytes(32))) == nil)
        #expect(store.lookup("") == nil)
        #expect(store.lookup(String(session.id.dropLast())) == nil)
        #expect(store.lookup(session.id + "A") == nil)
        #expect(store.lookup(String(session.id.dropLast()) + "=") == nil)
    }

    @Test func everySessionGetsItsOwnIdAndToken() {
        let store = store(capacity: 1000)
        let sessions = (0..<200).map { store.create("\($0)") }
        #expect(Set(sessions.map(\.id)).count == 200)
        #expect(Set(sessions.map(\.csrfToken)).count == 200)
    }

    @Test func idleSessionExpiresButUseKeepsItAlive() {
        let store = store(idle: 60)
        let session = store.create("p")
        clock.advance(seconds: 59)
        #expect(store.lookup(session.id) != nil)
        clock.advance(seconds: 59)
        #expect(store.lookup(session.id)?.lastSeen == clock.now)
        clock.advance(seconds: 60)
        #expect(store.lookup(session.id) == nil)
        #expect(store.count == 0)
    }

    @Test func busySessionStillEndsAtTheAbsoluteTimeout() {
        let store = store(idle: 60, absolute: 300)
        let session = store.create("p")
        for _ in 0..<5 {
            clock.advance(seconds: 50)
            #expect(store.lookup(session.id) != nil)
        }
        clock.advance(seconds: 49)  // 299 s after creation
        #expect(store.lookup(session.id) != nil)
        clock.advance(seconds: 1)
        #expect(store.lookup(session.id) == nil)
    }

    @Test func updateChangesThePayloadSeenByLaterLookups() {
        let store = store()
        let session = store.create("draft")
        let updated = store.update(session.id) { $0 += "+signed" }
        #expect(updated?.payload == "draft+signed")
        #expect(store.lookup(session.id)?.payload == "draft+signed")
    }

    @Test func updateOfUnknownOrExpiredSessionDoesNotRunTheBody() {
        let store = store(idle: 60)
        let session = store.create("p")
        clock.advance(seconds: 60)
        var called = false
        #expect(store.update(session.id) { _ in called = true } == nil)
        #expect(!called)
    }

    @Test func removedSessionIsGone() {
        let store = store()
        let session = store.create("p")
        store.remove(session.id)
        #expect(store.lookup(session.id) == nil)
        #expect(store.count == 0)
        store.remove(session.id)  // a second sign-out is harmless
    }

    @Test func rotationInvalidatesTheOldIdAndIssuesANewToken() throws {
        let store = store()
        let anonymous = store.create("cart")
        let rotated = try #require(store.rotate(anonymous.id))
        #expect(rotated.id != anonymous.id)
        #expect(rotated.csrfToken != anonymous.csrfToken)
        #expect(rotated.payload == "cart")
        #expect(store.lookup(anonymous.id) == nil)
        #expect(store.lookup(rotated.id)?.payload == "cart")
        #expect(store.count == 1)
        #expect(store.rotate(anonymous.id) == nil)
    }

    @Test func rotatedSessionStartsANewLifetime() throws {
        let store = store(idle: 60, absolute: 300)
        var session = store.create("p")
        for _ in 0..<5 {
            clock.advance(seconds: 50)
            #expect(store.lookup(session.id) != nil)
        }
        session = try #require(store.rotate(session.id))  // sign-in at 250 s
        clock.advance(seconds: 50)
        #expect(store.lookup(session.id) != nil)
    }

    @Test func aFullStoreRefusesANewSessionAndKeepsEveryExistingOne() throws {
        let store = store(capacity: 3)
        var held: [Session<String>] = []
        for owner in ["a", "b", "c"] {
            held.append(try store.create(owner, owner: owner))
            clock.advance(seconds: 1)
        }
        // Someone new, and an attacker trying again and again: refused every time, nobody is evicted.
        for attempt in 0..<50 {
            #expect(throws: SessionStoreError(.full, "")) { try store.create("x", owner: "intruder-\(attempt % 5)") }
        }
        #expect(store.count == 3)
        for session in held { #expect(store.lookup(session.id)?.payload == session.payload) }
        // Once a session ends, a sign-in fits again.
        store.remove(held[1].id)
        let d = try store.create("d", owner: "d")
        #expect(store.lookup(d.id)?.payload == "d")
        #expect(store.lookup(held[0].id) != nil && store.lookup(held[2].id) != nil)
    }

    @Test func aFullStoreMakesRoomOnlyByDroppingExpiredSessions() throws {
        let store = store(idle: 60, capacity: 2)
        let old = try store.create("old", owner: "a")
        clock.advance(seconds: 30)
        let live = try store.create("live", owner: "b")
        #expect(throws: SessionStoreError.self) { try store.create("c", owner: "c") }
        clock.advance(seconds: 31)  // old is idle past 60 s, live is not
        let c = try store.create("c", owner: "c")
        #expect(store.lookup(old.id) == nil)
        #expect(store.lookup(live.id)?.payload == "live" && store.lookup(c.id)?.payload == "c")
    }

    @Test func manySignInsOfOnePrincipalEndOnlyTheirOwnOldestSessions() throws {
        let store = store(capacity: 100, perOwner: 10)
        let officer = try store.create("officer", owner: "staff:idp officer-1")
        var citizenSessions: [Session<String>] = []
        for index in 0..<500 {  // bounded flood of sign-ins with one citizen token
            clock.advance(.milliseconds(10))
            citizenSessions.append(try store.create("citizen-\(index)", owner: "citizen:idp flooder"))
        }
        #expect(store.lookup(officer.id)?.payload == "officer", "another person's sign-ins evicted the officer")
        #expect(store.count(owner: "citizen:idp flooder") == 10)
        #expect(store.count == 11)
        // The flooder keeps their ten most recent sessions; every earlier one has ended.
        for session in citizenSessions.suffix(10) { #expect(store.lookup(session.id) != nil) }
        for session in citizenSessions.prefix(490) { #expect(store.lookup(session.id) == nil) }
    }

    @Test func aPrincipalAtTheirLimitLosesTheLeastRecentlyUsedOfTheirSessions() throws {
        let store = store(perOwner: 2)
        let first = try store.create("phone", owner: "p")
        clock.advance(seconds: 1)
        let second = try store.create("laptop", owner: "p")
        clock.advance(seconds: 1)
        #expect(store.lookup(first.id) != nil)  // the phone is used again: the laptop is now the least recent
        clock.advance(seconds: 1)
        let third = try store.create("tablet", owner: "p")
        #expect(store.lookup(second.id) == nil)
        #expect(store.lookup(first.id)?.payload == "phone" && store.lookup(third.id)?.payload == "tablet")
        // Rotation keeps the owner: still two sessions for p.
        _ = try #require(store.rotate(first.id))
        #expect(store.count(owner: "p") == 2)
    }

    @Test func creatingDropsIdleSessions() {
        let store = store(idle: 60)
        _ = store.create("a")
        _ = store.create("b")
        clock.advance(seconds: 61)
        let c = store.create("c")
        #expect(store.count == 1)
        #expect(store.lookup(c.id) != nil)
    }

    @Test func creatingDropsSessionsPastTheirAbsoluteLifetimeEvenIfRecentlySeen() {
        let store = store(idle: 60, absolute: 300)
        let b = store.create("b")  // t = 0
        clock.advance(seconds: 10)
        let a = store.create("a")  // t = 10
        for _ in 0..<6 {
            clock.advance(seconds: 40)  // t = 50 … 250
            #expect(store.lookup(a.id) != nil)
            #expect(store.lookup(b.id) != nil)
        }
        clock.advance(seconds: 30)
        #expect(store.lookup(a.id) != nil)  // t = 280
        clock.advance(seconds: 10)
        #expect(store.lookup(b.id) != nil)  // t = 290: b is the most recently seen, a the least
        clock.advance(seconds: 15)  // t = 305: b is past 300 s of age, a is not
        #expect(store.count == 2)
        _ = store.create("c")
        #expect(store.count == 2)
        #expect(store.lookup(a.id) != nil)
    }

    @Test func concurrentUseNeverExceedsCapacityAndRefusesRatherThanEvicts() async {
        let store = SessionStore<Int>(capacity: 50)
        let refusals = await withTaskGroup(of: Int.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    var refused = 0
                    for index in 0..<100 {
                        guard
                            let session = try? store.create(
                                worker * 1000 + index, owner: "worker-\(worker)-\(index % 20)")
                        else {
                            refused += 1
                            continue
                        }
                        _ = store.update(session.id) { $0 += 1 }
                        if index % 3 == 0 { store.remove(session.id) }
                    }
                    return refused
                }
            }
            return await group.reduce(0, +)
        }
        #expect(store.count <= 50)
        #expect(store.count > 0)
        #expect(refusals > 0, "800 sign-ins into 50 places: some must have been refused")
    }

    // MARK: CSRF

    @Test func csrfTokenMatchesOnlyItself() throws {
        let store = store()
        let session = store.create("p")
        let other = store.create("q")
        #expect(SessionStore<String>.csrfMatches(session, session.csrfToken))
        #expect(!SessionStore<String>.csrfMatches(session, nil))
        #expect(!SessionStore<String>.csrfMatches(session, ""))
        #expect(!SessionStore<String>.csrfMatches(session, other.csrfToken))
        #expect(!SessionStore<String>.csrfMatches(session, String(session.csrfToken.dropLast())))
        #expect(!SessionStore<String>.csrfMatches(session, session.csrfToken + "x"))
        let flipped = String(session.csrfToken.dropLast()) + (session.csrfToken.hasSuffix("A") ? "B" : "A")
        #expect(!SessionStore<String>.csrfMatches(session, flipped))
    }

    @Test func rotatedSessionRefusesTheOldToken() throws {
        let store = store()
        let before = store.create("p")
        let after = try #require(store.rotate(before.id))
        #expect(!SessionStore<String>.csrfMatches(after, before.csrfToken))
        #expect(SessionStore<String>.csrfMatches(after, after.csrfToken))
    }
}

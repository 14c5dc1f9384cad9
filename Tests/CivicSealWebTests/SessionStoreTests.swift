import CivicSealCrypto
import CivicSealWeb
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

@Suite("Session store")
struct SessionStoreTests {
    private let clock = ManualClock()

    private func store(idle: Int = 60, absolute: Int = 300, capacity: Int = 100) -> SessionStore<String> {
        let clock = clock
        return SessionStore(
            idleTimeout: .seconds(idle), absoluteTimeout: .seconds(absolute), capacity: capacity, clock: { clock.now })
    }

    private static func isBase64URL(_ text: String) -> Bool {
        text.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x2D
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

    @Test func atCapacityTheLeastRecentlySeenSessionIsEvicted() {
        let store = store(capacity: 3)
        let a = store.create("a")
        clock.advance(seconds: 1)
        let b = store.create("b")
        clock.advance(seconds: 1)
        let c = store.create("c")
        clock.advance(seconds: 1)
        #expect(store.lookup(a.id) != nil)  // a is now more recent than b
        clock.advance(seconds: 1)
        let d = store.create("d")
        #expect(store.count == 3)
        #expect(store.lookup(b.id) == nil)
        #expect(store.lookup(a.id)?.payload == "a")
        #expect(store.lookup(c.id)?.payload == "c")
        #expect(store.lookup(d.id)?.payload == "d")
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

    @Test func concurrentUseNeverExceedsCapacity() async {
        let store = SessionStore<Int>(capacity: 50)
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    for index in 0..<100 {
                        let session = store.create(worker * 1000 + index)
                        _ = store.update(session.id) { $0 += 1 }
                        if index % 3 == 0 { store.remove(session.id) }
                    }
                }
            }
        }
        #expect(store.count <= 50)
        #expect(store.count > 0)
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

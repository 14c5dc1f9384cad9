import CivicSealCrypto
import Synchronization

/// Server-side sessions in memory: the browser holds only a random id (the cookie), the server the payload.
///
/// - The map is keyed by the SHA-256 of the id, so the id never sits in memory after the response that set it,
///   and the dictionary's comparisons (which are not constant-time) only ever compare digests.
/// - A session ends after ``idleTimeout`` without use or ``absoluteTimeout`` after it began, whichever comes
///   first (OWASP Session Management: both are needed); an expired session is never returned.
/// - Sessions belong to an **owner** (the signed-in principal). One owner holds at most ``sessionsPerOwner``: a new
///   sign-in beyond that ends that owner's least recently seen session, never anyone else's.
/// - At most ``capacity`` sessions are kept. When the store is full (after dropping expired sessions), a new session
///   is **refused** with ``SessionStoreError/Code/full``: a flood of sign-ins can never evict other people.
/// - Only signed-in visitors get a session; anonymous visitors' forms use ``SignedCSRFToken``, which keeps nothing.
/// - ``rotate(_:)`` gives a session a new id and CSRF token at sign-in, so an id planted before sign-in
///   (session fixation) is worthless afterwards.
///
/// Time comes from the injected `clock`, so tests move it instead of sleeping.
///
/// With a ``SharedSessionBackend`` (several instances on one PostgreSQL database) the same rules hold, but the
/// sessions live in the backend: a session made by one instance is found, updated, rotated and ended by any other.
/// The in-memory table is then unused; without a backend (SQLite, one process) nothing changes.
///
/// The API is async: a shared backend's calls suspend while the database answers on the store's own threads, so a
/// page handler never blocks Swift's cooperative pool (two threads on a two-core machine). In memory every call
/// completes without suspending, under the store's lock.
package final class SessionStore<Payload: Sendable>: Sendable {
    /// How long a session lives without being looked up or updated.
    package let idleTimeout: Duration
    /// How long a session lives at most from its creation (or its last rotation), however busy.
    package let absoluteTimeout: Duration
    /// The most sessions kept at once.
    package let capacity: Int
    /// The most sessions one owner holds at once.
    package let sessionsPerOwner: Int
    private let clock: @Sendable () -> ContinuousClock.Instant
    private let state: Mutex<State>
    private let shared: SharedSessions<Payload>?

    private struct State: Sendable {
        var table = SessionTable<Payload>()
        var lastSweep: ContinuousClock.Instant
    }

    /// How often ``create(_:)`` also walks every session to drop those past their absolute lifetime
    /// (idle ones are dropped from the least-recent end on every create).
    private static var sweepInterval: Duration { .seconds(60) }

    /// - Precondition: `capacity` and `sessionsPerOwner` are positive and both timeouts are longer than zero.
    package convenience init(
        idleTimeout: Duration = .seconds(30 * 60), absoluteTimeout: Duration = .seconds(8 * 3600),
        capacity: Int = 100_000,
        sessionsPerOwner: Int = 10, clock: @escaping @Sendable () -> ContinuousClock.Instant = { .now }
    ) {
        self.init(
            sharing: nil, idleTimeout: idleTimeout, absoluteTimeout: absoluteTimeout, capacity: capacity,
            sessionsPerOwner: sessionsPerOwner, clock: clock)
    }

    /// A store whose sessions live in `backend`, shared by every instance using it; payloads cross it as
    /// `codec` bytes, sealed under a key only the session id gives (see ``SharedSessionRecord``).
    package convenience init(
        shared backend: any SharedSessionBackend, codec: SessionPayloadCodec<Payload>,
        idleTimeout: Duration = .seconds(30 * 60), absoluteTimeout: Duration = .seconds(8 * 3600),
        capacity: Int = 100_000, sessionsPerOwner: Int = 10,
        clock: @escaping @Sendable () -> ContinuousClock.Instant = { .now }
    ) {
        self.init(
            sharing: SharedSessions(backend: backend, codec: codec), idleTimeout: idleTimeout,
            absoluteTimeout: absoluteTimeout, capacity: capacity, sessionsPerOwner: sessionsPerOwner, clock: clock)
    }

    private init(
        sharing shared: SharedSessions<Payload>?, idleTimeout: Duration, absoluteTimeout: Duration, capacity: Int,
        sessionsPerOwner: Int, clock: @escaping @Sendable () -> ContinuousClock.Instant
    ) {
        precondition(
            capacity > 0 && sessionsPerOwner > 0 && idleTimeout > .zero && absoluteTimeout > .zero,
            "invalid session store limits")
        self.idleTimeout = idleTimeout
        self.absoluteTimeout = absoluteTimeout
        self.capacity = capacity
        self.sessionsPerOwner = sessionsPerOwner
        self.clock = clock
        self.state = Mutex(State(lastSweep: clock()))
        self.shared = shared
    }

    /// Whether sessions live in a shared backend (several instances) rather than in this process.
    package var isShared: Bool { shared != nil }

    private var limits: SessionLimits {
        SessionLimits(
            idleTimeout: idleTimeout, absoluteTimeout: absoluteTimeout, capacity: capacity,
            sessionsPerOwner: sessionsPerOwner)
    }

    /// Starts a session of `owner` holding `payload`, with fresh random id and CSRF token.
    ///
    /// Expired sessions are dropped first. An owner already at ``sessionsPerOwner`` loses its own least recently
    /// seen session. If the store is still full, nothing is evicted: the new session is refused with
    /// ``SessionStoreError/Code/full`` and every existing session stays.
    package func create(_ payload: Payload, owner: String) async throws(SessionStoreError) -> Session<Payload> {
        let (id, key) = Self.newID()
        let csrfToken = Self.newToken()
        if let shared {
            let record = SharedSessionRecord(
                ownerKey: SharedSessions<Payload>.ownerKey(owner), csrfToken: csrfToken,
                sealedPayload: shared.seal(payload, id: id, key: key), age: .zero, idle: .zero)
            try await shared.backend.create(key: key, record: record, limits: limits)
            let now = clock()
            return Session(id: id, csrfToken: csrfToken, payload: payload, created: now, lastSeen: now)
        }
        return try createInMemory(payload, owner: owner, id: id, key: key, csrfToken: csrfToken)
    }

    private func createInMemory(_ payload: Payload, owner: String, id: String, key: [UInt8], csrfToken: String)
        throws(SessionStoreError) -> Session<Payload>
    {
        try state.withLock { (state) throws(SessionStoreError) -> Session<Payload> in
            let now = clock()
            evictExpired(&state, now: now)
            while state.table.count(owner: owner) >= sessionsPerOwner,
                let slot = state.table.leastRecentlySeen(owner: owner)
            {
                state.table.remove(slot: slot)
            }
            guard state.table.count < capacity else {
                throw SessionStoreError(.full, "the session store holds its maximum of \(capacity) sessions")
            }
            state.table.insert(
                .init(key: key, owner: owner, csrfToken: csrfToken, payload: payload, created: now, lastSeen: now))
            return Session(id: id, csrfToken: csrfToken, payload: payload, created: now, lastSeen: now)
        }
    }

    /// How many live or not-yet-dropped sessions `owner` holds.
    package func count(owner: String) async -> Int {
        if let shared { return await shared.backend.count(ownerKey: SharedSessions<Payload>.ownerKey(owner)) }
        return state.withLock { $0.table.count(owner: owner) }
    }

    /// The live session with this id, its ``Session/lastSeen`` moved to now; nil when the id is unknown, malformed
    /// or expired (an expired session is removed).
    package func lookup(_ id: String) async -> Session<Payload>? {
        guard let key = Self.key(for: id) else { return nil }
        if let shared { return await sharedLookup(shared, id: id, key: key) }
        return state.withLock { state in
            guard let slot = liveSlot(&state, key: key) else { return nil }
            return Self.session(id: id, state.table[slot])
        }
    }

    /// Changes the payload of the live session with this id (refreshing it like ``lookup(_:)``) and returns the
    /// result; nil, without calling `body`, when there is no such live session.
    ///
    /// `body` runs while the store is locked: keep it short and do not call the store from it.
    package func update(_ id: String, _ body: (inout Payload) -> Void) async -> Session<Payload>? {
        guard let key = Self.key(for: id) else { return nil }
        if let shared {
            guard var session = await sharedLookup(shared, id: id, key: key) else { return nil }
            body(&session.payload)
            let sealed = shared.seal(session.payload, id: id, key: key)
            return await shared.backend.replacePayload(key: key, sealedPayload: sealed, limits: limits) ? session : nil
        }
        return state.withLock { state in
            guard let slot = liveSlot(&state, key: key) else { return nil }
            state.table.modifyPayload(slot: slot, body)
            return Self.session(id: id, state.table[slot])
        }
    }

    /// Ends the session with this id (sign-out); nothing happens for an unknown id.
    package func remove(_ id: String) async {
        guard let key = Self.key(for: id) else { return }
        if let shared { return await shared.backend.remove(key: key) }
        state.withLock { state in
            if let slot = state.table.slot(for: key) { state.table.remove(slot: slot) }
        }
    }

    /// Moves the live session with this id to a new id and a new CSRF token, keeping its payload; the old id stops
    /// working at once. Call it when privilege changes (sign-in), against session fixation (OWASP). The rotated
    /// session starts a new lifetime: the absolute timeout counts from the rotation. Nil when there is no such
    /// live session.
    package func rotate(_ id: String) async -> Session<Payload>? {
        guard let oldKey = Self.key(for: id) else { return nil }
        let (newID, newKey) = Self.newID()
        let csrfToken = Self.newToken()
        if let shared {
            guard let old = await shared.backend.lookup(key: oldKey, limits: limits),
                let payload = shared.open(old.sealedPayload, id: id, key: oldKey)
            else { return nil }
            let record = SharedSessionRecord(
                ownerKey: old.ownerKey, csrfToken: csrfToken,
                sealedPayload: shared.seal(payload, id: newID, key: newKey), age: .zero, idle: .zero)
            guard await shared.backend.rotate(from: oldKey, to: newKey, record: record, limits: limits) else {
                return nil
            }
            let now = clock()
            return Session(id: newID, csrfToken: csrfToken, payload: payload, created: now, lastSeen: now)
        }
        return state.withLock { state in
            guard let slot = liveSlot(&state, key: oldKey) else { return nil }
            let payload = state.table[slot].payload
            let owner = state.table[slot].owner
            state.table.remove(slot: slot)
            let now = clock()
            state.table.insert(
                .init(key: newKey, owner: owner, csrfToken: csrfToken, payload: payload, created: now, lastSeen: now))
            return Session(id: newID, csrfToken: csrfToken, payload: payload, created: now, lastSeen: now)
        }
    }

    /// Sessions held, including expired ones not yet dropped (they are dropped when met or when sessions are created).
    package var count: Int {
        get async {
            if let shared { return await shared.backend.count() }
            return state.withLock { $0.table.count }
        }
    }

    /// Whether `given` (a form field or header) is this session's CSRF token, compared in constant time over the
    /// UTF-8 bytes; nil or empty never matches.
    package static func csrfMatches(_ session: Session<Payload>, _ given: String?) -> Bool {
        guard let given, !given.isEmpty else { return false }
        return ConstantTime.equals(Array(session.csrfToken.utf8), Array(given.utf8))
    }

    // MARK: Internals

    /// The shared session under `key`, opened with `id`; nil when absent, expired, or its payload does not open.
    private func sharedLookup(_ shared: SharedSessions<Payload>, id: String, key: [UInt8]) async -> Session<Payload>? {
        guard let record = await shared.backend.lookup(key: key, limits: limits),
            let payload = shared.open(record.sealedPayload, id: id, key: key)
        else { return nil }
        let now = clock()
        return Session(id: id, csrfToken: record.csrfToken, payload: payload, created: now - record.age, lastSeen: now)
    }

    /// The slot of the session with `key` if it is live, refreshed to now; an expired one is removed.
    private func liveSlot(_ state: inout State, key: [UInt8]) -> Int? {
        guard let slot = state.table.slot(for: key) else { return nil }
        let now = clock()
        guard !isExpired(state.table[slot], now: now) else {
            state.table.remove(slot: slot)
            return nil
        }
        state.table.touch(slot: slot, now: now)
        return slot
    }

    private func isExpired(_ entry: SessionTable<Payload>.Entry, now: ContinuousClock.Instant) -> Bool {
        now - entry.lastSeen >= idleTimeout || now - entry.created >= absoluteTimeout
    }

    /// Drops idle sessions from the least-recent end (they are all there), and every minute or so walks the whole
    /// table for sessions past their absolute lifetime, which recent use may have kept away from that end.
    private func evictExpired(_ state: inout State, now: ContinuousClock.Instant) {
        while state.table.oldest >= 0, isExpired(state.table[state.table.oldest], now: now) {
            state.table.remove(slot: state.table.oldest)
        }
        guard now - state.lastSweep >= Self.sweepInterval else { return }
        state.lastSweep = now
        for slot in state.table.slotsOldestFirst where isExpired(state.table[slot], now: now) {
            state.table.remove(slot: slot)
        }
    }

    private static func session(id: String, _ entry: SessionTable<Payload>.Entry) -> Session<Payload> {
        Session(
            id: id, csrfToken: entry.csrfToken, payload: entry.payload, created: entry.created, lastSeen: entry.lastSeen
        )
    }

    /// 32 random bytes as unpadded base64url: 43 characters, 256 bits.
    private static func newToken() -> String { Base64URL.encode(SecureRandom.bytes(32)) }

    /// A fresh id and its map key.
    private static func newID() -> (id: String, key: [UInt8]) {
        let id = newToken()
        return (id, Digest.sha256(Array(id.utf8)))
    }

    /// The map key of `id`: its SHA-256; nil for anything that is not 43 base64url characters, which no id is.
    private static func key(for id: String) -> [UInt8]? {
        let bytes = Array(id.utf8)
        guard bytes.count == 43, bytes.allSatisfy(isBase64URLByte) else { return nil }
        return Digest.sha256(bytes)
    }

    private static func isBase64URLByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "_"):
            true
        default: false
        }
    }
}

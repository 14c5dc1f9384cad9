import CivicSealCrypto

/// What a shared session backend keeps per session (a database row): never the id, only its SHA-256 (`key`), the
/// owner's SHA-256, and the payload sealed (AES-256-GCM) under a key derived from the id, so whoever reads the table
/// can neither use a session nor read what it holds.
package struct SharedSessionRecord: Sendable, Equatable {
    package var ownerKey: [UInt8]
    package var csrfToken: String
    package var sealedPayload: [UInt8]
    /// How long ago, by the backend's clock, the session started and was last seen (the backend's clock is shared by
    /// every instance; each instance's monotonic clock is not).
    package var age: Duration
    package var idle: Duration

    package init(ownerKey: [UInt8], csrfToken: String, sealedPayload: [UInt8], age: Duration, idle: Duration) {
        self.ownerKey = ownerKey
        self.csrfToken = csrfToken
        self.sealedPayload = sealedPayload
        self.age = age
        self.idle = idle
    }
}

/// The limits a ``SessionStore`` enforces, handed to its backend.
package struct SessionLimits: Sendable, Equatable {
    package let idleTimeout: Duration
    package let absoluteTimeout: Duration
    package let capacity: Int
    package let sessionsPerOwner: Int
}

/// Sessions kept where every instance sees them (PostgreSQL when `serve --database postgresql://…`). Each call is
/// one short transaction; calls are keyed by the SHA-256 of the session id. Calls are async and must not block the
/// caller's thread (page handlers run on Swift's cooperative pool): the database work runs on the store's threads.
///
/// Semantics are ``SessionStore``'s: an expired session is never returned (and is deleted when met), an owner holds
/// at most ``SessionLimits/sessionsPerOwner`` (its own least recently seen goes), a full store refuses new sessions.
/// A backend that cannot reach its database answers "no session" to lookups (the visitor signs in again later)
/// and throws ``SessionStoreError/Code/unavailable`` from ``create(key:record:limits:)``.
package protocol SharedSessionBackend: Sendable {
    func create(key: [UInt8], record: SharedSessionRecord, limits: SessionLimits) async throws(SessionStoreError)
    /// The live session under `key`, its last-seen time moved to now; nil (and deleted) when expired.
    func lookup(key: [UInt8], limits: SessionLimits) async -> SharedSessionRecord?
    /// Replaces the sealed payload of the live session under `key`; false when there is none.
    func replacePayload(key: [UInt8], sealedPayload: [UInt8], limits: SessionLimits) async -> Bool
    func remove(key: [UInt8]) async
    /// Moves the live session under `oldKey` to `newKey` with `record` (a new lifetime); false when there is none.
    func rotate(from oldKey: [UInt8], to newKey: [UInt8], record: SharedSessionRecord, limits: SessionLimits) async
        -> Bool
    func count(ownerKey: [UInt8]) async -> Int
    func count() async -> Int
}

/// How a ``SessionStore`` turns its payload into bytes for a ``SharedSessionBackend`` and back.
package struct SessionPayloadCodec<Payload: Sendable>: Sendable {
    package let encode: @Sendable (Payload) -> [UInt8]
    package let decode: @Sendable ([UInt8]) -> Payload?

    package init(encode: @escaping @Sendable (Payload) -> [UInt8], decode: @escaping @Sendable ([UInt8]) -> Payload?) {
        self.encode = encode
        self.decode = decode
    }
}

/// The shared mode of a ``SessionStore``: the backend, the codec, and the sealing of payloads.
struct SharedSessions<Payload: Sendable>: Sendable {
    let backend: any SharedSessionBackend
    let codec: SessionPayloadCodec<Payload>

    static var payloadDomain: [UInt8] { Array("civicseal-session-payload-v1".utf8) }

    /// The payload's key: HMAC-SHA256 of the id under a fixed domain; only a holder of the id can derive it.
    static func cipher(id: String) -> AuthenticatedEncryption {
        AuthenticatedEncryption(key: HMAC.authenticationCode(Array(id.utf8), key: payloadDomain))!
    }

    func seal(_ payload: Payload, id: String, key: [UInt8]) -> [UInt8] {
        Self.cipher(id: id).seal(codec.encode(payload), associatedData: key)
    }

    func open(_ sealed: [UInt8], id: String, key: [UInt8]) -> Payload? {
        Self.cipher(id: id).open(sealed, associatedData: key).flatMap(codec.decode)
    }

    static func ownerKey(_ owner: String) -> [UInt8] { Digest.sha256(Array("owner:\(owner)".utf8)) }
}

/// A snapshot of one server-side session, as ``SessionStore`` hands it out.
///
/// The ``id`` is the cookie value and the only way to reach the session; the store itself keeps just its SHA-256.
package struct Session<Payload: Sendable>: Sendable {
    /// The session id: 32 random bytes as unpadded base64url (43 characters), sent as the cookie value.
    package let id: String
    /// The anti-CSRF token for forms of this session: another 32 random bytes as base64url. Compare with
    /// ``SessionStore/csrfMatches(_:_:)``, never with `==`.
    package let csrfToken: String
    /// What the application keeps for this session (e.g. the signed-in officer).
    package var payload: Payload
    /// When the session started (or was last rotated); the absolute timeout counts from here.
    package let created: ContinuousClock.Instant
    /// When the session was last looked up, updated or created; the idle timeout counts from here.
    package let lastSeen: ContinuousClock.Instant

    /// A snapshot with the given values (the store makes these; tests may too).
    package init(
        id: String, csrfToken: String, payload: Payload, created: ContinuousClock.Instant,
        lastSeen: ContinuousClock.Instant
    ) {
        self.id = id
        self.csrfToken = csrfToken
        self.payload = payload
        self.created = created
        self.lastSeen = lastSeen
    }
}

extension Session: Equatable where Payload: Equatable {}

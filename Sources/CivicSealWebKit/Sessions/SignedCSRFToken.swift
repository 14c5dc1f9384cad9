import CivicSealCrypto

/// CSRF protection for visitors without a session, keeping nothing on the server: the signed double-submit
/// cookie (OWASP CSRF Prevention Cheat Sheet, "Signed Double-Submit Cookie").
///
/// - The visitor's browser holds a random **nonce** in a cookie (`HttpOnly; SameSite=Strict`, `__Host-` when Secure).
/// - Each form carries a **token**: an expiry time and `HMAC-SHA256(key, "civicseal-csrf-v1" ‖ expiry ‖ nonce)`.
/// - A post is accepted when the token is unexpired and its tag, recomputed from the cookie's nonce, matches
///   (compared in constant time). Another browser's token, a token without its cookie, a cookie planted without
///   the key, or an old token are all refused.
///
/// By default the key and the expiry clock (monotonic) belong to one process: after a restart an open form's post is
/// refused like an expired one, and the visitor reloads the form. Several instances behind one load balancer share
/// a key (kept in their database) and count expiry on the wall clock (`wallClock`), so a form shown by one instance
/// posts to any other.
package struct SignedCSRFToken: Sendable {
    private let key: [UInt8]
    /// How long a token minted for a form stays valid.
    package let lifetime: Duration
    private let clock: @Sendable () -> ContinuousClock.Instant
    private let epoch: ContinuousClock.Instant
    /// Milliseconds since the Unix epoch, when expiry is counted on the wall clock (shared by instances).
    private let wallClock: (@Sendable () -> Int64)?

    static let domain = Array("civicseal-csrf-v1".utf8)

    /// - Parameters:
    ///   - key: at least 32 secret bytes (a fresh random key by default).
    ///   - lifetime: how long a form may stay open before its post is refused (default 2 hours).
    /// - Precondition: `key` has at least 32 bytes and `lifetime` is positive.
    package init(
        key: [UInt8] = SecureRandom.bytes(32), lifetime: Duration = .seconds(2 * 3600),
        clock: @escaping @Sendable () -> ContinuousClock.Instant = { .now },
        wallClock: (@Sendable () -> Int64)? = nil
    ) {
        precondition(key.count >= 32 && lifetime > .zero, "a CSRF key has at least 32 bytes")
        self.key = key
        self.lifetime = lifetime
        self.clock = clock
        self.wallClock = wallClock
        epoch = clock()
    }

    /// A fresh nonce for the visitor's cookie: 32 random bytes as unpadded base64url (43 characters).
    package static func newNonce() -> String { Base64URL.encode(SecureRandom.bytes(32)) }

    /// Whether `nonce` has the shape ``newNonce()`` gives (anything else from a cookie is replaced).
    package static func isWellFormedNonce(_ nonce: String) -> Bool {
        let bytes = Array(nonce.utf8)
        return bytes.count == 43 && (try? Base64URL.decode(nonce))?.count == 32
    }

    /// The token for a form shown to the visitor holding `nonce`: valid for ``lifetime`` from now.
    package func token(for nonce: String) -> String {
        let expiry = now() + Self.milliseconds(lifetime)
        return Base64URL.encode(Self.bigEndian(expiry) + tag(expiry: expiry, nonce: nonce))
    }

    /// Whether `token` (from the posted form) was minted by this key for `nonce` (from the cookie) and has not
    /// expired. Nil or malformed values never match.
    package func isValid(_ token: String?, nonce: String?) -> Bool {
        guard let token, let nonce, Self.isWellFormedNonce(nonce), token.utf8.count == 54,
            let bytes = try? Base64URL.decode(token), bytes.count == 40,
            // One spelling per token: the unused low bits of the last character must be zero.
            Base64URL.encode(bytes) == token
        else { return false }
        let expiry = bytes[0..<8].reduce(Int64(0)) { $0 << 8 | Int64($1) }
        let expected = tag(expiry: expiry, nonce: nonce)
        guard ConstantTime.equals(Array(bytes[8...]), expected) else { return false }
        return now() < expiry
    }

    private func tag(expiry: Int64, nonce: String) -> [UInt8] {
        HMAC.authenticationCode(Self.domain + Self.bigEndian(expiry) + Array(nonce.utf8), key: key)
    }

    /// Milliseconds since this value was made (a monotonic clock: the wall clock may jump), or since the Unix epoch
    /// on the shared wall clock.
    private func now() -> Int64 { wallClock?() ?? Self.milliseconds(clock() - epoch) }

    private static func milliseconds(_ duration: Duration) -> Int64 {
        let elapsed = duration.components
        return elapsed.seconds * 1000 + elapsed.attoseconds / 1_000_000_000_000_000
    }

    private static func bigEndian(_ value: Int64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * $0)) }
    }
}

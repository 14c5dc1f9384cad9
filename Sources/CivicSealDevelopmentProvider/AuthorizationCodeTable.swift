import CivicSealJSON
import Foundation
import Synchronization

/// What an authorization code stands for until the token endpoint redeems it.
struct AuthorizationGrant: Sendable {
    let clientID: String
    let redirectURI: String
    /// `BASE64URL(SHA-256(code_verifier))` as the authorization request stated it (RFC 7636 §4.2, S256 only).
    let codeChallenge: String
    let nonce: String
    /// The identity claims the ID token will carry (`sub`, the citizen's or officer's claims, `acr`).
    let claims: [String: JSONValue]
    let issuedAt: Date
}

/// The codes handed out and not yet redeemed: bounded, so that nobody outside can make it grow.
///
/// Each code is single-use (taken out at its first redemption, whatever the outcome: RFC 6749 §4.1.2 "The client
/// MUST NOT use the authorization code more than once") and lives ``lifetime`` seconds. Expired entries are evicted
/// before each insertion; when the table still holds ``capacity`` live codes, a new authorization is refused
/// (the authorize page says so) instead of the table growing or an unredeemed code of someone else being dropped.
final class AuthorizationCodeTable: Sendable {
    let capacity: Int
    let lifetime: TimeInterval
    private let entries = Mutex<[String: AuthorizationGrant]>([:])

    init(capacity: Int, lifetime: TimeInterval) {
        self.capacity = capacity
        self.lifetime = lifetime
    }

    /// Stores `grant` under `code`; false when the table is full of live codes.
    func insert(_ grant: AuthorizationGrant, code: String, now: Date) -> Bool {
        entries.withLock { entries in
            if entries.count >= capacity {
                entries = entries.filter { now.timeIntervalSince($0.value.issuedAt) < lifetime }
            }
            guard entries.count < capacity else { return false }
            entries[code] = grant
            return true
        }
    }

    /// Takes `code` out of the table; nil when it is unknown, already redeemed or expired.
    func redeem(_ code: String, now: Date) -> AuthorizationGrant? {
        guard let grant = entries.withLock({ $0.removeValue(forKey: code) }) else { return nil }
        let age = now.timeIntervalSince(grant.issuedAt)
        return age >= 0 && age < lifetime ? grant : nil
    }

    /// Live and expired codes held right now (for tests and metrics).
    var count: Int { entries.withLock { $0.count } }
}

import CivicSealCrypto
import CivicSealWebKit
import Synchronization
import Testing

/// Anonymous CSRF tokens across instances: one key, expiry on a shared wall clock.
@Suite("Signed CSRF token across instances")
struct SharedCSRFTokenTests {
    @Test("a token minted by one instance is accepted by another with the same key until the wall clock passes it")
    func tokensCrossInstances() {
        let key = SecureRandom.bytes(32)
        let wall = Atomic<Int64>(1_800_000_000_000)
        let clock: @Sendable () -> Int64 = { wall.load(ordering: .relaxed) }
        // The second instance started an hour later: its monotonic clock is unrelated, the wall clock is shared.
        let first = SignedCSRFToken(key: key, lifetime: .seconds(600), wallClock: clock)
        let second = SignedCSRFToken(key: key, lifetime: .seconds(600), wallClock: clock)
        let other = SignedCSRFToken(key: SecureRandom.bytes(32), lifetime: .seconds(600), wallClock: clock)
        let nonce = SignedCSRFToken.newNonce()
        let token = first.token(for: nonce)
        #expect(second.isValid(token, nonce: nonce))
        #expect(!other.isValid(token, nonce: nonce))
        #expect(!second.isValid(token, nonce: SignedCSRFToken.newNonce()))
        wall.store(1_800_000_000_000 + 599_000, ordering: .relaxed)
        #expect(second.isValid(token, nonce: nonce))
        wall.store(1_800_000_000_000 + 600_000, ordering: .relaxed)
        #expect(!second.isValid(token, nonce: nonce))
    }
}

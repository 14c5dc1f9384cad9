import CivicSealCrypto
import CivicSealWebKit
import Testing

/// The anonymous visitors' CSRF tokens: signed, bound to the cookie's nonce, expiring, and nothing stored.
@Suite("Signed CSRF tokens (double-submit cookie)")
struct SignedCSRFTokenTests {
    private let clock = ManualClock()

    private func tokens(lifetime: Int = 600, key: [UInt8] = SecureRandom.bytes(32)) -> SignedCSRFToken {
        let clock = clock
        return SignedCSRFToken(key: key, lifetime: .seconds(lifetime), clock: { clock.now })
    }

    @Test func aTokenIsValidForItsOwnNonceOnly() {
        let tokens = tokens()
        let nonce = SignedCSRFToken.newNonce()
        let other = SignedCSRFToken.newNonce()
        #expect(SignedCSRFToken.isWellFormedNonce(nonce) && nonce != other)
        let token = tokens.token(for: nonce)
        #expect(tokens.isValid(token, nonce: nonce))
        #expect(!tokens.isValid(token, nonce: other), "another visitor's cookie")
        #expect(!tokens.isValid(token, nonce: nil), "no cookie (a cross-site post under SameSite=Strict)")
        #expect(!tokens.isValid(nil, nonce: nonce) && !tokens.isValid("", nonce: nonce))
        #expect(!tokens.isValid(tokens.token(for: other), nonce: nonce))
    }

    @Test func everyAlteredByteOfATokenIsRefused() throws {
        let tokens = tokens()
        let nonce = SignedCSRFToken.newNonce()
        let token = tokens.token(for: nonce)
        let bytes = try Base64URL.decode(token)
        for index in bytes.indices {  // 40 bytes: the expiry and the tag
            var altered = bytes
            altered[index] ^= 0x01
            #expect(!tokens.isValid(Base64URL.encode(altered), nonce: nonce), "byte \(index) flipped")
        }
        #expect(!tokens.isValid(String(token.dropLast()), nonce: nonce))
        #expect(!tokens.isValid(token + "A", nonce: nonce))
    }

    @Test func aTokenMintedWithAnotherKeyIsRefused() {
        let nonce = SignedCSRFToken.newNonce()
        let attacker = tokens(key: SecureRandom.bytes(32))
        #expect(!tokens().isValid(attacker.token(for: nonce), nonce: nonce))
    }

    @Test func aTokenExpiresAfterItsLifetime() {
        let tokens = tokens(lifetime: 600)
        let nonce = SignedCSRFToken.newNonce()
        let token = tokens.token(for: nonce)
        clock.advance(seconds: 599)
        #expect(tokens.isValid(token, nonce: nonce))
        clock.advance(seconds: 2)
        #expect(!tokens.isValid(token, nonce: nonce))
        #expect(tokens.isValid(tokens.token(for: nonce), nonce: nonce), "a form shown now gets a fresh token")
    }

    @Test func malformedNoncesAreNotAccepted() {
        for nonce in [
            "", "abc", String(repeating: "A", count: 42), String(repeating: "*", count: 43),
            String(repeating: "A", count: 44),
        ] {
            #expect(!SignedCSRFToken.isWellFormedNonce(nonce), "\(nonce)")
        }
    }
}

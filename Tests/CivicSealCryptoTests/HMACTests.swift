import CivicSealCrypto
import Testing

/// HMAC against RFC 4231's test vectors (the pages' signed CSRF tokens rest on it).
@Suite("HMAC-SHA-2 (RFC 4231)")
struct HMACTests {
    @Test("test case 2: key \"Jefe\"")
    func rfc4231Case2() {
        let tag = HMAC.authenticationCode(Array("what do ya want for nothing?".utf8), key: Array("Jefe".utf8))
        #expect(Hex.encode(tag) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        let tag512 = HMAC.authenticationCode(
            Array("what do ya want for nothing?".utf8), key: Array("Jefe".utf8), algorithm: .sha512)
        #expect(
            Hex.encode(tag512)
                == "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
                + "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"
        )
    }

    @Test("test case 6: a key longer than the block (131 bytes of 0xaa)")
    func rfc4231Case6() {
        let key = [UInt8](repeating: 0xAA, count: 131)
        let tag = HMAC.authenticationCode(
            Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8), key: key)
        #expect(Hex.encode(tag) == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }
}

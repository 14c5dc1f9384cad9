import Testing

@testable import CivicSealCrypto

@Suite("Base64URL")
struct Base64URLTests {
    @Test("round-trips every length from 0 to 64 bytes")
    func roundTripsEveryLength() throws {
        for length in 0...64 {
            let bytes = SecureRandom.bytes(length)
            let text = Base64URL.encode(bytes)
            #expect(!text.contains("=") && !text.contains("+") && !text.contains("/"))
            #expect(try Base64URL.decode(text) == bytes)
        }
    }

    @Test("encodes the RFC 4648 §10 examples without padding")
    func encodesRFC4648Examples() {
        let cases = [
            "": "", "f": "Zg", "fo": "Zm8", "foo": "Zm9v", "foob": "Zm9vYg", "fooba": "Zm9vYmE", "foobar": "Zm9vYmFy",
        ]
        for (plain, encoded) in cases { #expect(Base64URL.encode(Array(plain.utf8)) == encoded) }
        #expect(Base64URL.encode([0xFB, 0xFF]) == "-_8")
    }

    @Test(
        "refuses anything but strict unpadded base64url",
        arguments: [
            "Zg==",  // padding
            "Zg=",  // padding
            "Zm9v\n",  // whitespace
            "Zm 9v",  // whitespace
            "+/8",  // standard alphabet
            "Zm9vY",  // length 1 mod 4
            "Zh",  // non-canonical: unused low bits set
            "Zm9",  // non-canonical: unused low bits set
            "Zm9vYg%",  // not in the alphabet
            "Zm9vÿ",  // non-ASCII
        ])
    func refusesNonStrictInput(_ text: String) {
        #expect(throws: JOSEError(.malformedBase64URL, "")) { try Base64URL.decode(text) }
    }
}

import CivicSealCrypto
import Testing

/// AES-256-GCM: the known answer of the GCM specification, and every alteration refused.
@Suite("AES-256-GCM (the pages' pre-sign-in cookie)")
struct AuthenticatedEncryptionTests {
    static let key = Hex.decode("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308")!
    static let plaintext = Hex.decode(
        "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525"
            + "b16aedf5aa0de657ba637b39")!
    static let associatedData = Hex.decode("feedfacedeadbeeffeedfacedeadbeefabaddad2")!
    /// IV ‖ ciphertext ‖ tag of McGrew and Viega's test case 16 (AES-256, 96-bit IV, with associated data).
    static let box = Hex.decode(
        "cafebabefacedbaddecaf888"
            + "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838"
            + "c5f61e6393ba7a0abcc9f662" + "76fc6ece0f4e1768cddf8853bb2d551b")!

    @Test("the GCM specification's test case 16 opens to its plaintext")
    func knownAnswer() throws {
        let cipher = try #require(AuthenticatedEncryption(key: Self.key))
        #expect(cipher.open(Self.box, associatedData: Self.associatedData) == Self.plaintext)
    }

    @Test("a sealed box opens under the same key and data only; any changed byte, truncation or key is refused")
    func alterationsAreRefused() throws {
        let cipher = AuthenticatedEncryption.randomKey()
        let message = Array("state, nonce and PKCE verifier".utf8)
        let sealed = cipher.seal(message, associatedData: Array("purpose".utf8))
        #expect(sealed.count == 12 + message.count + 16)
        #expect(cipher.open(sealed, associatedData: Array("purpose".utf8)) == message)
        #expect(cipher.seal(message) != cipher.seal(message), "a fresh nonce each time")
        #expect(cipher.open(sealed, associatedData: Array("another".utf8)) == nil)
        #expect(AuthenticatedEncryption.randomKey().open(sealed, associatedData: Array("purpose".utf8)) == nil)
        for index in [0, 11, 12, sealed.count - 17, sealed.count - 1] {
            var altered = sealed
            altered[index] ^= 0x01
            #expect(cipher.open(altered, associatedData: Array("purpose".utf8)) == nil, "byte \(index)")
        }
        #expect(cipher.open(Array(sealed.dropLast()), associatedData: Array("purpose".utf8)) == nil)
        #expect(cipher.open([], associatedData: []) == nil)
        #expect(AuthenticatedEncryption(key: [UInt8](repeating: 0, count: 16)) == nil, "AES-256 keys only")
    }
}
